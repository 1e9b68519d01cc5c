"""Distributed crawl throughput: one demo board crawled by 1, then 2 ``majobs worker``s.

    python benchmarks/distributed.py [--postings 2000] [--workers 1,2]
        [--pg postgresql+psycopg://postgres@127.0.0.1:5432/] [--redis redis://127.0.0.1:6379/0]

Serves a demo board on 127.0.0.1; for each worker count, queues a crawl of it
(``majobs crawl --distributed``) into a fresh PostgreSQL database and starts that many
worker processes, timed from the first worker's start until the crawl is finished. Prints
postings stored per second (sightings / wall seconds), the workers' CPU seconds, and the
speed-up of each count over one worker. Workers, database, Redis and the board share this
machine, so the ratio is a floor for workers on hosts of their own.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
import redis
from sqlalchemy.engine import make_url

from majobs.demoboard import DEMO_CREDENTIALS
from majobs.demoboard.generator import generate_market
from majobs.demoboard.server import DemoBoardServer

FAST = "[crawl]\nautothrottle = false\nconcurrent_requests_per_domain = 16\n"


@dataclass
class Run:
    workers: int
    wall: float
    cpu: float
    stored: int
    code: int

    @property
    def rate(self) -> float:
        return self.stored / self.wall


def libpq(url: str, database: str) -> str:
    return make_url(url).set(drivername="postgresql", database=database).render_as_string(
        hide_password=False)


def crawl_once(workers: int, sources: Path, work: Path, pg: str, redis_url: str) -> Run:
    name = f"majobs_bench_{uuid.uuid4().hex[:8]}"
    prefix = f"majobs-bench-{uuid.uuid4().hex[:8]}"
    with psycopg.connect(libpq(pg, "postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    db = make_url(pg).set(database=name).render_as_string(hide_password=False)
    env = {**os.environ, **DEMO_CREDENTIALS, "MAJOBS_REDIS_URL": redis_url,
           "MAJOBS_REDIS_PREFIX": prefix, "MAJOBS_DATABASE_URL": db}
    server = redis.Redis.from_url(redis_url)
    try:
        seeded = subprocess.run([sys.executable, "-m", "majobs.cli", "crawl", "--distributed",
                                 "--sources", str(sources)], cwd=work, env=env, text=True,
                                capture_output=True, check=True)
        crawl_id = seeded.stdout.strip()
        started = time.perf_counter()
        procs = []
        for n in range(workers):
            with (work / f"worker-{workers}-{n}.log").open("wb") as log:
                procs.append(subprocess.Popen(
                    [sys.executable, "-m", "majobs.cli", "worker", "--crawl", crawl_id,
                     "--log-level", "ERROR"], cwd=work, env=env, stdout=subprocess.DEVNULL,
                    stderr=log))
        cpu, codes = 0.0, []
        for proc in procs:
            _, status, usage = os.wait4(proc.pid, 0)
            cpu += usage.ru_utime + usage.ru_stime   # with its pipeline pool's children
            codes.append(os.waitstatus_to_exitcode(status))
        wall = time.perf_counter() - started
        with psycopg.connect(libpq(pg, name)) as conn:
            stored = conn.execute("select count(*) from sightings").fetchone()[0]
        return Run(workers, wall, cpu, stored, max(codes))
    finally:
        keys = list(server.scan_iter(match=f"{prefix}:*"))
        if keys:
            server.delete(*keys)
        with psycopg.connect(libpq(pg, "postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--postings", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workers", default="1,2", help="worker counts to time, in order")
    ap.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/")
    ap.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    args = ap.parse_args()
    counts = [int(n) for n in args.workers.split(",")]

    market = generate_market(postings=args.postings, seed=args.seed)
    runs = []
    with tempfile.TemporaryDirectory() as tmp, DemoBoardServer(market) as board:
        work = Path(tmp)
        (work / "majobs.toml").write_text(FAST)
        sources = work / "sources.yaml"
        sources.write_text(market.sources_yaml(board.base_url))
        for n in counts:
            load = os.getloadavg()[0]
            runs.append(run := crawl_once(n, sources, work, args.pg, args.redis))
            print(f"{n} worker(s): {run.wall:7.1f} s wall {run.cpu:7.1f} s CPU  "
                  f"{run.stored} postings stored  {run.rate:7.1f} postings/s  "
                  f"(exit {run.code}; load average before {load:.1f})", flush=True)
    base = runs[0]
    for run in runs[1:]:
        print(f"ratio {run.workers} workers / {base.workers}: {run.rate / base.rate:.2f}x "
              f"postings/s, {run.cpu / base.cpu:.2f}x CPU")
    print(f"machine: {os.cpu_count()} cores, load average now "
          f"{os.getloadavg()[0]:.1f} (board, Redis, PostgreSQL and workers all here)")


if __name__ == "__main__":
    main()
