"""Items -> row values for ``postings`` and ``sightings`` (no SQL here)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property
from typing import Any

from majobs import dedup
from majobs.items import JobPostingItem

MAX_KEY_CHARS = 2000  # an external key longer than this is not a key


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    text = text.replace("\x00", "").strip()  # PostgreSQL text cannot hold NUL
    return text or None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def _datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, 23, 59, 59, tzinfo=UTC)
    return None


def _ids(value: Any) -> list[str]:
    if not isinstance(value, list | tuple | set):
        return []
    return sorted({str(v) for v in value if v is not None and str(v).strip()})


def _tags(value: Any) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        return {}
    return {str(k): _ids(v) for k, v in value.items()}


def _location(loc: Any) -> dict[str, Any]:
    return {
        "city": _text(getattr(loc, "city", None)), "state": _text(getattr(loc, "state", None)),
        "postal_code": _text(getattr(loc, "postal_code", None)),
        "country": _text(getattr(loc, "country", None)),
        "lat": _number(getattr(loc, "lat", None)), "lon": _number(getattr(loc, "lon", None)),
        "remote": bool(getattr(loc, "remote", False)),
    }


def posting_values(item: JobPostingItem, canonical_url: str | None = None,
                   content_hash: str | None = None) -> dict[str, Any]:
    """The ``postings`` columns an item fills (not status, timestamps, review fields)."""
    locations = [_location(loc) for loc in (item.locations or [])]
    first = locations[0] if locations else {}
    pay = item.pay
    pay_min = _number(getattr(pay, "min", None))
    pay_max = _number(getattr(pay, "max", None))
    has_pay = pay is not None and (pay_min is not None or pay_max is not None)
    return {
        "title": _text(item.title) or "",
        "employer": _text(item.employer),
        "city": first.get("city"), "state": first.get("state"),
        "postal_code": first.get("postal_code"),
        "lat": first.get("lat"), "lon": first.get("lon"),
        "locations": locations,
        "remote": bool(item.remote),
        "employment_type": _text(item.employment_type),
        "pay_min": pay_min if has_pay else None,
        "pay_max": pay_max if has_pay else None,
        "pay_period": _text(getattr(pay, "period", None)) if has_pay else None,
        "pay_currency": _text(getattr(pay, "currency", None)) if has_pay else None,
        "pay_hourly_min": _number(getattr(pay, "hourly_min", None)) if has_pay else None,
        "pay_hourly_max": _number(getattr(pay, "hourly_max", None)) if has_pay else None,
        "pay_text": _text(getattr(pay, "text", None)),
        "date_posted": _date(item.date_posted),
        "valid_through": _datetime(item.valid_through),
        "description_html": (item.safe_html or "").replace("\x00", ""),
        "description_text": (item.text or "").replace("\x00", ""),
        "content_hash": content_hash or item.content_hash or dedup.content_hash(item),
        "ma_confidence": _number(item.ma_confidence),
        "ma_rule": _text(item.ma_rule),
        "tags": _tags(item.tags),
        "required_certifications": _ids(item.required_certifications),
        "preferred_certifications": _ids(item.preferred_certifications),
        "canonical_url": canonical_url or _canonical(item),
        "dedup_key": item.dedup_key or dedup.dedup_key(
            item.employer, item.title, item.locations[0] if item.locations else None) or None,
    }


def _canonical(item: JobPostingItem) -> str | None:
    return _text(item.canonical_url) or _text(dedup.canonical_url(item.url))


@dataclass
class Entry:
    """One item on its way into the database. The posting columns (``values``) are built
    only when needed: most items of a crawl are unchanged and never need them."""

    index: int                  # position of its first appearance in the batch
    key: str                    # sighting key: external id, else canonical URL
    item: JobPostingItem
    canonical_url: str | None
    content_hash: str
    posting_id: int | None = None
    sighting_id: int | None = None
    old_hash: str | None = None  # what this source sent last time (None: new sighting)

    @cached_property
    def values(self) -> dict[str, Any]:
        return posting_values(self.item, self.canonical_url, self.content_hash)

    @property
    def is_ma(self) -> bool:  # the classifier's verdict
        return bool(self.item.is_ma)

    @property
    def url(self) -> str | None:
        return _text(self.item.url)

    @property
    def apply_url(self) -> str | None:
        return _text(self.item.apply_url)


def make_entry(index: int, item: JobPostingItem) -> Entry | None:
    """None when the item has no key to find it by next time (no id, no URL)."""
    canonical = _text(item.canonical_url) or _text(dedup.canonical_url(item.url))
    key = _text(item.external_id) or canonical
    if not key or len(key) > MAX_KEY_CHARS:
        return None
    return Entry(index=index, key=key, item=item, canonical_url=canonical,
                 content_hash=item.content_hash or dedup.content_hash(item))
