"""The SQL of candidate alerts: who wants digests, which matches they have not been sent,
and marking them sent (``Match.alerted_at``: a posting is sent to a candidate once).

Callers pass a session; nothing here commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from majobs.db.match_store import ACTIVE_MA
from majobs.db.models import Candidate, Match, Posting
from majobs.db.types import utcnow


@dataclass(frozen=True)
class Subscriber:
    candidate_id: int
    name: str
    email: str
    min_score: float | None      # the candidate's own threshold; None: the configured one


@dataclass(frozen=True)
class PendingMatch:
    match_id: int
    posting_id: int
    score: float
    explanation: dict[str, Any]


def _profile_min_score(profile: Any) -> float | None:
    alerts = profile.get("alerts") if isinstance(profile, dict) else None
    value = alerts.get("min_score") if isinstance(alerts, dict) else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if 0 <= value <= 1 else None


def subscribers(session: Session) -> list[Subscriber]:
    """Candidates with alerts on and an address, by id."""
    rows = session.execute(
        select(Candidate.id, Candidate.name, Candidate.alert_email, Candidate.profile)
        .where(Candidate.alerts_enabled.is_(True), Candidate.alert_email.is_not(None))
        .order_by(Candidate.id))
    return [Subscriber(cid, name, email.strip(), _profile_min_score(profile))
            for cid, name, email, profile in rows if email and email.strip()]


def pending_matches(session: Session, candidate_id: int, min_score: float
                    ) -> list[PendingMatch]:
    """The candidate's current matches (latest run) at or above ``min_score`` on active MA
    postings, never sent before; best first."""
    rows = session.execute(
        select(Match.id, Match.posting_id, Match.score, Match.explanation)
        .join(Posting, Posting.id == Match.posting_id)
        .where(Match.candidate_id == candidate_id, Match.rank.is_not(None),
               Match.alerted_at.is_(None), Match.score >= min_score, ACTIVE_MA)
        .order_by(Match.score.desc(), Match.rank, Match.id))
    return [PendingMatch(mid, pid, float(score), dict(expl or {}))
            for mid, pid, score, expl in rows]


def mark_alerted(session: Session, match_ids: Sequence[int], now: datetime | None = None
                 ) -> int:
    """Mark these matches as sent (only those not marked yet); how many were marked."""
    if not match_ids:
        return 0
    return session.execute(
        update(Match).where(Match.id.in_(list(match_ids)), Match.alerted_at.is_(None))
        .values(alerted_at=now or utcnow())).rowcount


def set_subscription(session: Session, candidate: Candidate, email: str | None,
                     min_score: float | None = None) -> None:
    """Turn a candidate's alerts on (``email``) or off (None). The profile's ``alerts``
    field says the same, so the web form and ``candidates add`` keep it."""
    profile = dict(candidate.profile or {})
    if email is None:
        profile.pop("alerts", None)
    else:
        profile["alerts"] = {"email": email, **({"min_score": min_score}
                                                if min_score is not None else {})}
    candidate.profile = profile
    candidate.alert_email = email
    candidate.alerts_enabled = email is not None
    candidate.updated_at = utcnow()
    session.flush()
