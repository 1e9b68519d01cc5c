"""Real US metros for the demo market: cities with ZIP codes the ``zipcodes`` package knows.

Each metro carries its IANA time zone (Greenhouse timestamps carry the local offset) and its
telephone area code (postings print a recruiting phone number, a trap for pay parsers).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class City:
    name: str
    state: str           # USPS code
    state_name: str
    postal_code: str     # a real 5-digit ZIP in that city


@dataclass(frozen=True)
class Metro:
    name: str
    tz: str              # IANA zone
    area_code: str
    cities: tuple[City, ...]


def _cities(state: str, state_name: str, *pairs: tuple[str, str]) -> tuple[City, ...]:
    return tuple(City(name, state, state_name, zip_) for name, zip_ in pairs)


METROS: tuple[Metro, ...] = (
    Metro("Austin", "America/Chicago", "512", _cities(
        "TX", "Texas", ("Austin", "78701"), ("Austin", "78745"), ("Austin", "78758"),
        ("Round Rock", "78664"), ("Georgetown", "78626"))),
    Metro("San Antonio", "America/Chicago", "210", _cities(
        "TX", "Texas", ("San Antonio", "78229"), ("San Antonio", "78209"))),
    Metro("Houston", "America/Chicago", "713", _cities(
        "TX", "Texas", ("Houston", "77030"), ("Houston", "77024"))),
    Metro("Seattle", "America/Los_Angeles", "206", _cities(
        "WA", "Washington", ("Seattle", "98101"), ("Seattle", "98104"), ("Seattle", "98115"),
        ("Bellevue", "98004"), ("Redmond", "98052"), ("Tacoma", "98405"), ("Everett", "98203"))),
    Metro("Phoenix", "America/Phoenix", "602", _cities(
        "AZ", "Arizona", ("Phoenix", "85006"), ("Phoenix", "85016"), ("Tempe", "85281"),
        ("Mesa", "85201"), ("Chandler", "85224"))),
    Metro("Raleigh-Durham", "America/New_York", "919", _cities(
        "NC", "North Carolina", ("Raleigh", "27607"), ("Durham", "27705"),
        ("Chapel Hill", "27514"))),
    Metro("Columbus", "America/New_York", "614", _cities(
        "OH", "Ohio", ("Columbus", "43215"), ("Columbus", "43085"), ("Dublin", "43017"))),
)

STREETS: tuple[str, ...] = (
    "Medical Pkwy", "Oak Hollow Dr", "Main St", "Parkside Ave", "Commerce Blvd", "Wellness Way",
    "Lakeview Dr", "Hospital Dr", "Summit Ave", "Mill Creek Rd", "Heritage Ln", "Cypress Ct",
)

# Neighbourhood words for a second clinic in the same city ("North Austin").
DIRECTIONS: tuple[str, ...] = ("North", "South", "East", "West", "Central", "Downtown")


def all_cities() -> list[City]:
    return [c for m in METROS for c in m.cities]
