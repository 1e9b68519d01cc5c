"""The review queue's SQL: filters and keyset paging, on SQLite and PostgreSQL."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session, sessionmaker

from majobs.db.engine import session_factory
from majobs.db.models import Base, Posting, Sighting, Source
from majobs.db.web_queries.review_queue import (
    QueueFilters,
    decode_cursor,
    encode_cursor,
    queue_count,
    queue_page,
)

BASE = datetime(2025, 1, 1, tzinfo=UTC)
EMPLOYERS = ["Valley Clinic", "Sunrise Pediatrics", "Oak Manor", "100% Care_Group"]


def _rows(seed: int, n: int) -> list[dict]:
    """Postings with ties in confidence (both sides of 0.5), nulls, every status."""
    rng = random.Random(seed)
    confidences = [0.5, 0.25, 0.75, 0.1, 0.9, None, 0.49, 0.51, 0.0, 1.0]
    rows = []
    for i in range(n):
        conf = rng.choice(confidences) if rng.random() < 0.5 else round(rng.random(), 3)
        rows.append({
            "title": f"Medical Assistant {i}" if i % 3 else f"Phlebotomist {i}",
            "employer": EMPLOYERS[i % len(EMPLOYERS)],
            "status": rng.choice(["active", "active", "expired", "rejected"]),
            "is_ma": rng.random() < 0.6, "ma_confidence": conf,
            "review_is_ma": rng.choice([None, None, None, True, False]),
            "first_seen": BASE + timedelta(days=rng.randrange(60)),
            "last_seen": BASE + timedelta(days=60, minutes=rng.choice([0, 0, 5, 7, 9])),
        })
    return rows


@pytest.fixture(scope="module")
def sessions(migrated_engine: Engine) -> Iterator[sessionmaker[Session]]:
    """One table for the whole module (the tests only read, or undo what they change)."""
    factory = session_factory(migrated_engine)
    with factory.begin() as session:
        sources = [Source(name=f"src-{k}", kind="feed", config={}) for k in range(2)]
        postings = [Posting(**row) for row in _rows(11, 240)]
        session.add_all(sources + postings)
        session.flush()
        session.add_all(Sighting(posting_id=p.id, source_id=sources[i % 2].id,
                                 external_key=f"k{i}", url=f"https://x.example/{i}")
                        for i, p in enumerate(postings))
    yield factory
    with migrated_engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(delete(table))


def _all(session: Session) -> list[Posting]:
    return list(session.query(Posting))


def _uncertainty(p: Posting) -> float:
    return math.inf if p.ma_confidence is None else abs(p.ma_confidence - 0.5)


def _walk(session: Session, f: QueueFilters, limit: int) -> list:
    rows, cursor, pages = [], None, 0
    while True:
        page = queue_page(session, f, cursor, limit)
        assert len(page.rows) <= limit
        rows += page.rows
        pages += 1
        assert pages < 1000
        if page.next_cursor is None:
            return rows
        assert page.rows, "a page with a next cursor is never empty"
        cursor = page.next_cursor


FILTERS = [
    QueueFilters(),
    QueueFilters(statuses=()),
    QueueFilters(statuses=("active", "expired"), is_ma=True),
    QueueFilters(statuses=("rejected",), is_ma=False),
    QueueFilters(statuses=(), confidence_min=0.3, confidence_max=0.7),
    QueueFilters(statuses=(), unreviewed=True),
    QueueFilters(statuses=(), text="phlebot"),
    QueueFilters(statuses=(), text="100%"),      # LIKE wildcards are literal
    QueueFilters(statuses=(), text="care_g"),
    QueueFilters(statuses=(), seen_from=date(2025, 1, 10), seen_to=date(2025, 1, 20)),
    QueueFilters(statuses=("active",), sort="newest"),
    QueueFilters(statuses=(), sort="newest", is_ma=False),
]


def _matches(p: Posting, f: QueueFilters, source_ids: dict[int, int]) -> bool:
    first_seen = p.first_seen.astimezone(UTC).date()
    return ((not f.statuses or p.status in f.statuses)
            and (f.is_ma is None or p.is_ma == f.is_ma)
            and (f.source_id is None or source_ids[p.id] == f.source_id)
            and (f.confidence_min is None or (p.ma_confidence is not None
                                              and p.ma_confidence >= f.confidence_min))
            and (f.confidence_max is None or (p.ma_confidence is not None
                                              and p.ma_confidence <= f.confidence_max))
            and (not f.unreviewed or p.review_is_ma is None)
            and (f.seen_from is None or first_seen >= f.seen_from)
            and (f.seen_to is None or first_seen <= f.seen_to)
            and (not f.text or f.text.lower() in p.title.lower()
                 or f.text.lower() in (p.employer or "").lower()))


@pytest.mark.parametrize("limit", [11, 60])
def test_pages_hold_every_matching_posting_once_in_order(sessions: sessionmaker[Session],
                                                        limit: int) -> None:
    with sessions.begin() as session:
        source_ids = dict(session.query(Sighting.posting_id, Sighting.source_id).all())
        by_id = {p.id: p for p in _all(session)}
        for f in FILTERS:
            expected = {i for i, p in by_id.items() if _matches(p, f, source_ids)}
            assert queue_count(session, f) == len(expected), f
            _check_order(f, _walk(session, f, limit), expected, by_id)


def _check_order(f: QueueFilters, got: list, expected: set[int], by_id: dict) -> None:
    ids = [r.id for r in got]
    assert len(ids) == len(set(ids)), f"a posting appeared on two pages: {f}"
    assert set(ids) == expected, f
    if f.sort == "newest":
        keys = [(r.last_seen, r.id) for r in got]
        assert keys == sorted(keys, reverse=True), f
    else:
        u = [_uncertainty(by_id[i]) for i in ids]
        assert u == sorted(u), f"not ordered by distance from 0.5: {f}"


def test_source_filter_and_row_sources(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        src = session.query(Source).filter_by(name="src-1").one()
        rows = _walk(session, QueueFilters(statuses=(), source_id=src.id), 25)
    assert rows and all(r.sources == ("src-1",) for r in rows)


def test_a_page_after_changes_neither_repeats_nor_skips(sessions: sessionmaker[Session]
                                                        ) -> None:
    """Keyset paging: a posting leaving the queue before page 2 shifts nothing."""
    f = QueueFilters(statuses=("active",))
    with sessions.begin() as session:
        first = queue_page(session, f, None, 10)
        whole = [r.id for r in _walk(session, f, 10)]
    with sessions.begin() as session:
        session.get(Posting, first.rows[0].id).status = "rejected"
    with sessions.begin() as session:
        rest = [r.id for r in _walk(session, f, 10)]
        second = queue_page(session, f, first.next_cursor, 10)
        session.get(Posting, first.rows[0].id).status = "active"  # undo for the next tests
    assert [r.id for r in second.rows] == whole[10:20]
    assert rest == whole[1:]


DAMAGED = ["", "garbage!!", encode_cursor({"up": ["x", 1]}), "eyJ1cCI6",
           encode_cursor({"up": [0.5, True], "none": "7"}), encode_cursor([1, 2]),
           encode_cursor({"newest": ["not a date", 3]}), encode_cursor({"down": [None, 1]})]


def test_damaged_cursors_start_from_the_beginning(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        for f in (QueueFilters(), QueueFilters(sort="newest")):
            start = [r.id for r in queue_page(session, f, None, 5).rows]
            for cursor in DAMAGED:
                got = [r.id for r in queue_page(session, f, cursor, 5).rows]
                assert got == start, cursor


def test_cursor_round_trip() -> None:
    state = {"up": [0.5, 3], "down": [0.4999999999999, 9], "none": 4,
             "newest": ["2025-01-01T00:00:00+00:00", 2]}
    assert decode_cursor(encode_cursor(state)) == state
