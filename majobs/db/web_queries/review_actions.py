"""An admin's review actions. Each one writes a ReviewEvent (who, when, before, after)
in the same transaction as the change.

What survives the next crawl is the store's part: it keeps ``status = 'rejected'`` and
``review_is_ma``, and finds a sighting's posting by (source, external key) first, so
sightings moved by merge or split stay where an admin put them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from majobs.db.models import ApplicationState, Match, Posting, ReviewEvent, Sighting
from majobs.db.types import utcnow
from majobs.errors import InputError

# action -> (status, review_is_ma); None leaves a field as it is.
SIMPLE_ACTIONS: dict[str, tuple[str | None, bool | None]] = {
    "confirm_ma": ("active", True),
    "reject_not_ma": ("rejected", False),
    "reject_spam": ("rejected", False),
    "expire": ("expired", None),
}
REVIEW_FIELDS = ("status", "is_ma", "review_is_ma")
# Columns copied into a merge event, so a wrong merge can be split back.
SNAPSHOT_FIELDS = (
    "title", "employer", "city", "state", "postal_code", "lat", "lon", "locations", "remote",
    "employment_type", "pay_min", "pay_max", "pay_period", "pay_currency", "pay_hourly_min",
    "pay_hourly_max", "pay_text", "date_posted", "valid_through", "description_html",
    "description_text", "content_hash", "is_ma", "ma_confidence", "ma_rule", "tags",
    "required_certifications", "preferred_certifications", "canonical_url", "dedup_key",
    "status", "review_is_ma", "first_seen", "last_seen", "expired_at",
)
_DATE_FIELDS = {"date_posted"}
_DATETIME_FIELDS = {"valid_through", "first_seen", "last_seen", "expired_at"}


def _get(session: Session, posting_id: int, what: str = "posting") -> Posting:
    posting = session.get(Posting, posting_id, with_for_update=True)
    if posting is None:
        raise InputError(None, what, f"no posting #{posting_id}")
    return posting


def _fields(posting: Posting, names: tuple[str, ...] = REVIEW_FIELDS) -> dict[str, Any]:
    return {name: _jsonable(getattr(posting, name)) for name in names}


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _from_json(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in _DATE_FIELDS:
        return date.fromisoformat(value)
    if name in _DATETIME_FIELDS:
        return datetime.fromisoformat(value)
    return value


def _event(session: Session, posting_id: int, user_id: int | None, action: str,
           before: dict[str, Any], after: dict[str, Any], now: datetime) -> ReviewEvent:
    event = ReviewEvent(posting_id=posting_id, user_id=user_id, action=action, before=before,
                        after=after, at=now)
    session.add(event)
    session.flush()
    return event


def review_posting(session: Session, posting_id: int, action: str, user_id: int | None,
                   now: datetime | None = None) -> ReviewEvent:
    """confirm_ma, reject_not_ma, reject_spam or expire."""
    if action not in SIMPLE_ACTIONS:
        raise InputError(None, "action", f"unknown review action '{action}'")
    now = now or utcnow()
    posting = _get(session, posting_id)
    before = _fields(posting)
    status, review_is_ma = SIMPLE_ACTIONS[action]
    if status is not None:
        posting.status = status
    if review_is_ma is not None:
        posting.review_is_ma = review_is_ma
        posting.is_ma = review_is_ma
    posting.expired_at = now if status == "expired" else posting.expired_at
    posting.updated_at = now
    return _event(session, posting_id, user_id, action, before, _fields(posting), now)


def merge_postings(session: Session, absorbed_id: int, into_id: int, user_id: int | None,
                   now: datetime | None = None) -> ReviewEvent:
    """Posting ``absorbed_id`` was a duplicate of ``into_id``: its sightings, review
    history and application states move there, its matches go (the next match run
    recomputes them), and the row itself is deleted. The event keeps a snapshot of it."""
    if absorbed_id == into_id:
        raise InputError(None, "into", "a posting cannot be merged into itself")
    now = now or utcnow()
    target = _get(session, into_id, "into")
    absorbed = _get(session, absorbed_id)
    moved = list(session.scalars(select(Sighting.id).where(Sighting.posting_id == absorbed_id)))
    before = {"into": _fields(target), "absorbed_id": absorbed_id,
              "absorbed": _fields(absorbed, SNAPSHOT_FIELDS), "sightings": moved}
    session.execute(update(Sighting).where(Sighting.posting_id == absorbed_id)
                    .values(posting_id=into_id))
    session.execute(update(ReviewEvent).where(ReviewEvent.posting_id == absorbed_id)
                    .values(posting_id=into_id))
    _move_application_states(session, absorbed_id, into_id)
    session.execute(delete(Match).where(Match.posting_id == absorbed_id))
    target.first_seen = min(target.first_seen, absorbed.first_seen)
    target.last_seen = max(target.last_seen, absorbed.last_seen)
    if target.status == "expired" and absorbed.status == "active":
        target.status, target.expired_at = "active", None
    target.updated_at = now
    session.delete(absorbed)
    session.flush()
    return _event(session, into_id, user_id, "merge", before,
                  {"into": _fields(target), "sightings": moved}, now)


def _move_application_states(session: Session, from_id: int, to_id: int) -> None:
    """A candidate's state follows the posting, unless they already have one there."""
    taken = select(ApplicationState.candidate_id).where(ApplicationState.posting_id == to_id)
    session.execute(update(ApplicationState)
                    .where(ApplicationState.posting_id == from_id,
                           ApplicationState.candidate_id.not_in(taken))
                    .values(posting_id=to_id))


