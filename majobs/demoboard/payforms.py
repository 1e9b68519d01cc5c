"""Pay as demo postings write it, and what majobs should make of it.

A :class:`PayOffer` holds the amounts as written (per hour, per year, biweekly, ...) and one
phrasing; ``truth()`` gives the normalized :class:`PayTruth` (DOMAIN.md §4, the normalize
brief): hour/day/week -> hourly (8 h days, 40 h weeks); biweekly/month/year -> yearly
(x26, x12). Amounts are chosen so the conversions are exact to the cent.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import Any

HOURLY_FORMS = ("range_hour", "range_hour", "single_hour", "upto_hour", "from_hour", "weekly",
                "daily", "biweekly", "range_year")
YEARLY_FORMS = ("range_year", "monthly", "biweekly", "range_hour")
STRUCTURED_FORMS = ("range_hour", "single_hour", "range_year")

TEMPLATES: dict[str, tuple[str, ...]] = {
    "range_hour": ("Pay: {lo} - {hi} per hour", "Pay range: {lo}–{hi}/hr, based on experience",
                   "Compensation: {lo} to {hi} an hour", "Pay Range: {lo2} - {hi2}",
                   "Wage: USD {lon}-{hin} per hour"),
    "single_hour": ("Pay: {lo}/hr", "Wage: {lo2} an hour", "Hourly: {lon2}"),
    "upto_hour": ("Pay: up to {hi} an hour", "Up to {hi2}/hour, depending on experience"),
    "from_hour": ("Pay: starting at {lo}/hour", "Starting at {lo2} per hour, more with "
                  "experience"),
    "range_year": ("Salary: {lon_c}-{hin_c} annually", "Salary range: {lok}–{hik}/year",
                   "Compensation: {lo_c} - {hi_c} per year"),
    "biweekly": ("Pay: {lo_c} biweekly",),
    "weekly": ("Pay: {lo_c} weekly",),
    "daily": ("Day rate: {lo} per day",),
    "monthly": ("Salary: {lo_c} per month",),
}
# How far each form's amounts move when evolve() edits the pay.
EDIT_STEP = {"range_hour": 1.0, "single_hour": 1.0, "upto_hour": 1.0, "from_hour": 1.0,
             "range_year": 1000.0, "biweekly": 80.0, "weekly": 40.0, "daily": 8.0,
             "monthly": 100.0}


@dataclass(frozen=True)
class PayTruth:
    min: float | None
    max: float | None
    period: str                      # "hour" | "year"

    def as_dict(self) -> dict[str, Any]:
        return {"min": self.min, "max": self.max, "period": self.period, "currency": "USD"}


@dataclass(frozen=True)
class PayOffer:
    form: str
    lo: float | None                 # as written, in the form's own unit
    hi: float | None
    template: int
    structured: bool = False         # also given as baseSalary / Lever salaryRange
    in_text: bool = True             # the description states it
    as_strings: bool = False         # structured numbers written as strings ("18.50")

    def truth(self) -> PayTruth:
        lo, hi = self.lo, self.hi
        if self.form in ("single_hour", "biweekly", "weekly", "daily", "monthly"):
            hi = lo
        factor, period = {"biweekly": (26.0, "year"), "monthly": (12.0, "year"),
                          "weekly": (1 / 40, "hour"), "daily": (1 / 8, "hour"),
                          "range_year": (1.0, "year")}.get(self.form, (1.0, "hour"))
        return PayTruth(_scale(lo, factor), _scale(hi, factor), period)

    def text(self) -> str:
        tpl = TEMPLATES[self.form]
        return tpl[self.template % len(tpl)].format(**_fields(self.lo, self.hi))

    def monetary_amount(self) -> dict[str, Any] | None:
        """schema.org ``baseSalary``: a MonetaryAmount with a QuantitativeValue."""
        if not self.structured or self.form not in STRUCTURED_FORMS:
            return None
        unit = "YEAR" if self.form == "range_year" else "HOUR"
        value: dict[str, Any] = {"@type": "QuantitativeValue"}
        if self.form == "single_hour":
            value["value"] = self._num(self.lo)
        else:
            value["minValue"], value["maxValue"] = self._num(self.lo), self._num(self.hi)
        value["unitText"] = unit
        return {"@type": "MonetaryAmount", "currency": "USD", "value": value}

    def lever_range(self) -> dict[str, Any] | None:
        """Lever ``salaryRange``: {min, max, currency, interval}."""
        if not self.structured or self.form not in STRUCTURED_FORMS:
            return None
        hi = self.lo if self.form == "single_hour" else self.hi
        interval = "per-year-salary" if self.form == "range_year" else "per-hour-wage"
        return {"max": hi, "min": self.lo, "currency": "USD", "interval": interval}

    def bumped(self) -> PayOffer:
        step = EDIT_STEP[self.form]
        return replace(self, lo=_shift(self.lo, step), hi=_shift(self.hi, step))

    def _num(self, v: float | None) -> float | int | str | None:
        if v is None:
            return None
        if self.as_strings:
            return f"{v:.2f}" if self.form != "range_year" else f"{v:.0f}"
        return int(v) if v == int(v) else v


def _scale(v: float | None, factor: float) -> float | None:
    return None if v is None else round(v * factor, 2)


def _shift(v: float | None, step: float) -> float | None:
    return None if v is None else round(v + step, 2)


def _num(v: float | None) -> str:
    if v is None:
        return ""
    return f"{v:.2f}" if v != int(v) else f"{v:.0f}"


def _money(v: float | None, cents: bool) -> str:
    if v is None:
        return ""
    return f"${v:,.2f}" if cents or v != int(v) else f"${v:,.0f}"


def _fields(lo: float | None, hi: float | None) -> dict[str, str]:
    cents = any(v is not None and v != int(v) for v in (lo, hi))   # "$18.50 - $22.00"
    return {
        "lo": _money(lo, cents), "hi": _money(hi, cents),
        "lo2": _money(lo, True), "hi2": _money(hi, True),
        "lon": _num(lo), "hin": _num(hi), "lon2": "" if lo is None else f"{lo:.2f}",
        "lo_c": _money(lo, False), "hi_c": _money(hi, False),
        "lon_c": "" if lo is None else f"{lo:,.0f}", "hin_c": "" if hi is None else f"{hi:,.0f}",
        "lok": "" if lo is None else f"${lo / 1000:.0f}K",
        "hik": "" if hi is None else f"${hi / 1000:.0f}K",
    }


def _half(v: float) -> float:
    return round(v * 2) / 2


def make_offer(rng: random.Random, band: tuple[float, float], yearly: bool,
               structured_ok: bool, no_pay_share: float = 0.22) -> PayOffer | None:
    """A pay offer in the role's band, written one of the ways real postings do; or None."""
    if rng.random() < no_pay_share:
        return None
    low, high = band
    form = rng.choice(YEARLY_FORMS if yearly else HOURLY_FORMS)
    hourly = _half(rng.uniform(low, high - 2.0))
    top = min(high, hourly + rng.choice((1.5, 2.0, 3.0, 4.0)))
    lo: float | None
    hi: float | None
    if form == "range_year":
        lo, hi = round(hourly * 2080, -3), round(top * 2080, -3)
    elif form == "biweekly":
        lo, hi = float(round(hourly * 80, -1)), None
    elif form == "monthly":
        lo, hi = float(round(hourly * 2080 / 12, -2)), None
    elif form == "weekly":
        lo, hi = float(round(hourly * 40 / 5) * 5), None
    elif form == "daily":
        lo, hi = float(int(hourly) * 8), None
    elif form == "upto_hour":
        lo, hi = None, top
    elif form in ("single_hour", "from_hour"):
        lo, hi = hourly, None
    else:
        lo, hi = hourly, top
    structured = structured_ok and form in STRUCTURED_FORMS and rng.random() < 0.7
    return PayOffer(form=form, lo=lo, hi=hi, template=rng.randrange(5), structured=structured,
                    in_text=not structured or rng.random() < 0.5,
                    as_strings=rng.random() < 0.3)
