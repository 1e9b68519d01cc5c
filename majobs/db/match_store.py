"""The matcher's SQL: postings for the index, candidates, matches, application states and
block rules. Callers pass a session (``with Session.begin() as session:``); nothing here
commits on its own.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session

from majobs.db.models import (
    APPLICATION_STATES,
    BLOCK_KINDS,
    ApplicationState,
    BlockRule,
    Candidate,
    Match,
    Posting,
    Sighting,
    Source,
)
from majobs.db.queries import posting_dict
from majobs.db.store import chunks
from majobs.db.types import utcnow
from majobs.errors import InputError
from majobs.matcher.docs import PostingDoc, make_doc
from majobs.matcher.explain import MatchResult
from majobs.matcher.query import Blocks

# An admin's review decides when set; else the classifier's verdict.
IS_MA = func.coalesce(Posting.review_is_ma, Posting.is_ma)
ACTIVE_MA = and_(Posting.status == "active", IS_MA.is_(True))
INDEX_BATCH = 2000


# --- postings for the index -------------------------------------------------------------

def postings_fingerprint(session: Session) -> str:
    """Changes whenever a posting the index could hold is added, edited, expired,
    re-reviewed or deleted: counts and newest ``updated_at`` per (status, MA verdict)."""
    rows = session.execute(
        select(Posting.status, IS_MA, func.count(), func.max(Posting.updated_at),
               func.max(Posting.id), func.sum(Posting.id))
        .group_by(Posting.status, IS_MA).order_by(Posting.status, IS_MA)).all()
    text = repr([(s, m, n, u.isoformat() if u else None, hi, total)
                 for s, m, n, u, hi, total in rows])
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def load_index_docs(session: Session) -> list[PostingDoc]:
    """Every active MA posting as a :class:`PostingDoc`, read in id batches."""
    cols = (Posting.id, Posting.title, Posting.employer, Posting.description_text,
            Posting.lat, Posting.lon, Posting.remote, Posting.employment_type,
            Posting.pay_hourly_min, Posting.pay_hourly_max, Posting.date_posted,
            Posting.tags, Posting.required_certifications,
            Posting.preferred_certifications)
    docs: list[PostingDoc] = []
    last = 0
    while True:
        batch = session.execute(select(*cols).where(ACTIVE_MA, Posting.id > last)
                                .order_by(Posting.id).limit(INDEX_BATCH)).all()
        if not batch:
            return docs
        for r in batch:
            docs.append(make_doc(
                id=r.id, title=r.title, employer=r.employer, text=r.description_text,
                lat=r.lat, lon=r.lon, remote=r.remote, employment_type=r.employment_type,
                pay_hourly_min=r.pay_hourly_min, pay_hourly_max=r.pay_hourly_max,
                date_posted=r.date_posted, tags=r.tags,
                required_certifications=r.required_certifications,
                preferred_certifications=r.preferred_certifications))
        last = batch[-1].id


def describe_postings(session: Session, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The export shape of each posting (urls canonical first, location, pay, ...)."""
    out: dict[int, dict[str, Any]] = {}
    for part in chunks(ids):
        postings = session.scalars(select(Posting).where(Posting.id.in_(part))).all()
        seen: dict[int, list[tuple[str | None, str | None, str]]] = {}
        rows = session.execute(
            select(Sighting.posting_id, Sighting.url, Sighting.canonical_url, Source.name)
            .join(Source, Source.id == Sighting.source_id)
            .where(Sighting.posting_id.in_(part))
            .order_by(Sighting.gone_at.is_not(None), Sighting.first_seen, Sighting.id))
        for pid, url, canon, name in rows:
            seen.setdefault(pid, []).append((url, canon, name))
        for p in postings:
            out[p.id] = posting_dict(p, seen.get(p.id, []))
    return out


# --- candidates -------------------------------------------------------------------------

def save_candidate(session: Session, name: str, profile_data: dict[str, Any],
                   alert_email: str | None = None) -> tuple[Candidate, bool]:
    """Add a candidate, or replace the profile of the one with this name; (row, created)."""
    cand = find_candidate(session, name)
    created = cand is None
    if cand is None:
        cand = Candidate(name=name, token=secrets.token_urlsafe(18), created_at=utcnow())
        session.add(cand)
    cand.profile = profile_data
    cand.alert_email = alert_email
    cand.alerts_enabled = alert_email is not None
    cand.updated_at = utcnow()
    session.flush()
    return cand, created


def list_candidates(session: Session) -> list[Candidate]:
    return list(session.scalars(select(Candidate).order_by(Candidate.name, Candidate.id)))


def find_candidate(session: Session, name_or_id: str | int) -> Candidate | None:
    """By exact name (case-insensitive), else by numeric id."""
    text = str(name_or_id).strip()
    found = session.scalars(select(Candidate).where(func.lower(Candidate.name) == text.lower())
                            .order_by(Candidate.id)).first()
    if found is None and text.isdigit():
        found = session.get(Candidate, int(text))
    return found


def remove_candidate(session: Session, cand: Candidate) -> None:
    """Delete a candidate with everything personal: matches, states, own block rules.
    Explicit deletes, so it holds even where foreign keys are not enforced."""
    for model in (Match, ApplicationState, BlockRule):
        session.execute(delete(model).where(model.candidate_id == cand.id))
    session.delete(cand)
    session.flush()


