"""Crawl throughput: the full pipeline into SQLite beside a bare spider, same pages, same run.

    python benchmarks/crawl.py [--postings 5000] [--repeat 1]

Serves a demo board on 127.0.0.1, runs ``majobs crawl`` (spiders -> validate -> normalize ->
classify -> tag -> dedup -> store into SQLite) in a child process, records every URL it
fetched, then runs a bare Scrapy spider (benchmarks/bare_spider.py) that downloads exactly
those URLs with the same settings and keeps nothing. Prints postings/s for both, the
ratio (target: full >= 60% of bare) and each child's peak memory (target: < 500 MB).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from majobs.crawl.runner import build_settings
from majobs.demoboard.generator import generate_market
from majobs.demoboard.server import DemoBoardServer

HERE = Path(__file__).resolve().parent
FAST = {"autothrottle": False, "concurrent_requests_per_domain": 16}


def run_child(cmd: list[str], cwd: Path) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB, exit code of one child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        sys.stderr.write(proc.stderr.read().decode()[-3000:] if proc.stderr else "")
    return elapsed, usage.ru_maxrss / 1024, proc.returncode


def stored_postings(db_path: Path) -> int:
    import sqlite3

    with sqlite3.connect(db_path) as con:
        return con.execute("select count(*) from sightings").fetchone()[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--postings", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    market = generate_market(postings=args.postings, seed=args.seed)
    with tempfile.TemporaryDirectory() as tmp, DemoBoardServer(market) as server:
        work = Path(tmp)
        (work / "majobs.toml").write_text(
            "[crawl]\nautothrottle = false\nconcurrent_requests_per_domain = 16\n")
        sources = work / "sources.yaml"
        sources.write_text(market.sources_yaml(server.base_url))
        db = work / "bench.db"

        server.reset_log()
        full_s, full_mb, code = run_child(
            [sys.executable, "-m", "majobs.cli", "crawl", "--sources", str(sources),
             "--db", f"sqlite:///{db}", "-q", "--log-level", "ERROR"], work)
        fetched = [server.base_url + r.target for r in server.request_log]
        items = stored_postings(db)

        urls = work / "urls.txt"
        urls.write_text("\n".join(fetched))
        settings = build_settings(f"sqlite:///{db}", {"crawl": FAST})
        settings["LOG_LEVEL"] = "ERROR"
        server.reset_log()
        bare_s, bare_mb, _ = run_child(
            [sys.executable, str(HERE / "bare_spider.py"), str(urls), json.dumps(settings)], work)
        bare_pages = server.requests

    full_rate, bare_rate = items / full_s, items / bare_s
    print(f"demo board: {args.postings} postings, {len(fetched)} pages fetched, "
          f"{items} items stored (exit code {code})")
    print(f"full pipeline -> SQLite: {full_s:7.1f} s  {full_rate:8.1f} postings/s  "
          f"peak {full_mb:6.0f} MB")
    print(f"bare download spider:    {bare_s:7.1f} s  {bare_rate:8.1f} postings/s  "
          f"peak {bare_mb:6.0f} MB  ({bare_pages} pages)")
    print(f"ratio full/bare: {full_rate / bare_rate:.0%} (target >= 60%); "
          f"peak memory target < 500 MB: {'met' if full_mb < 500 else 'NOT met'}")


if __name__ == "__main__":
    main()
