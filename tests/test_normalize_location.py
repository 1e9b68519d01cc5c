"""Locations: strings, schema.org places and source dicts -> Location, geocoded offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from majobs.normalize.location import (
    Location,
    distance_miles,
    parse_location,
    parse_locations,
    resolve_place,
    state_code,
)

REAL = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real"

Summary = tuple[str | None, str | None, str | None, str | None, bool]


def _summary(loc: Location) -> Summary:
    return (loc.city, loc.state, loc.postal_code, loc.country, loc.remote)


STRINGS: list[tuple[str, list[Summary]]] = [
    ("Austin, TX 78701", [("Austin", "TX", "78701", "US", False)]),
    ("Austin TX 78701", [("Austin", "TX", "78701", "US", False)]),
    ("Austin, Texas", [("Austin", "TX", None, "US", False)]),
    ("Seattle, Washington", [("Seattle", "WA", None, "US", False)]),
    ("Anchorage, Alaska", [("Anchorage", "AK", None, "US", False)]),
    ("Washington, DC", [("Washington", "DC", None, "US", False)]),
    ("Washington, D.C.", [("Washington", "DC", None, "US", False)]),
    ("New York, NY", [("New York", "NY", None, "US", False)]),
    ("Portland, OR", [("Portland", "OR", None, "US", False)]),
    ("San Juan, Puerto Rico", [("San Juan", "PR", None, "US", False)]),
    ("Remote", [(None, None, None, None, True)]),
    ("Remote - US", [(None, None, None, "US", True)]),
    ("Remote (United States)", [(None, None, None, "US", True)]),
    ("Telehealth", [(None, None, None, None, True)]),
    ("Remote in Austin, TX", [("Austin", "TX", None, "US", True)]),
    ("Hybrid - Denver, CO", [("Denver", "CO", None, "US", False)]),
    ("Denver, CO (Hybrid)", [("Denver", "CO", None, "US", False)]),
    ("Multiple Locations", []),
    ("2 Locations", []),
    ("5 Locations", []),
    ("", []),
    ("Austin, TX; Round Rock, TX", [("Austin", "TX", None, "US", False),
                                    ("Round Rock", "TX", None, "US", False)]),
    ("Austin, TX | Round Rock, TX", [("Austin", "TX", None, "US", False),
                                     ("Round Rock", "TX", None, "US", False)]),
    ("Austin, TX or Round Rock, TX", [("Austin", "TX", None, "US", False),
                                      ("Round Rock", "TX", None, "US", False)]),
    ("Austin, TX, Dallas, TX 75201", [("Austin", "TX", None, "US", False),
                                      ("Dallas", "TX", "75201", "US", False)]),
    ("Toronto, ON, Canada", [("Toronto", None, None, "CA", False)]),
    ("US-TX-Austin", [("Austin", "TX", None, "US", False)]),
    ("USA - Pennsylvania - West Point", [("West Point", "PA", None, "US", False)]),
    ("Illinois - Chicago", [("Chicago", "IL", None, "US", False)]),
    ("Austin, TX, United States", [("Austin", "TX", None, "US", False)]),
    ("78701", [("Austin", "TX", "78701", "US", False)]),
    ("78701-1234", [("Austin", "TX", "78701", "US", False)]),
    ("Texas", [(None, "TX", None, "US", False)]),
    ("00000", []),                                   # no such ZIP
    ("09001", []),                                   # military APO: not a US place
    ("London, United Kingdom", [("London", None, None, "GB", False)]),
    ("London, England, United Kingdom", [("London", None, None, "GB", False)]),
    ("London, UK", [("London", None, None, "GB", False)]),
    ("Bangalore, India", [("Bangalore", None, None, "IN", False)]),
    ("Portugal - Lisbon", [("Lisbon", None, None, "PT", False)]),
    ("Toronto, Ontario", [("Toronto", None, None, "CA", False)]),
    ("Remote-India (PEO)", [(None, None, None, "IN", True)]),
    ("Greater Seattle Area", [("Seattle", None, None, None, False)]),
]


@pytest.mark.parametrize(("raw", "expected"), STRINGS)
def test_parse_location_strings(raw: str, expected: list[Summary]) -> None:
    assert [_summary(loc) for loc in parse_location(raw)] == expected


@pytest.mark.parametrize(("raw", "lat", "lon"), [
    ("78701", 30.27, -97.74),
    ("Austin, TX", 30.31, -97.76),
    ("Seattle, Washington", 47.60, -122.33),
    ("St. Louis, MO", 38.64, -90.28),
    ("Saint Louis, MO", 38.64, -90.28),
    ("Ft Myers, Florida", 26.59, -81.87),
])
def test_us_places_are_geocoded_offline(raw: str, lat: float, lon: float) -> None:
    (loc,) = parse_location(raw)
    assert loc.lat == pytest.approx(lat, abs=0.05)
    assert loc.lon == pytest.approx(lon, abs=0.05)


@pytest.mark.parametrize("raw", ["London, UK", "Remote", "Texas", "Springfield, ZZ"])
def test_places_without_a_us_city_have_no_coordinates(raw: str) -> None:
    assert all(loc.lat is None and loc.lon is None for loc in parse_location(raw))


DICTS: list[tuple[object, list[Summary]]] = [
    ({"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": "Austin",
                                    "addressRegion": "TX", "postalCode": "78759"}},
     [("Austin", "TX", "78759", "US", False)]),
    ({"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": "Austin",
                                    "addressRegion": "Texas", "addressCountry": {"name": "US"}}},
     [("Austin", "TX", None, "US", False)]),
    ({"@type": "PostalAddress", "addressLocality": "Ft Myers", "addressRegion": "Florida",
      "addressCountry": "United States"}, [("Ft Myers", "FL", None, "US", False)]),
    ({"@type": "PostalAddress", "addressLocality": "Lisbon", "addressRegion": "",
      "addressCountry": "PT"}, [("Lisbon", None, None, "PT", False)]),
    ({"@type": "Place", "address": "Austin, TX"}, [("Austin", "TX", None, "US", False)]),
    ({"city": "Boston", "state": "MA", "postal_code": "02134"},
     [("Boston", "MA", "02134", "US", False)]),
    ({"postal_code": 2134}, [("Allston", "MA", "02134", "US", False)]),  # lost its zero
    ({"city": "Dallas", "region": "TX", "country": "us", "remote": True},
     [("Dallas", "TX", None, "US", True)]),
    ({"CityName": "Anchorage, Alaska", "CountrySubDivisionCode": "Alaska",
      "CountryCode": "United States", "Latitude": 61.198734, "Longitude": -149.82323},
     [("Anchorage", "AK", None, "US", False)]),
    ({"name": "London, UK"}, [("London", None, None, "GB", False)]),
    ({"name": "Remote (United States)"}, [(None, None, None, "US", True)]),
    ({"@type": "Place", "jobLocationType": "TELECOMMUTE"}, [(None, None, None, None, True)]),
    ({"address": {"postalAddress": {"addressLocality": "Miami", "addressRegion": "Florida",
                                    "addressCountry": "United States"}}},
     [("Miami", "FL", None, "US", False)]),
    ({"descriptor": "USA - New Jersey - Rahway"}, [("Rahway", "NJ", None, "US", False)]),
    ([{"city": "Austin", "state": "TX"}, "Round Rock, TX", None, 17, {"foo": "bar"}],
     [("Austin", "TX", None, "US", False), ("Round Rock", "TX", None, "US", False)]),
    ({}, []), ([], []), (None, []), (42, []), ({"city": "", "state": ""}, []),
]


@pytest.mark.parametrize(("raw", "expected"), DICTS)
def test_parse_location_structured(raw: object, expected: list[Summary]) -> None:
    assert [_summary(loc) for loc in parse_location(raw)] == expected


def test_given_coordinates_win_over_geocoding() -> None:
    place = {"@type": "Place", "address": {"addressLocality": "Austin", "addressRegion": "TX"},
             "geo": {"@type": "GeoCoordinates", "latitude": "30.4", "longitude": -97.7}}
    (loc,) = parse_location(place)
    assert (loc.lat, loc.lon) == (30.4, -97.7)
    (loc,) = parse_location({"city": "Austin", "state": "TX", "lat": 0, "lon": 0})
    assert loc.lat == pytest.approx(30.31, abs=0.05)  # 0,0 is "missing", geocode instead
    (loc,) = parse_location({"city": "Austin", "state": "TX", "lat": 300, "lon": 5})
    assert loc.lat == pytest.approx(30.31, abs=0.05)  # impossible: ignored


def test_real_usajobs_locations() -> None:
    search = json.loads((REAL / "usajobs/irs_navsea_search.json").read_text())
    first = search["SearchResult"]["SearchResultItems"][0]["MatchedObjectDescriptor"]
    found = parse_location(first["PositionLocation"])
    assert [_summary(loc) for loc in found] == [("Anchorage", "AK", None, "US", False),
                                                ("Birmingham", "AL", None, "US", False)]
    assert (found[0].lat, found[0].lon) == (61.198734, -149.82323)
    assert parse_location(first["PositionLocationDisplay"]) == []  # "Multiple Locations"


def test_real_source_locations() -> None:
    ashby = json.loads((REAL / "ashby/openevidence_job_board.json").read_text())["jobs"][0]
    found = parse_locations([ashby["address"], *ashby["secondaryLocations"]])
    assert [(loc.city, loc.state) for loc in found] == [("San Francisco", "CA"), ("Miami", "FL")]
    sr = json.loads((REAL / "smartrecruiters/guidehealth_postings_list.json").read_text())
    found = parse_locations([p["location"] for p in sr["content"]])
    assert [(loc.city, loc.state, loc.remote) for loc in found] == [
        ("Dallas", "TX", True), ("Houston", "TX", True), ("Atlanta", "GA", True)]
    assert found[0].lat == pytest.approx(32.7766642)
    knight = json.loads((REAL / "smartrecruiters/knightgayles_cna_lpn_postings_list.json")
                        .read_text())["content"][0]["location"]
    (loc,) = parse_location(knight)  # its "address" is a street line, not the place
    assert (loc.city, loc.state, loc.postal_code) == ("St. Louis", "MO", "63303")
    lever = json.loads((REAL / "lever/veeva_postings.json").read_text())
    found = parse_locations([p["categories"]["location"] for p in lever])
    assert [(loc.city, loc.country) for loc in found] == [("Lisbon", "PT"), ("Barcelona", "ES")]
    askbio = json.loads((REAL / "workday/askbio_cxs_jobs.json").read_text())["jobPostings"]
    found = [parse_location(job["locationsText"]) for job in askbio]
    assert [[(loc.city, loc.state) for loc in f] for f in found] == [
        [("Durham", "NC")], [], [("Durham", "NC")]]


def test_parse_locations_flattens_and_dedupes_in_order() -> None:
    found = parse_locations(["Austin, TX", ["Round Rock, TX", "austin, tx"], "Remote",
                             {"city": "Austin", "state": "Texas"}, "Remote - US", None])
    assert [_summary(loc) for loc in found] == [
        ("Austin", "TX", None, "US", False), ("Round Rock", "TX", None, "US", False),
        (None, None, None, None, True), (None, None, None, "US", True)]
    assert parse_locations([]) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("78701", ("Austin", "TX", "78701")),
    ("Austin, TX", ("Austin", "TX", None)),
    ("Seattle, WA 98101", ("Seattle", "WA", "98101")),
])
def test_resolve_place(text: str, expected: tuple[str | None, ...]) -> None:
    place = resolve_place(text)
    assert place is not None and place.lat is not None
    assert (place.city, place.state, place.postal_code) == expected


@pytest.mark.parametrize("text", ["", "nowhere at all 00000", None, 78701])
def test_resolve_place_unknown(text: object) -> None:
    place = resolve_place(text)
    assert place is None or place.lat is None


@pytest.mark.parametrize(("a", "b", "miles"), [
    ((40.6413, -73.7781), (33.9416, -118.4085), 2475.0),   # JFK - LAX, great circle
    ((51.4700, -0.4543), (40.6413, -73.7781), 3451.0),     # LHR - JFK
    ((30.2672, -97.7431), (30.2672, -97.7431), 0.0),
])
def test_distance_miles_known_pairs(a: tuple[float, float], b: tuple[float, float],
                                    miles: float) -> None:
    pa, pb = Location(lat=a[0], lon=a[1]), Location(lat=b[0], lon=b[1])
    # a sphere is within 0.5% of the ellipsoid distances airlines publish
    assert distance_miles(pa, pb) == pytest.approx(miles, rel=0.005, abs=0.01)
    assert distance_miles(pa, pb) == distance_miles(pb, pa)


@pytest.mark.parametrize(("a", "b", "low", "high"), [
    ("78701", "Round Rock, TX", 15.0, 25.0),
    ("Austin, TX", "Dallas, TX", 170.0, 200.0),
    ("Seattle, WA", "New York, NY", 2350.0, 2450.0),
])
def test_distance_between_resolved_places(a: str, b: str, low: float, high: float) -> None:
    pa, pb = resolve_place(a), resolve_place(b)
    assert pa is not None and pb is not None
    distance = distance_miles(pa, pb)
    assert distance is not None and low <= distance <= high


def test_distance_needs_coordinates() -> None:
    here = Location(city="Austin", state="TX", lat=30.27, lon=-97.74)
    assert distance_miles(here, Location(city="London", country="GB")) is None
    assert distance_miles(None, here) is None


@pytest.mark.parametrize(("value", "code"), [
    ("Texas", "TX"), ("tx", "TX"), ("TX", "TX"), (" new york ", "NY"),
    ("District of Columbia", "DC"), ("D.C.", "DC"), ("DC", "DC"), ("Puerto Rico", "PR"),
    ("PR", "PR"), ("Washington", "WA"), ("Ontario", None), ("England", None), ("T", None),
    ("", None), (None, None), (12, None),
])
def test_state_code(value: object, code: str | None) -> None:
    assert state_code(value) == code


def test_state_code_knows_all_states_dc_and_pr() -> None:
    from majobs.normalize.places import STATES

    assert len(STATES) == 52
    assert all(state_code(name) == code for code, name in STATES.items())
    assert all(state_code(code.lower()) == code for code in STATES)
