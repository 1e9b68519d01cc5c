"""Expiry: only complete runs expire; a posting lives while any source still lists it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from majobs.db import store
from majobs.db.models import Posting, Sighting
from majobs.items import JobPostingItem
from majobs.sources import SourceConfig

T0 = datetime(2025, 3, 2, 6, 0, tzinfo=UTC)
DAY = timedelta(days=1)
MakeItem = Callable[..., JobPostingItem]


def crawl(sessions: sessionmaker[Session], source: str, items: list[JobPostingItem],
          now: datetime, complete: bool = True) -> tuple[store.UpsertResult, int]:
    """One run of `source` that saw `items`; expires the rest when complete.
    Returns the upsert result and the number of postings expired."""
    with sessions.begin() as session:
        sid = store.ensure_source(session, SourceConfig(name=source, kind="lever", board="x"))
        run = store.start_run(session, sid, now=now)
    with sessions.begin() as session:
        result = store.upsert_postings(session, sid, run, items, now)
    expired = 0
    with sessions.begin() as session:
        if complete:
            expired = store.expire_missing(session, sid, run, now)
        store.finish_run(session, run, "success" if complete else "partial", complete,
                         {"items": len(items), "expired": expired})
    return result, expired


def statuses(sessions: sessionmaker[Session]) -> dict[int, str]:
    with sessions.begin() as session:
        return dict(session.execute(select(Posting.id, Posting.status)).all())


def test_complete_run_expires_what_it_did_not_see(db_sessions: sessionmaker[Session],
                                                  make_item: MakeItem) -> None:
    first, _ = crawl(db_sessions, "clinic-a", [make_item(n) for n in (1, 2, 3)], T0)
    _, expired = crawl(db_sessions, "clinic-a", [make_item(1), make_item(3)], T0 + DAY)
    assert expired == 1
    gone = first.posting_ids[1]
    assert statuses(db_sessions) == {pid: "expired" if pid == gone else "active"
                                     for pid in first.posting_ids}
    with db_sessions.begin() as session:
        p = session.get(Posting, gone)
        assert p.expired_at == T0 + DAY
        sighting = session.scalars(select(Sighting).where(Sighting.posting_id == gone)).one()
        assert sighting.gone_at == T0 + DAY


def test_incomplete_run_expires_nothing(db_sessions: sessionmaker[Session],
                                        make_item: MakeItem) -> None:
    crawl(db_sessions, "clinic-a", [make_item(n) for n in (1, 2, 3)], T0)
    _, expired = crawl(db_sessions, "clinic-a", [make_item(1)], T0 + DAY, complete=False)
    assert expired == 0
    assert set(statuses(db_sessions).values()) == {"active"}


def test_expired_posting_seen_again_is_active_again(db_sessions: sessionmaker[Session],
                                                    make_item: MakeItem) -> None:
    first, _ = crawl(db_sessions, "clinic-a", [make_item(1), make_item(2)], T0)
    crawl(db_sessions, "clinic-a", [make_item(1)], T0 + DAY)
    again, expired = crawl(db_sessions, "clinic-a", [make_item(1), make_item(2)], T0 + 2 * DAY)
    assert expired == 0
    assert (again.updated, again.unchanged) == (1, 1)  # revived counts as updated
    assert set(statuses(db_sessions).values()) == {"active"}
    with db_sessions.begin() as session:
        p = session.get(Posting, first.posting_ids[1])
        assert p.expired_at is None and p.last_seen == T0 + 2 * DAY


def test_multi_source_posting_expires_only_when_every_sighting_is_gone(
        db_sessions: sessionmaker[Session], make_item: MakeItem) -> None:
    url = "https://careers.valley.example/jobs/1"
    a = make_item(1, url=url)
    b = make_item(1, url=url, source="board-b", external_id="b-1")
    first, _ = crawl(db_sessions, "clinic-a", [a], T0)
    crawl(db_sessions, "board-b", [b], T0)
    _, expired = crawl(db_sessions, "clinic-a", [], T0 + DAY)  # gone from the employer...
    assert expired == 0 and statuses(db_sessions) == {first.posting_ids[0]: "active"}
    _, expired = crawl(db_sessions, "board-b", [], T0 + 2 * DAY)  # ... and from the board
    assert expired == 1 and statuses(db_sessions) == {first.posting_ids[0]: "expired"}


def test_rejected_posting_is_never_expired_or_revived(db_sessions: sessionmaker[Session],
                                                      make_item: MakeItem) -> None:
    first, _ = crawl(db_sessions, "clinic-a", [make_item(1)], T0)
    pid = first.posting_ids[0]
    with db_sessions.begin() as session:
        session.get(Posting, pid).status = "rejected"
    _, expired = crawl(db_sessions, "clinic-a", [], T0 + DAY)
    assert expired == 0 and statuses(db_sessions) == {pid: "rejected"}
    crawl(db_sessions, "clinic-a", [make_item(1)], T0 + 2 * DAY)
    assert statuses(db_sessions) == {pid: "rejected"}


def test_other_sources_are_untouched_by_a_run(db_sessions: sessionmaker[Session],
                                              make_item: MakeItem) -> None:
    crawl(db_sessions, "clinic-a", [make_item(1)], T0)
    b, _ = crawl(db_sessions, "board-b", [make_item(2, source="board-b",
                                                    url="https://b.example/2")], T0)
    crawl(db_sessions, "clinic-a", [], T0 + DAY)
    assert statuses(db_sessions)[b.posting_ids[0]] == "active"


def test_expire_past_valid_through(db_sessions: sessionmaker[Session],
                                   make_item: MakeItem) -> None:
    items = [make_item(1, valid_through=T0 + DAY), make_item(2, valid_through=T0 + 5 * DAY),
             make_item(3, valid_through=None)]
    first, _ = crawl(db_sessions, "clinic-a", items, T0)
    with db_sessions.begin() as session:
        assert store.expire_past_valid_through(session, T0 + 2 * DAY) == 1
    assert statuses(db_sessions)[first.posting_ids[0]] == "expired"
    # still listed by the source: seen again, but its date has passed, so it stays expired
    again, _ = crawl(db_sessions, "clinic-a", items, T0 + 3 * DAY)
    assert statuses(db_sessions)[first.posting_ids[0]] == "expired"
    assert again.unchanged == 3
    # the employer extends the date: the changed posting is active again
    items[0] = make_item(1, valid_through=T0 + 30 * DAY)
    crawl(db_sessions, "clinic-a", items, T0 + 4 * DAY)
    assert set(statuses(db_sessions).values()) == {"active"}


def test_concurrent_runs_of_one_source_do_not_expire_each_others_items(
        db_sessions: sessionmaker[Session], make_item: MakeItem) -> None:
    """Two workers crawl one source, each with a run of its own, each seeing half."""
    crawl(db_sessions, "clinic-a", [make_item(n) for n in range(1, 5)], T0)
    later = T0 + DAY
    with db_sessions.begin() as session:
        sid = store.ensure_source(session, SourceConfig(name="clinic-a", kind="lever", board="x"))
        run_a = store.start_run(session, sid, now=later)
        run_b = store.start_run(session, sid, now=later)
        store.upsert_postings(session, sid, run_a, [make_item(1), make_item(2)], later)
        store.upsert_postings(session, sid, run_b, [make_item(3)], later + timedelta(minutes=1))
    with db_sessions.begin() as session:
        assert store.expire_missing(session, sid, run_a, later + timedelta(minutes=2)) == 1
    assert sorted(statuses(db_sessions).values()) == ["active"] * 3 + ["expired"]
