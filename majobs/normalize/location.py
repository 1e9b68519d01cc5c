"""Locations: strings and schema.org places -> :class:`Location` records."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from majobs.normalize.geocode import city_centroid, lookup_zip, normalize_zip
from majobs.normalize.location_text import PlaceParts, split_location_text
from majobs.normalize.places import country_code, province_code, state_code

__all__ = ["Location", "distance_miles", "parse_location", "parse_locations", "resolve_place",
           "state_code"]


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


# Everything below turns raw locations into Location records.

_MAX_DEPTH = 5
_MAX_ITEMS = 200
_EARTH_RADIUS_MILES = 3958.8
_TEXT_KEYS = ("fullLocation", "LocationName", "location", "name", "text", "descriptor",
              "locationsText", "display", "label")
_CITY_KEYS = ("addressLocality", "city", "CityName", "town", "locality")
_STATE_KEYS = ("addressRegion", "state", "region", "CountrySubDivisionCode", "stateCode",
               "state_code", "province")
_ZIP_KEYS = ("postalCode", "postal_code", "zip", "zipCode", "zip_code", "postcode")
_COUNTRY_KEYS = ("addressCountry", "country", "countryCode", "country_code", "CountryCode")
_LAT_KEYS = ("latitude", "lat", "Latitude")
_LON_KEYS = ("longitude", "lon", "lng", "long", "Longitude")
_REMOTE_VALUES = frozenset({"telecommute", "remote", "fully remote", "work from home"})


def parse_location(raw: object) -> list[Location]:
    """All places `raw` names, geocoded offline where possible; [] for none.

    `raw` may be a string ("Austin, TX 78701", "Remote - US", "Austin, TX; Round Rock, TX",
    "US-TX-Austin", "78701", "Multiple Locations" -> []), a schema.org Place or
    PostalAddress, a USAJOBS PositionLocation, a dict with city/state/postal_code/lat/lon
    keys, or a list of these. Non-US places keep their city and country, state None.
    """
    return _dedupe(_parse(raw, 0))


def parse_locations(raws: object) -> list[Location]:
    """Parse each raw location and flatten, de-duplicated, in order."""
    if not isinstance(raws, list | tuple):
        return parse_location(raws)
    return _dedupe(loc for raw in raws[:_MAX_ITEMS] for loc in _parse(raw, 0))


def resolve_place(text: object) -> Location | None:
    """A profile's place ("78701", "Austin, TX"), preferring one with coordinates."""
    found = parse_location(text) if isinstance(text, str) else []
    return next((loc for loc in found if loc.lat is not None), found[0] if found else None)


def distance_miles(a: Location | None, b: Location | None) -> float | None:
    """Great-circle distance in miles; None when either side lacks coordinates."""
    if a is None or b is None or None in (a.lat, a.lon, b.lat, b.lon):
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))  # type: ignore[arg-type]
    h = math.sin((lat2 - lat1) / 2) ** 2 + (
        math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return round(2 * _EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h))), 2)


def _parse(raw: object, depth: int) -> list[Location]:
    if depth > _MAX_DEPTH or raw is None:
        return []
    if isinstance(raw, Location):
        return [raw]
    if isinstance(raw, str):
        return [_finish(parts) for parts in split_location_text(raw)]
    if isinstance(raw, list | tuple):
        return [loc for item in raw[:_MAX_ITEMS] for loc in _parse(item, depth + 1)]
    if isinstance(raw, Mapping):
        return _from_mapping(raw, depth)
    return []


def _from_mapping(raw: Mapping[Any, Any], depth: int) -> list[Location]:
    remote = _is_remote(raw)
    parts = _parts_from_fields(raw)
    if parts is not None:
        parts.remote = parts.remote or remote
        return [_finish(parts, *_coordinates(raw))]
    # A Place: its address (PostalAddress, Ashby's {"postalAddress": ...}, or text) + geo.
    address = raw.get("address", raw.get("postalAddress"))
    if isinstance(address, Mapping) and isinstance(address.get("postalAddress"), Mapping):
        address = address["postalAddress"]
    found: list[Location] = []
    if isinstance(address, Mapping | str):
        found = _parse(address, depth + 1)
        geo = raw.get("geo")
        lat, lon = _coordinates(geo if isinstance(geo, Mapping) else raw)
        if lat is not None and found:
            found[0] = replace(found[0], lat=lat, lon=lon)
    if not found:
        text = next((raw[k] for k in _TEXT_KEYS if isinstance(raw.get(k), str)), None)
        found = _parse(text, depth + 1) if text else []
        if not found and remote:
            found = [Location(remote=True, raw=text)]
    return [replace(loc, remote=loc.remote or remote) for loc in found]


