"""Closing a distributed crawl: each source's run row once, then the crawl once.

Whoever sees a source done first (a worker whose spider closed with nothing left to do,
or the seeding for a source with no requests) closes its run row, with the counters of
all workers summed in Redis and the same rules as a local crawl (``outcome.assess_run``;
expiry only after a complete run). ``SET NX`` elects that one writer. The worker that
closes the last source also closes the crawl: deadline expiry, state, key cleanup.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

import redis
from sqlalchemy.orm import Session, sessionmaker

from majobs.crawl.outcome import assess_run
from majobs.crawl.redis_keys import RETENTION_SECONDS, CrawlKeys, SourceKeys
from majobs.db import store

FINISHING_SECONDS = 600             # a closer that dies lets another one try after this
# Close reasons that end a source for every worker; any other (shutdown, a crash)
# leaves the work to the others.
FINAL_REASONS = ("finished", "closespider_timeout")


def decode(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def summed(server: redis.Redis, keys: SourceKeys) -> dict[str, int]:
    return {decode(k): int(v) for k, v in server.hgetall(keys.stats).items()}


def error_lines(server: redis.Redis, keys: SourceKeys) -> list[str]:
    return [decode(line) for line in server.lrange(keys.errors, 0, -1)]


def is_done(server: redis.Redis, keys: SourceKeys) -> bool:
    """Nothing queued and nothing leased, read at one instant."""
    pipe = server.pipeline(transaction=True)
    pipe.zcard(keys.queue)
    pipe.hlen(keys.leases)
    return not any(pipe.execute())


def run_counts(stats: dict[str, int], problems: int) -> dict[str, Any]:
    """The run row's counts, shaped like a local crawl's (``pipeline.StorePipeline``)."""
    return {
        "items": stats.get("store/items", 0), "new": stats.get("store/new", 0),
        "updated": stats.get("store/updated", 0),
        "unchanged": stats.get("store/unchanged", 0),
        "pages": stats.get("response_received_count", 0),
        "ma_items": stats.get("majobs/ma_items", 0),
        "dropped": {k.removeprefix("majobs/dropped/"): v for k, v in stats.items()
                    if k.startswith("majobs/dropped/")},
        "errors": problems, "expired": 0,
    }


def finish_source(server: redis.Redis, keys: CrawlKeys, name: str,
                  sessions: sessionmaker[Session], source_id: int, run_id: int,
                  reason: str) -> str | None:
    """Close this source's run row if it is over and nobody else does; its outcome."""
    source = keys.source(name)
    if reason not in FINAL_REASONS or (reason == "finished" and not is_done(server, source)):
        return None
    if not server.set(source.final, "closing", nx=True, ex=FINISHING_SECONDS):
        return None
    stats = summed(server, source)
    verdict = assess_run(stats, reason, stats.get("store/items", 0),
                         error_lines(server, source))
    counts = run_counts(stats, len(verdict.problems))
    now = datetime.now(UTC)
    with sessions.begin() as session:
        if verdict.complete:
            counts["expired"] = store.expire_missing(session, source_id, run_id, now)
        store.finish_run(session, run_id, verdict.outcome, verdict.complete, counts,
                         verdict.error)
    pipe = server.pipeline(transaction=True)
    pipe.set(source.final, verdict.outcome)
    pipe.sadd(keys.finished, name)
    pipe.execute()
    finish_crawl(server, keys, sessions)
    return verdict.outcome


def finish_crawl(server: redis.Redis, keys: CrawlKeys, sessions: sessionmaker[Session]) -> bool:
    """Once every source is closed: deadline expiry, state "finished", work keys deleted."""
    raw = server.hget(keys.meta, "sources")
    names = [s["config"]["name"] for s in json.loads(raw)] if raw else []
    if not names or server.scard(keys.finished) < len(names):
        return False
    if not server.hsetnx(keys.meta, "finished_at", str(time.time())):
        return False
    with sessions.begin() as session:
        expired = store.expire_past_valid_through(session, datetime.now(UTC))
    pipe = server.pipeline(transaction=True)
    pipe.hset(keys.meta, mapping={"status": "finished", "expired_past_deadline": expired})
    pipe.zrem(keys.crawls, keys.crawl_id)
    for name in names:
        source = keys.source(name)
        pipe.delete(*source.work_keys())
        for key in source.record_keys():
            pipe.expire(key, RETENTION_SECONDS)
    for key in (keys.meta, keys.workers, keys.finished):
        pipe.expire(key, RETENTION_SECONDS)
    pipe.execute()
    return True
