"""Dates: ISO, epoch, RFC 822 and relative text -> aware UTC, against a fixed `now`."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from xml.etree import ElementTree

import pytest

from majobs.normalize.dates import parse_date, parse_datetime

REAL = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real"
NOW = datetime(2026, 7, 30, 12, 0, tzinfo=UTC)


def _utc(*args: int, micro: int = 0) -> datetime:
    return datetime(*args, microsecond=micro, tzinfo=UTC)  # type: ignore[misc]


CASES: list[tuple[object, datetime]] = [
    ("2026-06-18T23:59:59.9970", _utc(2026, 6, 18, 23, 59, 59, micro=997000)),
    ("2026-07-29T08:50:01-04:00", _utc(2026, 7, 29, 12, 50, 1)),
    ("2025-03-10T10:00:00.123456789+00:00", _utc(2025, 3, 10, 10, 0, 0, micro=123456)),
    ("2024-01-01T00:00:00Z", _utc(2024, 1, 1)),
    ("2024-05-01T09:30:00", _utc(2024, 5, 1, 9, 30)),             # naive = UTC
    ("2024-05-01", _utc(2024, 5, 1)),
    ("  2024-05-01 ", _utc(2024, 5, 1)),
    ("20240501", _utc(2024, 5, 1)),
    (1711403416463, _utc(2024, 3, 25, 21, 50, 16, micro=463000)),  # epoch ms (Lever)
    ("1711403416463", _utc(2024, 3, 25, 21, 50, 16, micro=463000)),
    (1711403416, _utc(2024, 3, 25, 21, 50, 16)),                   # epoch s
    ("1711403416", _utc(2024, 3, 25, 21, 50, 16)),
    (1711403416.5, _utc(2024, 3, 25, 21, 50, 16, micro=500000)),
    ("Mon, 06 Jan 2025 14:00:00 +0000", _utc(2025, 1, 6, 14)),
    ("Mon, 06 Jan 2025 14:00:00 GMT", _utc(2025, 1, 6, 14)),
    ("Mon, 06 Jan 2025 14:00:00 EST", _utc(2025, 1, 6, 19)),
    ("06 Jan 2025 14:00:00 -0800", _utc(2025, 1, 6, 22)),
    ("3 days ago", NOW - timedelta(days=3)),
    ("Posted 3 Days Ago", NOW - timedelta(days=3)),
    ("Posted Yesterday", NOW - timedelta(days=1)),
    ("Posted Today", NOW),
    ("Posted 30+ Days Ago", NOW - timedelta(days=30)),
    ("2 weeks ago", NOW - timedelta(weeks=2)),
    ("an hour ago", NOW - timedelta(hours=1)),
    ("just posted", NOW),
    ("Just Posted", NOW),
    ("Date posted: 5 days ago", NOW - timedelta(days=5)),
    ("End Date: November 9, 2026", _utc(2026, 11, 9)),
    ("June 18, 2026", _utc(2026, 6, 18)),
    (datetime(2026, 5, 1, 8, 0), _utc(2026, 5, 1, 8)),
    (datetime(2026, 5, 1, 8, 0, tzinfo=timezone(timedelta(hours=2))), _utc(2026, 5, 1, 6)),
    (date(2026, 5, 1), _utc(2026, 5, 1)),
]


@pytest.mark.parametrize(("value", "expected"), CASES)
def test_parse_datetime(value: object, expected: datetime) -> None:
    found = parse_datetime(value, NOW)
    assert found == expected
    assert found is not None and found.utcoffset() == timedelta(0)


@pytest.mark.parametrize("value", [
    None, "", "   ", "garbage", "Posted", "N/A", True, -5, 0, float("nan"), float("inf"),
    10**30, "9" * 300, [], {}, object(),
    "1985-01-01",                       # before 1990
    "2099-01-01",                       # more than two years ahead
    "2029-01-01T00:00:00Z",
    "2026-02-30",                       # no such day
])
def test_parse_datetime_rejects(value: object) -> None:
    assert parse_datetime(value, NOW) is None


def test_relative_dates_follow_now_not_the_clock() -> None:
    earlier = datetime(2025, 1, 10, 0, 0, tzinfo=UTC)
    assert parse_datetime("Posted 3 Days Ago", earlier) == earlier - timedelta(days=3)
    naive_now = datetime(2025, 1, 10, 0, 0)  # naive now is UTC
    assert parse_datetime("yesterday", naive_now) == earlier - timedelta(days=1)


def test_two_years_ahead_is_the_limit() -> None:
    assert parse_datetime("2028-07-01", NOW) == _utc(2028, 7, 1)
    assert parse_datetime("2028-08-30", NOW) is None


@pytest.mark.parametrize(("value", "expected"), [
    ("2026-07-29T22:50:01-04:00", date(2026, 7, 30)),  # the UTC day
    ("Posted Yesterday", date(2026, 7, 29)),
    (1711403416463, date(2024, 3, 25)),
    ("bad", None),
])
def test_parse_date(value: object, expected: date | None) -> None:
    assert parse_date(value, NOW) == expected


def test_real_source_dates() -> None:
    lever = json.loads((REAL / "lever/palantir_postings.json").read_text())
    for posting in lever:
        found = parse_datetime(posting["createdAt"], NOW)
        assert found is not None
        assert found.timestamp() == posting["createdAt"] / 1000
    workday = json.loads((REAL / "workday/salesforce_cxs_jobs.json").read_text())
    posted = [parse_date(job["postedOn"], NOW) for job in workday["jobPostings"]]
    assert posted == [date(2026, 7, 29), date(2026, 7, 27)]
    usajobs = json.loads((REAL / "usajobs/irs_navsea_search.json").read_text())
    for item in usajobs["SearchResult"]["SearchResultItems"]:
        raw = item["MatchedObjectDescriptor"]["PositionStartDate"]
        found = parse_datetime(raw, NOW)
        assert found is not None and found.date().isoformat() == raw[:10]
    feed = ElementTree.parse(REAL / "rss/weworkremotely_feed.xml").getroot()
    for pub in feed.iter("pubDate"):
        assert parse_datetime(pub.text, NOW) is not None