def _parts_from_fields(raw: Mapping[Any, Any]) -> PlaceParts | None:
    """City/state/ZIP/country fields -> parts; None when the dict has none of them."""
    city = _first_text(raw, _CITY_KEYS)
    region = _first_text(raw, _STATE_KEYS)
    postal = next((raw[k] for k in _ZIP_KEYS if raw.get(k) not in (None, "")), None)
    country_raw = next((raw[k] for k in _COUNTRY_KEYS if raw.get(k) not in (None, "")), None)
    if isinstance(country_raw, Mapping):
        country_raw = country_raw.get("name") or country_raw.get("alpha2Code") or \
            country_raw.get("descriptor")
    country = country_code(country_raw, allow_iso2=True)
    if not (city or region or postal is not None or country):
        return None
    parts = PlaceParts(raw=", ".join(p for p in (city, region) if p) or None)
    if city and "," in city:  # USAJOBS CityName "Anchorage, Alaska"
        parsed = split_location_text(city)
        if parsed:
            parts = parsed[0]
    else:
        parts.city = city
    state = state_code(region) if region else None
    parts.state = parts.state or state
    if region and not state and province_code(region):
        country = country or "CA"
    parts.postal_code = parts.postal_code or normalize_zip(postal)
    parts.country = country or parts.country or ("US" if parts.state else None)
    if parts.country not in (None, "US"):
        parts.state = None
    return parts


def _finish(parts: PlaceParts, lat: float | None = None, lon: float | None = None) -> Location:
    """Fill what the ZIP data knows (US only) and build the Location."""
    city, state, postal = parts.city, parts.state, parts.postal_code
    country = parts.country
    if country in (None, "US"):
        place = lookup_zip(postal) if postal else None
        if place is not None:
            city, state, country = city or place.city, state or place.state, "US"
            if lat is None:
                lat, lon = place.lat, place.lon
        elif postal:
            postal = None if country is None and not state else postal
        if lat is None and city and state:
            centroid = city_centroid(city, state)
            if centroid:
                lat, lon = centroid
    else:
        postal = None  # Location.postal_code holds US ZIPs only
    return Location(city=city, state=state, postal_code=postal, country=country,
                    lat=lat, lon=lon, remote=parts.remote, raw=parts.raw)


def _coordinates(raw: Mapping[Any, Any]) -> tuple[float | None, float | None]:
    lat = next((v for k in _LAT_KEYS if (v := _number(raw.get(k))) is not None), None)
    lon = next((v for k in _LON_KEYS if (v := _number(raw.get(k))) is not None), None)
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None
    if lat == 0 and lon == 0:
        return None, None  # "0,0" is a missing value, not the Gulf of Guinea
    return lat, lon


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _first_text(raw: Mapping[Any, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = raw.get(key)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return None


def _is_remote(raw: Mapping[Any, Any]) -> bool:
    for key in ("remote", "isRemote", "jobLocationType", "workplaceType", "remoteType"):
        value = raw.get(key)
        if value is True or (isinstance(value, str) and value.strip().lower() in _REMOTE_VALUES):
            return True
    return False


def _dedupe(locations: Iterable[Location]) -> list[Location]:
    seen: set[tuple[object, ...]] = set()
    kept = []
    for loc in locations:
        if not (loc.city or loc.state or loc.postal_code or loc.country or loc.remote):
            continue  # e.g. a ZIP code that does not exist
        key = ((loc.city or "").lower(), loc.state, loc.postal_code, loc.country, loc.remote)
        if key not in seen:
            seen.add(key)
            kept.append(loc)
    return kept
