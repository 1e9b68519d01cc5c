"""Browser tests: Debian's chromium driven by Playwright's sync API, against a real
``majobs serve`` on 127.0.0.1 over a database crawled from the demo board.

Never ``playwright install``: the browser is /usr/bin/chromium (apt). Without it the
tests skip, or FAIL under CI=true.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from browser_support import (
    ADMIN,
    CHROMIUM,
    CHROMIUM_ARGS,
    MARKET_POSTINGS,
    STAFF,
    LiveSite,
    Watched,
    add_xss_posting,
    free_port,
    need_chromium,
    new_page,
    run_majobs,
    wait_for,
)


@pytest.fixture(scope="session")
def live_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSite]:
    need_chromium()
    from majobs.demoboard.generator import generate_market
    from majobs.demoboard.server import DemoBoardServer

    work = tmp_path_factory.mktemp("site")
    db_url = f"sqlite:///{work / 'majobs.db'}"
    env = {**os.environ, "MAJOBS_SECRET_KEY": "browser-test-secret",
           "MAJOBS_INDEX_DIR": str(work / "index")}
    env.pop("MAJOBS_CONFIG", None)
    market = generate_market(postings=MARKET_POSTINGS, seed=7)
    with DemoBoardServer(market) as board:
        sources = work / "sources.yaml"
        sources.write_text(market.sources_yaml(board.base_url), encoding="utf-8")
        crawl = run_majobs("crawl", "--sources", str(sources), "--db", db_url, "--quiet",
                        env=env, cwd=work)
    assert crawl.returncode in (0, 1), crawl.stderr[-3000:]
    for (name, password), role in ((ADMIN, "admin"), (STAFF, "staff")):
        made = run_majobs("users", "add", name, "--role", role, "--password-stdin", "--db", db_url,
                    stdin=password + "\n", env=env, cwd=work)
        assert made.returncode == 0, made.stderr
    xss = add_xss_posting(db_url)
    port = free_port()
    log = (work / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "majobs.cli", "serve", "--host", "127.0.0.1", "--port",
         str(port), "--db", db_url], env=env, cwd=work, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/login", server, work / "serve.log")
        yield LiveSite(base_url=base, db_url=db_url, xss_posting=xss, log=work / "serve.log")
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")  # sync Playwright holds an event loop: free it after
def browser(live_site: LiveSite) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                      headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def watched() -> Watched:
    return Watched()


@pytest.fixture
def page(browser: Any, live_site: LiveSite, watched: Watched) -> Iterator[Any]:
    page = new_page(browser, live_site, watched)
    yield page
    page.context.close()


