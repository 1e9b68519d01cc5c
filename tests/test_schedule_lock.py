"""One scheduler per database: the lock refuses a second holder with who holds it, is
freed by the operating system when its holder is killed, and notices when it is lost."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from majobs.db.engine import make_engine
from majobs.errors import InputError
from majobs.scheduling.lock import SchedulerBusy, acquire_lock, lock_path

HOLDER = """
import sys, time
from majobs.scheduling.lock import acquire_lock
lock = acquire_lock(sys.argv[1])
print("locked", flush=True)
time.sleep(600)
"""


def test_second_holder_refused_then_free_after_release(db_url: str) -> None:
    lock = acquire_lock(db_url)
    try:
        assert lock.alive()
        with pytest.raises(SchedulerBusy) as err:
            acquire_lock(db_url)
        message = str(err.value)
        assert "another scheduler owns this database" in message
        assert f"pid {os.getpid()}" in message and socket.gethostname()[:20] in message
        assert err.value.exit_code == 1
    finally:
        lock.release()
    assert not lock.alive()
    again = acquire_lock(db_url)
    again.release()
    lock.release()    # twice is harmless


def test_killed_holder_frees_the_lock(db_url: str) -> None:
    with subprocess.Popen([sys.executable, "-c", HOLDER, db_url], stdout=subprocess.PIPE,
                          text=True) as proc:
        try:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
            with pytest.raises(SchedulerBusy, match=f"pid {proc.pid}"):
                acquire_lock(db_url)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(30)
    deadline = time.monotonic() + 30   # PostgreSQL ends the session when it sees EOF
    while True:
        try:
            acquire_lock(db_url).release()
            break
        except SchedulerBusy:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_sqlite_lock_file_names_its_holder(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'majobs.db'}"
    path = lock_path(url)
    assert path == (tmp_path / "majobs.db.scheduler.lock").resolve()
    lock = acquire_lock(url)
    try:
        assert path.read_text().startswith(f"pid {os.getpid()} on {socket.gethostname()}")
    finally:
        lock.release()
    assert path.read_text() == ""     # released: no stale owner shown


def lose(db_url: str) -> None:
    """Take the lock away from under its holder, as an operator or a crash could."""
    if db_url.startswith("sqlite"):
        lock_path(db_url).unlink()
        return
    other = make_engine(db_url)
    try:
        with other.begin() as conn:
            killed = conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name LIKE 'majobs scheduler%' "
                "AND datname = current_database()")).scalars().all()
        assert killed == [True]
    finally:
        other.dispose()


def test_a_lost_lock_is_noticed(db_url: str) -> None:
    lock = acquire_lock(db_url)
    try:
        assert lock.alive()
        lose(db_url)
        assert not lock.alive()
        acquire_lock(db_url).release()     # free for the next scheduler
    finally:
        lock.release()


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:",
                                 "mysql://u@127.0.0.1/majobs"])
def test_unsupported_databases(url: str) -> None:
    with pytest.raises(InputError):
        acquire_lock(url)


def test_cli_refuses_a_second_scheduler(migrated_engine: Engine, db_url: str,
                                        tmp_path: Path) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n  - {name: metro-feed, kind: feed, "
                       "url: 'http://127.0.0.1:9/feed.xml'}\n")
    lock = acquire_lock(db_url)
    try:
        out = subprocess.run(
            [sys.executable, "-m", "majobs.scheduling", "schedule", "--sources", str(sources),
             "--db", db_url], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    finally:
        lock.release()
    assert out.returncode == 1, out.stderr
    last = out.stderr.strip().splitlines()[-1]
    assert last.startswith("majobs: another scheduler owns this database")
    assert f"pid {os.getpid()}" in last


def test_run_now_refused_while_a_scheduler_runs(migrated_engine: Engine, db_url: str,
                                                tmp_path: Path) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n  - {name: metro-feed, kind: feed, "
                       "url: 'http://127.0.0.1:9/feed.xml', schedule: '0 */6 * * *'}\n")
    base = [sys.executable, "-m", "majobs.scheduling", "schedule", "--sources", str(sources),
            "--db", db_url]
    unknown = subprocess.run([*base, "--run-now", "nosuch"], capture_output=True, text=True,
                             timeout=120, cwd=tmp_path)
    assert unknown.returncode == 2
    assert "no job named 'nosuch' (jobs: nightly, source:metro-feed)" in unknown.stderr
    lock = acquire_lock(db_url)
    try:
        busy = subprocess.run([*base, "--run-now", "metro-feed"], capture_output=True,
                              text=True, timeout=120, cwd=tmp_path)
    finally:
        lock.release()
    assert busy.returncode == 1
    assert "stop it to run source:metro-feed by hand" in busy.stderr
