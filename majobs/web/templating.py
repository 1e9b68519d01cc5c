"""Jinja2 with autoescape on, and the filters templates use to show scraped values.

Everything scraped is untrusted. Templates print values escaped (autoescape); the one
exception is a description, which goes through ``safe_description`` (nh3, again, at
render time: the stored HTML was sanitized by the pipeline, but the database may hold
rows from older code or another writer).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import nh3
from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from majobs.web.security import csrf_token

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
DESCRIPTION_TAGS = {
    "p", "br", "ul", "ol", "li", "strong", "b", "em", "i", "u", "h2", "h3", "h4", "h5",
    "h6", "a", "blockquote", "div", "span", "table", "thead", "tbody", "tr", "th", "td", "hr",
}
DESCRIPTION_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan"}, "th": {"colspan"}}
URL_SCHEMES = {"http", "https", "mailto"}


def safe_description(html: Any) -> Markup:
    """Sanitized description HTML: no script, no event handlers, no javascript: URLs,
    links marked nofollow/noopener."""
    if not isinstance(html, str) or not html.strip():
        return Markup("")
    cleaned = nh3.clean(html, tags=DESCRIPTION_TAGS, attributes=DESCRIPTION_ATTRIBUTES,
                        url_schemes=URL_SCHEMES, link_rel="noopener noreferrer nofollow",
                        strip_comments=True)
    return Markup(cleaned)


def format_pay(lo: Any, hi: Any, period: Any, currency: Any = "USD") -> str:
    """"$18.50–$22.00/hour", "$40,000/year"; "" when no number is known."""
    def one(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return f"${value:,.2f}" if period == "hour" or value < 1000 else f"${value:,.0f}"

    low, high = one(lo), one(hi)
    if low is None and high is None:
        return ""
    text = f"{low}–{high}" if low and high and low != high else (low or high or "")
    unit = f"/{period}" if isinstance(period, str) and period else ""
    cur = "" if currency in (None, "", "USD") else f" {currency}"
    return f"{text}{unit}{cur}"


def format_when(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def format_day(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    return "" if value is None else str(value)


def format_confidence(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "–"
    return f"{value:.2f}"


def _context(request: Request) -> dict[str, Any]:
    return {"csrf_token": csrf_token(request.session) if "session" in request.scope else "",
            "user": getattr(request.state, "user", None)}


def make_templates() -> Jinja2Templates:
    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(description=safe_description, when=format_when, day=format_day,
                       confidence=format_confidence)
    env.globals.update(format_pay=format_pay)
    return Jinja2Templates(env=env, context_processors=[_context])
