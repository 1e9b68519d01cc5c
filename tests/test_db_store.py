"""upsert_postings on both backends: counts, last-seen marks, cross-source de-duplication."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session, sessionmaker

from majobs.db import session_factory, store
from majobs.db.models import Posting, Sighting, Source
from majobs.items import JobPostingItem
from majobs.normalize.location import Location
from majobs.sources import SourceConfig

T0 = datetime(2025, 3, 2, 6, 0, tzinfo=UTC)
MakeItem = Callable[..., JobPostingItem]


def _source(session: Session, name: str = "clinic-a", kind: str = "greenhouse") -> tuple[int, int]:
    cfg = (SourceConfig(name=name, kind=kind, url="https://feeds.example/x.xml")
           if kind == "feed" else SourceConfig(name=name, kind=kind, board=name))
    sid = store.ensure_source(session, cfg)
    return sid, store.start_run(session, sid)


def _upsert(sessions: sessionmaker[Session], name: str, items: list[JobPostingItem],
            now: datetime, kind: str = "greenhouse") -> store.UpsertResult:
    with sessions.begin() as session:
        sid, run = _source(session, name, kind)
        return store.upsert_postings(session, sid, run, items, now)


def _count(sessions: sessionmaker[Session], model: type) -> int:
    with sessions.begin() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_ensure_source_inserts_then_updates(db_sessions: sessionmaker[Session]) -> None:
    with db_sessions.begin() as session:
        first = store.ensure_source(session, SourceConfig(name="s1", kind="lever", board="a"))
        again = store.ensure_source(
            session, SourceConfig(name="s1", kind="lever", board="b", enabled=False))
        other = store.ensure_source(session, SourceConfig(name="s2", kind="feed", url="http://x"))
    assert first == again != other
    with db_sessions.begin() as session:
        src = session.scalars(select(Source).where(Source.name == "s1")).one()
        # the file's enabled is config; Source.enabled is the admins' switch
        assert (src.config["board"], src.config["enabled"], src.enabled) == ("b", False, True)
        src.enabled = False  # an admin switches it off in the web UI ...
    with db_sessions.begin() as session:  # ... and the next crawl keeps that
        store.ensure_source(session, SourceConfig(name="s1", kind="lever", board="c"))
        assert store.disabled_sources(session, ["s1", "s2", "nope"]) == {"s1"}


def test_new_updated_unchanged_counts(db_sessions: sessionmaker[Session],
                                      make_item: MakeItem) -> None:
    items = [make_item(n) for n in range(1, 6)]
    first = _upsert(db_sessions, "clinic-a", items, T0)
    assert (first.new, first.updated, first.unchanged) == (5, 0, 0)
    assert len(set(first.posting_ids)) == 5 and None not in first.posting_ids

    changed = [make_item(n) for n in range(1, 6)]
    changed[1] = make_item(2, pay=(25.0, 30.0))
    changed[3] = make_item(4, title="Medical Assistant - Pediatrics")
    second = _upsert(db_sessions, "clinic-a", changed, T0 + timedelta(days=1))
    assert (second.new, second.updated, second.unchanged) == (0, 2, 3)
    assert second.posting_ids == first.posting_ids
    with db_sessions.begin() as session:
        p2 = session.get(Posting, first.posting_ids[1])
        p4 = session.get(Posting, first.posting_ids[3])
        assert (p2.pay_min, p2.pay_max, p2.pay_hourly_min) == (25.0, 30.0, 25.0)
        assert p4.title == "Medical Assistant - Pediatrics"
        assert p2.updated_at == T0 + timedelta(days=1)
        p1 = session.get(Posting, first.posting_ids[0])
        assert p1.updated_at == T0  # unchanged: not rewritten


def test_unchanged_items_still_move_last_seen(db_sessions: sessionmaker[Session],
                                              make_item: MakeItem) -> None:
    items = [make_item(n) for n in range(1, 4)]
    first = _upsert(db_sessions, "clinic-a", items, T0)
    later = T0 + timedelta(days=3)
    with db_sessions.begin() as session:
        sid, run = _source(session)
        result = store.upsert_postings(session, sid, run, items, later)
    assert result.unchanged == 3
    with db_sessions.begin() as session:
        sightings = session.scalars(select(Sighting)).all()
        assert {s.last_seen for s in sightings} == {later}
        assert {s.first_seen for s in sightings} == {T0}
        assert {s.last_run_id for s in sightings} == {run}
        postings = session.scalars(select(Posting).where(Posting.id.in_(first.posting_ids)))
        assert {p.last_seen for p in postings} == {later}


def test_same_posting_twice_in_one_batch_is_stored_once(
        db_sessions: sessionmaker[Session], make_item: MakeItem) -> None:
    a, b = make_item(7), make_item(7, pay=(30.0, 31.0))  # same external id, later copy
    result = _upsert(db_sessions, "clinic-a", [make_item(1), a, b], T0)
    assert result.posting_ids[1] == result.posting_ids[2]
    assert result.new == 2
    assert _count(db_sessions, Sighting) == 2
    with db_sessions.begin() as session:
        assert session.get(Posting, result.posting_ids[2]).pay_min == 30.0


def test_cross_source_same_canonical_url_is_one_posting(
        db_sessions: sessionmaker[Session], make_item: MakeItem) -> None:
    url = "https://boards.greenhouse.io/valley/jobs/4412?gh_jid=4412"
    first = _upsert(db_sessions, "valley-gh", [make_item(1, url=url, external_id="4412")], T0)
    # an aggregator links the same page with its tracking parameters and another id
    seen = make_item(1, url=url.replace("https://boards", "HTTPS://Boards") +
                     "&utm_source=indeed&gh_src=abc#app", external_id="agg-99",
                     title="Medical Assistant (Full Time)", source="aggregator")
    second = _upsert(db_sessions, "aggregator", [seen], T0 + timedelta(hours=2))
    assert second.posting_ids == first.posting_ids
    assert (second.new, second.updated, second.merged) == (0, 1, 1)
    assert _count(db_sessions, Posting) == 1
    assert _count(db_sessions, Sighting) == 2
    with db_sessions.begin() as session:  # the primary (first) source keeps the posting
        assert session.get(Posting, first.posting_ids[0]).title == make_item(1).title


def test_cross_source_near_duplicate_is_one_posting(
        db_sessions: sessionmaker[Session], make_item: MakeItem) -> None:
    original = make_item(3, title="Medical Assistant")
    first = _upsert(db_sessions, "clinic-a", [original], T0)
    copy = make_item(
        3, source="jobs-aggregator", external_id="JX-5521",
        url="https://aggregator.example.com/job/JX-5521",
        title="Medical Assistant - Austin, TX (Req #88123)",
        employer="Valley Family Clinic, LLC",
        text="Posted 3 days ago. Apply now with your profile! " + original.text
        + " Report this job. Similar jobs near Austin, TX: Medical Receptionist, "
        "Phlebotomist, Patient Care Technician.")
    second = _upsert(db_sessions, "jobs-aggregator", [copy], T0 + timedelta(hours=1))
    assert second.posting_ids == first.posting_ids
    assert _count(db_sessions, Posting) == 1


def test_same_title_at_two_clinics_is_two_postings(
        db_sessions: sessionmaker[Session], make_item: MakeItem) -> None:
    text = make_item(1).text  # identical text on purpose: only the place differs
    north = make_item(1, title="Medical Assistant", text=text,
                      locations=[Location(city="Round Rock", state="TX",
                                          postal_code="78664")])
    south = make_item(2, title="Medical Assistant", text=text)
    result = _upsert(db_sessions, "clinic-a", [north, south], T0)
    assert result.new == 2 and len(set(result.posting_ids)) == 2


def test_one_source_listing_two_near_identical_openings_keeps_both(
        db_sessions: sessionmaker[Session], make_item: MakeItem) -> None:
    # two shifts at one clinic: the text differs in one sentence only
    days = make_item(1, title="Medical Assistant")

    def shift(hours: str) -> str:
        return re.sub(r"Schedule: [^.]*\.", f"Schedule: {hours}.", days.text)

    evenings = make_item(2, title="Medical Assistant", text=shift("evenings, 2pm to 10pm"))
    first = _upsert(db_sessions, "clinic-a", [days, evenings], T0)
    later = make_item(3, title="Medical Assistant", text=shift("Saturday and Sunday"))
    second = _upsert(db_sessions, "clinic-a", [later], T0 + timedelta(days=1))
    assert len(set(first.posting_ids + second.posting_ids)) == 3
    # ... while another source's copy of one of them joins it
    copy = make_item(9, source="board-b", url="https://b.example/9", title="Medical Assistant",
                     text="Apply today! " + evenings.text)
    third = _upsert(db_sessions, "board-b", [copy], T0 + timedelta(days=1))
    assert third.posting_ids == [first.posting_ids[1]]


def test_one_batch_of_openings_never_shares_one_earlier_copy(
        db_sessions: sessionmaker[Session], make_item: MakeItem) -> None:
    # An aggregator's copy of one shift arrives first; then the employer's board lists
    # three near-identical shifts in one batch: one joins the copy, two stay openings.
    days = make_item(1, title="Medical Assistant")

    def shift(hours: str) -> str:
        return re.sub(r"Schedule: [^.]*\.", f"Schedule: {hours}.", days.text)

    copy = make_item(9, source="agg", url="https://agg.example/9", title="Medical Assistant",
                     text="Apply today! " + days.text)
    first = _upsert(db_sessions, "agg", [copy], T0)
    shifts = [days, make_item(2, title="Medical Assistant", text=shift("evenings")),
              make_item(3, title="Medical Assistant", text=shift("weekends"))]
    second = _upsert(db_sessions, "clinic-a", shifts, T0 + timedelta(hours=1))
    assert len(set(second.posting_ids)) == 3
    assert second.posting_ids[0] == first.posting_ids[0]  # the most similar one joins
    assert _count(db_sessions, Posting) == 3


def test_different_openings_same_key_stay_apart(
        db_sessions: sessionmaker[Session], make_item: MakeItem) -> None:
    # same employer, title and place, two openings: shared boilerplate, other duties
    ma = "Medical Assistant"
    result = _upsert(db_sessions, "clinic-a", [make_item(1, title=ma), make_item(2, title=ma)],
                     T0)
    other = _upsert(db_sessions, "board-b", [make_item(5, url="https://b.example/5", title=ma,
                                                       source="board-b")], T0)
    assert len(set(result.posting_ids + other.posting_ids)) == 3


def test_item_without_key_is_dropped_with_reason(
        db_sessions: sessionmaker[Session], make_item: MakeItem) -> None:
    bad = make_item(9, url=None, external_id=None)
    result = _upsert(db_sessions, "clinic-a", [bad, make_item(1)], T0)
    assert result.dropped == {"no_key": 1}
    assert result.posting_ids[0] is None and result.posting_ids[1] is not None


@pytest.mark.parametrize("review, classifier, expected", [
    (None, True, True), (None, False, False), (False, True, False), (True, False, True)])
def test_review_override_beats_classifier_on_rewrite(
        db_sessions: sessionmaker[Session], make_item: MakeItem,
        review: bool | None, classifier: bool, expected: bool) -> None:
    first = _upsert(db_sessions, "clinic-a", [make_item(1)], T0)
    with db_sessions.begin() as session:
        session.get(Posting, first.posting_ids[0]).review_is_ma = review
    changed = make_item(1, is_ma=classifier, pay=(40.0, 41.0))
    _upsert(db_sessions, "clinic-a", [changed], T0 + timedelta(days=1))
    with db_sessions.begin() as session:
        p = session.get(Posting, first.posting_ids[0])
        assert (p.is_ma, p.pay_min, p.review_is_ma) == (expected, 40.0, review)


def test_rejected_posting_stays_rejected(db_sessions: sessionmaker[Session],
                                         make_item: MakeItem) -> None:
    first = _upsert(db_sessions, "clinic-a", [make_item(1)], T0)
    with db_sessions.begin() as session:
        session.get(Posting, first.posting_ids[0]).status = "rejected"
    _upsert(db_sessions, "clinic-a", [make_item(1, pay=(30.0, 35.0))], T0 + timedelta(days=1))
    _upsert(db_sessions, "clinic-a", [make_item(1, pay=(30.0, 35.0))], T0 + timedelta(days=2))
    with db_sessions.begin() as session:
        p = session.get(Posting, first.posting_ids[0])
        assert (p.status, p.pay_min) == ("rejected", 30.0)


def test_only_primary_source_rewrites_posting(db_sessions: sessionmaker[Session],
                                              make_item: MakeItem) -> None:
    url = "https://careers.valley.example/jobs/1"
    first = _upsert(db_sessions, "clinic-a", [make_item(1, url=url)], T0)
    for day in (1, 2):  # the second source keeps sending a slightly different version
        alt = make_item(1, url=url, source="board-b", external_id="b-1",
                        title=f"Medical Assistant v{day}")
        res = _upsert(db_sessions, "board-b", [alt], T0 + timedelta(days=day))
        assert res.posting_ids == first.posting_ids
    with db_sessions.begin() as session:
        assert session.get(Posting, first.posting_ids[0]).title == make_item(1).title
    res = _upsert(db_sessions, "clinic-a", [make_item(1, url=url, title="Lead MA")],
                  T0 + timedelta(days=3))
    assert res.updated == 1
    with db_sessions.begin() as session:
        assert session.get(Posting, first.posting_ids[0]).title == "Lead MA"


def test_employer_source_is_primary_over_an_aggregator_seen_first(
        db_sessions: sessionmaker[Session], make_item: MakeItem) -> None:
    own = make_item(4, title="Medical Assistant", url="https://boards.example/valley/jobs/4")
    wrapped = make_item(4, source="metro-feed", external_id="metro-77",
                        title=f"{own.employer}: {own.title}",
                        url="https://metrojobs.example/jobs/77",
                        text=f"Valley is hiring (via MetroJobs). {own.text} Found on MetroJobs.")
    first = _upsert(db_sessions, "metro-feed", [wrapped], T0, kind="feed")
    second = _upsert(db_sessions, "valley", [own], T0 + timedelta(hours=1))
    assert second.posting_ids == first.posting_ids
    with db_sessions.begin() as session:
        p = session.get(Posting, first.posting_ids[0])
        assert (p.canonical_url, p.title) == ("https://boards.example/valley/jobs/4", own.title)
        assert next(store.export_postings(session))["urls"][:2] == [
            "https://boards.example/valley/jobs/4", "https://metrojobs.example/jobs/77"]
    wrapped.title, wrapped.content_hash = "Changed by the feed", None
    _upsert(db_sessions, "metro-feed", [wrapped], T0 + timedelta(days=1), kind="feed")
    with db_sessions.begin() as session:
        assert session.get(Posting, first.posting_ids[0]).title == own.title


def test_odd_values_are_stored_without_crashing(db_sessions: sessionmaker[Session],
                                                make_item: MakeItem) -> None:
    odd = make_item(1, employer=None, title="  Medical\u00a0Assistant \x00 ",
                    locations=[], pay=None, ma_confidence=float("nan"), tags={"skills": None},
                    required_certifications=None, date_posted=None,
                    valid_through=datetime(2025, 12, 31, 23, 59))
    result = _upsert(db_sessions, "clinic-a", [odd], T0)
    with db_sessions.begin() as session:
        p = session.get(Posting, result.posting_ids[0])
        assert "\x00" not in p.title and p.city is None and p.pay_min is None
        assert p.ma_confidence is None and p.tags == {"skills": []}
        assert p.valid_through == datetime(2025, 12, 31, 23, 59, tzinfo=UTC)


def test_batches_larger_than_one_sql_chunk(db_sessions: sessionmaker[Session],
                                           make_item: MakeItem,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from majobs.db import batching

    monkeypatch.setattr(batching, "CHUNK", 3)
    items = [make_item(n) for n in range(1, 12)]
    first = _upsert(db_sessions, "clinic-a", items, T0)
    items[4] = make_item(5, pay=(50.0, 55.0))
    again = _upsert(db_sessions, "clinic-a", items, T0 + timedelta(days=1))
    assert (first.new, again.updated, again.unchanged) == (11, 1, 10)
    assert again.posting_ids == first.posting_ids and len(set(first.posting_ids)) == 11
    with db_sessions.begin() as session:
        assert {s.last_seen for s in session.scalars(select(Sighting))} == {T0 + timedelta(days=1)}


def test_a_few_statements_per_batch_not_per_item(db_engine: Engine, make_item: MakeItem) -> None:
    sessions = session_factory(db_engine)
    statements: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement.split()[0])

    with sessions.begin() as session:
        sid, run = _source(session)
    items = [make_item(n) for n in range(1, 61)]
    event.listen(db_engine, "before_cursor_execute", count)
    try:
        per_phase = []
        for day, batch in enumerate([items, items, [make_item(n, pay=(9.0, 9.5))
                                                    for n in range(1, 61)]]):
            statements.clear()
            with sessions.begin() as session:
                store.upsert_postings(session, sid, run, batch, T0 + timedelta(days=day))
            per_phase.append(len(statements))
    finally:
        event.remove(db_engine, "before_cursor_execute", count)
    assert max(per_phase) <= 10, per_phase  # new, unchanged, changed: 60 items each
