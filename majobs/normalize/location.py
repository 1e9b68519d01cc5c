"""Locations: strings and schema.org places -> :class:`Location` records."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    city: str | None = None
    state: str | None = None         # 2-letter USPS code
    postal_code: str | None = None   # 5-digit ZIP
    country: str | None = None       # ISO 3166-1 alpha-2, "US" when known
    lat: float | None = None
    lon: float | None = None
    remote: bool = False
    raw: str | None = None           # the text it came from