# --- block rules and states ------------------------------------------------------------

def add_block_rule(session: Session, kind: str, value: str,
                   candidate_id: int | None = None) -> BlockRule:
    if kind not in BLOCK_KINDS:
        raise InputError(None, "kind", f"unknown block kind '{kind}' "
                                       f"(known: {', '.join(BLOCK_KINDS)})")
    value = " ".join(str(value).split())
    if not value:
        raise InputError(None, "value", "must not be empty")
    same = session.scalars(select(BlockRule).where(
        BlockRule.kind == kind, func.lower(BlockRule.value) == value.lower(),
        BlockRule.candidate_id.is_(None) if candidate_id is None
        else BlockRule.candidate_id == candidate_id)).first()
    if same is not None:
        return same
    rule = BlockRule(kind=kind, value=value, candidate_id=candidate_id, created_at=utcnow())
    session.add(rule)
    session.flush()
    return rule


def list_block_rules(session: Session, candidate_id: int | None = None,
                     everyone: bool = True) -> list[BlockRule]:
    """Global rules (when ``everyone``) plus the candidate's own."""
    cond = [BlockRule.candidate_id.is_(None)] if everyone else []
    if candidate_id is not None:
        cond.append(BlockRule.candidate_id == candidate_id)
    if not cond:
        return []
    return list(session.scalars(select(BlockRule).where(or_(*cond))
                                .order_by(BlockRule.id)))


def remove_block_rule(session: Session, rule_id: int) -> bool:
    return session.execute(delete(BlockRule).where(BlockRule.id == rule_id)).rowcount > 0


def blocks_for(session: Session, candidate_id: int | None) -> Blocks:
    """Global block rules + the candidate's own + postings they marked not_interested."""
    rules = list_block_rules(session, candidate_id)
    hidden: frozenset[int] = frozenset()
    if candidate_id is not None:
        hidden = frozenset(session.scalars(select(ApplicationState.posting_id).where(
            ApplicationState.candidate_id == candidate_id,
            ApplicationState.state == "not_interested")))
    return Blocks(employers=tuple(r.value for r in rules if r.kind == "employer"),
                  title_words=tuple(r.value for r in rules if r.kind == "title_word"),
                  posting_ids=hidden)


def track(session: Session, candidate_id: int, posting_id: int, state: str
          ) -> ApplicationState:
    """Record where a candidate stands with a posting; matching never overwrites it."""
    if state not in APPLICATION_STATES:
        raise InputError(None, "state", f"unknown state '{state}' "
                                        f"(known: {', '.join(APPLICATION_STATES)})")
    if session.get(Posting, posting_id) is None:
        raise InputError(None, "posting", f"no posting with id {posting_id}")
    row = session.scalars(select(ApplicationState).where(
        ApplicationState.candidate_id == candidate_id,
        ApplicationState.posting_id == posting_id)).first()
    if row is None:
        row = ApplicationState(candidate_id=candidate_id, posting_id=posting_id)
        session.add(row)
    row.state, row.updated_at = state, utcnow()
    session.flush()
    return row


def states_for(session: Session, candidate_id: int) -> dict[int, str]:
    return dict(session.execute(select(ApplicationState.posting_id, ApplicationState.state)
                                .where(ApplicationState.candidate_id == candidate_id)).all())


# --- matches ----------------------------------------------------------------------------

@dataclass
class StoredRun:
    new: list[int] = field(default_factory=list)       # not in the previous run
    kept: list[int] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)   # in the previous run, not this one


def store_matches(session: Session, candidate_id: int, results: Iterable[MatchResult],
                  now: datetime | None = None) -> StoredRun:
    """Save this run's matches. A posting is ``is_new`` when it was not in the previous
    run (rank set). Rows of earlier runs stay with rank NULL, keeping ``alerted_at``."""
    now = now or utcnow()
    existing = {m.posting_id: m for m in session.scalars(
        select(Match).where(Match.candidate_id == candidate_id))}
    previous = {pid for pid, m in existing.items() if m.rank is not None}
    run = StoredRun()
    current: set[int] = set()
    for rank, result in enumerate(results, start=1):
        pid = result.posting_id
        current.add(pid)
        row = existing.get(pid)
        if row is None:
            row = Match(candidate_id=candidate_id, posting_id=pid, first_matched_at=now)
            session.add(row)
        row.score, row.rank, row.explanation = result.score, rank, _explanation(result)
        row.last_matched_at, row.is_new = now, pid not in previous
        (run.new if row.is_new else run.kept).append(pid)
    for pid in previous - current:
        existing[pid].rank, existing[pid].is_new = None, False
        run.dropped.append(pid)
    cand = session.get(Candidate, candidate_id)
    if cand is not None:
        cand.last_matched_at = now
    session.flush()
    return run


def _explanation(result: MatchResult) -> dict[str, Any]:
    return {**result.explanation, "matched": result.matched, "missing": result.missing,
            "distance_miles": result.distance_miles, "pay": result.pay}


def current_matches(session: Session, candidate_id: int) -> list[Match]:
    """The candidate's latest run, best first."""
    return list(session.scalars(select(Match).where(
        Match.candidate_id == candidate_id, Match.rank.is_not(None)).order_by(Match.rank)))
