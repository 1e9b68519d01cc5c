"""One posting for the review page: the row, every sighting, the duplicate cluster, and
the review history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from majobs.db.models import Posting, ReviewEvent, Sighting, Source, User

CLUSTER_MAX = 50
EVENTS_MAX = 100


@dataclass(frozen=True)
class SightingRow:
    id: int
    source_id: int
    source: str
    external_key: str
    url: str | None
    canonical_url: str | None
    apply_url: str | None
    first_seen: datetime
    last_seen: datetime
    gone_at: datetime | None


@dataclass(frozen=True)
class ClusterRow:
    id: int
    title: str
    employer: str | None
    city: str | None
    state: str | None
    status: str
    is_ma: bool
    ma_confidence: float | None
    last_seen: datetime


@dataclass(frozen=True)
class EventRow:
    id: int
    action: str
    user: str | None
    at: datetime
    before: dict[str, Any]
    after: dict[str, Any]


@dataclass
class PostingDetail:
    posting: Posting          # detached; columns loaded
    sightings: list[SightingRow]
    cluster: list[ClusterRow]  # other postings with the same dedup_key
    events: list[EventRow]


def posting_detail(session: Session, posting_id: int) -> PostingDetail | None:
    posting = session.get(Posting, posting_id)
    if posting is None:
        return None
    return PostingDetail(posting=posting, sightings=sightings_of(session, posting_id),
                         cluster=cluster_of(session, posting),
                         events=events_of(session, posting_id))


def sightings_of(session: Session, posting_id: int) -> list[SightingRow]:
    stmt = (select(Sighting.id, Sighting.source_id, Source.name.label("source"),
                   Sighting.external_key, Sighting.url, Sighting.canonical_url,
                   Sighting.apply_url, Sighting.first_seen, Sighting.last_seen, Sighting.gone_at)
            .join(Source, Source.id == Sighting.source_id)
            .where(Sighting.posting_id == posting_id)
            .order_by(Sighting.first_seen, Sighting.id))
    return [SightingRow(**r._asdict()) for r in session.execute(stmt)]


def cluster_of(session: Session, posting: Posting) -> list[ClusterRow]:
    if not posting.dedup_key:
        return []
    stmt = (select(Posting.id, Posting.title, Posting.employer, Posting.city, Posting.state,
                   Posting.status, Posting.is_ma, Posting.ma_confidence, Posting.last_seen)
            .where(Posting.dedup_key == posting.dedup_key, Posting.id != posting.id)
            .order_by(Posting.id).limit(CLUSTER_MAX))
    return [ClusterRow(**r._asdict()) for r in session.execute(stmt)]


def events_of(session: Session, posting_id: int) -> list[EventRow]:
    stmt = (select(ReviewEvent.id, ReviewEvent.action, User.name.label("user"), ReviewEvent.at,
                   ReviewEvent.before, ReviewEvent.after)
            .outerjoin(User, User.id == ReviewEvent.user_id)
            .where(ReviewEvent.posting_id == posting_id)
            .order_by(ReviewEvent.at.desc(), ReviewEvent.id.desc()).limit(EVENTS_MAX))
    return [EventRow(id=r.id, action=r.action, user=r.user, at=r.at,
                     before=r.before if isinstance(r.before, dict) else {},
                     after=r.after if isinstance(r.after, dict) else {})
            for r in session.execute(stmt)]
