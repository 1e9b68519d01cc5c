"""Sources and crawl runs pages: health, errors, the enabled switch, run history paging."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient
from web_support import ADMIN, NOW, Seeded, add_users, login, seed, use_fast_hasher

from majobs.db.models import Source
from majobs.db.web_queries.sources import run_page
from majobs.web import create_app


@pytest.fixture(autouse=True)
def _fast_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fast_hasher(monkeypatch)


@pytest.fixture
def seeded(db_engine: Engine) -> Seeded:
    add_users(db_engine)
    return seed(db_engine)


@pytest.fixture
def admin(db_engine: Engine, seeded: Seeded) -> Iterator[tuple[TestClient, str]]:
    app = create_app(str(db_engine.url), secret_key="test-secret", engine=db_engine)
    with TestClient(app) as client:
        yield client, login(client, *ADMIN)


def _row(html: str, source: str) -> str:
    match = re.search(rf'<tr class="health-[a-z_]+">\s*<td><a href="/sources/{source}">.*?</tr>',
                      html, re.S)
    assert match, source
    return match.group(0)


def test_health_shows_each_sources_last_run_and_error(admin: tuple[TestClient, str]) -> None:
    client, _ = admin
    html = client.get("/sources").text
    broken = _row(html, "broken-board")
    assert "failing" in broken and "HTTP 500 from https://boards.example" in broken
    valley = _row(html, "valley-gh")
    assert ">ok<" in valley and "success" in valley
    assert re.search(r'<td class="num">8</td>', valley)  # items in its last run
    assert "not_a_posting: 1" in client.get("/runs").text


def test_enable_and_disable_a_source(admin: tuple[TestClient, str],
                                     db_sessions: sessionmaker[Session]) -> None:
    client, token = admin

    def enabled() -> bool:
        with db_sessions.begin() as session:
            return bool(session.scalar(select(Source.enabled)
                                       .where(Source.name == "metro-feed")))

    assert enabled()
    client.post("/sources/metro-feed/enabled", data={"enabled": "0", "csrf_token": token})
    assert not enabled()
    assert "Enable</button>" in _row(client.get("/sources").text, "metro-feed")
    client.post("/sources/metro-feed/enabled", data={"enabled": "1", "csrf_token": token})
    assert enabled()
    missing = client.post("/sources/nope/enabled", data={"enabled": "1", "csrf_token": token})
    assert missing.status_code == 404


def test_run_history_pages_newest_first(admin: tuple[TestClient, str], db_engine: Engine,
                                        db_sessions: sessionmaker[Session]) -> None:
    client, _ = admin
    for day in range(1, 4):
        seed(db_engine, NOW + timedelta(days=day))  # three more crawls of every source
    with db_sessions.begin() as session:
        first, before = run_page(session, "valley-gh", limit=3)
        second, after = run_page(session, "valley-gh", before, limit=3)
        everything, _ = run_page(session, None, limit=500)
    assert [r["id"] for r in first + second] == sorted(
        (r["id"] for r in everything if r["source"] == "valley-gh"), reverse=True)
    assert len(first) == 3 and len(second) == 1 and after is None
    page = client.get("/sources/valley-gh")
    assert page.status_code == 200 and page.text.count('<tr class="outcome-success">') == 4
    assert client.get("/sources/nope").status_code == 404
    assert client.get("/runs", params={"before": "x"}).text == client.get("/runs").text
