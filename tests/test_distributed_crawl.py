"""``majobs crawl --distributed`` and ``majobs worker`` as a user runs them (subprocesses),
against a demo board on 127.0.0.1, real Redis and PostgreSQL, compared with a local
crawl of the same board. The helpers also serve ``test_distributed_e2e.py``.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy import func, select, update

from majobs.crawl.distributed import crawl_status
from majobs.crawl.redis_keys import CrawlKeys
from majobs.db import store
from majobs.db.engine import init_db, make_engine, session_factory
from majobs.db.models import CrawlRun, Sighting, Source
from majobs.demoboard import DEMO_CREDENTIALS
from majobs.demoboard.generator import generate_market
from majobs.demoboard.server import DemoBoardServer
from majobs.scheduling.crawl_child import close_dead_runs
from majobs.sources import load_sources

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.postgres]
FAST_CRAWL = "[crawl]\nautothrottle = false\nconcurrent_requests_per_domain = 16\n"
WORK_KEYS = (":queue", ":seen", ":leases", ":scores")


def majobs_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "majobs.cli", *args]


def majobs(*args: str, cwd: Path, env: dict[str, str],
           timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(majobs_cmd(*args), cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


def cli_env(redis_url: str | None = None, prefix: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAJOBS_DATABASE_URL", "MAJOBS_REDIS_URL", "MAJOBS_REDIS_PREFIX")}
    env.update(DEMO_CREDENTIALS)  # the board's keyed APIs (USAJOBS, CareerOneStop)
    env["COLUMNS"] = "200"
    if redis_url:
        env["MAJOBS_REDIS_URL"] = redis_url
    if prefix:
        env["MAJOBS_REDIS_PREFIX"] = prefix
    return env


@dataclass
class Snapshot:
    """What a crawl left in a database."""
    rows: list[dict[str, Any]]          # `majobs export postings --all`
    live: Counter[str]                  # live sightings per source
    outcomes: dict[str, str]            # source -> outcome of its latest run

    @classmethod
    def of(cls, db: str, cwd: Path) -> Snapshot:
        out = majobs("export", "postings", "--all", "--db", db, cwd=cwd, env=cli_env())
        assert out.returncode == 0, out.stderr
        engine = make_engine(db)
        with session_factory(engine)() as session:
            live = Counter(dict(session.execute(
                select(Source.name, func.count(Sighting.id))
                .join(Sighting, Sighting.source_id == Source.id)
                .where(Sighting.gone_at.is_(None)).group_by(Source.name)).all()))
            outcomes = {name: outcome for name, outcome in session.execute(
                select(Source.name, CrawlRun.outcome).join(CrawlRun)
                .order_by(CrawlRun.id))}
        engine.dispose()
        return cls([json.loads(line) for line in out.stdout.splitlines()], live, outcomes)

    def urls(self) -> Counter[str]:
        return Counter(u for row in self.rows for u in row["urls"])

    def groups(self) -> dict[tuple, tuple[int, frozenset[str]]]:
        """Postings by (employer, title, place): how many, and every URL they were found at.

        Openings with one title at one clinic are near twins; which twin a re-published
        copy joins may depend on arrival order, so they are compared as a group."""
        out: dict[tuple, tuple[int, frozenset[str]]] = {}
        for row in self.rows:
            loc = row["location"]
            key = (row["employer"], row["title"], loc["city"], loc["state"], row["is_ma"],
                   row["status"])
            n, urls = out.get(key, (0, frozenset()))
            out[key] = (n + 1, urls | set(row["urls"]))
        return out


def differences(got: Snapshot, want: Snapshot) -> list[str]:
    """Why ``got`` (a distributed crawl) is not the same as ``want`` (a local one)."""
    problems = [f"{url} is in {n} postings" for url, n in got.urls().items() if n > 1]
    lost, extra = set(want.urls()) - set(got.urls()), set(got.urls()) - set(want.urls())
    problems += [f"not stored: {u}" for u in sorted(lost)[:20]]
    problems += [f"stored, not in the local crawl: {u}" for u in sorted(extra)[:20]]
    if len(got.rows) != len(want.rows):
        problems.append(f"{len(got.rows)} postings, the local crawl has {len(want.rows)}")
    mine, theirs = got.groups(), want.groups()
    problems += [f"{key}: {mine.get(key)} != {theirs.get(key)}"
                 for key in sorted(set(mine) | set(theirs), key=str)
                 if mine.get(key) != theirs.get(key)][:20]
    if got.live != want.live:
        problems.append(f"live sightings per source differ: {got.live - want.live} / "
                        f"{want.live - got.live}")
    if got.outcomes != want.outcomes:
        problems.append(f"outcomes differ: { {k: (v, want.outcomes.get(k)) for k, v in got.outcomes.items() if v != want.outcomes.get(k)} }")  # noqa: E501
    return problems


@dataclass
class Board:
    server: DemoBoardServer
    work: Path
    sources: Path


@contextmanager
def served_board(postings: int, work: Path, seed: int = 11) -> Iterator[Board]:
    (work / "majobs.toml").write_text(FAST_CRAWL)  # a local board needs no politeness
    market = generate_market(postings=postings, seed=seed)
    with DemoBoardServer(market) as server:
        sources = work / "sources.yaml"
        sources.write_text(market.sources_yaml(server.base_url))
        yield Board(server, work, sources)


class LocalCrawl:
    """A local crawl of the board for reference: started at once, so it runs while the
    distributed one does; waited for when first needed."""

    def __init__(self, board: Board, db: str) -> None:
        self.db, self.work = db, board.work
        self.log = board.work / f"local-crawl-{len(list(board.work.glob('local-*')))}.log"
        with self.log.open("w") as log:  # a file: a pipe nobody reads can block the child
            self.proc = subprocess.Popen(
                majobs_cmd("crawl", "--sources", str(board.sources), "--db", db, "-q"),
                cwd=board.work, env=cli_env(), stdout=subprocess.DEVNULL, stderr=log)
        self._snapshot: Snapshot | None = None

    def snapshot(self) -> Snapshot:
        if self._snapshot is None:
            self.proc.wait(timeout=900)
            assert self.proc.returncode in (0, 1), self.log.read_text()[-3000:]
            self._snapshot = Snapshot.of(self.db, self.work)
        return self._snapshot

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def seed(board: Board, db: str, env: dict[str, str]) -> str:
    out = majobs("crawl", "--distributed", "--sources", str(board.sources), "--db", db,
                 cwd=board.work, env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout.strip()


def start_worker(board: Board, crawl_id: str, db: str, env: dict[str, str],
                 *extra: str) -> subprocess.Popen[str]:
    """A worker in a process group of its own (with its pipeline's pool processes)."""
    return subprocess.Popen(majobs_cmd("worker", "--crawl", crawl_id, "--db", db, *extra),
                            cwd=board.work, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def kill(worker: subprocess.Popen[str]) -> None:
    """SIGKILL to the worker and every process it started."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(worker.pid, signal.SIGKILL)
    worker.communicate(timeout=60)


def finish(workers: list[subprocess.Popen[str]], timeout: float = 900) -> list[str]:
    """Wait for the workers; their stderr tails when one did not exit 0."""
    deadline = time.monotonic() + timeout
    failures = []
    for proc in workers:
        try:
            _, err = proc.communicate(timeout=max(deadline - time.monotonic(), 1))
        except subprocess.TimeoutExpired:
            kill(proc)
            failures.append(f"worker {proc.pid} still running after {timeout} s")
            continue
        if proc.returncode != 0:
            failures.append(f"worker exited {proc.returncode}: {err[-2000:]}")
    return failures


def work_keys_left(server: redis.Redis, prefix: str) -> list[str]:
    return [k.decode() for k in server.scan_iter(match=f"{prefix}:*")
            if k.decode().endswith(WORK_KEYS)]


@pytest.fixture(scope="module")
def small_board(tmp_path_factory, new_database) -> Iterator[tuple[Board, LocalCrawl]]:
    with served_board(120, tmp_path_factory.mktemp("small")) as board:
        local = LocalCrawl(board, new_database("postgresql"))
        yield board, local
        local.stop()


def test_queue_then_one_worker_equals_a_local_crawl(small_board, new_database, redis_url,
                                                    redis_prefix) -> None:
    board, local = small_board
    db, env = new_database("postgresql"), cli_env(redis_url, redis_prefix)
    crawl_id = seed(board, db, env)
    server = redis.Redis.from_url(redis_url)
    keys = CrawlKeys(redis_prefix, crawl_id)
    queued = crawl_status(server, keys)
    assert queued["status"] == "running"
    assert [r["source"] for r in queued["sources"]] == [
        s.name for s in load_sources(board.sources)]
    engine = make_engine(db)
    assert close_dead_runs(engine) == 0, "the seeding process is gone, its runs are not dead"
    with session_factory(engine)() as session:
        runs = dict(session.execute(select(CrawlRun.id, CrawlRun.outcome)).all())
        owners = set(session.execute(select(CrawlRun.host, CrawlRun.pid)).all())
    engine.dispose()
    assert owners == {(f"redis crawl {crawl_id}", None)}
    assert sorted(runs) == sorted(queued["run_ids"]), "one run row per source, opened"
    for row in queued["sources"]:  # a source with nothing to fetch is closed at once
        assert (row["queued"] > 0) == (row["outcome"] == "running"), row
        assert runs[row["run_id"]] == row["outcome"]
    shown = majobs("crawl", "--status", crawl_id, cwd=board.work, env=env)
    assert shown.returncode == 0 and f"crawl {crawl_id}: running" in shown.stdout

    assert not finish([start_worker(board, crawl_id, db, env)])
    assert differences(Snapshot.of(db, board.work), local.snapshot()) == []
    done = crawl_status(server, keys)
    assert done["status"] == "finished" and done["workers_alive"] == []
    assert work_keys_left(server, redis_prefix) == []
    assert server.zcard(keys.crawls) == 0
    again = majobs("worker", "--crawl", crawl_id, "--db", db, cwd=board.work, env=env)
    assert again.returncode == 0, "a finished crawl: nothing to do"


def test_wait_for_a_serving_worker_on_sqlite(small_board, new_database, redis_url,
                                             redis_prefix) -> None:
    """``crawl --distributed --wait`` waits and reports like a local crawl; ``worker``
    (no --crawl) finds the crawl, runs it in a child and, told so, exits when idle."""
    board, local = small_board
    db, env = new_database("sqlite"), cli_env(redis_url, redis_prefix)
    server = redis.Redis.from_url(redis_url)
    crawl = subprocess.Popen(majobs_cmd("crawl", "--distributed", "--wait", "--sources",
                                        str(board.sources), "--db", db, "-q"),
                             cwd=board.work, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not server.zcard(CrawlKeys(redis_prefix, "").crawls):
        assert crawl.poll() is None and time.monotonic() < deadline, crawl.communicate()
        time.sleep(0.2)
    worker = subprocess.Popen(majobs_cmd("worker", "--exit-when-idle", "--db", db),
                              cwd=board.work, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    assert not finish([worker])
    out, err = crawl.communicate(timeout=120)
    reference = local.snapshot()
    expected_code = 0 if set(reference.outcomes.values()) == {"success"} else 1
    assert crawl.returncode == expected_code, err[-2000:]
    assert out.splitlines()[0].strip() and "crawl summary" in out
    assert differences(Snapshot.of(db, board.work), reference) == []


@pytest.mark.parametrize(("args", "env_redis", "code", "message"), [
    (["crawl", "--distributed", "--sources", "sources.yaml"], False, 2, "MAJOBS_REDIS_URL"),
    (["crawl", "--distributed"], True, 2, "--sources"),
    (["crawl"], True, 2, "--sources: is required"),
    (["crawl", "--status", "20250101T000000-000000"], True, 2, "no crawl"),
    (["worker", "--crawl", "20250101T000000-000000"], True, 2, "no crawl"),
    (["crawl", "--status", "x"], "redis://127.0.0.1:1/0", 1, "Redis unreachable"),
])
def test_input_errors(small_board, redis_url, redis_prefix, args, env_redis, code,
                      message) -> None:
    board, _ = small_board
    url = redis_url if env_redis is True else env_redis or None
    out = majobs(*args, cwd=board.work, env=cli_env(url, redis_prefix), timeout=60)
    assert out.returncode == code, out.stderr
    assert message in out.stderr


def test_worker_refuses_another_database(small_board, new_database, redis_url,
                                         redis_prefix, tmp_path) -> None:
    board, _ = small_board
    env = cli_env(redis_url, redis_prefix)
    crawl_id = seed(board, new_database("sqlite"), env)
    out = majobs("worker", "--crawl", crawl_id, "--db", f"sqlite:///{tmp_path / 'other.db'}",
                 cwd=board.work, env=env, timeout=60)
    assert out.returncode == 2 and "give it the same database" in out.stderr


def test_sources_switched_off_in_the_web_ui_are_not_queued(small_board, new_database,
                                                          redis_url, redis_prefix) -> None:
    board, _ = small_board
    db, env = new_database("sqlite"), cli_env(redis_url, redis_prefix)
    names = [s.name for s in load_sources(board.sources)][:3]
    engine = init_db(db)
    with session_factory(engine).begin() as session:
        for source in load_sources(board.sources)[:3]:
            store.ensure_source(session, source)
        session.execute(update(Source).where(Source.name == names[1]).values(enabled=False))
    engine.dispose()
    out = majobs("crawl", "--distributed", "--sources", str(board.sources), *(
        a for n in names for a in ("--source", n)), "--db", db, cwd=board.work, env=env)
    assert out.returncode == 0, out.stderr
    assert f"skipped (switched off in the web UI): {names[1]}" in out.stderr
    status = crawl_status(redis.Redis.from_url(redis_url),
                          CrawlKeys(redis_prefix, out.stdout.strip()))
    assert [row["source"] for row in status["sources"]] == [names[0], names[2]]
