"""Read side: the postings export (DESIGN.md shape), run history, source health, counts."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from majobs.db import reports, store
from majobs.db.models import Posting
from majobs.items import JobPostingItem
from majobs.sources import SourceConfig

T0 = datetime(2025, 3, 2, 6, 0, tzinfo=UTC)
MakeItem = Callable[..., JobPostingItem]
EXPORT_KEYS = {"id", "title", "employer", "urls", "location", "remote", "employment_type",
               "pay", "date_posted", "valid_through", "is_ma", "ma_confidence", "tags",
               "required_certifications", "status", "first_seen", "last_seen", "sources"}


def crawl(sessions: sessionmaker[Session], source: str, items: list[JobPostingItem],
          now: datetime, outcome: str = "success") -> int:
    with sessions.begin() as session:
        sid = store.ensure_source(session, SourceConfig(name=source, kind="feed", url="http://x"))
        run = store.start_run(session, sid, now=now)
        store.upsert_postings(session, sid, run, items, now)
        expired = store.expire_missing(session, sid, run, now) if outcome == "success" else 0
        store.finish_run(session, run, outcome, outcome == "success",
                         {"items": len(items), "expired": expired},
                         error=None if outcome == "success" else "HTTP 503 on page 2",
                         now=now + timedelta(minutes=5))
        return run


@pytest.fixture
def market(db_sessions: sessionmaker[Session], make_item: MakeItem) -> dict[str, int]:
    url = "https://careers.valley.example/jobs/1?utm_source=x"
    crawl(db_sessions, "valley", [make_item(1, url=url), make_item(2, pay=None),
                                  make_item(3, is_ma=False, title="Medical Receptionist")], T0)
    crawl(db_sessions, "board", [make_item(1, url=url, source="board", external_id="B1")],
          T0 + timedelta(hours=1))
    crawl(db_sessions, "board", [], T0 + timedelta(days=1), outcome="failed")
    crawl(db_sessions, "valley", [make_item(1, url=url)], T0 + timedelta(days=1))
    with db_sessions.begin() as session:
        return {p["title"]: p["id"] for p in store.export_postings(session, include_all=True)}


def test_export_shape(db_sessions: sessionmaker[Session], market: dict[str, int],
                      make_item: MakeItem) -> None:
    with db_sessions.begin() as session:
        rows = list(store.export_postings(session))
    assert [r["title"] for r in rows] == [make_item(1).title]  # active MA only
    row = rows[0]
    assert set(row) == EXPORT_KEYS
    assert row["urls"] == ["https://careers.valley.example/jobs/1",
                           "https://careers.valley.example/jobs/1?utm_source=x"]
    assert row["sources"] == ["valley", "board"]
    assert row["location"] == {"city": "Austin", "state": "TX", "postal_code": "78701",
                               "lat": 30.27, "lon": -97.74}
    assert row["pay"] == {"min": 19.0, "max": 23.0, "period": "hour", "currency": "USD"}
    assert row["date_posted"] == date(2025, 3, 1).isoformat()
    assert row["valid_through"] is None
    assert set(row["tags"]) == {"certifications", "skills", "specializations", "settings"}
    assert row["tags"]["certifications"] == ["BLS", "CMA"]
    assert row["required_certifications"] == ["BLS"]
    assert (row["is_ma"], row["ma_confidence"], row["remote"]) == (True, 0.93, False)
    assert row["status"] == "active" and row["employment_type"] == "full_time"
    assert datetime.fromisoformat(row["first_seen"]) == T0
    assert datetime.fromisoformat(row["last_seen"]) == T0 + timedelta(days=1)
    json.dumps(row)  # plain JSON values only


def test_export_all_includes_expired_and_not_ma(db_sessions: sessionmaker[Session],
                                                market: dict[str, int],
                                                make_item: MakeItem) -> None:
    with db_sessions.begin() as session:
        rows = {r["title"]: r for r in store.export_postings(session, include_all=True)}
    assert rows[make_item(2).title]["status"] == "expired"
    assert rows[make_item(2).title]["pay"] is None
    assert rows["Medical Receptionist"]["is_ma"] is False
    assert [r["id"] for r in rows.values()] == sorted(market.values())


def test_export_streams_in_chunks(db_sessions: sessionmaker[Session], make_item: MakeItem,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from majobs.db import queries

    monkeypatch.setattr(queries, "EXPORT_CHUNK", 3)
    crawl(db_sessions, "valley", [make_item(n) for n in range(1, 11)], T0)
    with db_sessions.begin() as session:
        ids = [r["id"] for r in store.export_postings(session)]
    assert len(ids) == 10 == len(set(ids)) and ids == sorted(ids)


def test_run_history(db_sessions: sessionmaker[Session], market: dict[str, int]) -> None:
    with db_sessions.begin() as session:
        runs = store.run_history(session)
        board = store.run_history(session, "board", limit=1)
    assert [(r["source"], r["outcome"]) for r in runs] == [
        ("valley", "success"), ("board", "failed"), ("board", "success"), ("valley", "success")]
    assert runs[1]["error"] == "HTTP 503 on page 2" and runs[1]["complete"] is False
    assert runs[0]["counts"] == {"items": 1, "expired": 2}
    assert [r["outcome"] for r in board] == ["failed"]


def test_source_health(db_sessions: sessionmaker[Session], market: dict[str, int]) -> None:
    with db_sessions.begin() as session:
        health = {h["source"]: h for h in store.source_health(session)}
    assert health["board"]["health"] == "failing"
    assert health["board"]["failures_in_a_row"] == 1
    assert health["board"]["last_success_at"] == T0 + timedelta(hours=1, minutes=5)
    assert (health["board"]["live_postings"], health["board"]["live_ma_postings"]) == (1, 1)
    assert health["valley"]["health"] == "ok"
    assert (health["valley"]["live_postings"], health["valley"]["live_ma_postings"]) == (1, 1)
    assert health["valley"]["last_run"]["counts"]["expired"] == 2


def test_posting_counts(db_sessions: sessionmaker[Session], market: dict[str, int]) -> None:
    with db_sessions.begin() as session:
        counts = store.posting_counts(session)
    assert counts == {"postings": 3, "ma_active": 1, "not_ma": 1, "multi_source": 1,
                      "active": 1, "expired": 2, "rejected": 0}


def test_reports_by_url(db_url: str, db_sessions: sessionmaker[Session],
                        market: dict[str, int]) -> None:
    recent = reports.recent_runs(db_url, None, 2)
    assert [r["source"] for r in recent] == ["valley", "board"]
    picked = reports.runs_by_id(db_url, [recent[1]["id"], 999_999, recent[0]["id"]])
    assert [r["id"] for r in picked] == [recent[1]["id"], recent[0]["id"]]
    assert reports.posting_counts(db_url)["postings"] == 3
    with db_sessions.begin() as session:
        assert session.get(Posting, market["Medical Receptionist"]).status == "expired"
