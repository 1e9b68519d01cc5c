"""A 2,000-posting demo board crawled by several ``majobs worker`` processes into one
PostgreSQL database: the same postings as a local crawl, each stored once, also when a
worker is killed mid-crawl (its leased requests go to the others after the lease timeout).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import redis
from test_distributed_crawl import (
    Board,
    Snapshot,
    cli_env,
    differences,
    finish,
    kill,
    local_crawl,
    seed,
    served_board,
    start_worker,
)

from majobs.crawl.distributed import crawl_status
from majobs.crawl.redis_keys import CrawlKeys

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.postgres,
              pytest.mark.timeout(1500)]
POSTINGS = 2000
LEASE_TIMEOUT = "5"  # seconds: short, so the killed worker's requests come back soon


@pytest.fixture(scope="module")
def big_board(tmp_path_factory, new_database) -> Iterator[tuple[Board, Snapshot]]:
    with served_board(POSTINGS, tmp_path_factory.mktemp("big")) as board:
        reference = local_crawl(board, new_database("postgresql"))
        assert len(reference.rows) > POSTINGS * 0.9, "the local crawl found the board"
        yield board, reference


def leased_and_stored(server: redis.Redis, keys: CrawlKeys) -> tuple[int, int]:
    rows = crawl_status(server, keys)["sources"]
    return sum(r["leased"] for r in rows), sum(r["items"] for r in rows)


def test_three_workers_store_every_posting_once(big_board, new_database, redis_url,
                                                redis_prefix) -> None:
    board, reference = big_board
    db, env = new_database("postgresql"), cli_env(redis_url, redis_prefix)
    crawl_id = seed(board, db, env)
    assert not finish([start_worker(board, crawl_id, db, env) for _ in range(3)])
    status = crawl_status(redis.Redis.from_url(redis_url), CrawlKeys(redis_prefix, crawl_id))
    assert status["status"] == "finished" and len(status["workers"]) == 3
    assert differences(Snapshot.of(db, board.work), reference) == []


def test_a_killed_worker_loses_nothing(big_board, new_database, redis_url,
                                       redis_prefix) -> None:
    board, reference = big_board
    db, env = new_database("postgresql"), cli_env(redis_url, redis_prefix)
    crawl_id = seed(board, db, env)
    server, keys = redis.Redis.from_url(redis_url), CrawlKeys(redis_prefix, crawl_id)
    doomed = start_worker(board, crawl_id, db, env, "--lease-timeout", LEASE_TIMEOUT)
    deadline = time.monotonic() + 600
    while True:  # mid-crawl: requests in hand, postings already stored
        leased, stored = leased_and_stored(server, keys)
        if leased >= 3 and stored >= 200:
            break
        assert doomed.poll() is None, "the crawl ended before the worker could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.1)
    kill(doomed)
    held, _ = leased_and_stored(server, keys)
    assert held > 0, "the killed worker held leases"
    others = [start_worker(board, crawl_id, db, env, "--lease-timeout", LEASE_TIMEOUT)
              for _ in range(2)]
    assert not finish(others)
    status = crawl_status(server, keys)
    assert status["status"] == "finished"
    assert status["requeued"] >= held, "the dead worker's requests went back to the queue"
    assert differences(Snapshot.of(db, board.work), reference) == []
