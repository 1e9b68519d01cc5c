"""What the browser tests share: accounts, the site under test, page helpers.
(A module of its own: a name like ``conftest`` is taken by several files.)
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("MAJOBS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
ADMIN = ("ada", "admin password 1")
STAFF = ("sam", "staff password 1")
MARKET_POSTINGS = 120
XSS_HTML = (
    '<p>Friendly clinic seeks a medical assistant.</p>'
    '<script>window.__xss = "script"; alert("script")</script>'
    '<img src="x" onerror="window.__xss = \'onerror\'; alert(\'onerror\')">'
    '<a id="evil-link" href="javascript:window.__xss=\'href\';alert(\'href\')">Apply now</a>'
    '<svg><script>window.__xss="svg"</script></svg>'
    '<iframe src="javascript:alert(\'iframe\')"></iframe>'
    '<form action="javascript:alert(1)"><button>go</button></form>'
    '<div onmouseover="window.__xss=\'hover\'">Hover me</div>'
)


def need_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    reason = f"chromium not found at {CHROMIUM} (apt-get install -y chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI=true: the browser tests must run", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_majobs(*args: str, stdin: str | None = None, env: dict[str, str] | None = None,
            cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "majobs.cli", *args], input=stdin, text=True,
                          capture_output=True, env=env, cwd=cwd, timeout=300)


def add_xss_posting(db_url: str) -> int:
    """A posting stored with raw script payloads, as a careless writer could leave it:
    the page must sanitize again at render time."""
    from majobs.db import store
    from majobs.db.engine import make_engine, session_factory
    from majobs.db.models import Posting
    from majobs.sources import SourceConfig

    engine = make_engine(db_url)
    now = datetime.now(UTC)
    with session_factory(engine).begin() as session:
        sid = store.ensure_source(session, SourceConfig(name="odd-board", kind="feed",
                                                        url="http://127.0.0.1/feed.xml"))
        posting = Posting(
            title='Medical Assistant <img src=x onerror="window.__xss=\'title\'">',
            employer="Evil <script>alert(1)</script> Clinic", city="Houston", state="TX",
            postal_code="77002", lat=29.75, lon=-95.36, description_html=XSS_HTML,
            description_text="Friendly clinic seeks a medical assistant.", is_ma=True,
            ma_confidence=0.51, ma_rule="title:medical assistant", status="active",
            tags={"skills": ["vital_signs"], "certifications": ["BLS"]},
            required_certifications=[], preferred_certifications=[], first_seen=now,
            last_seen=now, updated_at=now, pay_hourly_min=18.0, pay_hourly_max=21.0,
            pay_min=18.0, pay_max=21.0, pay_period="hour", pay_currency="USD")
        session.add(posting)
        session.flush()
        from majobs.db.models import Sighting

        session.add(Sighting(posting_id=posting.id, source_id=sid, external_key="xss-1",
                             url="javascript:alert('sighting')", first_seen=now,
                             last_seen=now))
        pid = posting.id
    engine.dispose()
    return pid


@dataclass
class LiveSite:
    base_url: str
    db_url: str
    xss_posting: int
    log: Path
    shots: list[Path] = field(default_factory=list)


@dataclass
class Watched:
    """What a page did that it should not: dialogs, script errors, console errors."""

    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)


def new_page(browser: Any, live_site: LiveSite, watched: Watched) -> Any:
    context = browser.new_context(base_url=live_site.base_url,
                                  viewport={"width": 1360, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()

    def on_dialog(dialog: Any) -> None:
        watched.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda exc: watched.errors.append(str(exc)))
    page.on("console", lambda msg: watched.console.append(f"{msg.type}: {msg.text}"))
    return page


def log_in(page: Any, who: tuple[str, str]) -> None:
    page.goto("/login")
    page.fill("input[name=name]", who[0])
    page.fill("input[name=password]", who[1])
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def screenshot(page: Any, name: str, full_page: bool = True) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def copy_for_docs(path: Path) -> None:
    """Refresh docs/screenshots/ only when asked (MAJOBS_UPDATE_DOCS_SCREENSHOTS=1)."""
    if os.environ.get("MAJOBS_UPDATE_DOCS_SCREENSHOTS") == "1":
        docs = ROOT / "docs" / "screenshots"
        docs.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, docs / path.name)


def wait_for(url: str, server: subprocess.Popen[Any], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"majobs serve exited: {log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"majobs serve did not answer at {url}: {log.read_text()[-3000:]}")
