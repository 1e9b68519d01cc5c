"""Arbitrary input never raises: the normalize helpers and the requirement reader that
tests/test_normalize_properties.py and tests/test_tagger.py do not already cover.

(Covered there: parse_pay(_text), parse_date(time), parse_location(s), resolve_place,
state_code, distance_miles, employment types, clean_description, clean_text, the tagger.)
"""

from __future__ import annotations

import math
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from majobs.normalize.geocode import city_centroid, city_key, lookup_zip, normalize_zip
from majobs.normalize.location_text import split_location_text
from majobs.normalize.pay import HOURLY_BAND, YEARLY_BAND, build_pay
from majobs.normalize.pay_quote import (
    UNITS,
    PayQuote,
    currency_code,
    to_amount,
    unit_from_word,
)
from majobs.normalize.pay_sources import find_structured_quotes
from majobs.normalize.pay_text import find_pay_quotes
from majobs.normalize.places import PROVINCES, STATES, country_code, province_code
from majobs.taxonomy.requirements import cert_requirements

PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FRAGMENTS = st.sampled_from([
    "$", "18", "22.50", "40,000", "46K", "0", "-", "–", " to ", "per hour", "/hr", "hourly",
    " annually", "USD", "CA$", "€", "£", "k", " ", "\n", "\u00a0", ",", ".", "Austin", "TX",
    "Texas", "78701", "78701-1234", "Remote", "Ontario", "ON", "Canada", "USA", " or ", ";",
    "|", "/", "CCMA", "CMA (AAMA)", "required", "preferred", "certification", "must",
    "within 90 days", "BLS", "İ", "ß", "\u200b", "\x00", "&amp;", "<p>",
])
TEXT = st.one_of(st.text(max_size=300), st.lists(FRAGMENTS, max_size=30).map("".join))
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(),
                    st.floats(allow_nan=True, allow_infinity=True), st.decimals(), TEXT)
KEYS = st.sampled_from(["value", "minValue", "maxValue", "unitText", "currency", "min",
                        "max", "interval", "@type", "baseSalary", "compensationTiers",
                        "components", "salaryRange", "pay"])
ANYTHING = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.one_of(KEYS, st.text(max_size=5)), inner, max_size=5)), max_leaves=15)
AMOUNTS = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True))


def _check_quote(quote: PayQuote) -> None:
    assert isinstance(quote, PayQuote)
    assert quote.unit is None or quote.unit in UNITS
    assert isinstance(quote.currency, str) and quote.currency


@PROPS
@given(ANYTHING)
def test_zip_helpers(value: object) -> None:
    code = normalize_zip(value)
    assert code is None or re.fullmatch(r"\d{5}", code)
    place = lookup_zip(value)
    if place is not None:
        assert code is not None and -90 <= place.lat <= 90 and -180 <= place.lon <= 180


@PROPS
@given(TEXT, TEXT)
def test_city_helpers(city: str, state: str) -> None:
    assert isinstance(city_key(city), str)
    found = city_centroid(city, state)
    assert found is None or all(math.isfinite(v) for v in found)


@PROPS
@given(ANYTHING)
def test_split_location_text(value: object) -> None:
    for part in split_location_text(value):
        assert part.state is None or part.state in STATES
        assert part.postal_code is None or re.fullmatch(r"\d{5}", part.postal_code)
        assert isinstance(part.remote, bool)


@PROPS
@given(ANYTHING)
def test_pay_words_marks_and_amounts(value: object) -> None:
    assert unit_from_word(value) in (*UNITS, None)
    code = currency_code(value)
    assert code is None or re.fullmatch(r"[A-Z]{3}", code)
    amount = to_amount(value)
    assert amount is None or (math.isfinite(amount) and amount >= 0)


@PROPS
@given(ANYTHING)
def test_structured_pay_quotes(value: object) -> None:
    for quote in find_structured_quotes(value):
        _check_quote(quote)


@PROPS
@given(ANYTHING)
def test_pay_quotes_in_text(value: object) -> None:
    for quote in find_pay_quotes(value):
        _check_quote(quote)


@PROPS
@given(AMOUNTS, AMOUNTS, st.one_of(st.none(), st.sampled_from(sorted(UNITS))),
       st.sampled_from(["USD", "CAD", "EUR"]))
def test_build_pay_stays_in_its_bands(low: float | None, high: float | None, unit: str | None,
                                      currency: str) -> None:
    pay = build_pay(PayQuote(low, high, unit, currency))
    if pay is None:
        return
    band = HOURLY_BAND if pay.period == "hour" else YEARLY_BAND
    for value in (pay.min, pay.max):
        assert value is None or (math.isfinite(value) and band[0] <= value <= band[1])


@PROPS
@given(ANYTHING, st.booleans())
def test_province_and_country_codes(value: object, iso2: bool) -> None:
    assert province_code(value) in (*PROVINCES, None)
    code = country_code(value, allow_iso2=iso2)
    assert code is None or re.fullmatch(r"[A-Z]{2}", code)


@PROPS
@given(TEXT)
def test_cert_requirements(text: str) -> None:
    found = cert_requirements(text)
    assert found.required == sorted(set(found.required))
    assert not set(found.required) & set(found.preferred)
