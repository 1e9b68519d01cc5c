"""Split location strings into parts: "Austin, TX 78701", "Remote - US",
"Hybrid - Denver, CO", "US-TX-Austin", "Portugal - Lisbon", "Austin, TX; Round Rock, TX".

Only reads the text; geocoding happens in ``location``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from majobs.normalize.geocode import normalize_zip
from majobs.normalize.places import country_code, province_code, state_code


@dataclass
class PlaceParts:
    city: str | None = None
    state: str | None = None         # USPS code; US only
    postal_code: str | None = None
    country: str | None = None
    remote: bool = False
    raw: str | None = None


_MAX_TEXT = 2_000
_SPLIT_RE = re.compile(r"\s*(?:;|\||\n|\s/\s|\s+or\s+|\s+&\s+)\s*")  # lower-case "or": not OR
# A comma after ", ST" or ", ST 12345" ends one place in a comma-only list of places.
_PAIR_END_RE = re.compile(r"(?<=, [A-Z]{2}),\s*|(?<=, [A-Z]{2} \d{5}),\s*")
_NO_PLACE_RE = re.compile(
    r"^(?:multiple|various|several|many|\d+)\s+locations?$|^(?:see|refer to)\b.*$"
    r"|^(?:tbd|tba|n/?a|none|not specified|unspecified|location|locations|flexible|other)$",
    re.IGNORECASE,
)
_REMOTE_RE = re.compile(
    r"\b(?:remote|fully remote|100% remote|telehealth|tele-health|telemedicine|"
    r"telecommut\w*|work[- ]from[- ]home|wfh|virtual|home[- ]based|anywhere)\b",
    re.IGNORECASE,
)
_ONSITE_RE = re.compile(r"\b(?:hybrid|on[- ]?site|in[- ]office|in[- ]person)\b", re.IGNORECASE)
_LEADING_WORDS_RE = re.compile(r"^(?:(?:based|located)\s+)?(?:in|near|from|within|around|at)\s+",
                               re.IGNORECASE)
_PARENS_RE = re.compile(r"\(([^()]*)\)")
_DASH_RE = re.compile(r"\s+[-–—]\s+|^([A-Z]{2,3})-([A-Z]{2})-")
_METRO_RE = re.compile(r"^greater\s+|\s+(?:metro(?:politan)?|area|region)(?:\s+area)?$",
                       re.IGNORECASE)
_STATE_ZIP_RE = re.compile(r"^(?P<st>[A-Za-z .]+?)\s+(?P<zip>\d{5}(?:-\d{4})?)$")
_CITY_ST_ZIP_RE = re.compile(
    r"^(?P<city>[A-Za-z .'-]+?)\s+(?P<st>[A-Z]{2})(?:\s+(?P<zip>\d{5}(?:-\d{4})?))?$"
)


def split_location_text(text: object) -> list[PlaceParts]:
    """Parse one location string (possibly listing several places) into parts."""
    if not isinstance(text, str):
        return []
    cleaned = " ".join(html.unescape(text[:_MAX_TEXT]).replace("\n", " ; ").split())
    if not cleaned:
        return []
    pieces = [piece for part in _SPLIT_RE.split(cleaned) for piece in _split_pairs(part)]
    places = [_parse_one(piece) for piece in pieces if piece.strip()]
    return [p for p in places if p is not None]


def _split_pairs(text: str) -> list[str]:
    """'Austin, TX, Dallas, TX 75201' -> two places; 'Austin, TX, United States' stays one."""
    pieces: list[str] = []
    for piece in _PAIR_END_RE.split(text):
        if pieces and country_code(piece.strip()):
            pieces[-1] += ", " + piece
        else:
            pieces.append(piece)
    return pieces


def _parse_one(text: str) -> PlaceParts | None:
    raw = text
    if _NO_PLACE_RE.match(text.strip(" .")):
        return None
    remote = bool(_REMOTE_RE.search(text))
    text = _ONSITE_RE.sub(" ", _REMOTE_RE.sub(" ", text))
    text = _unwrap_parens(text)
    text = _LEADING_WORDS_RE.sub("", text.strip(" ,-–—:/()")).strip(" ,-–—:/()")
    if not text or _NO_PLACE_RE.match(text):
        return PlaceParts(remote=True, raw=raw) if remote else None
    parts = _parse_dashed(text) if _DASH_RE.search(text) and "," not in text else None
    parts = parts or _parse_commas(text)
    parts.remote, parts.raw = remote, raw
    if not (parts.city or parts.state or parts.postal_code or parts.country or remote):
        return None
    return parts


def _unwrap_parens(text: str) -> str:
    """Keep a parenthesis only when it is all there is: "Remote (United States)"."""
    outside = _PARENS_RE.sub(" ", text).strip(" ,-–—:/")
    if outside:
        return outside
    inside = _PARENS_RE.findall(text)
    return " ".join(inside)


def _parse_dashed(text: str) -> PlaceParts | None:
    """'US-TX-Austin', 'USA - Pennsylvania - West Point', 'Portugal - Lisbon'."""
    compact = re.match(r"^([A-Z]{2,3})-([A-Z]{2})-(.+)$", text)
    tokens = list(compact.groups()) if compact else re.split(r"\s+[-–—]\s+", text)
    return _classify([t.strip() for t in tokens if t.strip()], city_last=True)


def _parse_commas(text: str) -> PlaceParts:
    tokens = [t.strip() for t in text.split(",") if t.strip()]
    if len(tokens) == 1:
        match = _CITY_ST_ZIP_RE.match(tokens[0])  # "Austin TX 78701"
        if match and state_code(match["st"]):
            tokens = [match["city"], match["st"] + (" " + match["zip"] if match["zip"] else "")]
    return _classify(tokens, city_last=False)


def _classify(tokens: list[str], *, city_last: bool) -> PlaceParts:
    """Sort tokens into country, state (+ZIP), and city; the rest is ignored."""
    parts = PlaceParts()
    leftovers: list[str] = []
    # The token where the city usually sits: a state or country name there is a city
    # ("New York, NY", "Washington - ..." aside, "Georgia - Tbilisi" is not our case).
    city_slot = len(tokens) - 1 if city_last else 0
    for index, token in enumerate(tokens):
        in_city_slot = len(tokens) > 1 and index == city_slot and len(token) > 2
        zip_code = normalize_zip(token)
        state_zip = _STATE_ZIP_RE.match(token)
        if zip_code and not parts.postal_code:
            parts.postal_code = zip_code
        elif state_zip and state_code(state_zip["st"]) and not parts.state:
            parts.state = state_code(state_zip["st"])
            parts.postal_code = normalize_zip(state_zip["zip"])
        elif not in_city_slot and (code := _token_country(token)) and not parts.country:
            parts.country = code
        elif not in_city_slot and (state := state_code(token)) and not parts.state:
            parts.state = state
        elif not in_city_slot and province_code(token) and not parts.country:
            parts.country = "CA"
        else:
            leftovers.append(token)
    if leftovers:
        city = leftovers[-1] if city_last else leftovers[0]
        parts.city = _METRO_RE.sub("", city).strip() or None
    if parts.state and parts.country is None:
        parts.country = "US"
    if parts.country not in (None, "US"):
        parts.state = None
    return parts


def _token_country(token: str) -> str | None:
    # A 2-letter token is a state ("CA", "IN"), except the unambiguous "US" and "UK".
    if len(token) == 2 and token.upper() not in ("US", "UK"):
        return None
    return country_code(token)
