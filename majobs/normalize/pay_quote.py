"""What a source said about pay, before any conversion: :class:`PayQuote`.

The readers in ``pay_text`` (free text) and ``pay_sources`` (structured objects)
produce quotes; ``pay.build_pay`` turns a quote into a checked :class:`Pay`.
This module also holds the shared vocabularies: pay units and currencies.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from price_parser import Price

# Canonical units a quote may carry; `pay.build_pay` knows how to convert each.
UNITS = ("hour", "day", "week", "biweek", "semimonth", "month", "year")


@dataclass(frozen=True)
class PayQuote:
    low: float | None
    high: float | None
    unit: str | None        # one of UNITS, or None: infer from the size of the number
    currency: str = "USD"
    text: str | None = None


# Unit words as sources write them (lower-case, dashes/underscores/spaces folded).
_UNIT_WORDS = {
    "hour": "hour", "hours": "hour", "hr": "hour", "hrs": "hour", "h": "hour",
    "hourly": "hour", "perhour": "hour", "perhourwage": "hour", "ph": "hour", "1hour": "hour",
    "day": "day", "daily": "day", "perday": "day", "perdaywage": "day", "pd": "day",
    "1day": "day",
    "week": "week", "weekly": "week", "wk": "week", "perweek": "week",
    "perweeksalary": "week", "pw": "week", "1week": "week",
    "biweekly": "biweek", "biweek": "biweek", "fortnight": "biweek", "fortnightly": "biweek",
    "everytwoweeks": "biweek", "everyotherweek": "biweek", "bw": "biweek", "2weeks": "biweek",
    "semimonthly": "semimonth", "twiceamonth": "semimonth", "sm": "semimonth",
    "month": "month", "monthly": "month", "mo": "month", "mth": "month", "permonth": "month",
    "permonthsalary": "month", "pm": "month", "1month": "month",
    "year": "year", "yearly": "year", "yr": "year", "annum": "year", "annual": "year",
    "annually": "year", "annualized": "year", "peryear": "year", "peryearsalary": "year",
    "pa": "year", "sy": "year", "1year": "year", "salary": "year", "salaried": "year",
}
_FOLD_RE = re.compile(r"[\s_\-./]+")


def unit_from_word(word: object) -> str | None:
    """'HOUR', 'per-hour-wage', '1 YEAR', 'bi-weekly', 'PA' -> a canonical unit, else None."""
    if not isinstance(word, str):
        return None
    folded = _FOLD_RE.sub("", word.strip().lower())
    if folded.startswith("per") and folded not in _UNIT_WORDS:
        folded = folded[3:]
    return _UNIT_WORDS.get(folded)


# Currency marks -> ISO 4217. Longest first so "CA$" wins over "$".
_CURRENCY_MARKS = {
    "US$": "USD", "USD": "USD", "$": "USD", "CA$": "CAD", "C$": "CAD", "CAD": "CAD",
    "AU$": "AUD", "A$": "AUD", "AUD": "AUD", "€": "EUR", "EUR": "EUR", "£": "GBP",
    "GBP": "GBP", "₹": "INR", "INR": "INR", "MX$": "MXN", "MXN": "MXN",
}
CURRENCY_MARKS = tuple(sorted(_CURRENCY_MARKS, key=len, reverse=True))
CURRENCY_MARK_PATTERN = "|".join(re.escape(mark) for mark in CURRENCY_MARKS)


def currency_code(mark: object) -> str | None:
    """'$' -> 'USD', 'CA$' -> 'CAD', 'eur' -> 'EUR'; None when not recognised."""
    if not isinstance(mark, str):
        return None
    cleaned = mark.strip()
    return _CURRENCY_MARKS.get(cleaned) or _CURRENCY_MARKS.get(cleaned.upper())


def to_amount(value: object) -> float | None:
    """A number or numeric string ('18.50', '$40,000', ' 89508 ') -> float; else None.

    Strings go through price-parser, which knows thousands separators and currency
    marks. Booleans, NaN, infinities and negatives are not amounts.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        try:
            number = float(value)
        except (OverflowError, ValueError, InvalidOperation):
            return None
    elif isinstance(value, str):
        if not value.strip() or len(value) > 64:
            return None
        parsed = Price.fromstring(value).amount_float
        if parsed is None:
            return None
        number = parsed
    else:
        return None
    if not math.isfinite(number) or number < 0:
        return None
    return number
