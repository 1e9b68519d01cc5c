"""Matching against the database: one profile, one stored candidate, or the whole cohort.

Each candidate is matched and stored in its own transaction, so one broken stored
profile is reported and skipped without losing the others' results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Engine

from majobs.db import match_store
from majobs.db.engine import session_factory
from majobs.errors import InputError
from majobs.matcher.explain import MatchResult
from majobs.matcher.index import MatchIndex, load_or_build
from majobs.matcher.profile import Profile, parse_profile
from majobs.matcher.query import Blocks
from majobs.matcher.rank import rank
from majobs.matcher.weights import DEFAULT_WEIGHTS, Weights


@dataclass
class CandidateRun:
    candidate_id: int
    name: str
    results: list[MatchResult] = field(default_factory=list)
    new: list[int] = field(default_factory=list)
    error: str | None = None


def stored_profile(cand: Any) -> Profile:
    """A candidate's stored profile, validated again (the taxonomy may have changed)."""
    return parse_profile(cand.profile or {}, f"candidate {cand.name}", default_name=cand.name)


def match_profile(engine: Engine, profile: Profile, limit: int = 20, *,
                  index: MatchIndex | None = None, weights: Weights = DEFAULT_WEIGHTS,
                  today: date | None = None) -> list[MatchResult]:
    """Rank for a profile file: global block rules apply, nothing is stored."""
    index = index or load_or_build(engine)
    with session_factory(engine, readonly=True).begin() as session:
        blocks = match_store.blocks_for(session, None)
    return rank(index, profile, limit, blocked=blocks, weights=weights, today=today)


def match_candidate(engine: Engine, name_or_id: str | int, limit: int = 20, *,
                    index: MatchIndex | None = None, weights: Weights = DEFAULT_WEIGHTS,
                    today: date | None = None, store: bool = True) -> CandidateRun:
    """Rank for a stored candidate and (by default) store the run."""
    with session_factory(engine, readonly=True).begin() as session:
        cand = match_store.find_candidate(session, name_or_id)
        if cand is None:
            raise InputError(None, "candidate", f"no candidate named '{name_or_id}'")
        cand_id, name, profile = cand.id, cand.name, stored_profile(cand)
    index = index or load_or_build(engine)
    return _run(engine, cand_id, name, profile, index, limit, weights, today, store)


def _run(engine: Engine, cand_id: int, name: str, profile: Profile, index: MatchIndex,
         limit: int, weights: Weights, today: date | None, store: bool) -> CandidateRun:
    with session_factory(engine).begin() as session:
        blocks: Blocks = match_store.blocks_for(session, cand_id)
        results = rank(index, profile, limit, blocked=blocks, weights=weights, today=today)
        run = CandidateRun(cand_id, name, results)
        if store:
            run.new = match_store.store_matches(session, cand_id, results).new
    return run


def match_all_candidates(engine: Engine, limit: int = 20, *, index: MatchIndex | None = None,
                         weights: Weights = DEFAULT_WEIGHTS, today: date | None = None
                         ) -> list[CandidateRun]:
    """Compute and store every candidate's top ``limit`` matches (one shared index)."""
    index = index or load_or_build(engine)
    with session_factory(engine, readonly=True).begin() as session:
        cands = [(c.id, c.name, c.profile) for c in match_store.list_candidates(session)]
    runs: list[CandidateRun] = []
    for cand_id, name, data in cands:
        try:
            profile = parse_profile(data or {}, f"candidate {name}", default_name=name)
        except InputError as exc:
            runs.append(CandidateRun(cand_id, name, error=str(exc)))
            continue
        runs.append(_run(engine, cand_id, name, profile, index, limit, weights, today, True))
    return runs
