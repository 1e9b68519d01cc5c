"""``majobs demo``: a local demo board, crawled into SQLite, then what was found.

Nothing to configure and no network: the board is generated and served on 127.0.0.1.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

from rich.console import Console
from rich.table import Table

from majobs.commands.crawl import crawl_command
from majobs.demoboard import DEMO_CREDENTIALS
from majobs.matcher.commands import match

console = Console()
SAMPLE_PROFILE = Path(__file__).resolve().parent.parent / "data" / "sample_profile.yaml"


def _pay(p: dict | None) -> str:
    if not p:
        return ""
    lo, hi, per = p.get("min"), p.get("max"), "/h" if p.get("period") == "hour" else "/yr"
    fmt = (lambda v: f"${v:,.2f}") if per == "/h" else (lambda v: f"${v / 1000:,.1f}k")
    if lo and hi and lo != hi:
        return f"{fmt(lo)}–{fmt(hi)}{per}"
    return f"{fmt(lo or hi)}{per}" if (lo or hi) else ""


def sample_table(rows: list[dict]) -> Table:
    table = Table(title="a sample of the MA postings found", title_justify="left")
    table.add_column("job", overflow="fold", ratio=3)
    table.add_column("place", overflow="fold", ratio=2)
    table.add_column("pay", no_wrap=True)
    table.add_column("requires", overflow="fold", ratio=1)
    table.add_column("seen at", justify="right")
    for r in rows:
        loc = r.get("location") or {}
        place = ", ".join(x for x in (loc.get("city"), loc.get("state")) if x)
        job = f"{r['title']}\n[dim]{r.get('employer') or ''}[/]"
        kind = (r.get("employment_type") or "").replace("_", " ")
        table.add_row(job, f"{place}\n[dim]{kind}[/]", _pay(r.get("pay")),
                      ", ".join(r["required_certifications"]) or "-",
                      f"{len(r['urls'])} url(s)")
    return table


def demo_command(postings: int, db_url: str, seed: int) -> int:
    from majobs.config import load_config
    from majobs.db import store
    from majobs.db.engine import make_engine, session_factory
    from majobs.db.reports import posting_counts
    from majobs.demoboard.generator import generate_market
    from majobs.demoboard.server import DemoBoardServer

    cfg = load_config()
    # The board's USAJOBS and CareerOneStop stand-ins want (demo) API credentials, read
    # from the environment as the real ones are.
    os.environ.update({k: v for k, v in DEMO_CREDENTIALS.items() if k not in os.environ})
    # The board is local: no need to be gentle with it (real sources keep AutoThrottle).
    cfg["crawl"].update(autothrottle=False, concurrent_requests_per_domain=16)
    workdir = Path("majobs-demo")
    workdir.mkdir(exist_ok=True)
    market = generate_market(postings=postings, seed=seed)
    with DemoBoardServer(market) as server:
        sources_file = workdir / "sources.yaml"
        sources_file.write_text(market.sources_yaml(server.base_url), encoding="utf-8")
        console.print(f"[bold]demo board[/] serving {postings} postings at {server.base_url}"
                      f" (sources: {sources_file})")
        code = crawl_command(sources_file, [], db_url, cfg)
    counts = posting_counts(db_url)
    console.print(
        f"\n[bold]{counts['postings']}[/] postings stored in {db_url}: "
        f"[green]{counts['ma_active']} active MA jobs[/], {counts['not_ma']} look-alikes kept "
        f"for review (not MA), {counts['multi_source']} found at more than one source, "
        f"{counts['expired']} expired.")
    Session = session_factory(make_engine(db_url))
    with Session() as session:
        rows = list(itertools.islice(store.export_postings(session), 8))
    console.print(sample_table(rows))
    console.print(f"\n[bold]ranked matches[/] for the sample candidate in {SAMPLE_PROFILE}:")
    match(profile=SAMPLE_PROFILE, limit=5, fmt="table", db=db_url, config=None)
    console.print(
        f"\nnext: majobs export postings --db {db_url}\n"
        f"      majobs match --profile {SAMPLE_PROFILE.name} --format json --db {db_url}\n"
        f"      majobs serve --db {db_url}   (web UI; add a user first: majobs users add NAME)")
    return code
