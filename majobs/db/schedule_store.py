"""The scheduler's SQL: schedule events (one row per job slot), the job store's next run
times, and crawl runs left open by a crawl child the scheduler stopped.

Callers pass a session (``with Session.begin() as session:``); nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from majobs.db.models import CrawlRun, ScheduleEvent, SchedulerJob, Source
from majobs.db.types import utcnow

FINISHED = ("success", "partial", "failed", "interrupted")


def _insert_if_absent(session: Session, values: dict[str, Any]) -> int | None:
    """Insert an event row unless its (job_id, slot) exists; the new id, else None."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (insert(ScheduleEvent).values(**values)
            .on_conflict_do_nothing(index_elements=["job_id", "slot"])
            .returning(ScheduleEvent.id))
    return session.execute(stmt).scalar()


def _base(job_id: str, slot: datetime, now: datetime, host: str | None, pid: int | None
          ) -> dict[str, Any]:
    return {"job_id": job_id, "slot": slot.astimezone(UTC), "recorded_at": now,
            "steps": {}, "host": host, "pid": pid}


def claim_slot(session: Session, job_id: str, slot: datetime, trigger: str,
               host: str | None = None, pid: int | None = None,
               now: datetime | None = None) -> int | None:
    """Start the run of ``job_id`` for ``slot``: the event id, or None when that slot
    already has a row (it ran, runs, or was skipped): the caller must not run it."""
    now = now or utcnow()
    return _insert_if_absent(session, {**_base(job_id, slot, now, host, pid),
                                       "trigger": trigger, "status": "running",
                                       "started_at": now})


def record_skip(session: Session, job_id: str, slot: datetime, reason: str,
                host: str | None = None, pid: int | None = None,
                now: datetime | None = None) -> int | None:
    """Record that a slot did not run and why (no-op when the slot already has a row)."""
    return _insert_if_absent(session, {**_base(job_id, slot, now or utcnow(), host, pid),
                                       "trigger": "cron", "status": "skipped",
                                       "error": reason})


def save_steps(session: Session, event_id: int, steps: dict[str, Any]) -> None:
    """Progress so far, visible in the history while the run goes on."""
    session.execute(update(ScheduleEvent).where(ScheduleEvent.id == event_id)
                    .values(steps=dict(steps)))


def finish_event(session: Session, event_id: int, status: str, steps: dict[str, Any],
                 error: str | None = None, now: datetime | None = None) -> None:
    if status not in FINISHED:
        raise ValueError(f"status must be one of {FINISHED}, got {status!r}")
    session.execute(update(ScheduleEvent).where(ScheduleEvent.id == event_id).values(
        status=status, steps=dict(steps), error=error, finished_at=now or utcnow()))


def interrupt_stale(session: Session, now: datetime | None = None) -> int:
    """Runs left 'running' by a scheduler that died. Only the lock holder calls this, so
    no live scheduler owns them."""
    return session.execute(
        update(ScheduleEvent).where(ScheduleEvent.status == "running").values(
            status="interrupted", finished_at=now or utcnow(),
            error="the scheduler process ended before this run finished")).rowcount


@dataclass(frozen=True)
class EventRow:
    id: int
    job_id: str
    slot: datetime
    trigger: str
    status: str
    started_at: datetime | None
    finished_at: datetime | None
    steps: dict[str, Any]
    error: str | None


def _row(e: ScheduleEvent) -> EventRow:
    return EventRow(e.id, e.job_id, e.slot, e.trigger, e.status, e.started_at, e.finished_at,
                    dict(e.steps or {}), e.error)


def history(session: Session, limit: int = 50, job_id: str | None = None) -> list[EventRow]:
    """Recent events, newest slot first."""
    stmt = select(ScheduleEvent).order_by(ScheduleEvent.slot.desc(), ScheduleEvent.id.desc())
    if job_id is not None:
        stmt = stmt.where(ScheduleEvent.job_id == job_id)
    return [_row(e) for e in session.scalars(stmt.limit(max(limit, 0)))]


def last_events(session: Session) -> dict[str, EventRow]:
    """Each job's latest event."""
    out: dict[str, EventRow] = {}
    for e in session.scalars(select(ScheduleEvent).order_by(ScheduleEvent.slot.desc(),
                                                            ScheduleEvent.id.desc())):
        out.setdefault(e.job_id, _row(e))
    return out


def stored_next_runs(session: Session) -> dict[str, datetime | None]:
    """Job id -> next run time as APScheduler stored it (read without unpickling jobs:
    APScheduler deletes a job it cannot unpickle, and a listing must not)."""
    return {job_id: datetime.fromtimestamp(ts, UTC) if ts is not None else None
            for job_id, ts in session.execute(
                select(SchedulerJob.id, SchedulerJob.next_run_time))}


# --- crawl runs of a crawl child ---------------------------------------------------------

def runs_of_process(session: Session, host: str, pid: int, since: datetime
                    ) -> list[dict[str, Any]]:
    """Crawl runs a child process (host, pid) opened since ``since``: id, source, outcome."""
    rows = session.execute(
        select(CrawlRun.id, Source.name, CrawlRun.outcome)
        .join(Source, Source.id == CrawlRun.source_id)
        .where(CrawlRun.host == host, CrawlRun.pid == pid, CrawlRun.started_at >= since)
        .order_by(CrawlRun.id))
    return [{"id": i, "source": name, "outcome": outcome} for i, name, outcome in rows]


def close_runs_of_process(session: Session, host: str, pid: int, since: datetime, reason: str,
                          only_open: bool = False, now: datetime | None = None) -> int:
    """After a crawl child ended: its runs still 'running' become failed with ``reason``;
    unless ``only_open``, every other unsuccessful run of it also gets ``reason`` added
    (the scheduler stopped the child). The number of runs touched."""
    now = now or utcnow()
    cond = [CrawlRun.host == host, CrawlRun.pid == pid, CrawlRun.started_at >= since,
            CrawlRun.outcome == "running" if only_open else CrawlRun.outcome != "success"]
    runs = session.scalars(select(CrawlRun).where(*cond)).all()
    for run in runs:
        if run.outcome == "running":
            run.outcome, run.complete, run.finished_at = "failed", False, now
        run.error = f"{run.error}; {reason}" if run.error else reason
    session.flush()
    return len(runs)


def open_runs_on_host(session: Session, host: str) -> list[tuple[int, int | None]]:
    """(run id, pid) of the runs this host still shows as running."""
    return [(i, pid) for i, pid in session.execute(
        select(CrawlRun.id, CrawlRun.pid).where(CrawlRun.host == host,
                                                CrawlRun.outcome == "running"))]


def fail_runs(session: Session, run_ids: list[int], reason: str,
              now: datetime | None = None) -> int:
    """Close these runs as failed (those still running), saying why."""
    runs = session.scalars(select(CrawlRun).where(CrawlRun.id.in_(run_ids),
                                                  CrawlRun.outcome == "running")).all()
    for run in runs:
        run.outcome, run.complete, run.finished_at = "failed", False, now or utcnow()
        run.error = f"{run.error}; {reason}" if run.error else reason
    session.flush()
    return len(runs)
