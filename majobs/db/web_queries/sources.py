"""Sources and crawl runs for the web: health (from ``majobs.db.runs``), the run
history with paging, and the enabled switch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from majobs.db import runs
from majobs.db.models import CrawlRun, Source

RUNS_PAGE = 50


@dataclass(frozen=True)
class SourceChoice:
    id: int
    name: str


def source_choices(session: Session) -> list[SourceChoice]:
    """Every source, by name: the review queue's filter menu."""
    return [SourceChoice(id=i, name=n)
            for i, n in session.execute(select(Source.id, Source.name).order_by(Source.name))]


def source_health(session: Session) -> list[dict[str, Any]]:
    return runs.source_health(session)


def _by_name(session: Session, name: str) -> Source | None:
    if "\x00" in name:  # no source name has one (PostgreSQL text cannot)
        return None
    return session.scalar(select(Source).where(Source.name == name))


def source_config(session: Session, name: str) -> dict[str, Any] | None:
    src = _by_name(session, name)
    if src is None:
        return None
    return {"id": src.id, "name": src.name, "kind": src.kind, "enabled": src.enabled,
            "config": src.config if isinstance(src.config, dict) else {},
            "created_at": src.created_at}


def run_page(session: Session, source_name: str | None = None, before_id: int | None = None,
             limit: int = RUNS_PAGE) -> tuple[list[dict[str, Any]], int | None]:
    """Runs newest first (by id, which grows with start time), keyset-paged by id.
    Returns the runs and the ``before_id`` of the next page (None on the last)."""
    limit = max(1, min(limit, 500))
    stmt = (select(CrawlRun, Source.name).join(Source, Source.id == CrawlRun.source_id)
            .order_by(CrawlRun.id.desc()).limit(limit + 1))
    if source_name:
        stmt = stmt.where(Source.name == source_name.replace("\x00", ""))
    if before_id is not None:
        stmt = stmt.where(CrawlRun.id < before_id)
    rows = [runs.run_dict(run, name) for run, name in session.execute(stmt)]
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1]["id"] if more and rows else None)


def set_source_enabled(session: Session, name: str, enabled: bool) -> bool:
    """Switch a source on or off; False when there is no such source."""
    src = _by_name(session, name)
    if src is None:
        return False
    src.enabled = bool(enabled)
    return True
