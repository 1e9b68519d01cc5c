"""One crawl split over any number of worker processes, through Redis (scrapy-redis).

``seed_crawl`` (``majobs crawl --distributed``) opens one run row per source, queues each
source's start requests in Redis and returns the crawl id. ``work_crawl`` (``majobs
worker``) runs every unfinished source of a crawl in this process, taking requests from
the shared queues: the same spiders, settings and item pipeline as a local crawl, with
scrapy-redis's scheduler and duplicate filter plugged in by settings (leases added, see
``redis_queue``). Workers on any host that reaches Redis and the database may join or
leave at any time; the crawl is over when every source's queue and leases are empty.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis
from scrapy import Request
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.statscollectors import MemoryStatsCollector
from scrapy_redis.dupefilter import RFPDupeFilter

from majobs.crawl.errorlog import ErrorCollector
from majobs.crawl.redis_finish import decode, finish_source
from majobs.crawl.redis_keys import (
    DEFAULT_LEASE_TIMEOUT,
    DEFAULT_POLL_SECONDS,
    CrawlKeys,
    connect,
    crawls_key,
    new_crawl_id,
    new_worker_id,
)
from majobs.crawl.redis_queue import LeasedPriorityQueue
from majobs.crawl.redis_scheduler import summed_stats
from majobs.crawl.runner import build_settings, crawl_gc
from majobs.crawl.workers import shutdown_pool
from majobs.db import store
from majobs.db.engine import init_db, normalize_url, session_factory
from majobs.db.models import CrawlRun
from majobs.errors import InputError, MajobsError
from majobs.sources import SourceConfig, parse_source
from majobs.spiders import spider_for


@dataclass
class SourceEntry:
    config: SourceConfig
    source_id: int
    run_id: int

    def as_dict(self) -> dict[str, Any]:
        return {"config": self.config.as_dict(), "source_id": self.source_id,
                "run_id": self.run_id}


@dataclass
class CrawlMeta:
    crawl_id: str
    status: str                  # running | finished
    database: str                # database_identity() of the crawl's database
    crawl_config: dict[str, Any]  # the [crawl] table every worker uses
    deadline: float | None       # epoch seconds
    sources: list[SourceEntry]


def database_identity(url: str) -> str:
    """The database a URL points at, without its password (SQLite: the absolute path)."""
    u = normalize_url(url)
    if u.get_backend_name() == "sqlite" and u.database and u.database != ":memory:":
        u = u.set(database=str(Path(u.database).resolve()))
    return u.render_as_string(hide_password=True)


def redis_client(redis_url: str | None) -> redis.Redis:
    if not redis_url:
        raise InputError(None, "MAJOBS_REDIS_URL", "not set: distributed crawling needs "
                         "Redis (or redis_url in majobs.toml)")
    server = connect(redis_url)
    try:
        server.ping()
    except redis.RedisError as exc:
        raise MajobsError(f"Redis unreachable at {redis_url}: {exc}") from None
    return server


def load_meta(server: redis.Redis, keys: CrawlKeys) -> CrawlMeta:
    raw = {decode(k): decode(v) for k, v in server.hgetall(keys.meta).items()}
    if "sources" not in raw:
        raise InputError(None, "crawl id", f"no crawl {keys.crawl_id!r} in Redis "
                         f"(key prefix {keys.prefix!r})")
    sources = [SourceEntry(parse_source(s["config"], i), int(s["source_id"]), int(s["run_id"]))
               for i, s in enumerate(json.loads(raw["sources"]))]
    deadline = float(raw["deadline"]) if raw.get("deadline") else None
    return CrawlMeta(keys.crawl_id, raw.get("status", "running"), raw.get("database", ""),
                     json.loads(raw.get("crawl_config") or "{}"), deadline, sources)


# ---------------------------------------------------------------------------------------
# seeding

def _start_requests(source: SourceConfig, settings: dict[str, Any]
                    ) -> tuple[Crawler, list[Request], list[str]]:
    """The spider's start requests, its counters and error lines, without a reactor:
    start() only yields requests."""
    crawler = Crawler(spider_for(source), settings)
    crawler.stats = MemoryStatsCollector(crawler)
    crawler.spider = crawler.spidercls.from_crawler(crawler, source=source)
    errors = ErrorCollector(crawler)

    async def collect() -> list[Request]:
        return [r async for r in crawler.spider.start() if isinstance(r, Request)]

    errors.spider_opened(crawler.spider)
    try:
        requests = asyncio.run(collect())
    finally:
        errors.spider_closed(crawler.spider, "seeded")
    return crawler, requests, errors.lines


def seed_crawl(sources: list[SourceConfig], db_url: str, redis_url: str,
               config: dict[str, Any] | None = None, prefix: str = "majobs") -> str:
    """Queue one crawl of ``sources``; its id. Opens the run rows (one per source)."""
    server = redis_client(redis_url)
    crawl_config = dict((config or {}).get("crawl") or {})
    engine = init_db(db_url)
    sessions = session_factory(engine)
    keys = CrawlKeys(prefix, new_crawl_id())
    entries = []
    with sessions.begin() as session:
        for source in sources:
            source_id = store.ensure_source(session, source)
            run_id = store.start_run(session, source_id)
            # No process of this host owns the run (this one exits now): without a pid,
            # `majobs crawl` and the scheduler do not close it as left by a dead crawl.
            run = session.get(CrawlRun, run_id)
            run.host, run.pid = f"redis crawl {keys.crawl_id}", None
            entries.append(SourceEntry(source, source_id, run_id))
    limit = crawl_config.get("time_limit_seconds")
    now = time.time()
    server.hset(keys.meta, mapping={
        "created": str(now), "deadline": str(now + float(limit)) if limit else "",
        "status": "running", "database": database_identity(db_url),
        "crawl_config": json.dumps(crawl_config),
        "sources": json.dumps([e.as_dict() for e in entries]),
        "seeded_by": f"{socket.gethostname()}:{os.getpid()}",
    })
    settings = build_settings(db_url, {**(config or {}), "crawl": crawl_config})
    empty = []
    for entry in entries:
        crawler, requests, lines = _start_requests(entry.config, settings)
        source_keys = keys.source(entry.config.name)
        queue = LeasedPriorityQueue(server, crawler.spider, source_keys)
        dupefilter = RFPDupeFilter(server, key=source_keys.seen)
        for request in requests:
            queue.push_unseen(request, None if request.dont_filter
                              else dupefilter.request_fingerprint(request))
        queue.release([], summed_stats(crawler.stats.get_stats()), lines)  # start() errors
        if not requests:
            empty.append(entry)
    server.zadd(crawls_key(prefix), {keys.crawl_id: now})
    for entry in empty:  # nothing to crawl (e.g. missing credentials): close it now
        finish_source(server, keys, entry.config.name, sessions, entry.source_id,
                      entry.run_id, "finished")
    engine.dispose()
    return keys.crawl_id


# ---------------------------------------------------------------------------------------
# working

def worker_settings(db_url: str, redis_url: str, meta: CrawlMeta, prefix: str,
                    worker_id: str, lease_timeout: float, poll: float,
                    config: dict[str, Any] | None = None) -> dict[str, Any]:
    """A local crawl's settings, with the shared queue, filter and run rows plugged in:
    the crawl's own [crawl] table; the rest (API credentials) from this worker's config."""
    settings = build_settings(db_url, {**(config or {}), "crawl": meta.crawl_config})
    pipelines = dict(settings["ITEM_PIPELINES"])
    store_key = next(k for k in pipelines if k.rsplit(".", 1)[-1] == "StorePipeline")
    pipelines["majobs.crawl.redis_pipeline.DistributedStorePipeline"] = pipelines.pop(store_key)
    settings["ITEM_PIPELINES"] = pipelines
    middlewares = dict(settings.get("SPIDER_MIDDLEWARES") or {})
    middlewares["majobs.crawl.redis_scheduler.StartFromQueue"] = 950
    remaining = meta.deadline - time.time() if meta.deadline else 0
    settings.update({
        "SCHEDULER": "majobs.crawl.redis_scheduler.LeasedScheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,   # shared keys: a worker leaving must not clear them
        "REDIS_URL": redis_url,
        "SPIDER_MIDDLEWARES": middlewares,
        # The crawl's deadline, not one per worker.
        "CLOSESPIDER_TIMEOUT": max(int(remaining), 1) if meta.deadline else 0,
        "MAJOBS_REDIS_PREFIX": prefix, "MAJOBS_CRAWL_ID": meta.crawl_id,
        "MAJOBS_WORKER_ID": worker_id, "MAJOBS_LEASE_TIMEOUT": lease_timeout,
        "MAJOBS_POLL_SECONDS": poll,
        "MAJOBS_CRAWL_RUNS": {e.config.name: [e.source_id, e.run_id] for e in meta.sources},
    })
    return settings


def work_crawl(crawl_id: str, db_url: str, redis_url: str, prefix: str = "majobs",
               lease_timeout: float = DEFAULT_LEASE_TIMEOUT, poll: float = DEFAULT_POLL_SECONDS,
               log_level: str = "WARNING", config: dict[str, Any] | None = None) -> int:
    """Work on a crawl in this process until no source is left; sources worked on.

    One call per process (a Twisted reactor cannot restart)."""
    server = redis_client(redis_url)
    keys = CrawlKeys(prefix, crawl_id)
    meta = load_meta(server, keys)
    if meta.database != database_identity(db_url):
        raise InputError(None, "--db", f"crawl {crawl_id} writes to {meta.database}, this "
                         f"worker to {database_identity(db_url)}: give it the same database")
    todo = [e for e in meta.sources if not server.exists(keys.source(e.config.name).final)]
    if meta.status != "running" or not todo:
        return 0
    worker_id = new_worker_id()
    settings = worker_settings(db_url, redis_url, meta, prefix, worker_id, lease_timeout, poll,
                               config)
    settings["LOG_LEVEL"] = log_level
    process = CrawlerProcess(settings)
    for entry in todo:
        process.crawl(process.create_crawler(spider_for(entry.config)), source=entry.config)

    from twisted.internet import task

    def heartbeat() -> None:  # in the reactor: a stuck reactor stops beating
        server.set(keys.worker(worker_id), crawl_id, ex=max(int(lease_timeout), 1))

    server.sadd(keys.workers, worker_id)
    beat = task.LoopingCall(heartbeat)
    beat.start(max(lease_timeout / 3, 0.2), now=True)
    try:
        with crawl_gc():
            process.start()
    finally:
        shutdown_pool()  # the reactor's shutdown did it already, unless start() failed
        server.delete(keys.worker(worker_id))
    return len(todo)


def next_crawl(server: redis.Redis, prefix: str) -> str | None:
    """The oldest crawl still running, if any."""
    for raw in server.zrange(crawls_key(prefix), 0, -1):
        crawl_id = decode(raw)
        if decode(server.hget(CrawlKeys(prefix, crawl_id).meta, "status") or b"") == "running":
            return crawl_id
    return None


# ---------------------------------------------------------------------------------------
# progress

def crawl_status(server: redis.Redis, keys: CrawlKeys) -> dict[str, Any]:
    """The crawl's state, each source's queue, leases and counts, and its workers."""
    meta = load_meta(server, keys)
    rows = []
    for entry in meta.sources:
        source = keys.source(entry.config.name)
        pipe = server.pipeline(transaction=True)
        pipe.zcard(source.queue)
        pipe.hlen(source.leases)
        pipe.hgetall(source.stats)
        pipe.get(source.final)
        queued, leased, stats, final = pipe.execute()
        stats = {decode(k): int(v) for k, v in stats.items()}
        rows.append({"source": entry.config.name, "kind": entry.config.kind,
                     "run_id": entry.run_id, "queued": queued, "leased": leased,
                     "pages": stats.get("response_received_count", 0),
                     "items": stats.get("store/items", 0),
                     "errors": sum(v for k, v in stats.items()
                                   if k.startswith("majobs/errors/")),
                     "outcome": decode(final) if final else "running"})
    workers = sorted(decode(w) for w in server.smembers(keys.workers))
    alive = [w for w in workers if server.exists(keys.worker(w))]
    extra = {decode(k): decode(v) for k, v in server.hgetall(keys.meta).items()}
    return {"crawl_id": meta.crawl_id, "status": meta.status, "sources": rows,
            "workers": workers, "workers_alive": alive,
            "requeued": int(extra.get("requeued") or 0),
            "run_ids": [e.run_id for e in meta.sources]}


def wait_for_crawl(server: redis.Redis, keys: CrawlKeys, timeout: float | None = None,
                   poll: float = 1.0) -> bool:
    """Block until the crawl is finished (True) or ``timeout`` seconds passed (False)."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while decode(server.hget(keys.meta, "status") or b"") != "finished":
        if deadline is not None and time.monotonic() > deadline:
            return False
        time.sleep(poll)
    return True
