"""Property tests: every public normalize function takes arbitrary input without raising,
and what it returns keeps its contract (bands, UTC, canonical values, safe HTML)."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from majobs.normalize.dates import parse_date, parse_datetime
from majobs.normalize.employment import (
    EMPLOYMENT_TYPES,
    employment_type_from_text,
    parse_employment_type,
)
from majobs.normalize.html import clean_description, clean_text
from majobs.normalize.location import (
    Location,
    distance_miles,
    parse_location,
    parse_locations,
    resolve_place,
    state_code,
)
from majobs.normalize.pay import HOURLY_BAND, YEARLY_BAND, Pay, parse_pay, parse_pay_text
from majobs.normalize.places import STATES

PROPS = settings(max_examples=150, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow])
NOW = datetime(2026, 7, 30, 12, 0, tzinfo=UTC)

# Keys the parsers look for, so generated dicts reach their branches.
KEYS = st.sampled_from([
    "@type", "value", "minValue", "maxValue", "unitText", "currency", "min", "max",
    "interval", "compensationTiers", "components", "compensationType", "summaryComponents",
    "compensationTierSummary", "MinimumRange", "MaximumRange", "RateIntervalCode",
    "baseSalary", "address", "postalAddress", "addressLocality", "addressRegion",
    "postalCode", "addressCountry", "geo", "latitude", "longitude", "city", "state",
    "region", "country", "postal_code", "lat", "lon", "remote", "CityName", "name",
    "label", "id", "descriptor", "jobLocationType", "fullLocation", "location",
])
# Fragments of real pay, place and markup text, so generated strings look like postings.
FRAGMENTS = st.sampled_from([
    "$", "18", "22.50", "40,000", "46K", "3,200", "0", "99999999", "-", "–", " to ", " and ",
    " between ", "per hour", "/hr", " an hour", " annually", "/year", " biweekly", " weekly",
    " monthly", "up to ", "starting at ", "Pay: ", "Hourly: ", "bonus", " sign-on ", "401(k)",
    "%", "USD", "CA$", "€", "k", "+", " ", "\n", "\u00a0", ",", ".", ";", " | ", " or ",
    "Remote", "Hybrid", "Austin", "TX", "Texas", "78701", "US-", "(", ")", "United States",
    "<p>", "</p>", "<li>", "&lt;div&gt;", "&amp;", "<script>", "javascript:", "<a href='",
    "'>", "Posted ", "3 Days Ago", "Yesterday", "2026-06-18T23:59:59.9970", "Z", "+00:00",
    "Full-Time", "PRN", "Per Diem", "Contract", "Intern",
])
POSTING_TEXT = st.one_of(st.text(max_size=200), st.lists(FRAGMENTS, max_size=25).map("".join))
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    POSTING_TEXT,
)
JSONISH = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(KEYS, st.text(max_size=6)), children, max_size=5),
    ),
    max_leaves=12,
)
ANYTHING = st.one_of(JSONISH, POSTING_TEXT)


def _check_pay(pay: Pay | None) -> None:
    if pay is None:
        return
    assert pay.period in ("hour", "year")
    low, high = HOURLY_BAND if pay.period == "hour" else YEARLY_BAND
    values = [v for v in (pay.min, pay.max) if v is not None]
    assert values and all(math.isfinite(v) and low <= v <= high for v in values)
    if pay.min is not None and pay.max is not None:
        assert pay.min <= pay.max
    assert (pay.hourly_min is None) == (pay.min is None)
    assert (pay.hourly_max is None) == (pay.max is None)
    assert pay.currency and pay.currency.isupper()


@PROPS
@given(POSTING_TEXT)
def test_parse_pay_text_never_raises(text: str) -> None:
    _check_pay(parse_pay_text(text))


@PROPS
@given(ANYTHING, st.one_of(st.none(), POSTING_TEXT))
def test_parse_pay_never_raises(raw: object, text: str | None) -> None:
    _check_pay(parse_pay(raw, text))


@PROPS
@given(ANYTHING, st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1)))
def test_parse_datetime_never_raises(value: object, now: datetime) -> None:
    found = parse_datetime(value, now)
    if found is not None:
        assert found.utcoffset() == timedelta(0)
        assert datetime(1990, 1, 1, tzinfo=UTC) <= found
        assert found <= now.replace(tzinfo=UTC) + timedelta(days=2 * 366)
        assert parse_date(value, now) == found.date()


def _check_location(loc: Location) -> None:
    assert isinstance(loc, Location)
    assert loc.state is None or loc.state in STATES
    assert loc.postal_code is None or re.fullmatch(r"\d{5}", loc.postal_code)
    assert (loc.lat is None) == (loc.lon is None)
    if loc.lat is not None and loc.lon is not None:
        assert -90 <= loc.lat <= 90 and -180 <= loc.lon <= 180


@PROPS
@given(ANYTHING)
def test_parse_location_never_raises(raw: object) -> None:
    for loc in parse_location(raw):
        _check_location(loc)


@settings(PROPS, max_examples=60)
@given(st.lists(ANYTHING, max_size=3))
def test_parse_locations_never_raises_and_has_no_duplicates(raws: list[object]) -> None:
    found = parse_locations(raws)
    keys = [((loc.city or "").lower(), loc.state, loc.postal_code, loc.country, loc.remote)
            for loc in found]
    assert len(keys) == len(set(keys))
    for loc in found:
        _check_location(loc)


@PROPS
@given(ANYTHING)
def test_resolve_place_and_state_code_never_raise(value: object) -> None:
    place = resolve_place(value)
    if place is not None:
        _check_location(place)
    code = state_code(value)
    assert code is None or code in STATES


COORD = st.one_of(st.none(), st.floats(min_value=-90, max_value=90))


@PROPS
@given(COORD, COORD, COORD, COORD)
def test_distance_is_symmetric_and_non_negative(
    lat1: float | None, lon1: float | None, lat2: float | None, lon2: float | None
) -> None:
    a, b = Location(lat=lat1, lon=lon1), Location(lat=lat2, lon=lon2)
    distance = distance_miles(a, b)
    if None in (lat1, lon1, lat2, lon2):
        assert distance is None
    else:
        assert distance is not None and 0 <= distance <= 12_500
        assert distance == distance_miles(b, a)


@PROPS
@given(ANYTHING)
def test_employment_type_never_raises(raw: object) -> None:
    assert parse_employment_type(raw) in (*EMPLOYMENT_TYPES, None)
    assert employment_type_from_text(raw) in (*EMPLOYMENT_TYPES, None)


_ACTIVE_RE = re.compile(r"<(?:script|style|iframe|img|svg|object|embed)\b|\son\w+\s*=|"
                        r"href=\"(?!https?:|mailto:)", re.IGNORECASE)


@PROPS
@given(POSTING_TEXT)
def test_clean_description_never_raises_and_is_safe(raw: str) -> None:
    safe, text = clean_description(raw)
    assert isinstance(safe, str) and isinstance(text, str)
    assert not _ACTIVE_RE.search(safe)
    assert text == text.strip() and "\u00a0" not in text and "  " not in text
    assert bool(safe) == bool(text) or not text


@PROPS
@given(ANYTHING)
def test_clean_text_never_raises(raw: object) -> None:
    cleaned = clean_text(raw)  # type: ignore[arg-type]
    if cleaned is not None:
        assert cleaned == cleaned.strip() and cleaned
        assert "  " not in cleaned and "\n" not in cleaned
