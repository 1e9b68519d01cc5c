"""Pay: text and structured salary objects -> one :class:`Pay`."""

from __future__ import annotations

from dataclasses import dataclass

from majobs.normalize.pay_quote import PayQuote
from majobs.normalize.pay_sources import find_structured_quotes
from majobs.normalize.pay_text import find_pay_quotes

HOURS_PER_YEAR = 2080  # BLS convention: year-round, full-time


@dataclass(frozen=True)
class Pay:
    min: float | None          # as stated, in `period` units (None: "up to $X")
    max: float | None
    period: str                # "hour" | "year"
    currency: str = "USD"
    hourly_min: float | None = None   # hourly equivalent (year / 2080)
    hourly_max: float | None = None
    text: str | None = None    # what the posting said, for display and review


# Everything below turns what a source said into a checked Pay.

_HOURS_PER = {"hour": 1.0, "day": 8.0, "week": 40.0}            # -> period "hour"
_TIMES_PER_YEAR = {"biweek": 26.0, "semimonth": 24.0, "month": 12.0, "year": 1.0}  # -> "year"
# Sanity bands for MA pay after conversion: outside them the value is a misread or not an
# MA wage, and we do not guess (DOMAIN.md section 4).
HOURLY_BAND = (10.0, 60.0)
YEARLY_BAND = (20_000.0, 125_000.0)
_BARE_HOURLY_BELOW = 100.0     # a bare number below this is an hourly rate
_BARE_YEARLY_FROM = 20_000.0   # a bare number from this up is a yearly salary


def build_pay(quote: PayQuote) -> Pay | None:
    """Convert a quote to a :class:`Pay` in "hour" or "year" terms; None outside the bands.

    hour/day/week become hourly (8 h a day, 40 h a week); biweekly, semimonthly, monthly
    and yearly become yearly (x26, x24, x12). Without a unit, a number below 100 is hourly
    and one of 20,000 or more yearly; anything between is too ambiguous to keep.
    """
    low, high = quote.low, quote.high
    if low is None and high is None:
        return None
    if low is not None and high is not None and low > high:
        low, high = high, low
    unit = quote.unit
    if unit is None:
        reference = low if low is not None else high
        assert reference is not None
        if reference < _BARE_HOURLY_BELOW:
            unit = "hour"
        elif reference >= _BARE_YEARLY_FROM:
            unit = "year"
        else:
            return None
    if unit in _HOURS_PER:
        period, factor, band = "hour", 1.0 / _HOURS_PER[unit], HOURLY_BAND
    elif unit in _TIMES_PER_YEAR:
        period, factor, band = "year", _TIMES_PER_YEAR[unit], YEARLY_BAND
    else:
        return None
    low = None if low is None else round(low * factor, 2)
    high = None if high is None else round(high * factor, 2)
    if any(v is not None and not band[0] <= v <= band[1] for v in (low, high)):
        return None
    per_hour = 1.0 if period == "hour" else 1.0 / HOURS_PER_YEAR
    return Pay(
        min=low,
        max=high,
        period=period,
        currency=quote.currency or "USD",
        hourly_min=None if low is None else round(low * per_hour, 2),
        hourly_max=None if high is None else round(high * per_hour, 2),
        text=quote.text,
    )


def parse_pay_text(text: object) -> Pay | None:
    """The first plausible pay stated in free text (a title, a whole description), or None.

    "$18.50 - $22.00 per hour", "$40K–$46K/year", "up to $24 an hour" (min None),
    "starting at $20/hour" (max None), "$3,200 biweekly", "Hourly: 21.50". Bonuses,
    401(k) matches, tuition, phone numbers, ZIP codes and years are not pay.
    """
    for quote in find_pay_quotes(text):
        pay = build_pay(quote)
        if pay is not None:
            return pay
    return None


def parse_pay(raw: object, text: str | None = None) -> Pay | None:
    """Pay from whatever a source gave (see ``pay_sources``), else from `text`.

    `raw` may be a schema.org MonetaryAmount or QuantitativeValue (or a list of them), a
    Lever salaryRange, an Ashby compensation object, a USAJOBS PositionRemuneration list,
    a number, pay text, or a Pay. Never raises; None when nothing plausible is found.
    """
    if isinstance(raw, Pay):
        return raw
    if isinstance(raw, str):
        pay = parse_pay_text(raw)
    else:
        pay = next(filter(None, map(build_pay, find_structured_quotes(raw))), None)
    if pay is None and text is not None and text is not raw:
        pay = parse_pay_text(text)
    return pay
