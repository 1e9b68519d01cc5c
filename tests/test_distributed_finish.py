"""Closing a distributed crawl: each run row once, by whoever sees its source done, with
the counters of every worker; then the crawl once. Real Redis, both database backends."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import redis
import scrapy
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from majobs.crawl.redis_finish import finish_crawl, finish_source, run_counts
from majobs.crawl.redis_keys import CrawlKeys
from majobs.crawl.redis_queue import LeasedPriorityQueue
from majobs.db import store
from majobs.db.models import CrawlRun, Posting
from majobs.items import JobPostingItem
from majobs.sources import SourceConfig

pytestmark = pytest.mark.redis
MakeItem = Callable[..., JobPostingItem]
CRAWL = "20250302T060000-0a0b0c"


@pytest.fixture
def server(redis_url: str) -> redis.Redis:
    return redis.Redis.from_url(redis_url)


@pytest.fixture
def keys(redis_prefix: str) -> CrawlKeys:
    return CrawlKeys(redis_prefix, CRAWL)


def open_runs(sessions: sessionmaker[Session], server: redis.Redis, keys: CrawlKeys,
              names: list[str]) -> dict[str, tuple[int, int]]:
    """Source and run ids, and the crawl's record in Redis, as the seeding leaves them."""
    runs, entries = {}, []
    with sessions.begin() as session:
        for name in names:
            config = SourceConfig(name=name, kind="lever", board=name)
            sid = store.ensure_source(session, config)
            runs[name] = (sid, store.start_run(session, sid))
            entries.append({"config": config.as_dict(), "source_id": sid,
                            "run_id": runs[name][1]})
    server.hset(keys.meta, mapping={"status": "running", "sources": json.dumps(entries)})
    server.zadd(keys.crawls, {keys.crawl_id: 1.0})
    return runs


def add_counters(server: redis.Redis, keys: CrawlKeys, name: str, **counters: int) -> None:
    server.hset(keys.source(name).stats, mapping={k.replace("__", "/"): v
                                                  for k, v in counters.items()})


def run_row(sessions: sessionmaker[Session], run_id: int) -> CrawlRun:
    with sessions() as session:
        return session.get(CrawlRun, run_id)


def test_closed_once_with_the_summed_counters(db_sessions, server, keys) -> None:
    runs = open_runs(db_sessions, server, keys, ["valley-health"])
    sid, rid = runs["valley-health"]
    add_counters(server, keys, "valley-health", store__items=40, store__new=30,
                 store__updated=6, store__unchanged=4, response_received_count=9,
                 majobs__ma_items=33, majobs__dropped__no_title=2)
    closers = [finish_source(server, keys, "valley-health", db_sessions, sid, rid, "finished")
               for _ in range(3)]
    assert closers == ["success", None, None], "the first closer only"
    run = run_row(db_sessions, rid)
    assert (run.outcome, run.complete, run.error) == ("success", True, None)
    assert run.counts == {"items": 40, "new": 30, "updated": 6, "unchanged": 4, "pages": 9,
                          "ma_items": 33, "dropped": {"no_title": 2}, "errors": 0,
                          "expired": 0}


@pytest.mark.parametrize("reason", ["shutdown", "cancelled", "memusage_exceeded"])
def test_a_worker_leaving_does_not_close_the_run(db_sessions, server, keys, reason) -> None:
    sid, rid = open_runs(db_sessions, server, keys, ["valley-health"])["valley-health"]
    assert finish_source(server, keys, "valley-health", db_sessions, sid, rid, reason) is None
    assert run_row(db_sessions, rid).outcome == "running"
    assert not server.exists(keys.source("valley-health").final)


def test_not_closed_while_work_is_queued_or_leased(db_sessions, server, keys) -> None:
    sid, rid = open_runs(db_sessions, server, keys, ["valley-health"])["valley-health"]
    queue = LeasedPriorityQueue(server, scrapy.Spider(name="lever"),
                                keys.source("valley-health"))
    queue.push_unseen(scrapy.Request("http://127.0.0.1:1/v0/postings/x?mode=json"), "fp")
    assert finish_source(server, keys, "valley-health", db_sessions, sid, rid,
                         "finished") is None
    queue.pop_leased("w#1")  # leased by a worker: still not done
    assert finish_source(server, keys, "valley-health", db_sessions, sid, rid,
                         "finished") is None
    queue.release(["w#1"], {"store/items": 1})
    assert finish_source(server, keys, "valley-health", db_sessions, sid, rid,
                         "finished") == "success"


