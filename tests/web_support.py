"""Helpers shared by the web tests (HTTP and browser): users, a seeded database, login.

The seeded postings go through the real store (``upsert_postings``), as a crawl would
write them, from items built like the pipeline leaves them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from item_factory import build_item
from sqlalchemy import Engine

from majobs.db import store
from majobs.db.engine import session_factory
from majobs.db.web_queries import users
from majobs.sources import SourceConfig
from majobs.web import auth
from majobs.web.auth import hash_password

ADMIN = ("ada", "admin-password-1")
STAFF = ("sam", "staff-password-1")
NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
XSS_DESCRIPTION = (
    '<p>Great MA job.</p><script>window.__xss = "script"; alert(1)</script>'
    '<img src="x" onerror="window.__xss = \'onerror\'; alert(2)">'
    '<a href="javascript:window.__xss=\'href\';alert(3)">apply</a>'
    '<svg onload="window.__xss=\'svg\'"></svg>'
    '<iframe src="javascript:alert(4)"></iframe>'
    '<p onclick="alert(5)">Click</p><style>body{display:none}</style>'
)
XSS_TITLE = '<img src=x onerror="window.__xss=\'title\'">Medical Assistant'


# Real argon2id, with cheap settings: the defaults cost ~0.8 s a hash on a small CI box.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def use_fast_hasher(monkeypatch: Any) -> None:
    monkeypatch.setattr(auth, "HASHER", FAST_HASHER)


def add_users(engine: Engine) -> None:
    with session_factory(engine).begin() as session:
        for (name, password), role in ((ADMIN, "admin"), (STAFF, "staff")):
            users.add_user(session, name, role, hash_password(password))


@dataclass
class Seeded:
    sources: dict[str, int] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)   # label -> posting id


def _store(engine: Engine, source: str, items: list[Any], now: datetime,
           outcome: str = "success", error: str | None = None) -> tuple[int, list[int | None]]:
    with session_factory(engine).begin() as session:
        sid = store.ensure_source(session, SourceConfig(name=source, kind="greenhouse",
                                                        board=source))
        run = store.start_run(session, sid, now=now - timedelta(minutes=5))
        result = store.upsert_postings(session, sid, run, items, now)
        counts = {"pages": 1, "items": len(items), "ma_items": sum(bool(i.is_ma) for i in items),
                  "new": result.new, "updated": result.updated, "unchanged": result.unchanged,
                  "expired": 0, "dropped": {"not_a_posting": 1}}
        store.finish_run(session, run, outcome, outcome == "success", counts, error, now=now)
    return sid, result.posting_ids


def market_items() -> dict[str, tuple[list[Any], list[str]]]:
    """source -> (items, labels): what each source publishes, the same on every call."""
    austin = {"city": "Austin", "state": "TX", "postal_code": "78701"}
    items, labels = [], []
    for n, (title, conf, is_ma, employer) in enumerate([
        ("Medical Assistant", 0.97, True, "Valley Family Clinic"),
        ("Clinical Medical Assistant - Pediatrics", 0.91, True, "Sunrise Pediatrics"),
        ("Medical Office Assistant", 0.62, True, "Hill Country Dermatology"),
        ("Ophthalmic Assistant", 0.55, True, "Clear View Eye Care"),
        ("Certified Medication Aide (CMA)", 0.41, False, "Oak Manor Assisted Living"),
        ("Physician Assistant PA-C", 0.03, False, "Capital Ortho Group"),
    ], start=1):
        items.append(build_item(n, source="valley-gh", title=title, employer=employer,
                                ma_confidence=conf, is_ma=is_ma, **austin))
        labels.append(f"p{n}")
    xss = build_item(7, source="valley-gh", title=XSS_TITLE, employer="Evil <b>Corp</b>",
                     ma_confidence=0.88, **austin)
    xss.safe_html = XSS_DESCRIPTION  # as if an older writer stored it unsanitized
    items.append(xss)
    labels.append("xss")
    dup_text = ("Lakeside Clinic seeks a Medical Assistant for rooming, vitals, injections "
                "and EKGs in our busy family practice. CCMA or CMA required.")
    items.append(build_item(8, source="valley-gh", title="Medical Assistant",
                            employer="Lakeside Clinic", text=dup_text, ma_confidence=0.93,
                            **austin))
    labels.append("dup_a")
    other = build_item(9, source="metro-feed", title="Medical Assistant",
                       employer="Lakeside Clinic", ma_confidence=0.9,
                       text="Via MetroJobs: totally different words about a front desk "
                            "receptionist opening with billing, scheduling, and insurance.",
                       **austin)
    return {"valley-gh": (items, labels), "metro-feed": ([other], ["dup_b"])}


def seed(engine: Engine, now: datetime = NOW) -> Seeded:
    """A small market: MA postings at several confidences, look-alikes, a duplicate pair
    from two sources, a posting carrying script payloads, and a failed source. Calling
    it again is the next crawl of the same sources."""
    seeded = Seeded()
    for source, (items, labels) in market_items().items():
        sid, ids = _store(engine, source, items, now)
        seeded.sources[source] = sid
        for label, pid in zip(labels, ids, strict=True):
            assert pid is not None
            seeded.ids[label] = pid
    sid, _ = _store(engine, "broken-board", [], now, outcome="failed",
                    error="HTTP 500 from https://boards.example/v1/boards/broken/jobs")
    seeded.sources["broken-board"] = sid
    return seeded


CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def login(client: Any, name: str, password: str) -> str:
    """Log in through the form; returns the session's CSRF token."""
    page = client.get("/login")
    token = csrf_of(page.text)
    response = client.post("/login", data={"name": name, "password": password,
                                           "csrf_token": token, "next": "/"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/candidates").text)
