"""Pay normalization: text and structured salary objects -> Pay (DOMAIN.md section 4)."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from majobs.demoboard.payforms import PayOffer, make_offer
from majobs.normalize.html import clean_description
from majobs.normalize.pay import HOURS_PER_YEAR, Pay, build_pay, parse_pay, parse_pay_text
from majobs.normalize.pay_quote import PayQuote
from majobs.normalize.pay_sources import find_structured_quotes

REAL = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real"


def _summary(pay: Pay | None) -> tuple[float | None, float | None, str] | None:
    return None if pay is None else (pay.min, pay.max, pay.period)


# text -> (min, max, period) as normalized: hour/day/week -> hourly, the rest -> yearly.
TEXT_CASES = [
    ("$18.50 - $22.00 per hour", (18.5, 22.0, "hour")),
    ("$19/hr", (19.0, 19.0, "hour")),
    ("$19 an hour", (19.0, 19.0, "hour")),
    ("40,000-46,000 annually", (40000.0, 46000.0, "year")),
    ("$40K–$46K/year", (40000.0, 46000.0, "year")),
    ("$40-46K per year", (40000.0, 46000.0, "year")),
    ("up to $24 an hour", (None, 24.0, "hour")),
    ("starting at $20/hour", (20.0, None, "hour")),
    ("$20+ per hour", (20.0, None, "hour")),
    ("$3,200 biweekly", (83200.0, 83200.0, "year")),
    ("$1,750 semi-monthly", (42000.0, 42000.0, "year")),
    ("$3,500/month", (42000.0, 42000.0, "year")),
    ("$850 weekly", (21.25, 21.25, "hour")),
    ("Day rate: $176 per day", (22.0, 22.0, "hour")),
    ("Pay Range: $18.00 - $24.00", (18.0, 24.0, "hour")),
    ("Hourly: 21.50", (21.5, 21.5, "hour")),
    ("Hourly rate of $21", (21.0, 21.0, "hour")),
    ("USD 20-25 per hour", (20.0, 25.0, "hour")),
    ("20 - 25 USD per hour", (20.0, 25.0, "hour")),
    ("Salary: $42,000 - $50,000", (42000.0, 50000.0, "year")),
    ("Compensation: $45,000 a year", (45000.0, 45000.0, "year")),
    ("$21.00 – $25.00 Hourly", (21.0, 25.0, "hour")),
    ("$21.00 — $25.00 per hr", (21.0, 25.0, "hour")),
    ("$18 to $22 per hour", (18.0, 22.0, "hour")),
    ("between $18 and $22 an hour", (18.0, 22.0, "hour")),
    ("$18.50/hr - $22/hr", (18.5, 22.0, "hour")),
    ("$22 - $18 per hour", (18.0, 22.0, "hour")),  # reversed: swapped
    ("The pay for this role is $20 - $22 per hour depending on experience.",
     (20.0, 22.0, "hour")),
    ("We offer\u00a0$19.75\u00a0per hour plus benefits", (19.75, 19.75, "hour")),
    ("Sign-on bonus: $1,500. Pay: $20/hr", (20.0, 20.0, "hour")),
    ("Pay: $20/hr plus a $1,500 sign-on bonus", (20.0, 20.0, "hour")),
    ("Up to $5,000 sign-on bonus! Wage: $23.50 an hour", (23.5, 23.5, "hour")),
    ("Call (512) 555-0199 to apply. Pay: $21/hr", (21.0, 21.0, "hour")),
    ("Medical Assistant | $22/hr | Sign-on Bonus", (22.0, 22.0, "hour")),
]

NOT_PAY = [
    "$1,500 sign-on bonus",
    "Sign-on bonus of $3,000 for new hires",
    "$5,000 - $10,000 sign-on bonus",
    "Referral bonus: $500",
    "Call (512) 555-0199 or 512-555-0199",
    "Our clinic at 1200 Main St, Austin, TX 78701",
    "Founded in 2024; serving patients since 1998",
    "401k match up to 4%",
    "401(k) with 6% match",
    "Compensation & benefits: 401k, PTO",
    "$0 premiums for employee coverage",
    "Tuition reimbursement up to $5,250 per year",
    "$2/hr shift differential",
    "Night shift differential of $3.00 per hour",
    "$25 gift card for referrals",
    "Monday-Friday 8-5, 40 hours per week",
    "$5 an hour",                 # below the MA band
    "$95 per hour",               # above the MA band
    "$250,000 per year",          # above the MA band
    "$1,200",                     # 100..20,000 with no unit: not guessed
    "Competitive pay, DOE",
    "",
]


@pytest.mark.parametrize(("text", "expected"), TEXT_CASES)
def test_pay_text_reads_stated_pay(text: str, expected: tuple[float | None, ...]) -> None:
    pay = parse_pay_text(text)
    assert _summary(pay) == expected
    assert pay is not None and pay.currency == "USD"
    assert pay.text and pay.text in " ".join(text.split())


@pytest.mark.parametrize("text", NOT_PAY)
def test_pay_text_ignores_numbers_that_are_not_pay(text: str) -> None:
    assert parse_pay_text(text) is None


@pytest.mark.parametrize(("text", "currency"), [
    ("CA$25 - CA$30 per hour", "CAD"), ("C$22/hr", "CAD"), ("€20 per hour", "EUR"),
    ("£21 an hour", "GBP"), ("US$24/hr", "USD"), ("21 per hour", "USD"),
])
def test_pay_text_detects_currency(text: str, currency: str) -> None:
    pay = parse_pay_text(text)
    assert pay is not None and pay.currency == currency


def test_pay_text_finds_pay_inside_a_long_description() -> None:
    body = (
        "<p>Join our team! Call 555-201-3344.</p><ul><li>401(k) with 4% match</li>"
        "<li>$1,000 sign-on bonus</li></ul><p>Compensation: <b>$19.50&ndash;$23.00 per hour"
        "</b>, based on experience.</p><p>Clinic at 400 W 15th St, Austin, TX 78701.</p>"
    ) * 3
    _, text = clean_description(body)
    assert _summary(parse_pay_text(text)) == (19.5, 23.0, "hour")


def test_pay_text_from_real_smartrecruiters_prose() -> None:
    detail = json.loads((REAL / "smartrecruiters/guidehealth_posting_detail.json").read_text())
    sections = detail["jobAd"]["sections"]
    _, text = clean_description(" ".join(s.get("text", "") for s in sections.values()))
    pay = parse_pay_text(text)
    assert _summary(pay) == (20.0, 22.0, "hour")
    assert pay is not None and pay.text is not None
    assert pay.text.endswith("$20 - $22 per hour")


@pytest.mark.parametrize(("quote", "expected"), [
    (PayQuote(18, 22, "hour"), (18.0, 22.0, "hour", 18.0, 22.0)),
    (PayQuote(176, 200, "day"), (22.0, 25.0, "hour", 22.0, 25.0)),
    (PayQuote(800, None, "week"), (20.0, None, "hour", 20.0, None)),
    (PayQuote(1600, 1800, "biweek"), (41600.0, 46800.0, "year", 20.0, 22.5)),
    (PayQuote(1750, 1750, "semimonth"), (42000.0, 42000.0, "year", 20.19, 20.19)),
    (PayQuote(3500, 4000, "month"), (42000.0, 48000.0, "year", 20.19, 23.08)),
    (PayQuote(None, 52000, "year"), (None, 52000.0, "year", None, 25.0)),
    (PayQuote(19, None, None), (19.0, None, "hour", 19.0, None)),
    (PayQuote(41600, 45760, None), (41600.0, 45760.0, "year", 20.0, 22.0)),
    (PayQuote(10, 60, "hour"), (10.0, 60.0, "hour", 10.0, 60.0)),             # band edges
    (PayQuote(20000, 125000, "year"), (20000.0, 125000.0, "year", 9.62, 60.1)),
])
def test_build_pay_converts_units(quote: PayQuote, expected: tuple[object, ...]) -> None:
    pay = build_pay(quote)
    assert pay is not None
    assert (pay.min, pay.max, pay.period, pay.hourly_min, pay.hourly_max) == expected


@pytest.mark.parametrize("quote", [
    PayQuote(None, None, "hour"), PayQuote(9.99, 20, "hour"), PayQuote(20, 60.01, "hour"),
    PayQuote(19999, 30000, "year"), PayQuote(40000, 125001, "year"),
    PayQuote(500, 500, None), PayQuote(3000, 3000, "week"), PayQuote(18, 22, "fortnight"),
])
def test_build_pay_refuses_out_of_band_or_ambiguous(quote: PayQuote) -> None:
    assert build_pay(quote) is None


def test_yearly_hourly_equivalent_uses_2080_hours() -> None:
    pay = build_pay(PayQuote(43680, 49920, "year"))
    assert pay is not None and HOURS_PER_YEAR == 2080
    assert (pay.hourly_min, pay.hourly_max) == (21.0, 24.0)


def _schema(value: object, currency: object = "USD") -> dict[str, object]:
    return {"@type": "MonetaryAmount", "currency": currency, "value": value}


def _qv(**fields: object) -> dict[str, object]:
    return {"@type": "QuantitativeValue", **fields}


STRUCTURED_CASES = [
    (_schema(_qv(minValue=18, maxValue=22, unitText="HOUR")), (18.0, 22.0, "hour")),
    (_schema(_qv(minValue="18.50", maxValue="22.00", unitText="HOUR")), (18.5, 22.0, "hour")),
    (_schema(_qv(value=21, unitText="HOUR")), (21.0, 21.0, "hour")),
    (_schema(_qv(value="$21.00", unitText="hourly")), (21.0, 21.0, "hour")),
    (_schema(_qv(minValue=176, maxValue=200, unitText="DAY")), (22.0, 25.0, "hour")),
    (_schema(_qv(minValue=800, maxValue=880, unitText="WEEK")), (20.0, 22.0, "hour")),
    (_schema(_qv(minValue=3500, maxValue=4000, unitText="MONTH")), (42000.0, 48000.0, "year")),
    (_schema(_qv(minValue="42000", maxValue="50,000", unitText="YEAR")),
     (42000.0, 50000.0, "year")),
    (_schema(_qv(minValue=19, maxValue=23)), (19.0, 23.0, "hour")),        # no unit: size
    (_schema(20.5), (20.5, 20.5, "hour")),                                   # bare number
    ({"@type": "MonetaryAmount", "currency": "USD", "minValue": 40000, "maxValue": 45000},
     (40000.0, 45000.0, "year")),
    (_qv(minValue=18, maxValue=20, unitText="HOUR"), (18.0, 20.0, "hour")),  # bare QV
    ([_schema(_qv(minValue="", maxValue="")), _schema(_qv(value=24, unitText="HOUR"))],
     (24.0, 24.0, "hour")),                                                  # a list
    ({"min": 18, "max": 22, "currency": "USD", "interval": "per-hour-wage"},
     (18.0, 22.0, "hour")),
    ({"min": 40000, "max": 52000, "currency": "USD", "interval": "per-year-salary"},
     (40000.0, 52000.0, "year")),
    ({"min": 3500, "max": 3500, "currency": "USD", "interval": "per-month-salary"},
     (42000.0, 42000.0, "year")),
    ({"min": 800, "max": 900, "currency": "USD", "interval": "per-week-salary"},
     (20.0, 22.5, "hour")),
    ({"min": 160, "max": 184, "currency": "USD", "interval": "per-day-wage"},
     (20.0, 23.0, "hour")),
    ([{"MinimumRange": "45000", "MaximumRange": "56000", "RateIntervalCode": "PA",
       "Description": "Per Year"}], (45000.0, 56000.0, "year")),
    ([{"MinimumRange": "19.50", "MaximumRange": "24.00", "RateIntervalCode": "PH"}],
     (19.5, 24.0, "hour")),
    ([{"MinimumRange": "880", "MaximumRange": "960", "RateIntervalCode": "PW"}],
     (22.0, 24.0, "hour")),
    ({"compensationTiers": [{"components": [
        {"compensationType": "EquityPercentage", "interval": "NONE", "minValue": 0.1},
        {"compensationType": "Salary", "interval": "1 HOUR", "currencyCode": "USD",
         "minValue": 19, "maxValue": 23}]}], "compensationTierSummary": "$19 – $23 / hr"},
     (19.0, 23.0, "hour")),
    ({"compensationTiers": [
        {"components": [{"compensationType": "Salary", "interval": "1 YEAR",
                         "currencyCode": "USD", "minValue": 42000, "maxValue": 46000}]},
        {"components": [{"compensationType": "Salary", "interval": "1 YEAR",
                         "currencyCode": "USD", "minValue": 47000, "maxValue": 52000}]}]},
     (42000.0, 52000.0, "year")),
    ({"baseSalary": _schema(_qv(minValue=18, maxValue=21, unitText="HOUR"))},
     (18.0, 21.0, "hour")),
]


@pytest.mark.parametrize(("raw", "expected"), STRUCTURED_CASES)
def test_parse_pay_reads_structured_salary(raw: object, expected: tuple[object, ...]) -> None:
    assert _summary(parse_pay(raw)) == expected


@pytest.mark.parametrize("raw", [
    None, "", [], {}, 0, True, float("nan"), -18,
    _schema(_qv(minValue="", maxValue="", unitText=""), currency=""),
    {"min": 500, "max": 500, "currency": "USD", "interval": "one-time"},
    [{"MinimumRange": "0", "MaximumRange": "0", "RateIntervalCode": "WC"}],
    {"compensationTierSummary": None, "compensationTiers": [], "summaryComponents": []},
    {"compensationTiers": [{"components": [{"compensationType": "Bonus", "interval": "1 YEAR",
                                            "minValue": 40000, "maxValue": 45000}]}]},
])
def test_parse_pay_gives_none_for_empty_or_non_rates(raw: object) -> None:
    assert parse_pay(raw) is None


def test_parse_pay_currency_and_text_from_structured() -> None:
    pay = parse_pay({"min": 24, "max": 28, "currency": "CAD", "interval": "per-hour-wage"})
    assert pay is not None and pay.currency == "CAD"
    assert pay.text is not None and "24" in pay.text and "28" in pay.text


def test_parse_pay_falls_back_to_text_only_when_raw_gives_nothing() -> None:
    text = "Pay: $19 - $21 per hour"
    assert _summary(parse_pay(None, text)) == (19.0, 21.0, "hour")
    assert _summary(parse_pay(_schema(_qv(minValue="", maxValue="")), text)) == (
        19.0, 21.0, "hour")
    raw = {"min": 22, "max": 26, "currency": "USD", "interval": "per-hour-wage"}
    assert _summary(parse_pay(raw, text)) == (22.0, 26.0, "hour")
    assert _summary(parse_pay("$23/hr", text)) == (23.0, 23.0, "hour")
    assert parse_pay(None, None) is None


def test_real_jobvite_empty_base_salary_is_none() -> None:
    page = (REAL / "jsonld/neogenomics_jobvite_job.html").read_text()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert block is not None
    posting = json.loads(block.group(1))
    assert "baseSalary" in posting
    assert parse_pay(posting["baseSalary"]) is None


def test_real_ashby_compensation() -> None:
    board = json.loads((REAL / "ashby/highlightta_job_board_compensation.json").read_text())
    filled, empty = sorted(
        (job["compensation"] for job in board["jobs"]),
        key=lambda c: not c["compensationTiers"],
    )
    quote = next(find_structured_quotes(filled))
    assert (quote.low, quote.high, quote.unit, quote.currency) == (102800, 137000, "year", "CAD")
    assert parse_pay(filled) is None  # CA$137K is above the MA band: not guessed
    assert parse_pay(empty) is None
    other = json.loads((REAL / "ashby/openevidence_job_board.json").read_text())
    assert all(parse_pay(job["compensation"]) is None for job in other["jobs"])


def test_real_usajobs_remuneration_is_read_then_banded() -> None:
    search = json.loads((REAL / "usajobs/irs_navsea_search.json").read_text())
    for item in search["SearchResult"]["SearchResultItems"]:
        remuneration = item["MatchedObjectDescriptor"]["PositionRemuneration"]
        quote = next(find_structured_quotes(remuneration))
        assert quote.unit == "year"
        assert quote.low == float(remuneration[0]["MinimumRange"])
        assert quote.high == float(remuneration[0]["MaximumRange"])
        assert parse_pay(remuneration) is None  # IT pay: above the MA band


def test_demo_board_pay_phrasings_read_back_to_their_truth() -> None:
    rng = random.Random(20260730)
    checked = 0
    for _ in range(300):
        offer = make_offer(rng, (16.0, 30.0), rng.random() < 0.3, True, no_pay_share=0.0)
        assert offer is not None
        truth = offer.truth()
        for template in range(5):
            phrased = PayOffer(offer.form, offer.lo, offer.hi, template, offer.structured,
                               offer.in_text, offer.as_strings)
            assert _summary(parse_pay_text(phrased.text())) == (truth.min, truth.max,
                                                                truth.period), phrased.text()
            checked += 1
        for raw in (offer.monetary_amount(), offer.lever_range()):
            if raw is not None:
                assert _summary(parse_pay(raw)) == (truth.min, truth.max, truth.period), raw
    assert checked == 1500
