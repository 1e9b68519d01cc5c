"""The scheduler in this process, on both backends, with a stand-in crawl (the real crawl
child is tested in test_schedule_e2e.py): runs are recorded and never overlap, a missed
slot runs once at start-up within the grace time and is recorded as skipped beyond it, a
slot already claimed (scheduler killed after starting it) never runs again, a stop
interrupts the running job, and a second scheduler on the database is refused."""

from __future__ import annotations

import itertools
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine, select

from majobs.config import DEFAULTS
from majobs.db import runs, schedule_store
from majobs.db.engine import session_factory
from majobs.db.models import CrawlRun, ScheduleEvent, Source
from majobs.scheduling.jobs import job_specs
from majobs.scheduling.lock import SchedulerBusy
from majobs.scheduling.runtime import CrawlRequest, CrawlResult, Runtime
from majobs.scheduling.service import serve, stop_scheduler
from majobs.sources import load_sources

WAIT_S = 60     # generous: the machine may be busy; the tests do not time anything


class FakeCrawler:
    """Takes ``seconds`` (or until the scheduler stops), remembers when it ran."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.calls: list[tuple[float, float, list[str]]] = []
        self.lock = threading.Lock()

    def __call__(self, rt: Runtime, request: CrawlRequest) -> CrawlResult:
        t0 = time.monotonic()
        stopped = None
        while time.monotonic() - t0 < self.seconds:
            if rt.stop.wait(0.05):
                stopped = "stopped by the scheduler (shutting down)"
                break
        with self.lock:
            self.calls.append((t0, time.monotonic(), list(request.names)))
        return CrawlResult(exit_code=None if stopped else 0,
                           seconds=time.monotonic() - t0, stopped=stopped)


@pytest.fixture
def sources_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MAJOBS_INDEX_DIR", str(tmp_path / "index"))
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  - {name: metro-feed, kind: feed, "
                    "url: 'http://127.0.0.1:9/feed.xml', allow_local: true}\n")
    return path


def runtime(db_engine: Engine, crawler: FakeCrawler, tmp_path: Path, **schedule: object
            ) -> Runtime:
    cfg = {**DEFAULTS, "schedule": {**DEFAULTS["schedule"], "timezone": "UTC",
                                    "jitter_seconds": 0, "lock_check_seconds": 0.2,
                                    **schedule},
           "alerts": {**DEFAULTS["alerts"], "outbox": str(tmp_path / "outbox")}}
    url = db_engine.url.render_as_string(hide_password=False)
    return Runtime(url, db_engine, cfg, crawler=crawler)


class Service:
    """``serve`` in a thread, stopped on leaving the block."""

    def __init__(self, rt: Runtime, sources_file: Path) -> None:
        self.rt = rt
        self.specs = job_specs(rt.cfg, load_sources(sources_file), sources_file)
        self.stop = threading.Event()
        self.code: list[int | BaseException] = []
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            self.code.append(serve(self.rt, self.specs, self.stop))
        except BaseException as exc:
            self.code.append(exc)

    def __enter__(self) -> Service:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(WAIT_S)
        assert not self.thread.is_alive(), "the scheduler did not stop"
        assert self.code == [0], self.code


def events(engine: Engine) -> list[ScheduleEvent]:
    with session_factory(engine).begin() as s:
        return list(s.scalars(select(ScheduleEvent).order_by(ScheduleEvent.slot)))


def wait_for(engine: Engine, test: Callable[[list[ScheduleEvent]], bool], what: str
             ) -> list[ScheduleEvent]:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        evs = events(engine)
        if test(evs):
            return evs
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}: "
                         f"{[(e.job_id, e.slot, e.status, e.error) for e in evs]}")


def wait_stored(engine: Engine) -> None:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        with session_factory(engine).begin() as s:
            if schedule_store.stored_next_runs(s):
                return
        time.sleep(0.05)
    raise AssertionError("the scheduler never stored its jobs")


def set_stored_next_run(engine: Engine, job_id: str, when: datetime) -> None:
    """As if the scheduler had been down since before ``when``: APScheduler's own API."""
    sched = BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(engine=engine)},
                                timezone=UTC)
    sched.start(paused=True)
    sched.modify_job(job_id, next_run_time=when)
    stop_scheduler(sched)


def test_runs_recorded_and_never_overlap(db_engine: Engine, sources_file: Path,
                                         tmp_path: Path) -> None:
    crawler = FakeCrawler(2.5)   # slower than the 1 s between slots
    rt = runtime(db_engine, crawler, tmp_path, nightly="* * * * * *")
    with Service(rt, sources_file):
        evs = wait_for(db_engine, lambda evs: sum(e.status == "success" for e in evs) >= 2,
                       "two successful runs")
    done = [e for e in evs if e.status == "success"]
    for e in done:
        assert e.trigger == "cron" and e.job_id == "nightly"
        assert e.slot.microsecond == 0          # a cron slot, not a clock reading
        assert e.steps["crawl"]["exit_code"] == 0 and "index" in e.steps and \
            "match" in e.steps and "alerts" in e.steps
    spans = sorted((e.started_at, e.finished_at) for e in events(db_engine)
                   if e.started_at is not None)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), spans
    calls = sorted(crawler.calls)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(calls))
    assert all(names == ["metro-feed"] for _, _, names in calls)
    skipped = [e for e in evs if e.status == "skipped"]
    assert skipped and all("still going" in (e.error or "") for e in skipped)
    assert len({e.slot for e in events(db_engine)}) == len(events(db_engine))


