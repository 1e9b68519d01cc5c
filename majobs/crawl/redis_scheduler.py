"""The worker's scheduler: scrapy-redis's Scheduler taking leases on what it hands out.

Plugged in by settings (``SCHEDULER``); one instance per source crawler. Requests come
from the crawl's shared queue (``redis_queue.LeasedPriorityQueue``) and go back to it; the
duplicate filter is scrapy-redis's ``RFPDupeFilter`` on the crawl's own key. A popped
request's lease is released once the engine is done with it (response handled, items
through the pipelines, new requests queued) *and* its items are stored: the store
pipeline calls :meth:`LeaseLedger.release` right after each committed batch.

The engine is told "requests pending" while any worker holds a lease of this source, so
a worker keeps its spider open (and polls) until the whole source is done; that is the
documented way for a scheduler whose requests come from elsewhere.
"""

from __future__ import annotations

import itertools
import logging
import time
import weakref
from collections.abc import AsyncIterator
from typing import Any, Protocol

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

from majobs.crawl.errorlog import ErrorCollector
from majobs.crawl.redis_keys import CrawlKeys
from majobs.crawl.redis_queue import TOKEN_SEP, LeasedPriorityQueue

logger = logging.getLogger(__name__)

# Counters a worker adds to its source's sums in Redis (what the run row and
# crawl.outcome.assess_run read); the store pipeline's counts go under "store/".
SUMMED_STATS = ("response_received_count", "item_scraped_count", "robotstxt/forbidden",
                "retry/max_reached", "majobs/", "httperror/response_ignored_status_count/",
                "downloader/exception_type_count/")
NOT_SUMMED = {"majobs/run_id"}


class BatchStore(Protocol):
    counts: dict[str, int]

    def flush(self) -> None: ...


def engine_in_progress(crawler: Crawler) -> set[Request]:
    """Requests the engine still works on. Scrapy has no public call for this; the slot's
    ``inprogress`` set is what the engine itself waits on before it closes a spider: a
    request leaves it once its response went through the callback and the item pipelines
    and the requests it led to are scheduled (Scrapy 2.19, ``core/engine.py``)."""
    engine = crawler.engine
    if not hasattr(engine, "_slot"):
        raise RuntimeError("Scrapy's engine has no _slot: check engine_in_progress()")
    slot = engine._slot
    return slot.inprogress if slot is not None else set()


def summed_stats(stats: dict[str, Any]) -> dict[str, int]:
    return {k: v for k, v in stats.items()
            if isinstance(v, int) and not isinstance(v, bool) and k not in NOT_SUMMED
            and k.startswith(SUMMED_STATS)}


class LeaseLedger:
    """One crawler's leases in this worker: held by the engine, or finished and waiting
    for their items to be stored; and the counters already added to Redis."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.queue: LeasedPriorityQueue | None = None
        self.store: BatchStore | None = None
        self.held: dict[str, Request] = {}
        self.finished: list[str] = []
        self.started = False
        self._pushed: dict[str, int] = {}
        self._lines_pushed = 0

    def begin(self) -> None:
        """The spider's start() ran: what it counted was counted by the seeding already."""
        self._pushed = self._counters()
        self._lines_pushed = len(self._error_lines())
        self.started = True

    def hold(self, token: str, request: Request) -> None:
        self.held[token] = request

    def sweep(self) -> None:
        if not self.held:
            return
        busy = engine_in_progress(self.crawler)
        for token, request in list(self.held.items()):
            if request not in busy:
                self.finished.append(token)
                del self.held[token]

    def take_finished(self) -> list[str]:
        self.sweep()
        done, self.finished = self.finished, []
        return done

    def release(self, tokens: list[str]) -> None:
        """Drop these leases and add the counters gained since the last release."""
        if self.queue is None:
            return
        counters = self._counters()
        delta = {k: v - self._pushed.get(k, 0) for k, v in counters.items()
                 if v != self._pushed.get(k, 0)}
        lines = self._error_lines()[self._lines_pushed:]
        if tokens or delta or lines:
            self.queue.release(tokens, delta, lines)
        self._pushed, self._lines_pushed = counters, self._lines_pushed + len(lines)

    def settle(self) -> None:
        """Store what is buffered, then release every finished lease."""
        if self.store is not None:
            self.store.flush()  # the store releases after its commit
        else:
            self.release(self.take_finished())

    def give_back(self) -> int:
        """Requeue the leases still held (the spider closes before they are done)."""
        if self.queue is None:
            return 0
        n = sum(self.queue.requeue(token) for token in self.held)
        self.held.clear()
        return n

    def _counters(self) -> dict[str, int]:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        counters = summed_stats(stats)
        if self.store is not None:
            counters.update({f"store/{k}": v for k, v in self.store.counts.items()})
        return counters

    def _error_lines(self) -> list[str]:
        extensions = getattr(self.crawler, "_extensions", None)
        for ext in getattr(extensions, "middlewares", ()):
            if isinstance(ext, ErrorCollector):
                return ext.lines
        return []


