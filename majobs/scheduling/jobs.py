"""Which jobs exist (from majobs.toml and the sources file) and how they reach the store.

- ``nightly``: ``[schedule] nightly`` (cron, default 02:00 local, up to ``jitter_seconds``
  late): crawl every enabled source without a schedule of its own, then index, match,
  alerts. An empty ``nightly`` turns it off.
- ``source:<name>``: each enabled source with a ``schedule:`` cron: that source alone,
  then index, match, alerts.

At start-up the stored jobs are brought in line with these. A job whose schedule did not
change keeps its stored next run time, so a run missed while the scheduler was down is
still due (and runs once at start-up, within the grace time); a changed one starts over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import Any

from apscheduler.job import Job
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger

from majobs.errors import InputError
from majobs.schedules import NIGHTLY_JOB_ID, SOURCE_JOB_PREFIX
from majobs.scheduling.cron import parse_cron, resolve_timezone
from majobs.sources import SourceConfig

NIGHTLY_REF = "majobs.schedules:nightly_pipeline"
SOURCE_REF = "majobs.schedules:source_pipeline"
JOB_REFS = (NIGHTLY_REF, SOURCE_REF)


@dataclass(frozen=True)
class JobSpec:
    id: str
    func: str                    # textual reference: survives refactors of the code behind
    cron: str
    trigger: CronTrigger
    kwargs: dict[str, Any]
    name: str

    def same_schedule(self, job: Job) -> bool:
        """The stored job runs this function with these arguments on this schedule."""
        return (job.func_ref == self.func and job.kwargs == self.kwargs
                and repr(job.trigger) == repr(self.trigger))


def schedule_settings(cfg: dict[str, Any], file: str = "majobs.toml"
                      ) -> tuple[tzinfo, int | None, int]:
    """(time zone, jitter seconds or None, misfire grace seconds), validated."""
    sched = cfg.get("schedule", {})
    try:
        tz = resolve_timezone(sched.get("timezone"))
    except ValueError as exc:
        raise InputError(file, "schedule.timezone", str(exc)) from None
    values = {}
    for key in ("jitter_seconds", "misfire_grace_seconds"):
        value = sched.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InputError(file, f"schedule.{key}", f"must be a whole number >= 0, got {value!r}")
        values[key] = value
    return tz, values["jitter_seconds"] or None, max(values["misfire_grace_seconds"], 1)


def job_specs(cfg: dict[str, Any], sources: list[SourceConfig], sources_file: Path,
              config_file: str = "majobs.toml") -> list[JobSpec]:
    """The jobs this configuration asks for (InputError naming a bad cron or setting)."""
    tz, jitter, _ = schedule_settings(cfg, config_file)
    path = str(Path(sources_file).resolve())
    specs: list[JobSpec] = []
    nightly = cfg.get("schedule", {}).get("nightly")
    if nightly not in (None, ""):
        try:
            trigger = parse_cron(nightly, tz, jitter)
        except ValueError as exc:
            raise InputError(config_file, "schedule.nightly", str(exc)) from None
        specs.append(JobSpec(NIGHTLY_JOB_ID, NIGHTLY_REF, str(nightly), trigger,
                             {"sources": path},
                             "nightly: crawl, index, match, alerts"))
    for src in sources:
        if not (src.enabled and src.schedule):
            continue
        try:
            trigger = parse_cron(src.schedule, tz, jitter)
        except ValueError as exc:
            raise InputError(str(sources_file), f"{src.name}.schedule", str(exc)) from None
        specs.append(JobSpec(SOURCE_JOB_PREFIX + src.name, SOURCE_REF, src.schedule, trigger,
                             {"sources": path, "source": src.name},
                             f"{src.name}: crawl it, index, match, alerts"))
    return specs


def sync_jobs(scheduler: BaseScheduler, specs: list[JobSpec], grace_seconds: int
              ) -> dict[str, str]:
    """Make the (started, paused) scheduler's stored jobs equal ``specs``; what was done
    per job id: kept, changed, added or removed."""
    stored = {job.id: job for job in scheduler.get_jobs()}
    actions: dict[str, str] = {}
    for spec in specs:
        old = stored.pop(spec.id, None)
        keep = old is not None and spec.same_schedule(old)
        extra = {"next_run_time": old.next_run_time} if keep and old is not None else {}
        scheduler.add_job(spec.func, trigger=spec.trigger, id=spec.id, name=spec.name,
                          kwargs=spec.kwargs, replace_existing=True, coalesce=True,
                          max_instances=1, misfire_grace_time=grace_seconds, **extra)
        actions[spec.id] = "kept" if keep else "changed" if old is not None else "added"
    for job_id in stored:      # the table is ours alone: whatever is not configured goes
        scheduler.remove_job(job_id)
        actions[job_id] = "removed"
    return actions
