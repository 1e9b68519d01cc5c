"""``majobs crawl`` and ``majobs runs``: progress while crawling, summary tables after."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.table import Table

from majobs.crawl.runner import SourceProgress, run_crawl
from majobs.errors import InputError
from majobs.sources import SourceConfig, load_sources

console = Console(stderr=True)


def select_sources(path: Path, names: list[str]) -> list[SourceConfig]:
    sources = load_sources(path)
    if names:
        known = {s.name for s in sources}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise InputError(str(path), "--source", f"no source named {', '.join(unknown)}")
        return [s for s in sources if s.name in names]
    return [s for s in sources if s.enabled]


def progress_table(rows: list[SourceProgress]) -> Table:
    table = Table(title="crawling", title_justify="left", expand=False)
    for col in ("source", "kind", "pages", "items", "MA", "dropped", ""):
        table.add_column(col, justify="right" if col in ("pages", "items", "MA", "dropped")
                         else "left")
    for r in rows:
        table.add_row(r.name, r.kind, str(r.pages), str(r.items), str(r.ma_items),
                      str(r.dropped), "done" if r.done else "…")
    return table


def summary_table(runs: list[dict[str, Any]], title: str = "crawl summary") -> Table:
    table = Table(title=title, title_justify="left")
    for col in ("source", "outcome", "items", "MA", "new", "upd", "same", "expired",
                "dropped", "error"):
        table.add_column(col, overflow="fold", max_width=40 if col == "error" else None)
    style = {"success": "green", "partial": "yellow", "failed": "red", "running": "cyan"}
    for run in runs:
        c = run.get("counts") or {}
        dropped = c.get("dropped") or {}
        table.add_row(
            run["source"], f"[{style.get(run['outcome'], '')}]{run['outcome']}[/]",
            str(c.get("items", 0)), str(c.get("ma_items", 0)), str(c.get("new", 0)),
            str(c.get("updated", 0)), str(c.get("unchanged", 0)), str(c.get("expired", 0)),
            str(sum(dropped.values())) if isinstance(dropped, dict) else str(dropped),
            run.get("error") or "",
        )
    return table


def crawl_command(path: Path, names: list[str], db_url: str, cfg: dict[str, Any],
                  quiet: bool = False, log_level: str = "WARNING") -> int:
    """Crawl, print the summary; the exit code: 0 all succeeded, 1 otherwise."""
    from majobs.db.engine import make_engine
    from majobs.db.reports import disabled_sources, runs_by_id
    from majobs.scheduling.crawl_child import close_dead_runs

    sources = select_sources(path, names)
    off = disabled_sources(db_url, [s.name for s in sources])  # also creates the schema
    closed = close_dead_runs(make_engine(db_url))
    if closed:
        console.print(f"closed {closed} run(s) left open by a crawl that was killed")
    if off:
        console.print(f"skipped (switched off in the web UI): {', '.join(sorted(off))}")
        sources = [s for s in sources if s.name not in off]
    if not sources:
        console.print("no enabled sources to crawl")
        return 0
    if quiet:
        run_ids = run_crawl(sources, db_url, cfg, log_level=log_level)
    else:
        with Live(progress_table([]), console=console, refresh_per_second=4) as live:
            run_ids = run_crawl(sources, db_url, cfg, log_level=log_level,
                                on_progress=lambda rows: live.update(progress_table(rows)))
    runs = runs_by_id(db_url, run_ids)
    Console().print(summary_table(runs))
    missing = len(sources) - len(runs)
    ok = missing == 0 and all(r["outcome"] == "success" for r in runs)
    return 0 if ok else 1


def runs_command(db_url: str, source: str | None, limit: int) -> None:
    from majobs.db.reports import recent_runs

    Console().print(summary_table(recent_runs(db_url, source, limit), title="recent runs"))