@pytest.mark.parametrize(("counters", "reason", "outcome"), [
    ({"store__items": 12, "majobs__errors__bad_json": 1}, "finished", "partial"),
    ({"majobs__errors__missing_credentials": 1}, "finished", "failed"),
    ({"store__items": 12, "httperror__response_ignored_status_count__503": 2}, "finished",
     "partial"),
    ({"store__items": 12}, "closespider_timeout", "partial"),
    ({"store__items": 12, "httperror__response_ignored_status_count__404": 3}, "finished",
     "success"),
])
def test_outcome_from_every_workers_counters(db_sessions, server, keys, counters, reason,
                                             outcome) -> None:
    sid, rid = open_runs(db_sessions, server, keys, ["valley-health"])["valley-health"]
    add_counters(server, keys, "valley-health", **counters)
    assert finish_source(server, keys, "valley-health", db_sessions, sid, rid,
                         reason) == outcome
    run = run_row(db_sessions, rid)
    assert run.complete == (outcome == "success")
    assert (run.error is None) == (outcome == "success")


def test_error_lines_of_any_worker_fail_the_run(db_sessions, server, keys) -> None:
    sid, rid = open_runs(db_sessions, server, keys, ["valley-health"])["valley-health"]
    add_counters(server, keys, "valley-health", store__items=12)
    server.rpush(keys.source("valley-health").errors, "Spider error processing <GET x>")
    assert finish_source(server, keys, "valley-health", db_sessions, sid, rid,
                         "finished") == "partial"
    assert "Spider error processing <GET x>" in run_row(db_sessions, rid).error


def test_expiry_only_after_a_complete_run(db_sessions, server, keys, make_item) -> None:
    """Postings of an earlier crawl that this crawl did not see expire when it succeeds."""
    names = ["valley-health"]
    earlier = datetime.now(UTC) - timedelta(days=1)
    with db_sessions.begin() as session:
        sid = store.ensure_source(session, SourceConfig(name=names[0], kind="lever", board="v"))
        old_run = store.start_run(session, sid, now=earlier)
        store.upsert_postings(session, sid, old_run, [make_item(1), make_item(2)], earlier)
    sid, rid = open_runs(db_sessions, server, keys, names)[names[0]]
    with db_sessions.begin() as session:  # this crawl's workers saw posting 1 only
        store.upsert_postings(session, sid, rid, [make_item(1)], datetime.now(UTC))
    add_counters(server, keys, names[0], store__items=1, store__unchanged=1)
    assert finish_source(server, keys, names[0], db_sessions, sid, rid, "finished") == "success"
    with db_sessions() as session:
        statuses = sorted(session.scalars(select(Posting.status)))
    assert statuses == ["active", "expired"]
    assert run_row(db_sessions, rid).counts["expired"] == 1


def test_the_last_source_closes_the_crawl(db_sessions, server, keys, make_item) -> None:
    runs = open_runs(db_sessions, server, keys, ["valley-health", "metro-feed"])
    past = datetime.now(UTC) - timedelta(hours=1)
    with db_sessions.begin() as session:  # a posting whose deadline passed
        sid, rid = runs["metro-feed"]
        store.upsert_postings(session, sid, rid, [make_item(3, valid_through=past)],
                              datetime.now(UTC))
    LeasedPriorityQueue(server, scrapy.Spider(name="lever"), keys.source("metro-feed")
                        ).release([], {"store/items": 1})
    server.sadd(keys.source("metro-feed").seen, "fp")  # work keys, deleted at the end
    assert finish_source(server, keys, "valley-health", db_sessions, *runs["valley-health"],
                         "finished") == "success"
    assert server.hget(keys.meta, "status") == b"running", "one source is still open"
    assert not finish_crawl(server, keys, db_sessions)
    assert finish_source(server, keys, "metro-feed", db_sessions, *runs["metro-feed"],
                         "finished") == "success"
    assert server.hget(keys.meta, "status") == b"finished"
    assert server.zscore(keys.crawls, keys.crawl_id) is None
    assert not server.exists(keys.source("metro-feed").seen)
    assert server.exists(keys.source("metro-feed").stats), "kept for --status"
    assert 0 < server.ttl(keys.meta) <= 7 * 24 * 3600
    assert not finish_crawl(server, keys, db_sessions), "closed once"
    with db_sessions() as session:
        assert list(session.scalars(select(Posting.status))) == ["expired"]


@pytest.mark.parametrize(("stats", "expected"), [
    ({}, {"items": 0, "new": 0, "updated": 0, "unchanged": 0, "pages": 0, "ma_items": 0,
          "dropped": {}, "errors": 2, "expired": 0}),
    ({"store/items": 5, "majobs/dropped/bad_url": 1, "majobs/dropped/no_title": 3,
      "response_received_count": 7, "majobs/errors/bad_json": 1},
     {"items": 5, "new": 0, "updated": 0, "unchanged": 0, "pages": 7, "ma_items": 0,
      "dropped": {"bad_url": 1, "no_title": 3}, "errors": 2, "expired": 0}),
])
def test_run_counts(stats, expected) -> None:
    assert run_counts(stats, 2) == expected
