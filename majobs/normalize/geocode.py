"""Offline US geocoding from the ZIP data the `zipcodes` package ships.

ZIP -> (city, state, lat, lon); "City, ST" -> the mean of that city's ZIP centroids.
ZIP lookups go to a dict built once from the package's records; the city index is built
lazily, once per state. The package loads its data on first use (a second or two), once per process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import zipcodes

from majobs.normalize.places import STATES

_ZIP_RE = re.compile(r"(\d{5})(?:-\d{4})?")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount", "pt": "point"}


@dataclass(frozen=True)
class ZipPlace:
    zip_code: str
    city: str
    state: str
    lat: float
    lon: float


def city_key(city: str) -> str:
    """Fold a city name for lookups: 'St. Louis' and 'Saint Louis' give the same key."""
    words = re.sub(r"[^a-z0-9 ]+", " ", city.lower().replace("'", "")).split()
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


def normalize_zip(value: object) -> str | None:
    """'78701', '78701-1234', 2134 (an int that lost its zero) -> 5-digit ZIP; else None."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 100_000:
        return f"{value:05d}"
    if not isinstance(value, str):
        return None
    match = _ZIP_RE.fullmatch(value.strip())
    return match.group(1) if match else None


def _zip_place(record: dict[str, Any]) -> ZipPlace | None:
    # Military APO/FPO entries (states AA/AE/AP) carry foreign or zero coordinates.
    if record.get("country") != "US" or record.get("state") not in STATES:
        return None
    try:
        lat, lon = float(record["lat"]), float(record["long"])
    except (KeyError, TypeError, ValueError):
        return None
    if lat == 0 and lon == 0:
        return None
    return ZipPlace(record["zip_code"], record["city"], record["state"], lat, lon)


def lookup_zip(value: object) -> ZipPlace | None:
    """The place of a US ZIP code, or None for unknown or malformed codes."""
    code = normalize_zip(value)
    return None if code is None else _lookup_code(code)


@lru_cache(maxsize=1)
def _zip_index() -> dict[str, ZipPlace]:
    """ZIP -> place, built once: ``zipcodes.matching`` scans every record per call
    (~85 ms), which a crawl of thousands of postings cannot afford. State by state:
    ``zipcodes.list_all()`` keeps all 42k record dicts alive for good (+90 MB RSS);
    these are garbage once read, for the same index in the same time."""
    index: dict[str, ZipPlace] = {}
    for state in sorted(STATES):
        for record in zipcodes.filter_by(state=state):
            place = _zip_place(record)
            if place is not None:
                index.setdefault(place.zip_code, place)
    return index


def _lookup_code(code: str) -> ZipPlace | None:
    return _zip_index().get(code)


@lru_cache(maxsize=64)
def _state_centroids(state: str) -> dict[str, tuple[float, float]]:
    """city key -> mean (lat, lon) of the active ZIPs of one state; built once per state."""
    sums: dict[str, list[float]] = {}
    for record in zipcodes.filter_by(state=state):
        place = _zip_place(record)
        if place is None or not record.get("active", True):
            continue
        for name in [place.city, *(record.get("acceptable_cities") or [])]:
            acc = sums.setdefault(city_key(name), [0.0, 0.0, 0.0])
            acc[0] += place.lat
            acc[1] += place.lon
            acc[2] += 1
    return {key: (round(a / n, 4), round(b / n, 4)) for key, (a, b, n) in sums.items()}


@lru_cache(maxsize=4096)
def city_centroid(city: str, state: str) -> tuple[float, float] | None:
    """(lat, lon) of a US city: the mean of its ZIP centroids; None when unknown."""
    if not city or not state or state.upper() not in STATES:
        return None
    return _state_centroids(state.upper()).get(city_key(city))
