"""The matcher on a real database (SQLite and PostgreSQL): index persistence, candidates,
cohort runs with the new-since-last-run flag, application states and block rules."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from majobs.db import match_store
from majobs.db.models import ApplicationState, BlockRule, Match, Posting, Sighting, Source
from majobs.matcher import cohort
from majobs.matcher import index as index_mod
from majobs.matcher.index import index_dir_for, load_or_build

NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)
TODAY = NOW.date()
_ids = itertools.count(1)
PLACES = {"austin": ("Austin", "TX", "78701", 30.2713, -97.7426),
          "roundrock": ("Round Rock", "TX", "78664", 30.5083, -97.6789),
          "seattle": ("Seattle", "WA", "98101", 47.6114, -122.3305)}


def add_posting(session: Session, place: str = "austin", **kw: Any) -> int:
    """One stored posting as the pipeline leaves it, with a source sighting."""
    city, state, zip_, lat, lon = PLACES[place]
    n = next(_ids)
    source = session.scalars(select(Source).where(Source.name == "clinic-board")).first()
    if source is None:
        source = Source(name="clinic-board", kind="jsonld", config={})
        session.add(source)
        session.flush()
    values: dict[str, Any] = dict(
        title="Medical Assistant - Pediatrics", employer=f"Clinic {n}", city=city,
        state=state, postal_code=zip_, lat=lat, lon=lon, employment_type="full_time",
        pay_min=19.0, pay_max=23.0, pay_period="hour", pay_currency="USD",
        pay_hourly_min=19.0, pay_hourly_max=23.0, date_posted=date(2025, 5, 20),
        description_text="Room patients, vital signs, immunizations, venipuncture, EKGs.",
        is_ma=True, ma_confidence=0.9, status="active",
        tags={"skills": ["vital_signs", "injections", "phlebotomy", "ekg"],
              "specializations": ["pediatrics"]},
        required_certifications=[], preferred_certifications=["CCMA"],
        canonical_url=f"https://jobs.example.org/p/{n}", first_seen=NOW, last_seen=NOW,
        updated_at=NOW)
    values.update(kw)
    posting = Posting(**values)
    session.add(posting)
    session.flush()
    session.add(Sighting(posting_id=posting.id, source_id=source.id, external_key=str(n),
                         url=f"https://jobs.example.org/p/{n}?utm_source=x",
                         canonical_url=values["canonical_url"]))
    session.flush()
    return posting.id


PROFILE = {"name": "Jordan Rivera", "location": "78701", "radius_miles": 25,
           "certifications": ["CCMA", "BLS"], "skills": ["phlebotomy", "vital signs", "EKG"],
           "specializations": ["pediatrics"], "employment_types": ["full_time"],
           "min_pay_hourly": 18}


@pytest.fixture
def idx_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MAJOBS_INDEX_DIR", str(tmp_path / "index"))
    return tmp_path / "index"


def test_index_saved_and_reused_until_postings_change(
        db_engine: Engine, db_sessions: sessionmaker[Session], idx_dir: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    with db_sessions.begin() as s:
        a = add_posting(s)
        b = add_posting(s, "roundrock")
        add_posting(s, is_ma=False)
        add_posting(s, status="expired")
        add_posting(s, review_is_ma=False)  # an admin overruled the classifier
        c = add_posting(s, is_ma=False, review_is_ma=True)
    first = load_or_build(db_engine)
    assert sorted(first.ids.tolist()) == sorted([a, b, c])
    with db_sessions.begin() as s:
        assert index_mod.build_index(s).ids.tolist() == first.ids.tolist()
    assert (idx_dir / "index.joblib").exists()

    def no_build(*_a: Any, **_k: Any) -> None:
        raise AssertionError("rebuilt although nothing changed")

    monkeypatch.setattr(index_mod, "build_index", no_build)
    again = load_or_build(db_engine)
    assert again.fingerprint == first.fingerprint and again.ids.tolist() == first.ids.tolist()
    monkeypatch.undo()
    monkeypatch.setenv("MAJOBS_INDEX_DIR", str(idx_dir))

    with db_sessions.begin() as s:   # expiring a posting changes the fingerprint
        s.execute(update(Posting).where(Posting.id == b)
                  .values(status="expired", updated_at=NOW + timedelta(hours=1)))
    rebuilt = load_or_build(db_engine)
    assert sorted(rebuilt.ids.tolist()) == sorted([a, c])
    assert rebuilt.meta["tokenized"] == 0       # the saved counts were reused
    with db_sessions.begin() as s:   # so does a new posting
        d = add_posting(s, "seattle")
    rebuilt = load_or_build(db_engine)
    assert d in rebuilt.ids.tolist() and rebuilt.meta["tokenized"] == 1
    with db_sessions.begin() as s:   # and a deleted one, even with the same newest update
        s.delete(s.get(Posting, d))
    assert d not in load_or_build(db_engine).ids.tolist()


def test_index_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MAJOBS_INDEX_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert index_dir_for(f"sqlite:///{tmp_path}/data/majobs.db") == \
        tmp_path / "data" / "majobs.index"
    pg = index_dir_for("postgresql+psycopg://u:secret@db.example.org/majobs")
    assert pg.parent == tmp_path / "cache" / "majobs" / "index" and "secret" not in str(pg)
    assert index_dir_for("sqlite://", tmp_path / "x") == tmp_path / "x"


def test_candidates_crud_and_removal_deletes_personal_data(
        db_sessions: sessionmaker[Session], db_engine: Engine, idx_dir: Path) -> None:
    with db_sessions.begin() as s:
        pid = add_posting(s)
        cand, created = match_store.save_candidate(s, "Jordan Rivera", PROFILE, "j@x.org")
        assert created and cand.token and cand.alerts_enabled
        again, created = match_store.save_candidate(s, "jordan rivera",
                                                    {**PROFILE, "radius_miles": 10})
        assert not created and again.id == cand.id and not again.alerts_enabled
        assert match_store.find_candidate(s, str(cand.id)).id == cand.id
        assert match_store.find_candidate(s, "nobody") is None
        cand_id = cand.id
        match_store.add_block_rule(s, "employer", "Aya Healthcare", cand_id)
        match_store.track(s, cand_id, pid, "applied")
    cohort.match_candidate(db_engine, "Jordan Rivera", today=TODAY)
    with db_sessions.begin() as s:
        assert s.scalar(select(func.count()).select_from(Match)) == 1
        match_store.remove_candidate(s, match_store.find_candidate(s, cand_id))
    with db_sessions.begin() as s:
        for model in (Match, ApplicationState, BlockRule):
            assert s.scalar(select(func.count()).select_from(model)) == 0
        assert s.get(Posting, pid) is not None


def test_cohort_runs_flag_new_postings_and_keep_states(
        db_sessions: sessionmaker[Session], db_engine: Engine, idx_dir: Path) -> None:
    with db_sessions.begin() as s:
        p1, p2 = add_posting(s), add_posting(s, "roundrock")
        far = add_posting(s, "seattle")
        jordan, _ = match_store.save_candidate(s, "Jordan", PROFILE)
        sea, _ = match_store.save_candidate(s, "Sam", {**PROFILE, "name": "Sam",
                                                       "location": "98101"})
        match_store.save_candidate(s, "Broken", {"certifications": ["XYZ"]})
        jordan_id, sea_id = jordan.id, sea.id
    runs = {r.name: r for r in cohort.match_all_candidates(db_engine, 10, today=TODAY)}
    assert sorted(runs["Jordan"].new) == sorted([p1, p2])
    assert runs["Sam"].new == [far]
    assert runs["Broken"].error and "certifications[0]" in runs["Broken"].error

    with db_sessions.begin() as s:
        p3 = add_posting(s, pay_hourly_min=25.0, pay_hourly_max=28.0)
        match_store.track(s, jordan_id, p1, "applied")
        match_store.track(s, jordan_id, p2, "not_interested")
    runs = {r.name: r for r in cohort.match_all_candidates(db_engine, 10, today=TODAY)}
    assert runs["Jordan"].new == [p3]
    assert {r.posting_id for r in runs["Jordan"].results} == {p1, p3}
    assert runs["Sam"].new == []
    with db_sessions.begin() as s:
        rows = {m.posting_id: m for m in s.scalars(
            select(Match).where(Match.candidate_id == jordan_id))}
        assert rows[p3].is_new and not rows[p1].is_new
        assert rows[p2].rank is None and not rows[p2].is_new   # dropped: hidden now
        assert rows[p1].explanation["shares"] and rows[p1].explanation["matched"]
        assert match_store.states_for(s, jordan_id) == {p1: "applied", p2: "not_interested"}
        assert [m.posting_id for m in match_store.current_matches(s, sea_id)] == [far]
        assert s.get(match_store.Candidate, jordan_id).last_matched_at is not None
    # a re-crawl touching the posting and another run never overwrite the state
    with db_sessions.begin() as s:
        s.execute(update(Posting).where(Posting.id == p1)
                  .values(updated_at=NOW + timedelta(days=1), title="Pediatric MA"))
    cohort.match_all_candidates(db_engine, 10, today=TODAY)
    with db_sessions.begin() as s:
        assert match_store.states_for(s, jordan_id)[p1] == "applied"


def test_block_rules_global_and_own(db_sessions: sessionmaker[Session], db_engine: Engine,
                                    idx_dir: Path) -> None:
    with db_sessions.begin() as s:
        staff = add_posting(s, employer="Aya Healthcare, Inc.")
        travel = add_posting(s, title="Travel Medical Assistant")
        plain = add_posting(s)
        jordan, _ = match_store.save_candidate(s, "Jordan", PROFILE)
        match_store.save_candidate(s, "Other", {**PROFILE, "name": "Other"})
        rule = match_store.add_block_rule(s, "employer", "aya healthcare")
        assert match_store.add_block_rule(s, "employer", "Aya  Healthcare").id == rule.id
        match_store.add_block_rule(s, "title_word", "travel", jordan.id)
        with pytest.raises(match_store.InputError):
            match_store.add_block_rule(s, "salary", "low")
        with pytest.raises(match_store.InputError):
            match_store.track(s, jordan.id, plain, "ghosted")
        with pytest.raises(match_store.InputError):
            match_store.track(s, jordan.id, 10 ** 9, "applied")
        assert len(match_store.list_block_rules(s, jordan.id)) == 2
        assert len(match_store.list_block_rules(s, None)) == 1
        assert match_store.remove_block_rule(s, 10 ** 9) is False
    mine = cohort.match_candidate(db_engine, "Jordan", today=TODAY)
    theirs = cohort.match_candidate(db_engine, "Other", today=TODAY)
    assert {r.posting_id for r in mine.results} == {plain}
    assert {r.posting_id for r in theirs.results} == {plain, travel}
    assert staff not in {r.posting_id for r in theirs.results}
