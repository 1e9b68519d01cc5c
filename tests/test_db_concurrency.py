"""Several writers storing the same items at once: no duplicate sightings or postings."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from majobs.db import session_factory, store
from majobs.db.models import Posting, Sighting
from majobs.items import JobPostingItem
from majobs.sources import SourceConfig

NOW = datetime(2025, 3, 2, 6, 0, tzinfo=UTC)
MakeItem = Callable[..., JobPostingItem]


def _source_run(sessions: sessionmaker[Session]) -> tuple[int, int]:
    with sessions.begin() as session:
        sid = store.ensure_source(session, SourceConfig(name="shared", kind="lever", board="x"))
        return sid, store.start_run(session, sid)


def _wait_for_lock_waiter(engine: Engine) -> None:
    """PostgreSQL: return once some backend waits on a row lock (the second writer
    reached the sightings that the first one holds). SQLite: writers queue at BEGIN."""
    if engine.dialect.name != "postgresql":
        return
    deadline = time.monotonic() + 60
    with engine.connect() as conn:
        while time.monotonic() < deadline:
            waiting = conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()")).scalar()
            conn.rollback()
            if waiting:
                return
            time.sleep(0.05)
    pytest.fail("the second writer never waited for the first one's rows")


def _totals(sessions: sessionmaker[Session]) -> tuple[int, int, int]:
    with sessions.begin() as session:
        sightings = session.scalar(select(func.count()).select_from(Sighting))
        keys = session.scalar(select(func.count(func.distinct(Sighting.external_key))))
        postings = session.scalar(select(func.count()).select_from(Posting))
        return sightings or 0, keys or 0, postings or 0


def test_second_writer_adopts_the_first_ones_postings(db_engine: Engine,
                                                      make_item: MakeItem) -> None:
    """Writer B starts before writer A commits, so it cannot see A's rows and creates
    postings of its own; the sighting upsert then meets A's keys, and B must adopt A's
    postings and drop its own empty ones."""
    sessions = session_factory(db_engine)
    sid, run = _source_run(sessions)
    items = [make_item(n) for n in range(1, 41)]
    results: dict[str, store.UpsertResult] = {}
    errors: list[BaseException] = []
    a_stored, release = threading.Event(), threading.Event()

    def writer(name: str, hold: bool) -> None:
        try:
            with sessions.begin() as session:
                results[name] = store.upsert_postings(session, sid, run, items, NOW)
                if hold:
                    a_stored.set()
                    release.wait(timeout=60)
        except BaseException as exc:
            errors.append(exc)
            a_stored.set()

    a = threading.Thread(target=writer, args=("a", True))
    a.start()
    a_stored.wait(timeout=60)
    b = threading.Thread(target=writer, args=("b", False))
    b.start()
    _wait_for_lock_waiter(db_engine)
    release.set()
    a.join()
    b.join()
    assert errors == []
    assert results["a"].posting_ids == results["b"].posting_ids
    assert _totals(sessions) == (40, 40, 40)
    assert results["a"].new + results["b"].new == 40


def test_many_writers_overlapping_batches(db_engine: Engine, make_item: MakeItem) -> None:
    sessions = session_factory(db_engine)
    sid, run = _source_run(sessions)
    start = threading.Barrier(4)
    errors: list[BaseException] = []
    seen: dict[int, set[int | None]] = {}
    lock = threading.Lock()

    def writer(w: int) -> None:
        try:
            start.wait()
            for rnd in range(3):
                ns = list(range(1 + w * 10 + rnd * 5, 41 + w * 10 + rnd * 5))
                with sessions.begin() as session:
                    res = store.upsert_postings(
                        session, sid, run, [make_item(n) for n in ns], NOW)
                with lock:
                    for n, pid in zip(ns, res.posting_ids, strict=True):
                        seen.setdefault(n, set()).add(pid)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    n_items = len(seen)
    assert _totals(sessions) == (n_items, n_items, n_items)
    assert all(len(pids) == 1 for pids in seen.values())  # every writer got one answer
