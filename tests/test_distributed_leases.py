"""The shared request queue with leases, against the real Redis server (own key prefix)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
import scrapy
from scrapy_redis.dupefilter import RFPDupeFilter

from majobs.crawl.redis_keys import CrawlKeys, SourceKeys, worker_key
from majobs.crawl.redis_queue import ERROR_LINES, LeasedPriorityQueue, lease_owner

pytestmark = pytest.mark.redis


class BoardSpider(scrapy.Spider):
    name = "board"

    def parse(self, response, **kwargs):  # pragma: no cover - never called here
        yield from ()

    def parse_job(self, response, page: int = 0):  # pragma: no cover
        yield from ()


@pytest.fixture
def server(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


@pytest.fixture
def keys(redis_prefix: str) -> SourceKeys:
    return CrawlKeys(redis_prefix, "20250302T060000-abcdef").source("valley-health")


@pytest.fixture
def queue(server: redis.Redis, keys: SourceKeys) -> LeasedPriorityQueue:
    return LeasedPriorityQueue(server, BoardSpider(), keys)


def fingerprint(server: redis.Redis, keys: SourceKeys, request: scrapy.Request) -> str:
    return RFPDupeFilter(server, key=keys.seen).request_fingerprint(request)


def test_push_unseen_filters_by_fingerprint(server, keys, queue) -> None:
    spider = queue.spider
    first = scrapy.Request("http://127.0.0.1:8765/jobs?page=1&sort=new", callback=spider.parse)
    same = scrapy.Request("http://127.0.0.1:8765/jobs?sort=new&page=1", callback=spider.parse)
    forced = scrapy.Request("http://127.0.0.1:8765/jobs?page=1&sort=new", dont_filter=True)
    assert queue.push_unseen(first, fingerprint(server, keys, first))
    assert not queue.push_unseen(same, fingerprint(server, keys, same)), "canonical URL seen"
    assert queue.push_unseen(forced, None), "dont_filter requests are never filtered"
    assert queue.pending() == (2, 0)
    assert server.scard(keys.seen) == 1


def test_pop_takes_a_lease_in_priority_order(queue) -> None:
    spider = queue.spider
    for url, priority in [("http://h/a", 0), ("http://h/b", 5), ("http://h/c", -1)]:
        queue.push_unseen(scrapy.Request(url, callback=spider.parse, priority=priority), url)
    popped = [queue.pop_leased(f"w1#{n}") for n in range(1, 5)]
    assert [r.url if r else None for r in popped] == ["http://h/b", "http://h/a", "http://h/c",
                                                      None]
    assert queue.pending() == (0, 3)


def test_a_lease_keeps_the_whole_request(queue) -> None:
    spider = queue.spider
    sent = scrapy.Request("http://h/job/7", callback=spider.parse_job, cb_kwargs={"page": 3},
                          meta={"depth": 2}, priority=4, headers={"Accept": "application/json"})
    queue.push_unseen(sent, "fp-7")
    got = queue.pop_leased("w1#1")
    assert (got.url, got.callback, got.cb_kwargs, got.meta.get("depth"), got.priority) == (
        sent.url, spider.parse_job, {"page": 3}, 2, 4)
    assert got.headers.get("Accept") == b"application/json"


def test_release_drops_the_lease_and_adds_counters(server, keys, queue) -> None:
    queue.push_unseen(scrapy.Request("http://h/1"), "1")
    queue.pop_leased("w1#1")
    queue.release(["w1#1"], {"store/items": 3, "majobs/errors/bad_json": 1, "zero": 0},
                  ["bad_json: http://h/1"])
    queue.release(["w1#unknown"], {"store/items": 2})  # unknown token: counters only
    assert queue.pending() == (0, 0)
    stats = {k.decode(): int(v) for k, v in server.hgetall(keys.stats).items()}
    assert stats == {"store/items": 5, "majobs/errors/bad_json": 1}
    assert server.lrange(keys.errors, 0, -1) == [b"bad_json: http://h/1"]
    assert server.ttl(keys.stats) > 0, "counters outlive the crawl, not forever"


def test_error_lines_are_capped(server, keys, queue) -> None:
    for n in range(3):
        queue.release([], {}, [f"error {n}-{i}" for i in range(15)])
    lines = server.lrange(keys.errors, 0, -1)
    assert len(lines) == ERROR_LINES
    assert lines[0] == b"error 0-0", "the first errors are the ones kept"


def test_requeue_restores_the_priority(queue) -> None:
    queue.push_unseen(scrapy.Request("http://h/high", priority=9), "high")
    queue.push_unseen(scrapy.Request("http://h/low", priority=1), "low")
    assert queue.pop_leased("dead#1").url == "http://h/high"
    assert queue.requeue("dead#1")
    assert not queue.requeue("dead#1"), "a lease goes back once"
    assert queue.pop_leased("w2#1").url == "http://h/high"


@pytest.mark.parametrize(("alive", "expected_back"), [
    ((), {"http://h/1", "http://h/2", "http://h/3"}),
    (("host-a-1-aa",), {"http://h/2", "http://h/3"}),
    (("host-a-1-aa", "host-b-2-bb"), set()),
])
def test_reap_requeues_only_leases_of_silent_workers(server, keys, queue, redis_prefix,
                                                     alive, expected_back) -> None:
    for n in (1, 2, 3):
        queue.push_unseen(scrapy.Request(f"http://h/{n}", priority=-n), str(n))
    queue.pop_leased("host-a-1-aa#1")
    queue.pop_leased("host-b-2-bb#1")
    queue.pop_leased("host-b-2-bb#2")
    for worker in alive:
        server.set(worker_key(redis_prefix, worker), "x", ex=30)
    assert queue.reap(lambda w: worker_key(redis_prefix, w)) == len(expected_back)
    back = set()
    while (request := queue.pop_leased("host-c-3-cc#1")) is not None:
        back.add(request.url)
        queue.release(["host-c-3-cc#1"], {})
    assert back == expected_back


@pytest.mark.parametrize(("token", "owner"), [
    ("web-1.example.org-4242-9f1c#17", "web-1.example.org-4242-9f1c"),
    (b"w#x#3", "w#x"),
    ("no-separator", "no-separator"),
])
def test_lease_owner(token, owner) -> None:
    assert lease_owner(token) == owner
