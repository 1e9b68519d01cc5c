"""Candidates as the web needs them, on top of the matcher's ``match_store``: rows for the
list, web-side add/edit, and the private link (``/s/{token}``)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from majobs.db import match_store
from majobs.db.models import Candidate
from majobs.db.types import utcnow
from majobs.errors import InputError

TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 43 characters, 256 bits
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{16,100}")


@dataclass(frozen=True)
class CandidateRow:
    id: int
    name: str
    profile: dict[str, Any]
    token: str | None
    updated_at: datetime
    last_matched_at: datetime | None


def _row(c: Candidate) -> CandidateRow:
    return CandidateRow(id=c.id, name=c.name,
                        profile=c.profile if isinstance(c.profile, dict) else {},
                        token=c.token, updated_at=c.updated_at,
                        last_matched_at=c.last_matched_at)


def candidate_rows(session: Session) -> list[CandidateRow]:
    return [_row(c) for c in match_store.list_candidates(session)]


def candidate(session: Session, candidate_id: int) -> CandidateRow | None:
    found = session.get(Candidate, candidate_id)
    return _row(found) if found is not None else None


def candidate_by_token(session: Session, token: str) -> CandidateRow | None:
    """The candidate a private link belongs to; None for unknown or revoked links."""
    if not TOKEN_RE.fullmatch(token or ""):
        return None
    found = session.scalar(select(Candidate).where(Candidate.token == token))
    # compare_digest: the lookup above is by index; this keeps the final check exact.
    if found is None or not found.token or not secrets.compare_digest(found.token, token):
        return None
    return _row(found)


def _name_taken(session: Session, name: str, except_id: int | None) -> bool:
    stmt = select(Candidate.id).where(func.lower(Candidate.name) == name.lower())
    if except_id is not None:
        stmt = stmt.where(Candidate.id != except_id)
    return session.scalar(stmt.limit(1)) is not None


def add_candidate(session: Session, name: str, profile: dict[str, Any]) -> int:
    """A new candidate with a validated profile and no private link yet."""
    if _name_taken(session, name, None):
        raise InputError(None, "name", f"a candidate named '{name}' already exists")
    email = _alert_email(profile)
    cand, _ = match_store.save_candidate(session, name, profile, alert_email=email)
    cand.token = None  # a link exists only once staff create one to share
    session.flush()
    return cand.id


def update_candidate(session: Session, candidate_id: int, name: str,
                     profile: dict[str, Any]) -> None:
    cand = session.get(Candidate, candidate_id)
    if cand is None:
        raise InputError(None, "candidate", f"no candidate #{candidate_id}")
    if _name_taken(session, name, candidate_id):
        raise InputError(None, "name", f"a candidate named '{name}' already exists")
    cand.name, cand.profile, cand.updated_at = name, profile, utcnow()
    email = _alert_email(profile)
    cand.alert_email, cand.alerts_enabled = email, email is not None


def remove_candidate(session: Session, candidate_id: int) -> bool:
    cand = session.get(Candidate, candidate_id)
    if cand is None:
        return False
    match_store.remove_candidate(session, cand)
    return True


def create_link(session: Session, candidate_id: int) -> str | None:
    """A new private link token (any old link stops working)."""
    cand = session.get(Candidate, candidate_id)
    if cand is None:
        return None
    cand.token = secrets.token_urlsafe(TOKEN_BYTES)
    return cand.token


def revoke_link(session: Session, candidate_id: int) -> bool:
    cand = session.get(Candidate, candidate_id)
    if cand is None:
        return False
    cand.token = None
    return True


def _alert_email(profile: dict[str, Any]) -> str | None:
    alerts = profile.get("alerts")
    email = alerts.get("email") if isinstance(alerts, dict) else None
    return email if isinstance(email, str) and email else None
