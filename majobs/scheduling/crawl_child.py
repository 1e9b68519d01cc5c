"""Run one crawl as a child process (``majobs crawl``) under a time limit.

A Twisted reactor cannot restart, so a long-lived scheduler crawls in children. The child
gets SIGTERM when the time limit passes or the scheduler stops (Scrapy then closes its
spiders and records the runs as partial or failed), and SIGKILL when it has not ended
``stop_grace_seconds`` later. Afterwards the runs it left open are closed as failed and
every unsuccessful run of it names the reason.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time

from sqlalchemy import Engine

from majobs.db import schedule_store
from majobs.db.engine import session_factory
from majobs.db.types import utcnow
from majobs.scheduling.runtime import CrawlRequest, CrawlResult, Runtime

log = logging.getLogger(__name__)
POLL_SECONDS = 0.5


def crawl_command(rt: Runtime, request: CrawlRequest) -> list[str]:
    """The child's command line: the death-signal wrapper, then ``majobs crawl``."""
    args = ["crawl", "--sources", str(request.sources_file), "--db", rt.db_url, "--quiet"]
    for name in request.names:
        args += ["--source", name]
    if rt.config_path is not None:
        args += ["--config", str(rt.config_path)]
    return [sys.executable, "-m", "majobs.scheduling.child", str(os.getpid()), "--", *args]


def _wait(proc: subprocess.Popen[bytes], rt: Runtime, limit: float, grace: float
          ) -> tuple[str | None, bool]:
    """Wait for the child, stopping it when asked or late: (why stopped, needed SIGKILL)."""
    deadline = time.monotonic() + limit
    reason: str | None = None
    kill_at = 0.0
    while True:
        try:
            proc.wait(timeout=POLL_SECONDS)
            return reason, False
        except subprocess.TimeoutExpired:
            pass
        now = time.monotonic()
        if reason is None:
            if rt.stop.is_set():
                reason = "stopped by the scheduler (shutting down)"
            elif now >= deadline:
                reason = f"stopped by the scheduler after its time limit of {limit:g} s"
            if reason is not None:
                log.warning("crawl child %s: %s: SIGTERM", proc.pid, reason)
                proc.send_signal(signal.SIGTERM)
                kill_at = now + grace
        elif rt.force.is_set() or now >= kill_at:
            log.warning("crawl child %s still running %g s after SIGTERM: SIGKILL",
                        proc.pid, grace)
            proc.kill()
            proc.wait()
            return reason, True


def crawl_in_child(rt: Runtime, request: CrawlRequest) -> CrawlResult:
    """Crawl ``request.names`` in a child process; wait for it, within the time limit."""
    sched = rt.cfg.get("schedule", {})
    limit = float(sched.get("crawl_timeout_seconds") or 4200)
    grace = float(sched.get("stop_grace_seconds") or 30)
    started = utcnow()
    t0 = time.monotonic()
    # A session of its own: a Ctrl-C in the terminal reaches the scheduler, which decides.
    proc = subprocess.Popen(crawl_command(rt, request), start_new_session=True)
    log.info("crawl child %s started: %d source(s)", proc.pid, len(request.names))
    if request.on_start is not None:
        request.on_start(proc.pid)
    reason, killed = _wait(proc, rt, limit, grace)
    result = CrawlResult(exit_code=proc.returncode if proc.returncode >= 0 else None,
                         seconds=round(time.monotonic() - t0, 1), pid=proc.pid,
                         started_at=started, stopped=reason, killed=killed)
    host = socket.gethostname()
    with session_factory(rt.engine).begin() as session:
        if reason is not None:
            schedule_store.close_runs_of_process(
                session, host, proc.pid, started, reason + (" (SIGKILL)" if killed else ""))
        # A crawl stopped while its spiders were still opening can exit with runs open.
        schedule_store.close_runs_of_process(
            session, host, proc.pid, started, only_open=True,
            reason=f"the crawl process ended (exit code {proc.returncode}) without closing "
                   "this run")
    return result


def pid_alive(pid: int) -> bool:
    """A process with this pid exists on this host and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:    # someone else's process
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return f.read().rsplit(") ", 1)[1][:1] != "Z"
    except (OSError, IndexError):
        return True


def close_dead_runs(engine: Engine) -> int:
    """Runs this host shows as running whose process is gone (a crawl killed with
    SIGKILL or with its scheduler, or stopped while opening): failed, with the reason.
    The scheduler calls it at start-up and ``majobs crawl`` before it crawls."""
    with session_factory(engine).begin() as session:
        dead = [i for i, pid in schedule_store.open_runs_on_host(session, socket.gethostname())
                if pid is not None and not pid_alive(pid)]
        return schedule_store.fail_runs(session, dead, "the crawl process ended without "
                                                       "closing this run") if dead else 0
