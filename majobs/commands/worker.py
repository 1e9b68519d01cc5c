"""``majobs crawl --distributed|--status`` and ``majobs worker``: crawls shared through Redis.

``majobs crawl --distributed --sources FILE`` queues a crawl and prints its id (stdout,
alone, for scripts); ``--wait`` then waits for the workers and prints the usual summary.
``majobs crawl --status ID`` shows a crawl's progress. ``majobs worker`` works on queued
crawls until stopped (each crawl in a child process: a reactor cannot restart), or on one
crawl with ``--crawl ID``.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.live import Live
from rich.table import Table

from majobs.crawl.redis_keys import (
    DEFAULT_LEASE_TIMEOUT,
    DEFAULT_POLL_SECONDS,
    CrawlKeys,
    default_prefix,
)
from majobs.errors import InputError, MajobsError

console = Console(stderr=True)
IDLE_POLL_SECONDS = 2.0     # a worker with no crawl to do looks again after this
FAILED_CHILD_PAUSE = 10.0   # after a crawl child failed, before the next try


def distributed() -> Any:
    """``majobs.crawl.distributed``; a clear error when the extra is not installed."""
    try:
        from majobs.crawl import distributed as module
    except ImportError as exc:
        raise MajobsError(f"distributed crawling needs {exc.name}: pip install "
                          "'majobs[distributed]'") from None
    return module


def status_table(status: dict[str, Any]) -> Table:
    alive, workers = len(status["workers_alive"]), len(status["workers"])
    table = Table(title=f"crawl {status['crawl_id']}: {status['status']}, workers "
                        f"{alive} alive of {workers}, requeued {status['requeued']}",
                  title_justify="left")
    columns = ("source", "kind", "queued", "leased", "pages", "items", "errors", "outcome")
    for col in columns:
        table.add_column(col, justify="left" if col in ("source", "kind", "outcome")
                         else "right")
    for row in status["sources"]:
        table.add_row(*(str(row[col]) for col in columns))
    return table


def seed_command(path: Path | None, names: list[str], db_url: str, cfg: dict[str, Any],
                 wait: bool = False, quiet: bool = False) -> int:
    """Queue a crawl; with ``wait``, the exit code of a local crawl of the same sources."""
    from majobs.commands.crawl import select_sources, summary_table
    from majobs.db.reports import disabled_sources, runs_by_id

    if path is None:
        raise InputError(None, "--sources", "is required with --distributed")
    sources = select_sources(path, names)
    off = disabled_sources(db_url, [s.name for s in sources])
    if off:  # as a local crawl does
        console.print(f"skipped (switched off in the web UI): {', '.join(sorted(off))}")
        sources = [s for s in sources if s.name not in off]
    if not sources:
        console.print("no enabled sources to crawl")
        return 0
    prefix = default_prefix()
    dist = distributed()
    crawl_id = dist.seed_crawl(sources, db_url, cfg.get("redis_url") or "", cfg, prefix)
    typer.echo(crawl_id)
    if not wait:
        console.print(f"queued {len(sources)} source(s); start `majobs worker` processes, "
                      f"follow with `majobs crawl --status {crawl_id}`")
        return 0
    server = dist.redis_client(cfg.get("redis_url"))
    keys = CrawlKeys(prefix, crawl_id)
    live = None if quiet else Live(status_table(dist.crawl_status(server, keys)),
                                   console=console, refresh_per_second=1, transient=True)
    with live or contextlib.nullcontext():
        while (status := dist.crawl_status(server, keys))["status"] != "finished":
            if live is not None:
                live.update(status_table(status))
            time.sleep(1.0)
    runs = runs_by_id(db_url, status["run_ids"])
    Console().print(summary_table(runs))
    ok = len(runs) == len(sources) and all(r["outcome"] == "success" for r in runs)
    return 0 if ok else 1


def status_command(crawl_id: str, cfg: dict[str, Any], as_json: bool = False) -> int:
    dist = distributed()
    status = dist.crawl_status(dist.redis_client(cfg.get("redis_url")),
                               CrawlKeys(default_prefix(), crawl_id))
    if as_json:
        typer.echo(json.dumps(status, indent=2))
    else:
        Console().print(status_table(status))
    return 0


def _serve_crawls(argv: list[str], db_url: str, cfg: dict[str, Any],
                  exit_when_idle: bool) -> int:
    """Run each queued crawl in a child ``majobs worker --crawl ID``, oldest first."""
    dist = distributed()
    env = {**os.environ, "MAJOBS_DATABASE_URL": db_url}  # not in argv: it may hold a password
    server = dist.redis_client(cfg.get("redis_url"))
    child: subprocess.Popen[bytes] | None = None
    stopping = False

    def stop(signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True
        if child is not None and child.poll() is None:
            child.send_signal(signum)  # the child closes its spiders and gives work back

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopping:
        crawl_id = dist.next_crawl(server, default_prefix())
        if crawl_id is None:
            if exit_when_idle:
                return 0
            time.sleep(IDLE_POLL_SECONDS)
            continue
        console.print(f"worker {os.getpid()}: crawl {crawl_id}")
        child = subprocess.Popen([sys.executable, "-m", "majobs.cli", "worker",
                                  "--crawl", crawl_id, *argv], env=env)
        code = child.wait()
        child = None
        if code != 0 and not stopping:
            console.print(f"worker: crawl {crawl_id} child exited {code}; retrying later")
            time.sleep(FAILED_CHILD_PAUSE)
    return 0


def worker(
    crawl: Annotated[str | None, typer.Option(
        "--crawl", help="Work on this crawl only, in this process; exit when it is done.")]
    = None,
    exit_when_idle: Annotated[bool, typer.Option(
        "--exit-when-idle", help="Exit when no crawl is queued (default: wait for one).")]
    = False,
    lease_timeout: Annotated[float, typer.Option(
        min=1.0, help="Seconds without a heartbeat before this worker's requests go to "
                      "the others.")] = DEFAULT_LEASE_TIMEOUT,
    poll: Annotated[float, typer.Option(
        min=0.1, help="Seconds between looks at the queue when idle.")] = DEFAULT_POLL_SECONDS,
    db: Annotated[str | None, typer.Option(
        "--db", help="Database URL (default: MAJOBS_DATABASE_URL or sqlite:///majobs.db); "
                     "the crawl's own.")] = None,
    config: Annotated[Path | None, typer.Option("--config", help="Settings file.")] = None,
    log_level: Annotated[str, typer.Option(help="Scrapy log level.")] = "WARNING",
) -> None:
    """Take requests of queued crawls from Redis (MAJOBS_REDIS_URL) and store what they
    find. Run any number, on any host that reaches Redis and the database."""
    from majobs.config import load_config

    cfg = load_config(config)
    url = db or cfg["database_url"]
    if crawl is not None:
        distributed().work_crawl(crawl, url, cfg.get("redis_url") or "", default_prefix(),
                                 lease_timeout=lease_timeout, poll=poll, log_level=log_level,
                                 config=cfg)
        raise typer.Exit(0)
    argv = ["--lease-timeout", str(lease_timeout), "--poll", str(poll),
            "--log-level", log_level, *(["--config", str(config)] if config else [])]
    raise typer.Exit(_serve_crawls(argv, url, cfg, exit_when_idle))


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)