def split_sighting(session: Session, posting_id: int, sighting_id: int, user_id: int | None,
                   now: datetime | None = None) -> tuple[int, ReviewEvent]:
    """Undo a wrong merge: the sighting leaves ``posting_id`` for a new posting. Its
    fields come from the snapshot taken when that sighting was merged in, else from the
    posting; the next crawl rewrites them from the sighting's own source (its content
    hash is cleared). Returns the new posting's id and the event."""
    now = now or utcnow()
    posting = _get(session, posting_id)
    sighting = session.get(Sighting, sighting_id)
    if sighting is None or sighting.posting_id != posting_id:
        raise InputError(None, "sighting", f"sighting #{sighting_id} is not on posting "
                                           f"#{posting_id}")
    count = session.scalar(select(func.count()).select_from(Sighting)
                           .where(Sighting.posting_id == posting_id))
    if (count or 0) < 2:
        raise InputError(None, "sighting", "a posting's only sighting cannot be split off")
    values = _fields(posting, SNAPSHOT_FIELDS)
    snapshot = _merge_snapshot(session, posting_id, sighting_id)
    if snapshot:
        values.update({k: v for k, v in snapshot.items() if k in SNAPSHOT_FIELDS})
    fresh = Posting(**{k: _from_json(k, v) for k, v in values.items()})
    fresh.first_seen, fresh.last_seen = sighting.first_seen, sighting.last_seen
    fresh.updated_at = now
    if fresh.status == "expired" and sighting.gone_at is None:
        fresh.status, fresh.expired_at = "active", None
    session.add(fresh)
    session.flush()
    sighting.posting_id, sighting.content_hash = fresh.id, None
    posting.updated_at = now
    before = {"sighting": sighting_id, "posting": posting_id}
    after = {"sighting": sighting_id, "new_posting": fresh.id,
             "restored_from_merge": bool(snapshot)}
    _event(session, fresh.id, user_id, "split_from", before, after, now)
    return fresh.id, _event(session, posting_id, user_id, "split", before, after, now)


def _merge_snapshot(session: Session, posting_id: int, sighting_id: int) -> dict[str, Any]:
    """The absorbed posting's fields from the latest merge that brought the sighting."""
    events = session.scalars(select(ReviewEvent)
                             .where(ReviewEvent.posting_id == posting_id,
                                    ReviewEvent.action == "merge")
                             .order_by(ReviewEvent.at.desc(), ReviewEvent.id.desc()))
    for event in events:
        before = event.before if isinstance(event.before, dict) else {}
        if sighting_id in (before.get("sightings") or []):
            absorbed = before.get("absorbed")
            return absorbed if isinstance(absorbed, dict) else {}
    return {}
