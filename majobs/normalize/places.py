"""Names of places: US states (+ DC, PR), Canadian provinces, countries -> codes."""

from __future__ import annotations

import re

STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan",
    "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
    "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey",
    "NM": "New Mexico", "NY": "New York", "NC": "North Carolina", "ND": "North Dakota",
    "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island",
    "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah",
    "VT": "Vermont", "VA": "Virginia", "WA": "Washington", "WV": "West Virginia",
    "WI": "Wisconsin", "WY": "Wyoming", "PR": "Puerto Rico",
}
PROVINCES = {
    "AB": "Alberta", "BC": "British Columbia", "MB": "Manitoba", "NB": "New Brunswick",
    "NL": "Newfoundland and Labrador", "NS": "Nova Scotia", "ON": "Ontario",
    "PE": "Prince Edward Island", "QC": "Quebec", "SK": "Saskatchewan",
    "NT": "Northwest Territories", "NU": "Nunavut", "YT": "Yukon",
}
_COUNTRY_NAMES = {
    "US": "united states|united states of america|usa|us|u s|u s a|america",
    "CA": "canada|can",
    "GB": "united kingdom|uk|u k|gb|gbr|great britain|britain|england|scotland|wales"
          "|northern ireland",
    "IE": "ireland", "IN": "india|ind", "PT": "portugal", "ES": "spain|espana", "DE": "germany",
    "FR": "france", "NL": "netherlands|the netherlands|holland", "BE": "belgium",
    "CH": "switzerland", "AT": "austria", "IT": "italy", "PL": "poland",
    "CZ": "czech republic|czechia", "RO": "romania", "HU": "hungary", "GR": "greece",
    "SE": "sweden", "NO": "norway", "DK": "denmark", "FI": "finland", "UA": "ukraine",
    "TR": "turkey|turkiye", "IL": "israel", "AE": "united arab emirates|uae",
    "MX": "mexico|mex", "BR": "brazil", "AR": "argentina", "CO": "colombia",
    "CR": "costa rica", "CL": "chile", "PE": "peru", "AU": "australia|aus",
    "NZ": "new zealand", "JP": "japan", "KR": "south korea|korea", "CN": "china",
    "SG": "singapore", "PH": "philippines", "MY": "malaysia", "TH": "thailand",
    "VN": "vietnam|viet nam", "ID": "indonesia", "PK": "pakistan", "NG": "nigeria",
    "KE": "kenya", "ZA": "south africa", "EG": "egypt",
}
_FOLD_RE = re.compile(r"[^a-z ]+")


def _fold(name: str) -> str:
    return " ".join(_FOLD_RE.sub(" ", name.lower()).split())


_STATE_BY_NAME = {_fold(name): code for code, name in STATES.items()}
_STATE_BY_NAME.update({"washington dc": "DC", "washington d c": "DC", "d c": "DC"})
_PROVINCE_BY_NAME = {_fold(name): code for code, name in PROVINCES.items()}
_COUNTRY_BY_NAME = {
    alias: code for code, aliases in _COUNTRY_NAMES.items() for alias in aliases.split("|")
}


def state_code(name_or_code: object) -> str | None:
    """'Texas', 'tx', 'TX', 'D.C.', 'Puerto Rico' -> the USPS code; None otherwise."""
    if not isinstance(name_or_code, str) or len(name_or_code) > 40:
        return None
    folded = _fold(name_or_code)
    compact = folded.replace(" ", "")
    if len(compact) == 2 and compact.upper() in STATES:
        return compact.upper()
    return _STATE_BY_NAME.get(folded)


def province_code(name_or_code: object) -> str | None:
    """'Ontario' or 'ON' -> 'ON'; None otherwise (2-letter codes only as written, upper)."""
    if not isinstance(name_or_code, str) or len(name_or_code) > 40:
        return None
    stripped = name_or_code.strip()
    if stripped in PROVINCES:
        return stripped
    return _PROVINCE_BY_NAME.get(_fold(stripped))


def country_code(name: object, *, allow_iso2: bool = False) -> str | None:
    """'United States', 'USA', 'UK', 'Portugal' -> ISO 3166-1 alpha-2; None if unknown.

    Two-letter ISO codes ("us", "PT") count only with `allow_iso2` (a field that holds a
    country), because in free text "CA", "IN" or "DE" are US states.
    """
    if not isinstance(name, str) or len(name) > 60:
        return None
    folded = _fold(name)
    if allow_iso2 and re.fullmatch(r"[A-Za-z]{2}", name.strip()):
        code = name.strip().upper()
        return "GB" if code == "UK" else code
    return _COUNTRY_BY_NAME.get(folded)
