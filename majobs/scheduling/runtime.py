"""What a job needs from the scheduler process that runs it.

APScheduler stores only a job's import path and arguments (pickled into the database), so
everything else (database, settings, stop flags, the scheduled slot) lives here, set by
the process that runs jobs: ``majobs schedule`` or ``--run-now``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine


@dataclass
class CrawlRequest:
    sources_file: Path
    names: list[str]             # sources to crawl (empty: none)
    on_start: Callable[[int], None] | None = None    # called with the child's pid


@dataclass
class CrawlResult:
    exit_code: int | None        # None: killed by a signal
    seconds: float
    pid: int | None = None
    started_at: datetime | None = None
    stopped: str | None = None   # why the scheduler stopped it, if it did
    killed: bool = False         # needed SIGKILL


Crawler = Callable[["Runtime", CrawlRequest], CrawlResult]


@dataclass
class Runtime:
    db_url: str
    engine: Engine
    cfg: dict[str, Any]
    config_path: Path | None = None
    stop: threading.Event = field(default_factory=threading.Event)    # finish up, now
    force: threading.Event = field(default_factory=threading.Event)   # kill children too
    crawler: Crawler | None = None     # None: a `majobs crawl` child process


_runtime: Runtime | None = None
_local = threading.local()


def set_runtime(runtime: Runtime | None) -> None:
    global _runtime
    _runtime = runtime


def get_runtime() -> Runtime:
    if _runtime is None:
        raise RuntimeError("majobs scheduler jobs run inside `majobs schedule` "
                           "(no runtime set in this process)")
    return _runtime


def current_slot() -> datetime | None:
    """The scheduled time of the job running in this thread (None: started by hand)."""
    return getattr(_local, "slot", None)


@contextmanager
def slot_context(slot: datetime | None) -> Iterator[None]:
    previous = current_slot()
    _local.slot = slot
    try:
        yield
    finally:
        _local.slot = previous