_LEDGERS: weakref.WeakKeyDictionary[Crawler, LeaseLedger] = weakref.WeakKeyDictionary()


def ledger_for(crawler: Crawler) -> LeaseLedger:
    if crawler not in _LEDGERS:
        _LEDGERS[crawler] = LeaseLedger(crawler)
    return _LEDGERS[crawler]


class LeasedScheduler(Scheduler):
    """Settings: ``MAJOBS_REDIS_PREFIX``, ``MAJOBS_CRAWL_ID``, ``MAJOBS_WORKER_ID``,
    ``MAJOBS_LEASE_TIMEOUT`` (s; dead workers' leases are looked for every half of it),
    ``MAJOBS_POLL_SECONDS`` (how often an idle engine asks again), plus scrapy-redis's
    ``REDIS_URL``."""

    crawler: Crawler
    queue: LeasedPriorityQueue

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeasedScheduler:
        scheduler = super().from_crawler(crawler)
        settings = crawler.settings
        scheduler.crawler = crawler
        scheduler.keys = CrawlKeys(settings["MAJOBS_REDIS_PREFIX"], settings["MAJOBS_CRAWL_ID"])
        scheduler.worker_id = settings["MAJOBS_WORKER_ID"]
        scheduler.reap_every = settings.getfloat("MAJOBS_LEASE_TIMEOUT", 30.0) / 2
        scheduler.last_reap = 0.0
        scheduler.tokens = itertools.count(1)
        scheduler.ledger = ledger_for(crawler)
        # The engine re-asks an idle scheduler every 5 s; other workers' requests may be
        # queued at any time, so ask more often (an instance attribute of this engine).
        crawler.engine._SLOT_HEARTBEAT_INTERVAL = settings.getfloat("MAJOBS_POLL_SECONDS", 1.0)
        return scheduler

    def open(self, spider: Spider) -> None:
        self.spider = spider
        keys = self.keys.source(spider.source.name)
        self.queue = LeasedPriorityQueue(self.server, spider, keys, self.serializer)
        self.df = RFPDupeFilter(self.server, key=keys.seen,
                                debug=self.crawler.settings.getbool("DUPEFILTER_DEBUG"))
        self.ledger.queue = self.queue

    def close(self, reason: str) -> None:
        # Never clear the shared queue (scrapy-redis does unless SCHEDULER_PERSIST): the
        # pipelines have stored everything by now; release, and give back what is left.
        self.ledger.settle()
        given_back = self.ledger.give_back()
        if given_back:
            logger.info("gave back %d leased request(s) of %s", given_back,
                        self.spider.source.name)

    def enqueue_request(self, request: Request) -> bool:
        fingerprint = None if request.dont_filter else self.df.request_fingerprint(request)
        if not self.queue.push_unseen(request, fingerprint):
            self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        if not self.ledger.started:
            return None
        self.ledger.sweep()
        token = f"{self.worker_id}{TOKEN_SEP}{next(self.tokens)}"
        try:
            request = self.queue.pop_leased(token)
        except Exception as exc:  # e.g. a callback this spider no longer has
            self.queue.release([token], {"majobs/errors/bad_queued_request": 1},
                               [f"a queued request could not be read: {exc}"[:300]])
            logger.error("dropped a queued request of %s: %s", self.spider.source.name, exc)
            return None
        if request is None:
            self._idle()
            return None
        self.ledger.hold(token, request)
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        if not self.ledger.started or self.ledger.held or self.ledger.finished:
            return True
        queued, leased = self.queue.pending()
        return bool(queued or leased)

    def _idle(self) -> None:
        """Nothing to pop: store and release what is finished; requeue dead workers' leases."""
        if not self.ledger.held:
            self.ledger.settle()
        now = time.monotonic()
        if now - self.last_reap >= self.reap_every:
            self.last_reap = now
            requeued = self.queue.reap(self.keys.worker)
            if requeued:
                self.server.hincrby(self.keys.meta, "requeued", requeued)
                logger.warning("requeued %d request(s) of %s from stopped workers",
                               requeued, self.spider.source.name)


class StartFromQueue:
    """Spider middleware for workers: the seeds are queued already (``majobs crawl
    --distributed``), so the spider's start requests are dropped; start() still runs,
    since spiders set themselves up there (page budgets, API bases, credentials)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StartFromQueue:
        return cls(crawler)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        try:
            async for item_or_request in start:
                if not isinstance(item_or_request, Request):
                    yield item_or_request
        finally:  # a start() that fails must not keep the worker from the queue
            ledger_for(self.crawler).begin()
