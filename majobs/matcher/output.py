"""Match results as JSON, CSV or an 80-column table (DESIGN.md "Outputs")."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from majobs.matcher.explain import MatchResult

FORMATS = ("table", "json", "csv")
CSV_FIELDS = ("rank", "posting_id", "score", "title", "employer", "city", "state",
              "postal_code", "remote", "distance_miles", "pay_min", "pay_max", "pay_period",
              "employment_type", "matched", "missing", "url", "application_state", "is_new")


def match_records(results: Sequence[MatchResult], postings: dict[int, dict[str, Any]],
                  extra: dict[int, dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """One JSON-ready record per result, best first. ``postings``: the export shape of
    each posting (``match_store.describe_postings``); ``extra``: per-posting additions
    (application state, is_new)."""
    out = []
    for result in results:
        p = postings.get(result.posting_id, {})
        location = dict(p.get("location") or {})
        location["remote"] = result.remote
        record = {
            "posting_id": result.posting_id, "urls": p.get("urls", []),
            "title": p.get("title"), "employer": p.get("employer"), "location": location,
            "score": result.score, "matched": result.matched, "missing": result.missing,
            "pay": p.get("pay"), "distance_miles": result.distance_miles,
            "employment_type": result.employment_type, "explanation": result.explanation,
        }
        record.update((extra or {}).get(result.posting_id, {}))
        out.append(record)
    return out


def to_json(records: list[dict[str, Any]]) -> str:
    return json.dumps(records, indent=2, ensure_ascii=False)


def to_csv(records: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for n, r in enumerate(records, start=1):
        loc, pay = r.get("location") or {}, r.get("pay") or {}
        writer.writerow({
            "rank": n, "posting_id": r["posting_id"], "score": r["score"],
            "title": r.get("title"), "employer": r.get("employer"), "city": loc.get("city"),
            "state": loc.get("state"), "postal_code": loc.get("postal_code"),
            "remote": loc.get("remote"), "distance_miles": r.get("distance_miles"),
            "pay_min": pay.get("min"), "pay_max": pay.get("max"),
            "pay_period": pay.get("period"), "employment_type": r.get("employment_type"),
            "matched": ";".join(r.get("matched") or []),
            "missing": ";".join(r.get("missing") or []),
            "url": (r.get("urls") or [None])[0],
            "application_state": r.get("application_state"), "is_new": r.get("is_new"),
        })
    return buf.getvalue()


def _place(r: dict[str, Any]) -> str:
    loc = r.get("location") or {}
    if loc.get("remote"):
        return "remote"
    where = ", ".join(v for v in (loc.get("city"), loc.get("state")) if v) or "?"
    dist = r.get("distance_miles")
    return f"{where}\n{dist:g} mi" if dist is not None else where


def _pay(r: dict[str, Any]) -> str:
    pay = r.get("pay") or {}
    low, high, period = pay.get("min"), pay.get("max"), pay.get("period") or "hour"
    if low is None and high is None:
        return "-"
    fmt = (lambda v: f"{v:,.0f}") if period == "year" else (lambda v: f"{v:.2f}")
    values = [v for v in (low, high) if v is not None]
    span = "-".join(fmt(v) for v in dict.fromkeys(values))   # $21.00, not $21.00-21.00
    return f"${span}/{'yr' if period == 'year' else 'h'}"


def render_table(records: list[dict[str, Any]], title: str | None = None,
                 width: int = 80) -> str:
    """A rich table that fits ``width`` columns (titles and employers wrap)."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False, pad_edge=False, expand=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("job", ratio=3, overflow="fold")
    table.add_column("place", ratio=1, overflow="fold")
    table.add_column("pay", no_wrap=True)
    table.add_column("missing", ratio=1, overflow="fold")
    for n, r in enumerate(records, start=1):
        flag = " [new]" if r.get("is_new") else ""
        state = f" ({r['application_state']})" if r.get("application_state") else ""
        job = f"{r.get('title') or '?'}{flag}{state}\n[dim]{r.get('employer') or ''}[/dim]"
        table.add_row(str(n), f"{r['score']:.2f}", job, _place(r), _pay(r),
                      ", ".join(r.get("missing") or []) or "-")
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    console.print(table if records else "no matching postings")
    return console.export_text()
