"""``majobs demo``: a local demo board, crawled into SQLite, then what was found.

Nothing to configure and no network: the board is generated and served on 127.0.0.1.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from rich.console import Console
from rich.table import Table

from majobs.commands.crawl import crawl_command

console = Console()
SAMPLE_PROFILE = Path(__file__).resolve().parent.parent / "matcher" / "data" / "sample_profile.yaml"


def _pay(p: dict | None) -> str:
    if not p:
        return ""
    lo, hi, per = p.get("min"), p.get("max"), "/h" if p.get("period") == "hour" else "/yr"
    fmt = (lambda v: f"${v:,.2f}") if per == "/h" else (lambda v: f"${v:,.0f}")
    if lo and hi and lo != hi:
        return f"{fmt(lo)}–{fmt(hi)}{per}"
    return f"{fmt(lo or hi)}{per}" if (lo or hi) else ""


def sample_table(rows: list[dict]) -> Table:
    table = Table(title="a sample of the MA postings found", title_justify="left")
    for col in ("title", "employer", "place", "pay", "type", "requires", "urls"):
        table.add_column(col, overflow="fold")
    for r in rows:
        loc = r.get("location") or {}
        place = ", ".join(x for x in (loc.get("city"), loc.get("state")) if x)
        table.add_row(r["title"], r.get("employer") or "", place, _pay(r.get("pay")),
                      r.get("employment_type") or "", ", ".join(r["required_certifications"]),
                      str(len(r["urls"])))
    return table


def demo_command(postings: int, db_url: str, seed: int) -> int:
    from majobs.config import load_config
    from majobs.db import store
    from majobs.db.engine import make_engine, session_factory
    from majobs.db.reports import posting_counts
    from majobs.demoboard.generator import generate_market
    from majobs.demoboard.server import DemoBoardServer

    cfg = load_config()
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
    code = max(code, _show_matches(db_url))
    console.print("\nnext: [bold]majobs export postings --db " + db_url + "[/] | "
                  "[bold]majobs match --profile your.yaml --db " + db_url + "[/]")
    return code


def _show_matches(db_url: str) -> int:
    try:
        from majobs.matcher.demo import show_sample_matches
    except ImportError:
        return 0
    return show_sample_matches(db_url, SAMPLE_PROFILE, console)
