"""Offline US geocoding from the ZIP data the `zipcodes` package ships.

ZIP -> (city, state, lat, lon); "City, ST" -> the mean of that city's ZIP centroids.
The indexes are built once, on first use (about half a second), then shared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import zipcodes

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


@lru_cache(maxsize=1)
def _indexes() -> tuple[dict[str, ZipPlace], dict[tuple[str, str], tuple[float, float]]]:
    by_zip: dict[str, ZipPlace] = {}
    sums: dict[tuple[str, str], list[float]] = {}
    for record in zipcodes.list_all():
        if record.get("country") != "US":
            continue  # military APO/FPO entries carry foreign coordinates
        try:
            lat, lon = float(record["lat"]), float(record["long"])
        except (KeyError, TypeError, ValueError):
            continue
        place = ZipPlace(record["zip_code"], record["city"], record["state"], lat, lon)
        by_zip[place.zip_code] = place
        if not record.get("active", True):
            continue
        for name in [record["city"], *(record.get("acceptable_cities") or [])]:
            acc = sums.setdefault((city_key(name), place.state), [0.0, 0.0, 0.0])
            acc[0] += lat
            acc[1] += lon
            acc[2] += 1
    centroids = {key: (round(a / n, 4), round(b / n, 4)) for key, (a, b, n) in sums.items()}
    return by_zip, centroids


def lookup_zip(value: object) -> ZipPlace | None:
    """The place of a US ZIP code, or None for unknown or malformed codes."""
    code = normalize_zip(value)
    return _indexes()[0].get(code) if code else None


@lru_cache(maxsize=4096)
def city_centroid(city: str, state: str) -> tuple[float, float] | None:
    """(lat, lon) of a US city: the mean of its ZIP centroids; None when unknown."""
    if not city or not state:
        return None
    return _indexes()[1].get((city_key(city), state.upper()))
