"""The plain posting record the matcher indexes (from the database, a file or a generator).

The index never touches SQL: ``majobs.db.match_store.load_index_docs`` turns rows into
these, and the evaluation set and the benchmarks build them directly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

EMPLOYMENT_TYPES = ("full_time", "part_time", "contract", "temporary", "per_diem")
TAG_GROUPS = ("skills", "specializations", "settings", "languages")


@dataclass
class PostingDoc:
    id: int
    title: str
    employer: str | None = None
    text: str = ""
    lat: float | None = None
    lon: float | None = None
    remote: bool = False
    employment_type: str | None = None
    pay_hourly_min: float | None = None
    pay_hourly_max: float | None = None
    date_posted: date | None = None
    tags: dict[str, list[str]] = field(default_factory=dict)   # group -> taxonomy ids
    required_certifications: list[str] = field(default_factory=list)
    preferred_certifications: list[str] = field(default_factory=list)


def clean_float(value: Any) -> float | None:
    """A finite float, else None (bad rows must not poison whole numpy arrays)."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def clean_ids(value: Any) -> list[str]:
    """A list of non-empty id strings from whatever JSON the row holds."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        return []
    return [str(v).strip() for v in value if isinstance(v, str | int) and str(v).strip()]


def clean_tags(value: Any) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        return {}
    return {str(group): clean_ids(ids) for group, ids in value.items()}


def clean_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def make_doc(**fields: Any) -> PostingDoc:
    """A PostingDoc from loosely typed values (database rows, YAML), never raising on junk."""
    lat, lon = clean_float(fields.get("lat")), clean_float(fields.get("lon"))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        lat = lon = None
    etype = fields.get("employment_type")
    return PostingDoc(
        id=int(fields["id"]),
        title=str(fields.get("title") or ""),
        employer=str(fields["employer"]) if fields.get("employer") else None,
        text=str(fields.get("text") or ""),
        lat=lat, lon=lon, remote=bool(fields.get("remote")),
        employment_type=etype if etype in EMPLOYMENT_TYPES else None,
        pay_hourly_min=clean_float(fields.get("pay_hourly_min")),
        pay_hourly_max=clean_float(fields.get("pay_hourly_max")),
        date_posted=clean_date(fields.get("date_posted")),
        tags=clean_tags(fields.get("tags")),
        required_certifications=clean_ids(fields.get("required_certifications")),
        preferred_certifications=clean_ids(fields.get("preferred_certifications")),
    )