def test_missed_slot_runs_once_at_start_up_within_grace(
        db_engine: Engine, sources_file: Path, tmp_path: Path) -> None:
    crawler = FakeCrawler(0)
    rt = runtime(db_engine, crawler, tmp_path, nightly="0 3 1 1 *", misfire_grace_seconds=3600)
    with Service(rt, sources_file):
        wait_stored(db_engine)
    assert events(db_engine) == [] and crawler.calls == []
    missed = (datetime.now(UTC) - timedelta(minutes=20)).replace(microsecond=0)
    set_stored_next_run(db_engine, "nightly", missed)

    rt = runtime(db_engine, crawler, tmp_path, nightly="0 3 1 1 *", misfire_grace_seconds=3600)
    with Service(rt, sources_file):
        evs = wait_for(db_engine, lambda evs: any(e.status == "success" for e in evs),
                       "the missed run")
    assert [(e.slot, e.status) for e in evs] == [(missed, "success")]
    assert evs[0].started_at - missed > timedelta(minutes=19)
    assert len(crawler.calls) == 1


def test_missed_slot_beyond_grace_is_recorded_as_skipped(
        db_engine: Engine, sources_file: Path, tmp_path: Path) -> None:
    crawler = FakeCrawler(0)
    rt = runtime(db_engine, crawler, tmp_path, nightly="0 3 1 1 *", misfire_grace_seconds=60)
    with Service(rt, sources_file):
        wait_stored(db_engine)
    missed = (datetime.now(UTC) - timedelta(hours=2)).replace(microsecond=0)
    set_stored_next_run(db_engine, "nightly", missed)
    with Service(runtime(db_engine, crawler, tmp_path, nightly="0 3 1 1 *",
                         misfire_grace_seconds=60), sources_file):
        evs = wait_for(db_engine, lambda evs: bool(evs), "the skip record")
    assert [(e.slot, e.status) for e in evs] == [(missed, "skipped")]
    assert "missed" in evs[0].error and "grace time of 60 s" in evs[0].error
    assert crawler.calls == []


def test_a_claimed_slot_never_runs_twice(db_engine: Engine, sources_file: Path,
                                         tmp_path: Path) -> None:
    crawler = FakeCrawler(0)
    with Service(runtime(db_engine, crawler, tmp_path, nightly="0 3 1 1 *"), sources_file):
        wait_stored(db_engine)
    # A scheduler started slot T, then was killed before storing the next run time.
    slot = (datetime.now(UTC) - timedelta(minutes=1)).replace(microsecond=0)
    with session_factory(db_engine).begin() as s:
        schedule_store.claim_slot(s, "nightly", slot, "cron", host="elsewhere", pid=1)
    set_stored_next_run(db_engine, "nightly", slot)
    with Service(runtime(db_engine, crawler, tmp_path, nightly="0 3 1 1 *"), sources_file):
        time.sleep(1.5)     # time enough to run it, were it run
    evs = events(db_engine)
    assert [(e.slot, e.status) for e in evs] == [(slot, "interrupted")]
    assert "ended before this run finished" in evs[0].error
    assert crawler.calls == []
    with session_factory(db_engine).begin() as s:
        nxt = schedule_store.stored_next_runs(s)["nightly"]
    assert nxt is not None and nxt > datetime.now(UTC)   # moved on past the slot


def test_stop_interrupts_the_running_job(db_engine: Engine, sources_file: Path,
                                         tmp_path: Path) -> None:
    crawler = FakeCrawler(600)
    rt = runtime(db_engine, crawler, tmp_path, nightly="* * * * * *")
    with Service(rt, sources_file):
        wait_for(db_engine, lambda evs: any(e.status == "running" for e in evs), "a run")
    evs = [e for e in events(db_engine) if e.status != "skipped"]
    assert [e.status for e in evs] == ["interrupted"]
    assert evs[0].steps["crawl"]["stopped"].startswith("stopped by the scheduler")
    assert "not run: index, match, alerts" in evs[0].error
    assert len(crawler.calls) == 1


def test_second_scheduler_is_refused(db_engine: Engine, sources_file: Path,
                                     tmp_path: Path) -> None:
    first = runtime(db_engine, FakeCrawler(0), tmp_path, nightly="0 3 1 1 *")
    with Service(first, sources_file):
        wait_stored(db_engine)    # serve() holds the lock once the job is stored
        second = Service(runtime(db_engine, FakeCrawler(0), tmp_path, nightly="0 3 1 1 *"),
                         sources_file)
        second._run()
        assert len(second.code) == 1 and isinstance(second.code[0], SchedulerBusy)
        assert "another scheduler owns this database" in str(second.code[0])


def test_runs_of_ended_crawl_processes_are_closed_at_start_up(
        db_engine: Engine, sources_file: Path, tmp_path: Path) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    with session_factory(db_engine).begin() as s:
        src = Source(name="board", kind="feed", config={})
        s.add(src)
        s.flush()
        dead = runs.start_run(s, src.id)
        live = runs.start_run(s, src.id)
        s.get(CrawlRun, dead).pid = gone.pid                 # a crawl that died mid-run
        s.add(CrawlRun(source_id=src.id, outcome="running", host="worker-2", pid=gone.pid))
    with Service(runtime(db_engine, FakeCrawler(0), tmp_path, nightly="0 3 1 1 *"),
                 sources_file):
        wait_stored(db_engine)
    with session_factory(db_engine).begin() as s:
        got = {r.id: (r.outcome, r.error) for r in s.scalars(select(CrawlRun))}
    assert got[dead] == ("failed", "the crawl process ended without closing this run")
    assert got[live] == ("running", None)          # this test process: alive
    assert [v for k, v in got.items() if k not in (dead, live)] == [("running", None)]
