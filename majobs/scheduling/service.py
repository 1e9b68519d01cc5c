"""The scheduler process: APScheduler 3 with its job store in the majobs database.

- One scheduler per database (:mod:`majobs.scheduling.lock`), checked every
  ``lock_check_seconds``; losing the lock stops this scheduler.
- Jobs run one at a time in one worker thread; ``max_instances=1`` and coalescing, so a
  slow run never overlaps the next: a slot that comes while its job still runs is recorded
  as skipped, and so is a slot missed by more than ``misfire_grace_seconds``.
- ``SlotExecutor`` tells each job which slot it runs (APScheduler passes it only to its
  executors), so the job can claim that slot once.
- Stopping (``stop`` set, by SIGTERM/Ctrl-C in the CLI) stops the crawl child, lets the
  running job record itself as interrupted, and releases the lock.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from apscheduler.events import (
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    JobExecutionEvent,
    JobSubmissionEvent,
)
from apscheduler.executors.base import run_job
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler

from majobs.db import schedule_store
from majobs.db.engine import session_factory
from majobs.db.types import utcnow
from majobs.scheduling.crawl_child import close_dead_runs
from majobs.scheduling.jobs import JobSpec, schedule_settings, sync_jobs
from majobs.scheduling.lock import acquire_lock
from majobs.scheduling.runtime import Runtime, set_runtime, slot_context

log = logging.getLogger(__name__)
STORE = "default"    # the one job store: the majobs database


def _run_in_slot(job: Job, jobstore_alias: str, run_times: list[datetime],
                 logger_name: str) -> Any:
    with slot_context(run_times[-1]):
        return run_job(job, jobstore_alias, run_times, logger_name)


class SlotExecutor(ThreadPoolExecutor):
    """APScheduler's thread pool, running each job inside :func:`slot_context`."""

    def _do_submit_job(self, job: Job, run_times: list[datetime]) -> None:
        def callback(future: Any) -> None:
            exc = future.exception()
            if exc is not None:
                self._run_job_error(job.id, exc, exc.__traceback__)
            else:
                self._run_job_success(job.id, future.result())

        future = self._pool.submit(_run_in_slot, job, job._jobstore_alias, run_times,
                                   self._logger.name)
        future.add_done_callback(callback)


def build_scheduler(rt: Runtime, grace_seconds: int, tz: Any) -> BackgroundScheduler:
    return BackgroundScheduler(
        jobstores={STORE: SQLAlchemyJobStore(engine=rt.engine)},
        executors={"default": SlotExecutor(max_workers=1)},
        job_defaults={"coalesce": True, "max_instances": 1,
                      "misfire_grace_time": grace_seconds},
        timezone=tz)


class SkipRecorder:
    """Scheduler events -> 'skipped' rows: slots missed beyond the grace time, and slots
    that came while the job's previous run was still going."""

    def __init__(self, rt: Runtime, grace_seconds: int) -> None:
        self.rt, self.grace = rt, grace_seconds

    def __call__(self, event: Any) -> None:
        if isinstance(event, JobExecutionEvent) and event.code == EVENT_JOB_MISSED:
            late = (utcnow() - event.scheduled_run_time).total_seconds()
            self._record(event.job_id, [event.scheduled_run_time],
                         f"missed: {late:.0f} s late, beyond the grace time of {self.grace} s")
        elif isinstance(event, JobSubmissionEvent) and event.code == EVENT_JOB_MAX_INSTANCES:
            self._record(event.job_id, event.scheduled_run_times,
                         "skipped: the previous run of this job was still going")

    def _record(self, job_id: str, slots: Iterable[datetime], reason: str) -> None:
        try:
            with session_factory(self.rt.engine).begin() as session:
                for slot in slots:
                    schedule_store.record_skip(session, job_id, slot, reason,
                                               host=socket.gethostname(), pid=os.getpid())
        except Exception:   # never let a listener break the scheduler thread
            log.exception("could not record a skipped slot of %s", job_id)
        log.warning("job %s: %s", job_id, reason)


def stop_scheduler(scheduler: BaseScheduler, wait: bool = True) -> None:
    """Shut down without spending a slot. APScheduler 3 processes due jobs once more
    after ``shutdown()`` marks it stopped (and while it waits for the running job); a job
    due then fails to submit, yet its next run time moves on, so its slot would vanish
    unrecorded. Taking the job store away first leaves such a slot due in the database:
    the next start runs it (within the grace time) or records it as skipped."""
    if not scheduler.running:
        return
    scheduler.pause()
    scheduler.remove_jobstore(STORE, shutdown=False)
    scheduler.shutdown(wait=wait)


def describe_jobs(scheduler: BackgroundScheduler) -> list[str]:
    return [f"{job.id}: next run {job.next_run_time:%Y-%m-%d %H:%M:%S %Z}"
            if job.next_run_time else f"{job.id}: paused" for job in scheduler.get_jobs()]


def serve(rt: Runtime, specs: list[JobSpec], stop: threading.Event,
          config_file: str = "majobs.toml") -> int:
    """Run the scheduler until ``stop`` is set (or the lock is lost): the exit code.
    Raises :class:`~majobs.scheduling.lock.SchedulerBusy` when another one runs."""
    tz, _, grace = schedule_settings(rt.cfg, config_file)
    check_every = max(float(rt.cfg.get("schedule", {}).get("lock_check_seconds") or 30), 0.2)
    lock = acquire_lock(rt.db_url)
    code = 0
    scheduler: BackgroundScheduler | None = None
    set_runtime(rt)
    try:
        with session_factory(rt.engine).begin() as session:
            stale = schedule_store.interrupt_stale(session)
        if stale:
            log.warning("%d run(s) left running by an earlier scheduler marked interrupted",
                        stale)
        dead = close_dead_runs(rt.engine)
        if dead:
            log.warning("%d crawl run(s) of ended crawl processes closed as failed", dead)
        scheduler = build_scheduler(rt, grace, tz)
        scheduler.add_listener(SkipRecorder(rt, grace),
                               EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)
        scheduler.start(paused=True)
        actions = sync_jobs(scheduler, specs, grace)
        log.info("scheduler started (pid %s, %s); jobs: %s", os.getpid(), lock.description,
                 ", ".join(f"{k} {v}" for k, v in actions.items()) or "none")
        for line in describe_jobs(scheduler):
            log.info("  %s", line)
        scheduler.resume()
        while not stop.wait(check_every):
            if not lock.alive():
                log.error("lost the scheduler lock (%s): stopping", lock.description)
                code = 1
                break
    finally:
        rt.stop.set()
        if scheduler is not None and scheduler.running:
            log.info("scheduler stopping: waiting for the running job to wind down")
            stop_scheduler(scheduler)
        lock.release()
        set_runtime(None)
        log.info("scheduler stopped")
    return code
