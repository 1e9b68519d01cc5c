"""Read-side queries: the postings export and summary counts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from majobs.db.models import Posting, Sighting, Source

EXPORT_CHUNK = 500
TAG_GROUPS = ("certifications", "skills", "specializations", "settings")


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _ids(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def posting_dict(p: Posting, sightings: list[tuple[str | None, str | None, str]]) -> dict:
    """One posting in the shape of ``majobs export postings`` (DESIGN.md).
    ``sightings``: (url, canonical_url, source name), earliest first."""
    urls: list[str] = []
    for url in [p.canonical_url] + [u or c for u, c, _ in sightings]:
        if url and url not in urls:
            urls.append(url)
    sources: list[str] = []
    for _, _, name in sightings:
        if name not in sources:
            sources.append(name)
    has_pay = p.pay_min is not None or p.pay_max is not None
    tags = p.tags if isinstance(p.tags, dict) else {}
    return {
        "id": p.id, "title": p.title, "employer": p.employer, "urls": urls,
        "location": {"city": p.city, "state": p.state, "postal_code": p.postal_code,
                     "lat": p.lat, "lon": p.lon},
        "remote": bool(p.remote), "employment_type": p.employment_type,
        "pay": {"min": p.pay_min, "max": p.pay_max, "period": p.pay_period,
                "currency": p.pay_currency} if has_pay else None,
        "date_posted": _iso(p.date_posted), "valid_through": _iso(p.valid_through),
        "is_ma": bool(p.is_ma), "ma_confidence": p.ma_confidence,
        "tags": {g: _ids(tags.get(g)) for g in TAG_GROUPS},
        "required_certifications": _ids(p.required_certifications),
        "status": p.status, "first_seen": _iso(p.first_seen), "last_seen": _iso(p.last_seen),
        "sources": sources,
    }


def export_postings(session: Session, include_all: bool = False) -> Iterator[dict[str, Any]]:
    """Postings by id in the export shape; default only active MA postings. Streams in
    chunks, so a large database never sits in memory at once."""
    last_id = 0
    while True:
        stmt = select(Posting).where(Posting.id > last_id).order_by(Posting.id)
        if not include_all:
            stmt = stmt.where(Posting.status == "active", Posting.is_ma.is_(True))
        postings = session.scalars(stmt.limit(EXPORT_CHUNK)).all()
        if not postings:
            return
        by_posting: dict[int, list[tuple[str | None, str | None, str]]] = {}
        rows = session.execute(
            select(Sighting.posting_id, Sighting.url, Sighting.canonical_url, Source.name)
            .join(Source, Source.id == Sighting.source_id)
            .where(Sighting.posting_id.in_([p.id for p in postings]))
            .order_by(Sighting.gone_at.is_not(None), Sighting.first_seen, Sighting.id))
        for pid, url, canon, name in rows:
            by_posting.setdefault(pid, []).append((url, canon, name))
        for p in postings:
            yield posting_dict(p, by_posting.get(p.id, []))
        session.expunge_all()  # keep the identity map small on big exports
        last_id = postings[-1].id


def posting_counts(session: Session) -> dict[str, int]:
    """Totals for summaries: all postings, active MA, not MA, multi-source, expired,
    rejected."""
    by_status = dict(session.execute(
        select(Posting.status, func.count()).group_by(Posting.status)).all())
    ma_active = session.scalar(select(func.count()).select_from(Posting).where(
        Posting.status == "active", Posting.is_ma.is_(True))) or 0
    not_ma = session.scalar(select(func.count()).select_from(Posting).where(
        Posting.is_ma.is_(False))) or 0
    multi = select(Sighting.posting_id).group_by(Sighting.posting_id).having(
        func.count(func.distinct(Sighting.source_id)) > 1).subquery()
    multi_source = session.scalar(select(func.count()).select_from(multi)) or 0
    return {
        "postings": sum(by_status.values()), "ma_active": ma_active, "not_ma": not_ma,
        "multi_source": multi_source, "active": by_status.get("active", 0),
        "expired": by_status.get("expired", 0), "rejected": by_status.get("rejected", 0),
    }
