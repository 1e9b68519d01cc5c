"""End to end: `majobs schedule` as its own process, crawling the demo board in children.

With a cron of every few seconds and a crawl made slow by a demo-board fault: the first
run outlasts several slots, which are recorded as skipped, not started alongside; the
scheduler killed with SIGKILL during the second crawl takes its crawl child down with it
(Scrapy closes its runs); restarted, it keeps its job, marks the killed run interrupted,
runs the next slot (a second recorded run) and runs no slot twice.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from majobs.db.engine import make_engine, session_factory
from majobs.db.models import CrawlRun, ScheduleEvent, SchedulerJob
from majobs.demoboard.generator import generate_market
from majobs.demoboard.server import DemoBoardServer, Request

pytestmark = pytest.mark.slow
WAIT_S = 180        # a busy 2-core machine: generous ceilings, nothing is timed
SLOW_S = 6          # a slowed greenhouse answer


def scheduler(work: Path, db: str, *args: str, log: str = "scheduler.log"
              ) -> subprocess.Popen[bytes]:
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("MAJOBS_DATABASE_URL", None)
    with open(work / log, "ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "majobs.scheduling", "schedule", "--sources",
             str(work / "sources.yaml"), "--db", db, *args],
            cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT)


def cli(work: Path, db: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "250"}
    return subprocess.run([sys.executable, "-m", "majobs.scheduling", "schedule", "--db", db,
                           *args], cwd=work, env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    work = tmp_path_factory.mktemp("schedule-e2e")
    (work / "majobs.toml").write_text(
        "[crawl]\nautothrottle = false\nconcurrent_requests_per_domain = 16\n"
        "[schedule]\nnightly = \"*/4 * * * * *\"\njitter_seconds = 0\n"
        "misfire_grace_seconds = 3600\nlock_check_seconds = 1\nstop_grace_seconds = 30\n"
        "[alerts]\noutbox = \"outbox\"\n")
    market = generate_market(postings=30, seed=3)
    with DemoBoardServer(market) as server:
        api = [s for s in market.sources(server.base_url) if s["kind"] in ("greenhouse",
                                                                           "lever")]
        assert {s["kind"] for s in api} == {"greenhouse", "lever"}
        (work / "sources.yaml").write_text(yaml.safe_dump({"sources": api}))
        yield {"work": work, "server": server, "db": f"sqlite:///{work / 'majobs.db'}"}


def read(db: str) -> tuple[list[ScheduleEvent], list[CrawlRun]]:
    engine = make_engine(db)
    try:
        with session_factory(engine).begin() as s:
            return (list(s.scalars(select(ScheduleEvent).order_by(ScheduleEvent.slot))),
                    list(s.scalars(select(CrawlRun).order_by(CrawlRun.id))))
    finally:
        engine.dispose()


def wait_until(db: str, test: Callable[[list[ScheduleEvent], list[CrawlRun]], bool],
               what: str, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        try:
            if test(*read(db)):
                return
        except Exception:   # the scheduler has not created the tables yet
            pass
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"scheduler exited {proc.returncode} waiting for {what}")
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1][0] != "Z"    # a zombie has died
    except FileNotFoundError:
        return False


def successes(events: list[ScheduleEvent]) -> list[ScheduleEvent]:
    return [e for e in events if e.status == "success"]


def slow(req: Request) -> None:
    time.sleep(SLOW_S)


def test_runs_overlap_kill_and_restart(board: dict[str, Any]) -> None:
    work, db, server = board["work"], board["db"], board["server"]
    # A deliberately slow crawl: every run outlasts the 4 s between slots.
    server.faults["/v1/boards/"] = slow
    first = scheduler(work, db)
    try:
        wait_until(db, lambda ev, _: len(successes(ev)) >= 1, "a first run", first)

        def second_crawl_running(ev: list[ScheduleEvent], runs: list[CrawlRun]) -> bool:
            started = [e for e in ev if e.started_at]
            return len(started) == 2 and started[-1].status == "running" and \
                any(r.outcome == "running" for r in runs)

        wait_until(db, second_crawl_running, "the second crawl under way", first)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(30)
    killed_at = time.time()
    events, runs = read(db)
    killed_event = [e for e in events if e.status == "running"]
    assert len(killed_event) == 1
    child = killed_event[0].steps["crawl"]["pid"]      # saved when the child started
    assert killed_event[0].steps["crawl"]["running"] is True
    # The crawl child got SIGTERM when its parent died, and stops.
    deadline = time.monotonic() + WAIT_S
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(child), "the crawl child outlived its scheduler"
    server.faults.clear()
    engine = make_engine(db)
    with engine.connect() as conn:   # the job survived the kill
        assert conn.execute(select(SchedulerJob.id)).scalars().all() == ["nightly"]
    engine.dispose()

    second = scheduler(work, db)
    try:
        wait_until(db, lambda ev, _: any(e.status == "success" and
                                         e.started_at.timestamp() > killed_at for e in ev),
                   "a run after the restart", second)
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(WAIT_S) == 0
    log = (work / "scheduler.log").read_text()
    assert "scheduler stopped" in log

    events, runs = read(db)
    by_id = {e.id: e for e in events}
    assert by_id[killed_event[0].id].status == "interrupted"
    assert "ended before this run finished" in by_id[killed_event[0].id].error
    assert len({e.slot for e in events}) == len(events)
    skipped = [e for e in events if e.status == "skipped"]
    assert any("still going" in e.error for e in skipped)
    ran = [e for e in events if e.started_at is not None]
    assert len(successes(events)) >= 2
    slowed = successes(events)[0]
    assert slowed.steps["crawl"]["seconds"] >= SLOW_S
    assert any(e.status == "skipped" and slowed.started_at < e.slot < slowed.finished_at
               for e in events)     # slots that came during the slow run did not start
    for a, b in itertools.pairwise(sorted(ran, key=lambda e: e.started_at)):
        assert a.finished_at is not None and a.finished_at <= b.started_at, (a.id, b.id)
    # Every crawl run belongs to exactly one recorded slot, and crawl children never overlap.
    for run in runs:
        owners = [e for e in ran if e.started_at <= run.started_at <= e.finished_at]
        assert len(owners) == 1, (run.id, [o.id for o in owners])
    spans: dict[int, list[float]] = {}
    for run in runs:
        end = (run.finished_at or run.started_at).timestamp()
        span = spans.setdefault(run.pid, [run.started_at.timestamp(), end])
        span[0], span[1] = min(span[0], run.started_at.timestamp()), max(span[1], end)
    for a, b in itertools.pairwise(sorted(spans.values())):
        assert a[1] <= b[0]
    # Scrapy closes them on SIGTERM ("stopped early (shutdown)"), except when the signal
    # comes while its spiders are still opening: then the restarted scheduler does.
    killed_runs = [r for r in runs if r.pid == child]
    assert killed_runs and all(r.outcome in ("partial", "failed") for r in killed_runs)
    assert all("stopped early (shutdown)" in r.error or "without closing this run" in r.error
               for r in killed_runs)
    assert not any(r.outcome == "running" for r in runs)

    history = cli(work, db, "--history", "--limit", "100")
    assert history.returncode == 0, history.stderr
    for word in ("nightly", "success", "skipped", "interrupted"):
        assert word in history.stdout
    listing = cli(work, db, "--sources", str(work / "sources.yaml"), "--list")
    assert listing.returncode == 0, listing.stderr
    assert "nightly" in listing.stdout and "*/4 * * * * *" in listing.stdout
