"""Read pay quotes from the structured salary objects job sources send.

- schema.org ``MonetaryAmount`` / ``QuantitativeValue`` (JSON-LD ``baseSalary``), alone or
  in lists, with numbers or numeric strings, possibly all empty strings;
- Lever ``salaryRange`` {min, max, currency, interval: "per-hour-wage", ...};
- Ashby ``compensation`` {compensationTiers: [{components: [...]}], compensationTierSummary};
- USAJOBS ``PositionRemuneration`` [{MinimumRange, MaximumRange, RateIntervalCode}];
- any dict with min/max/currency/unit-like keys, or a bare number.

Strings are not read here (they are free text: see ``pay_text``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

from majobs.normalize.pay_quote import PayQuote, currency_code, to_amount, unit_from_word

T = TypeVar("T")
_MAX_DEPTH = 6
_MAX_ITEMS = 50

_LOW_KEYS = ("minValue", "min", "MinimumRange", "minimum", "minAmount", "min_amount", "low")
_HIGH_KEYS = ("maxValue", "max", "MaximumRange", "maximum", "maxAmount", "max_amount", "high")
_UNIT_KEYS = ("unitText", "interval", "RateIntervalCode", "unit", "period", "payPeriod",
              "frequency", "unitCode")
_CURRENCY_KEYS = ("currency", "currencyCode", "CurrencyCode", "currency_code")
# Wrappers whose payload is the salary object itself.
_WRAPPER_KEYS = ("baseSalary", "salaryRange", "compensation", "PositionRemuneration",
                 "estimatedSalary", "salary", "pay")
# Ashby component kinds that are pay (equity, bonus and commission are not).
_ASHBY_PAY_TYPES = frozenset({"salary", "hourly", "wage", "base"})


def find_structured_quotes(raw: object, depth: int = 0) -> Iterator[PayQuote]:
    """Yield the pay quotes a structured value holds, best first; strings yield nothing."""
    if depth > _MAX_DEPTH or raw is None or isinstance(raw, bool | str):
        return
    if isinstance(raw, int | float):
        amount = to_amount(raw)
        if amount is not None:
            yield PayQuote(amount, amount, None)
        return
    if isinstance(raw, list | tuple):
        for item in raw[:_MAX_ITEMS]:
            yield from find_structured_quotes(item, depth + 1)
        return
    if not isinstance(raw, Mapping):
        return
    if any(key in raw for key in ("compensationTiers", "summaryComponents")):
        yield from _ashby_quotes(raw)
        return
    quote = _range_quote(raw, depth)
    if quote is not None:
        yield quote
        return
    for key in _WRAPPER_KEYS:
        if key in raw:
            yield from find_structured_quotes(raw[key], depth + 1)


def _range_quote(raw: Mapping[Any, Any], depth: int) -> PayQuote | None:
    """One min/max/unit/currency object (schema.org, Lever, USAJOBS, generic)."""
    currency = _first_currency(raw)
    value = raw.get("value")
    if isinstance(value, Mapping | list | tuple) and depth < _MAX_DEPTH:
        # MonetaryAmount -> QuantitativeValue: the inner object has the numbers.
        inner = next(find_structured_quotes(value, depth + 1), None)
        if inner is None:
            return None
        unit = inner.unit or _unit(raw)
        if _has_unknown_unit(raw) and inner.unit is None:
            return None
        return PayQuote(inner.low, inner.high, unit, currency or inner.currency,
                        _describe(inner.low, inner.high, unit, currency or inner.currency))
    low = _first_amount(raw, _LOW_KEYS)
    high = _first_amount(raw, _HIGH_KEYS)
    if low is None and high is None:
        low = high = to_amount(value)
    if (low is None and high is None) or _has_unknown_unit(raw):
        return None
    unit = _unit(raw)
    currency = currency or "USD"
    return PayQuote(low, high, unit, currency, _describe(low, high, unit, currency))


def _ashby_quotes(raw: Mapping[Any, Any]) -> Iterator[PayQuote]:
    """Ashby: the overall range of the salary components, else its summary text."""
    components: list[Any] = []
    tiers = raw.get("compensationTiers")
    if isinstance(tiers, list):
        for tier in tiers[:_MAX_ITEMS]:
            if isinstance(tier, Mapping) and isinstance(tier.get("components"), list):
                components.extend(tier["components"][:_MAX_ITEMS])
    if not components and isinstance(raw.get("summaryComponents"), list):
        components = raw["summaryComponents"][:_MAX_ITEMS]
    quotes = []
    for component in components:
        if not isinstance(component, Mapping):
            continue
        kind = component.get("compensationType")
        if isinstance(kind, str) and kind.strip().lower() not in _ASHBY_PAY_TYPES:
            continue
        quote = _range_quote(component, _MAX_DEPTH)
        if quote is not None:
            quotes.append(quote)
    if quotes:
        first = quotes[0]
        alike = [q for q in quotes if (q.unit, q.currency) == (first.unit, first.currency)]
        lows = [q.low for q in alike if q.low is not None]
        highs = [q.high for q in alike if q.high is not None]
        low, high = (min(lows) if lows else None), (max(highs) if highs else None)
        summary = raw.get("compensationTierSummary")
        text = summary if isinstance(summary, str) and summary.strip() else None
        yield PayQuote(low, high, first.unit, first.currency,
                       text or _describe(low, high, first.unit, first.currency))


def _first(raw: Mapping[Any, Any], keys: tuple[str, ...], read: Callable[[object], T | None]
           ) -> T | None:
    """The first of `keys` whose value `read` understands."""
    for key in keys:
        found = read(raw.get(key))
        if found is not None:
            return found
    return None


def _first_amount(raw: Mapping[Any, Any], keys: tuple[str, ...]) -> float | None:
    return _first(raw, keys, to_amount)


def _first_currency(raw: Mapping[Any, Any]) -> str | None:
    return _first(raw, _CURRENCY_KEYS, currency_code)


def _unit(raw: Mapping[Any, Any]) -> str | None:
    return _first(raw, _UNIT_KEYS, unit_from_word)


def _has_unknown_unit(raw: Mapping[Any, Any]) -> bool:
    """A stated unit we cannot convert ("one-time", "Fee Basis"): not a pay rate."""
    stated = [raw.get(k) for k in _UNIT_KEYS if isinstance(raw.get(k), str) and raw[k].strip()]
    return bool(stated) and not any(unit_from_word(s) for s in stated)


def _describe(low: float | None, high: float | None, unit: str | None, currency: str) -> str:
    """A short display text for a structured quote: "USD 18-22 per hour"."""
    def fmt(n: float | None) -> str:
        return "" if n is None else f"{n:,.2f}".removesuffix(".00")

    span = fmt(low) if low == high else f"{fmt(low)}-{fmt(high)}".strip("-")
    if low is None:
        span = f"up to {fmt(high)}"
    elif high is None:
        span = f"from {fmt(low)}"
    return f"{currency} {span}" + (f" per {unit}" if unit else "")
