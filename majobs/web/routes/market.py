"""Market page: what MA postings ask for, drawn as server-side SVG (with tables)."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import date
from functools import lru_cache

from fastapi import APIRouter, Request
from fastapi.responses import Response

from majobs.db.types import utcnow
from majobs.db.web_queries.market import MarketStats, PayBox, market_stats
from majobs.web import charts
from majobs.web.auth import CurrentUser
from majobs.web.state import web

router = APIRouter()
CACHE_SECONDS = 60.0
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _taxonomy() -> object | None:
    try:
        from majobs.taxonomy import load_taxonomy
    except ImportError:
        return None
    try:
        return load_taxonomy()
    except Exception:  # a broken taxonomy file must not take the market page down
        return None


def label(term_id: str) -> str:
    """A taxonomy id's label ("vital_signs" -> "Vital signs"); the id when unknown."""
    terms = getattr(_taxonomy(), "terms", {})
    term = terms.get(term_id) if isinstance(terms, dict) else None
    return getattr(term, "label", None) or term_id.replace("_", " ")


def cached_stats(request: Request, today: date) -> MarketStats:
    """Stats computed at most once a minute per app (they read every MA posting)."""
    app_state = request.app.state
    with _lock:
        hit = getattr(app_state, "market_cache", None)
        if hit and hit[0] == today and time.monotonic() - hit[1] < CACHE_SECONDS:
            return hit[2]
    with web(request).read() as session:
        stats = market_stats(session, today)
    with _lock:
        app_state.market_cache = (today, time.monotonic(), stats)
    return stats


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


@router.get("/market")
def market_page(request: Request, user: CurrentUser) -> Response:
    today = utcnow().date()
    stats = cached_stats(request, today)
    svg = {
        "weekly": charts.line_chart([(w.isoformat(), n) for w, n in stats.weekly],
                                    "MA postings per week (by date posted)"),
        "certs": charts.bar_chart([(c, s) for c, s in stats.cert_required],
                                  "Share of active MA postings requiring each certification",
                                  value_format=_pct, max_value=1.0),
        "certs_mentioned": charts.bar_chart(
            [(c, s) for c, s in stats.cert_mentioned],
            "Share of active MA postings naming each certification",
            value_format=_pct, max_value=1.0),
        "pay_state": charts.box_plot(stats.pay_by_state, "Hourly pay by state"),
        "pay_setting": charts.box_plot(
            [_relabel(b) for b in stats.pay_by_setting], "Hourly pay by setting"),
        "employers": charts.bar_chart([(e, n) for e, n in stats.top_employers],
                                      "Employers with the most active MA postings"),
        "skills": charts.bar_chart([(label(s), n) for s, n in stats.top_skills],
                                   "Most requested skills (active MA postings)"),
    }
    return web(request).templates.TemplateResponse(request, "market.html", {
        "s": stats, "svg": svg, "label": label, "pct": _pct})


def _relabel(box: PayBox) -> PayBox:
    return replace(box, label=label(box.label))
