"""What ``majobs schedule --list`` and ``--history`` print (rich tables)."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from rich.table import Table

from majobs.db.schedule_store import EventRow
from majobs.scheduling.jobs import JobSpec

STATUS_STYLE = {"success": "green", "partial": "yellow", "failed": "red", "running": "cyan",
                "skipped": "magenta", "interrupted": "red"}


def _when(value: datetime | None, tz: tzinfo) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S %Z") if value else "-"


def _status(status: str) -> str:
    return f"[{STATUS_STYLE.get(status, '')}]{status}[/]"


def jobs_table(specs: list[JobSpec], stored: dict[str, datetime | None],
               last: dict[str, EventRow], tz: tzinfo, now: datetime) -> Table:
    """Configured jobs with their stored next run time (or the one their schedule gives
    when no scheduler has stored them yet), plus stored jobs no longer configured."""
    table = Table(title="scheduled jobs", title_justify="left")
    for col in ("job", "schedule", "next run", "last run", "does"):
        table.add_column(col, overflow="fold")
    for spec in specs:
        if spec.id in stored:
            nxt = _when(stored[spec.id], tz) if stored[spec.id] else "paused"
        else:
            nxt = _when(spec.trigger.get_next_fire_time(None, now), tz) + " (not stored yet)"
        jitter = f" +<={spec.trigger.jitter}s" if spec.trigger.jitter else ""
        ev = last.get(spec.id)
        done = f"{_status(ev.status)} {_when(ev.slot, tz)}" if ev else "never"
        table.add_row(spec.id, spec.cron + jitter, nxt, done, spec.name)
    for job_id in sorted(set(stored) - {s.id for s in specs}):
        table.add_row(job_id, "-", _when(stored[job_id], tz), "-",
                      "no longer configured: removed when the scheduler starts")
    return table


def _summary(steps: dict[str, Any]) -> str:
    parts = []
    crawl = steps.get("crawl") or {}
    if "error" in crawl:
        parts.append("crawl error")
    elif crawl.get("sources"):
        outcomes = crawl.get("outcomes") or {}
        parts.append(f"crawl {crawl['sources']} src" + (
            " (" + ", ".join(f"{n} {o}" for o, n in outcomes.items()) + ")" if outcomes else ""))
    if "index" in steps:
        parts.append(f"index {steps['index'].get('postings', '?')}")
    if "match" in steps:
        m = steps["match"]
        parts.append(f"match {m.get('candidates', '?')} cand, {m.get('new_matches', 0)} new")
    if "alerts" in steps:
        a = steps["alerts"]
        parts.append(f"alerts {a.get('digests', 0)} sent" +
                     (f", {len(a['failed'])} failed" if a.get("failed") else ""))
    return "; ".join(parts)


def history_table(rows: list[EventRow], tz: tzinfo) -> Table:
    table = Table(title="scheduler history", title_justify="left")
    for col in ("job", "slot", "how", "status", "started", "took", "steps", "error"):
        table.add_column(col, overflow="fold", max_width=48 if col in ("steps", "error")
                         else None)
    for r in rows:
        took = "-"
        if r.started_at and r.finished_at:
            took = f"{(r.finished_at - r.started_at).total_seconds():.0f} s"
        table.add_row(r.job_id, _when(r.slot, tz), r.trigger, _status(r.status),
                      _when(r.started_at, tz), took, _summary(r.steps), r.error or "")
    return table
