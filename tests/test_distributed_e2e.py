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
    LocalCrawl,
    Snapshot,
    cli_env,
    differences,
    finish,
    kill,
    seed,
    served_board,
    start_worker,
)

from majobs.crawl.distributed import crawl_status
from majobs.crawl.redis_keys import CrawlKeys
from majobs.crawl.redis_queue import lease_owner

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.postgres,
              pytest.mark.timeout(1500)]
POSTINGS = 2000
LEASE_TIMEOUT = "5"  # seconds: short, so the killed worker's requests come back soon


@pytest.fixture(scope="module")
def big_board(tmp_path_factory, new_database) -> Iterator[tuple[Board, LocalCrawl]]:
    with served_board(POSTINGS, tmp_path_factory.mktemp("big")) as board:
        local = LocalCrawl(board, new_database("postgresql"))
        yield board, local
        local.stop()


def reference_of(local: LocalCrawl) -> Snapshot:
    reference = local.snapshot()
    assert len(reference.rows) > POSTINGS * 0.9, "the local crawl found the board"
    return reference


def progress(server: redis.Redis, keys: CrawlKeys, names: list[str],
             pid: int) -> tuple[int, int]:
    """(requests leased by the worker process ``pid``, postings stored by all workers).
    A worker's id is "<host>-<pid>-<hex>"."""
    pipe = server.pipeline(transaction=False)
    for name in names:
        pipe.hkeys(keys.source(name).leases)
        pipe.hget(keys.source(name).stats, "store/items")
    answers = pipe.execute()
    mark = f"-{pid}-"
    leased = sum(1 for tokens in answers[0::2] for t in tokens if mark in lease_owner(t))
    return leased, sum(int(n or 0) for n in answers[1::2])


def test_three_workers_store_every_posting_once(big_board, new_database, redis_url,
                                                redis_prefix) -> None:
    board, local = big_board
    db, env = new_database("postgresql"), cli_env(redis_url, redis_prefix)
    crawl_id = seed(board, db, env)
    assert not finish([start_worker(board, crawl_id, db, env) for _ in range(3)])
    status = crawl_status(redis.Redis.from_url(redis_url), CrawlKeys(redis_prefix, crawl_id))
    assert status["status"] == "finished" and len(status["workers"]) == 3
    assert differences(Snapshot.of(db, board.work), reference_of(local)) == []


def test_a_killed_worker_loses_nothing(big_board, new_database, redis_url,
                                       redis_prefix) -> None:
    board, local = big_board
    db, env = new_database("postgresql"), cli_env(redis_url, redis_prefix)
    crawl_id = seed(board, db, env)
    server, keys = redis.Redis.from_url(redis_url), CrawlKeys(redis_prefix, crawl_id)
    workers = [start_worker(board, crawl_id, db, env, "--lease-timeout", LEASE_TIMEOUT)
               for _ in range(3)]
    doomed = workers[0]
    names = [row["source"] for row in crawl_status(server, keys)["sources"]]
    deadline = time.monotonic() + 600
    while True:  # mid-crawl: requests in its hands, postings already stored
        leased, stored = progress(server, keys, names, doomed.pid)
        if leased >= 3 and stored >= 200:
            break
        assert doomed.poll() is None, "the crawl ended before the worker could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.1)
    kill(doomed)
    held, _ = progress(server, keys, names, doomed.pid)
    assert held > 0, "the killed worker held leases"
    assert not finish(workers[1:])
    status = crawl_status(server, keys)
    assert status["status"] == "finished"
    assert status["requeued"] >= held, "the dead worker's requests went back to the queue"
    assert differences(Snapshot.of(db, board.work), reference_of(local)) == []
