"""Crawl children: stopped at the time limit (SIGTERM, then SIGKILL when it hangs) or when
the scheduler stops, with their open runs closed and saying why; and a child dies with
its parent. Stand-in children open a crawl run the way the crawl does (db.runs), so the
run rows are real; the real `majobs crawl` child is in test_schedule_e2e.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from majobs.config import DEFAULTS
from majobs.db.engine import init_db, session_factory
from majobs.db.models import CrawlRun
from majobs.scheduling import crawl_child
from majobs.scheduling.runtime import CrawlRequest, Runtime

# A crawl that opens its run, then hangs. With "graceful", SIGTERM closes the run as
# Scrapy does on shutdown; otherwise SIGTERM is ignored and only SIGKILL ends it.
CHILD = """
import signal, sys, time
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})   # held until the run is open
from majobs.db import runs
from majobs.db.engine import make_engine, session_factory
from majobs.db.models import Source

url, mode = sys.argv[1], sys.argv[2]
Session = session_factory(make_engine(url))
with Session.begin() as s:
    src = Source(name=f"board-{time.time_ns()}", kind="feed", config={})
    s.add(src)
    s.flush()
    run_id = runs.start_run(s, src.id)

def closing(signum, frame):
    with Session.begin() as s:
        runs.finish_run(s, run_id, "partial", False, {"items": 1},
                        "crawl stopped early (shutdown)")
    sys.exit(1)

signal.signal(signal.SIGTERM, closing if mode == "graceful" else signal.SIG_IGN)
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
print("crawling", flush=True)
time.sleep(600)
"""


LIMIT_S = 5    # far above the stand-in's start-up; the SQL runs on both backends in
               # test_schedule_store.py, so SQLite alone here keeps the waiting short


@pytest.fixture
def db_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = init_db(f"sqlite:///{tmp_path / 'majobs.db'}")
    yield engine
    engine.dispose()


@pytest.fixture
def runtime(db_engine: Engine) -> Runtime:
    url = db_engine.url.render_as_string(hide_password=False)
    cfg = {**DEFAULTS, "schedule": {**DEFAULTS["schedule"], "crawl_timeout_seconds": LIMIT_S,
                                    "stop_grace_seconds": 30}}
    return Runtime(url, db_engine, cfg)


def use_child(monkeypatch: pytest.MonkeyPatch, rt: Runtime, mode: str) -> None:
    monkeypatch.setattr(crawl_child, "crawl_command",
                        lambda rt_, req: [sys.executable, "-c", CHILD, rt.db_url, mode])


def runs(engine: Engine) -> list[CrawlRun]:
    with session_factory(engine).begin() as s:
        return list(s.scalars(select(CrawlRun).order_by(CrawlRun.id)))


def test_hung_crawl_is_killed_at_the_time_limit(runtime: Runtime, db_engine: Engine,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    use_child(monkeypatch, runtime, "hung")
    runtime.cfg["schedule"]["stop_grace_seconds"] = 1
    result = crawl_child.crawl_in_child(runtime, CrawlRequest(Path("s.yaml"), ["board"]))
    assert result.stopped == "stopped by the scheduler after its time limit of 5 s"
    assert result.killed and result.exit_code is None
    [run] = runs(db_engine)
    assert run.pid == result.pid
    assert (run.outcome, run.complete) == ("failed", False) and run.finished_at is not None
    assert run.error == "stopped by the scheduler after its time limit of 5 s (SIGKILL)"


def test_graceful_crawl_gets_sigterm_and_its_run_says_why(
        runtime: Runtime, db_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    use_child(monkeypatch, runtime, "graceful")
    result = crawl_child.crawl_in_child(runtime, CrawlRequest(Path("s.yaml"), ["board"]))
    assert not result.killed and result.exit_code == 1
    [run] = runs(db_engine)
    assert run.outcome == "partial"
    assert run.error == ("crawl stopped early (shutdown); "
                         "stopped by the scheduler after its time limit of 5 s")


def test_scheduler_stop_stops_the_crawl(runtime: Runtime, db_engine: Engine,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    use_child(monkeypatch, runtime, "graceful")
    runtime.cfg["schedule"]["crawl_timeout_seconds"] = 600

    def stop_once_crawling() -> None:
        deadline = time.monotonic() + 60
        while not runs(db_engine) and time.monotonic() < deadline:
            time.sleep(0.05)
        runtime.stop.set()

    threading.Thread(target=stop_once_crawling, daemon=True).start()
    result = crawl_child.crawl_in_child(runtime, CrawlRequest(Path("s.yaml"), ["board"]))
    assert result.stopped == "stopped by the scheduler (shutting down)"
    [run] = runs(db_engine)
    assert run.outcome == "partial" and run.error.endswith("(shutting down)")


def test_command_line(runtime: Runtime, tmp_path: Path) -> None:
    runtime.config_path = tmp_path / "site.toml"
    cmd = crawl_child.crawl_command(runtime, CrawlRequest(tmp_path / "s.yaml", ["a", "b-2"]))
    assert cmd[:5] == [sys.executable, "-m", "majobs.scheduling.child", str(os.getpid()), "--"]
    assert cmd[5:] == ["crawl", "--sources", str(tmp_path / "s.yaml"), "--db", runtime.db_url,
                       "--quiet", "--source", "a", "--source", "b-2",
                       "--config", str(tmp_path / "site.toml")]


# The parent starts the child wrapper around a long-running majobs command, then is killed.
PARENT = """
import os, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-m", "majobs.scheduling.child", str(os.getpid()),
                          "--", "demoboard", "serve", "--postings", "3", "--port", "0"])
print(child.pid, flush=True)
time.sleep(600)
"""


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1][0] != "Z"    # a zombie has died
    except FileNotFoundError:
        return False


def test_child_dies_with_its_parent(tmp_path: Path) -> None:
    with subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True,
                          cwd=tmp_path) as parent:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        time.sleep(1.0)
        assert alive(child)
        parent.send_signal(signal.SIGKILL)
        parent.wait(30)
    deadline = time.monotonic() + 30
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(child)


@pytest.mark.parametrize(("args", "code"), [
    (["--", "crawl"], 2), (["12x", "--", "crawl"], 2), ([str(os.getpid()) + "9", "--", "x"], 1),
])
def test_wrapper_refuses_bad_use(args: list[str], code: int) -> None:
    out = subprocess.run([sys.executable, "-m", "majobs.scheduling.child", *args],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == code
