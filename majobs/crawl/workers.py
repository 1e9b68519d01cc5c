"""Worker processes for the pipeline's pure stages (normalize, classify, tag).

A crawl runs in one reactor thread; these stages are most of its CPU. ``StageWorkers``
sends each item to a process pool (``concurrent.futures``) and awaits the answer, so the
reactor keeps downloading and storing while another core cleans text. One pool per
process, shared by every crawler in it (a crawl of 300 sources is 300 crawlers), started
on first use; each worker warms the tagger, ZIP index and date parser while the first
requests are in flight. The pool shuts down when the reactor does, or by
:func:`shutdown_pool`.

When a worker dies (``BrokenProcessPool``: killed, out of memory, a crash in a C
extension) the failure is logged once and the stages run in this process from then on,
the item in hand included: the crawl neither hangs nor loses items. A stage that runs
longer than ``timeout`` seconds in a worker is taken as stuck: the pool is stopped the
same way and that item is given up (:class:`StageTimeout`).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import pickle
import signal
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from majobs.items import JobPostingItem

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 120.0   # seconds one stage may take on one item before it counts as stuck


class StageTimeout(Exception):
    """A stage ran past the timeout in a worker; the pool was stopped."""


def default_workers() -> int:
    """One core for the reactor, the rest for the stages (at least one worker)."""
    return max((os.cpu_count() or 1) - 1, 1)


def worker_count(value: Any) -> int:
    """The ``pipeline_workers`` setting -> a worker count; unset: :func:`default_workers`,
    0: run the stages in-process (for debugging and profiling)."""
    if value is None or value == "":
        return default_workers()
    try:
        count = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"pipeline_workers must be a whole number >= 0, not {value!r}") from None
    if count < 0:
        raise ValueError(f"pipeline_workers must be a whole number >= 0, not {value!r}")
    return count


def run_inline(stage: str, item: JobPostingItem) -> JobPostingItem:
    # Imported on first use: with a pool, the crawl's process never loads the stages.
    from majobs.crawl.item_stages import run_stage

    return run_stage(stage, item)


def _run_pickled(stage: str, payload: bytes) -> JobPostingItem:
    return run_inline(stage, pickle.loads(payload))


def _start_worker() -> None:
    # Ctrl-C reaches the whole process group: the crawl's process decides, not the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from majobs.crawl.item_stages import warm_up

    warm_up()


def _ready() -> int:
    return os.getpid()


class StageWorkers:
    """A process pool that runs named stages on items; in-process once it has broken."""

    def __init__(self, workers: int, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.workers = workers
        self.timeout = timeout
        self.broken: str | None = None   # why the pool stopped, once it has
        # Items sent and not answered yet; above high_water, downloads wait (room()) until
        # half of them are done: enough queued to keep every worker busy, not thousands.
        self.in_flight = 0
        self.high_water = max(256, 128 * workers)
        self._room = asyncio.Event()
        self._room.set()
        # spawn: a fresh interpreter that imports only the stages (no Scrapy, no reactor
        # state, no threads copied by fork).
        self._pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(
            "spawn"), initializer=_start_worker)
        try:
            self.started = [self._pool.submit(_ready) for _ in range(workers)]
        except OSError:
            self._pool.shutdown(wait=False, cancel_futures=True)
            raise

    async def run(self, stage: str, item: JobPostingItem) -> JobPostingItem:
        """``stage`` applied to ``item``, in a worker while the pool works."""
        if self.broken is not None:
            return run_inline(stage, item)
        try:
            # Pickled here, not in the executor's feeder thread: an item that cannot travel
            # (a spider left an odd object in a raw field) fails now, and is done in-process.
            payload = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # pickle raises several types (PicklingError, TypeError, ...)
            logger.debug("item of %s cleaned in-process: %s", item.source, exc)
            return run_inline(stage, item)
        self.in_flight += 1
        if self.in_flight >= self.high_water:
            self._room.clear()
        try:
            future = asyncio.wrap_future(self._pool.submit(_run_pickled, stage, payload))
            return await asyncio.wait_for(future, self.timeout)
        except BrokenProcessPool as exc:
            self.stop(f"a worker process died ({exc or type(exc).__name__})")
            return run_inline(stage, item)
        except TimeoutError:
            self.stop(f"the {stage} stage ran over {self.timeout:g} s on one item")
            raise StageTimeout(f"{stage} over {self.timeout:g} s") from None
        finally:
            self.in_flight -= 1
            if self.in_flight <= self.high_water // 2:
                self._room.set()

    async def room(self) -> None:
        """Return once the workers are not far behind (at once when they are not)."""
        if not self._room.is_set() and self.broken is None:
            await self._room.wait()

    def stop(self, reason: str) -> None:
        """Give up on the pool: later items run in-process."""
        self._room.set()   # in-process from now on: nothing to wait for
        if self.broken is None:
            self.broken = reason
            logger.error("pipeline worker pool stopped: %s; the stages run in the crawl's "
                         "process from now on", reason)
        self._terminate()

    def _terminate(self) -> None:
        # A stuck worker ignores shutdown(): end the processes themselves (the executor has
        # no public handle on them before Python 3.14's terminate_workers). The executor then
        # fails every queued item with BrokenProcessPool, and run() does them in-process;
        # cancel_futures would make them CancelledError instead.
        for process in list((getattr(self._pool, "_processes", None) or {}).values()):
            if process.is_alive():
                process.terminate()
        self._pool.shutdown(wait=True)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class PipelineBackpressure:
    """Downloader middleware: a new download waits while the stage workers are far behind.

    One pool serves every crawler of the process, and each crawler only limits its own
    downloads: without this, hundreds of sources download far ahead of the workers, and
    their responses, items and tasks pile up (at 5,000 postings: 3,000 items queued, over
    500 MB). Requests waiting here count as active downloads, so each engine stops taking
    new ones from its scheduler too. Nothing waits when the stages run in-process.
    """

    @classmethod
    def from_crawler(cls, crawler: Any) -> PipelineBackpressure:
        return cls()

    async def process_request(self, request: Any) -> None:
        if _POOL is not None:
            await _POOL.room()


_POOL: StageWorkers | None = None
_UNAVAILABLE: str | None = None   # why no pool could start in this process


def shared_pool(workers: int, timeout: float = DEFAULT_TIMEOUT) -> StageWorkers | None:
    """This process's pool (created by the first caller; later calls share it); None when
    no worker process can start (the stages then run in-process)."""
    global _POOL, _UNAVAILABLE
    if _POOL is None and _UNAVAILABLE is None:
        try:
            _POOL = StageWorkers(workers, timeout)
        except OSError as exc:  # out of processes, file descriptors, memory
            _UNAVAILABLE = str(exc)
            logger.error("pipeline workers could not start (%s); the stages run in the "
                         "crawl's process", exc)
            return None
        _shutdown_with_reactor()
    return _POOL


def active_pool() -> StageWorkers | None:
    return _POOL


def shutdown_pool() -> None:
    """Stop this process's pool, if any (idempotent; a later crawl starts a new one)."""
    global _POOL, _UNAVAILABLE
    pool, _POOL, _UNAVAILABLE = _POOL, None, None
    if pool is not None:
        pool.shutdown()


def _shutdown_with_reactor() -> None:
    from scrapy.utils.reactor import is_reactor_installed

    if not is_reactor_installed():  # e.g. a test on a bare asyncio loop: it shuts down itself
        return
    from twisted.internet import reactor

    # Every crawler has closed by the time the reactor shuts down (CrawlerProcess stops it
    # after the last one), so no item is still in the pool.
    reactor.addSystemEventTrigger("before", "shutdown", shutdown_pool)  # type: ignore[attr-defined]
