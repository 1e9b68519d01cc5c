"""Crawl runs: open and close them, and read their history and each source's health."""

from __future__ import annotations

import os
import socket
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from majobs.db.models import RUN_OUTCOMES, CrawlRun, Posting, Sighting, Source
from majobs.db.types import utcnow

HEALTH_RUNS = 20  # recent runs per source that source_health looks at


def start_run(session: Session, source_id: int, now: datetime | None = None) -> int:
    run = CrawlRun(source_id=source_id, started_at=now or utcnow(), outcome="running",
                   complete=False, counts={}, host=socket.gethostname(), pid=os.getpid())
    session.add(run)
    session.flush()
    return run.id


def finish_run(session: Session, run_id: int, outcome: str, complete: bool,
               counts: dict[str, Any], error: str | None = None,
               now: datetime | None = None) -> None:
    if outcome not in RUN_OUTCOMES:
        raise ValueError(f"outcome must be one of {RUN_OUTCOMES}, got {outcome!r}")
    run = session.get(CrawlRun, run_id)
    if run is None:
        raise LookupError(f"no crawl run {run_id}")
    run.finished_at = now or utcnow()
    run.outcome = outcome
    run.complete = bool(complete)
    run.counts = dict(counts)
    run.error = error


def run_dict(run: CrawlRun, source_name: str) -> dict[str, Any]:
    return {
        "id": run.id, "source": source_name, "started_at": run.started_at,
        "finished_at": run.finished_at, "outcome": run.outcome, "complete": run.complete,
        "counts": run.counts or {}, "error": run.error, "host": run.host, "pid": run.pid,
    }


def run_history(session: Session, source_name: str | None = None,
                limit: int = 50) -> list[dict[str, Any]]:
    """Recent runs, newest first (all sources, or one)."""
    stmt = (select(CrawlRun, Source.name).join(Source, Source.id == CrawlRun.source_id)
            .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc()).limit(max(limit, 0)))
    if source_name is not None:
        stmt = stmt.where(Source.name == source_name)
    return [run_dict(run, name) for run, name in session.execute(stmt)]


def runs_by_ids(session: Session, run_ids: list[int]) -> list[dict[str, Any]]:
    """These runs, in the order asked (unknown ids left out)."""
    if not run_ids:
        return []
    rows = session.execute(select(CrawlRun, Source.name)
                           .join(Source, Source.id == CrawlRun.source_id)
                           .where(CrawlRun.id.in_(run_ids)))
    found = {run.id: run_dict(run, name) for run, name in rows}
    return [found[i] for i in run_ids if i in found]


def _health(runs: list[CrawlRun]) -> str:
    finished = [r for r in runs if r.outcome != "running"]
    if not finished:
        return "never_run" if not runs else "running"
    return {"success": "ok", "partial": "degraded"}.get(finished[0].outcome, "failing")


def source_health(session: Session) -> list[dict[str, Any]]:
    """Per source: its last run, last success, failures in a row and live postings."""
    ranked = select(
        CrawlRun.id, func.row_number().over(
            partition_by=CrawlRun.source_id,
            order_by=(CrawlRun.started_at.desc(), CrawlRun.id.desc())).label("rn"),
    ).subquery()
    recent: dict[int, list[CrawlRun]] = {}
    for run in session.scalars(
            select(CrawlRun).join(ranked, ranked.c.id == CrawlRun.id)
            .where(ranked.c.rn <= HEALTH_RUNS)
            .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())):
        recent.setdefault(run.source_id, []).append(run)
    last_success = dict(session.execute(
        select(CrawlRun.source_id, func.max(CrawlRun.finished_at))
        .where(CrawlRun.outcome == "success").group_by(CrawlRun.source_id)).all())
    live: dict[int, tuple[int, int]] = {}
    for sid, n, n_ma in session.execute(
            select(Sighting.source_id, func.count(func.distinct(Sighting.posting_id)),
                   func.count(func.distinct(case((Posting.is_ma, Sighting.posting_id)))))
            .join(Posting, Posting.id == Sighting.posting_id)
            .where(Sighting.gone_at.is_(None), Posting.status == "active")
            .group_by(Sighting.source_id)):
        live[sid] = (n, n_ma)
    out = []
    for src in session.scalars(select(Source).order_by(Source.name)):
        runs = recent.get(src.id, [])
        finished = [r for r in runs if r.outcome != "running"]
        failures = 0
        for r in finished:
            if r.outcome != "failed":
                break
            failures += 1
        out.append({
            "source": src.name, "kind": src.kind, "enabled": src.enabled,
            "health": _health(runs),
            "last_run": run_dict(runs[0], src.name) if runs else None,
            "last_success_at": last_success.get(src.id),
            "failures_in_a_row": failures,
            "live_postings": live.get(src.id, (0, 0))[0],
            "live_ma_postings": live.get(src.id, (0, 0))[1],
        })
    return out
