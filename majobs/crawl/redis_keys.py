"""Where a distributed crawl lives in Redis: one namespace per crawl, one per source.

Every key starts with a prefix (``majobs`` unless ``MAJOBS_REDIS_PREFIX`` says otherwise),
so several installations or test runs can share one Redis server::

    {p}:crawls                          ZSET  crawl ids still running, by creation time
    {p}:worker:{worker}                 STR   a worker is alive while this key exists (TTL)
    {p}:crawl:{id}                      HASH  the crawl: sources, run rows, settings, state
    {p}:crawl:{id}:workers              SET   workers that joined the crawl
    {p}:crawl:{id}:finished             SET   sources whose run row is closed
    {p}:crawl:{id}:src:{name}:queue     ZSET  requests to do (scrapy-redis PriorityQueue)
    {p}:crawl:{id}:src:{name}:seen      SET   request fingerprints (scrapy-redis RFPDupeFilter)
    {p}:crawl:{id}:src:{name}:leases    HASH  lease token -> request being worked on
    {p}:crawl:{id}:src:{name}:scores    HASH  lease token -> its queue score (to requeue it)
    {p}:crawl:{id}:src:{name}:stats     HASH  counters summed over workers
    {p}:crawl:{id}:src:{name}:errors    LIST  the first error lines of any worker
    {p}:crawl:{id}:src:{name}:final     STR   who closes the run row, then its outcome
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # the redis package is an extra (majobs[distributed]): imported on use
    import redis

DEFAULT_PREFIX = "majobs"
RETENTION_SECONDS = 7 * 24 * 3600   # how long a crawl's record outlives it (--status)
DEFAULT_LEASE_TIMEOUT = 30.0   # s without a heartbeat before a worker's leases are requeued
DEFAULT_POLL_SECONDS = 1.0     # how often an idle worker looks at the queue again
PREFIX_ENV = "MAJOBS_REDIS_PREFIX"
# Sockets time out rather than hang a worker forever on a dead server.
CLIENT_OPTIONS = {"socket_timeout": 30, "socket_connect_timeout": 10, "retry_on_timeout": True}


def default_prefix() -> str:
    return os.environ.get(PREFIX_ENV, "").strip() or DEFAULT_PREFIX


def connect(url: str) -> redis.Redis:
    """A client answering bytes (scrapy-redis stores pickled requests)."""
    import redis

    return redis.Redis.from_url(url, **CLIENT_OPTIONS)


def new_crawl_id(now: datetime | None = None) -> str:
    """Sortable and unique: ``20250302T060000-3fa9c1``."""
    return f"{(now or datetime.now(UTC)):%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"


def new_worker_id() -> str:
    host = socket.gethostname().replace(":", "-").replace("#", "-") or "host"
    return f"{host}-{os.getpid()}-{secrets.token_hex(2)}"


def crawls_key(prefix: str) -> str:
    return f"{prefix}:crawls"


def worker_key(prefix: str, worker_id: str) -> str:
    return f"{prefix}:worker:{worker_id}"


class SourceKeys(NamedTuple):
    """One source's keys in one crawl: ``<base>:<field name>``."""
    queue: str
    seen: str
    leases: str
    scores: str
    stats: str
    errors: str
    final: str

    @classmethod
    def under(cls, base: str) -> SourceKeys:
        return cls(*(f"{base}:{name}" for name in cls._fields))

    def work_keys(self) -> list[str]:
        """What the crawl needs only while it runs."""
        return [self.queue, self.seen, self.leases, self.scores]

    def record_keys(self) -> list[str]:
        """What ``majobs crawl --status`` still shows after the crawl."""
        return [self.stats, self.errors, self.final]


@dataclass(frozen=True)
class CrawlKeys:
    prefix: str
    crawl_id: str

    @property
    def meta(self) -> str:
        return f"{self.prefix}:crawl:{self.crawl_id}"

    @property
    def workers(self) -> str:
        return f"{self.meta}:workers"

    @property
    def finished(self) -> str:
        return f"{self.meta}:finished"

    @property
    def crawls(self) -> str:
        return crawls_key(self.prefix)

    def source(self, name: str) -> SourceKeys:
        return SourceKeys.under(f"{self.meta}:src:{name}")

    def worker(self, worker_id: str) -> str:
        return worker_key(self.prefix, worker_id)
