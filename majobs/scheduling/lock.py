"""One scheduler per database: the lock a scheduler holds for as long as it runs.

- PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) on a connection of
  its own, named by ``application_name`` so a refused scheduler can say who holds it. The
  server frees it when that connection ends, also when the process is killed.
- SQLite: an OS lock (``fcntl.flock``) on ``<database file>.scheduler.lock`` next to the
  database, holding the owner's pid, host and start time. The kernel frees it when the
  process ends, however it ends. Like SQLite itself, it needs a local file system.

Both are released by the operating system on any death, so there is no stale lock to
clear by hand, and neither needs a heartbeat to expire.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from majobs.db.engine import make_engine, normalize_url
from majobs.errors import InputError, MajobsError

# 64-bit advisory lock key: "majobsch" (the migration lock in db/migrate.py is another key).
ADVISORY_KEY = int.from_bytes(b"majobsch", "big") & 0x7FFFFFFFFFFFFFFF


class SchedulerBusy(MajobsError):
    """Another scheduler owns this database (exit 1)."""


class SchedulerLock(Protocol):
    description: str

    def alive(self) -> bool: ...

    def release(self) -> None: ...


def owner_text() -> str:
    return (f"pid {os.getpid()} on {socket.gethostname()} "
            f"since {datetime.now(UTC).strftime('%Y-%m-%d %H:%M:%S UTC')}")


class FileLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.description = f"lock file {path}"
        self._fd: int | None = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(self._fd, 500).decode("utf-8", "replace").strip() or "unknown"
            os.close(self._fd)
            self._fd = None
            raise SchedulerBusy(f"another scheduler owns this database ({holder}; "
                                f"{self.description})") from None
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, (owner_text() + "\n").encode(), 0)

    def alive(self) -> bool:
        """Still ours: the file at ``path`` is the one we locked (not deleted/replaced)."""
        if self._fd is None:
            return False
        try:
            return os.fstat(self._fd).st_ino == os.stat(self.path).st_ino
        except OSError:
            return False

    def release(self) -> None:
        if self._fd is None:
            return
        os.ftruncate(self._fd, 0)
        os.close(self._fd)     # closing drops the flock
        self._fd = None


class AdvisoryLock:
    def __init__(self, url: str) -> None:
        self.description = f"PostgreSQL advisory lock {ADVISORY_KEY}"
        # NullPool: closing the connection ends the session, and with it the lock.
        self._engine = make_engine(url, poolclass=NullPool)
        self._conn: Connection | None = self._engine.connect()
        conn = self._conn
        conn.execute(text("SELECT set_config('application_name', :n, false)"),
                     {"n": f"majobs scheduler, {owner_text()}"[:63]})
        got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}).scalar()
        conn.commit()
        if not got:
            holder = self._holder(conn)
            self._close()
            raise SchedulerBusy(f"another scheduler owns this database ({holder}; "
                                f"{self.description})")

    @staticmethod
    def _key_parts() -> dict[str, int]:
        # pg_locks shows a bigint key as classid (high 32 bits) and objid (low 32 bits).
        return {"hi": ADVISORY_KEY >> 32, "lo": ADVISORY_KEY & 0xFFFFFFFF}

    def _holder(self, conn: Connection) -> str:
        row = conn.execute(text(
            "SELECT a.application_name, a.client_addr, a.pid FROM pg_locks l "
            "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' "
            "AND l.granted AND l.classid = :hi AND l.objid = :lo AND l.objsubid = 1"),
            self._key_parts()).first()
        conn.commit()
        if row is None:
            return "holder unknown"
        name, addr, pid = row
        return f"{name or 'unnamed session'}, server backend {pid}" + \
            (f" from {addr}" if addr else "")

    def alive(self) -> bool:
        """The lock connection still works and still holds the lock."""
        if self._conn is None:
            return False
        try:
            held = self._conn.execute(text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND pid = pg_backend_pid() AND classid = :hi AND objid = :lo "
                "AND objsubid = 1"), self._key_parts()).scalar()
            self._conn.commit()
        except Exception:   # a dropped connection: the server has freed the lock
            return False
        return held == 1

    def _close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):  # already broken: nothing to give back
                self._conn.close()
            self._conn = None
        self._engine.dispose()

    def release(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):  # the connection is gone, the lock with it
                self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
                self._conn.commit()
        self._close()


def lock_path(url: str) -> Path:
    """The lock file of a SQLite database URL."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise InputError(None, "--db", "the scheduler needs a database file or server, "
                                       "not an in-memory SQLite database")
    db = Path(database).resolve()
    return db.with_name(db.name + ".scheduler.lock")


def acquire_lock(url: str) -> SchedulerLock:
    """Take the scheduler lock of the database at ``url`` or raise :class:`SchedulerBusy`."""
    backend = normalize_url(url).get_backend_name()
    if backend == "sqlite":
        return FileLock(lock_path(url))
    if backend == "postgresql":
        return AdvisoryLock(url)
    raise InputError(None, "--db", f"the scheduler supports SQLite and PostgreSQL, not {backend}")
