"""Dates as sources write them -> timezone-aware UTC datetimes.

ISO 8601 (with or without a zone; naive means UTC; any number of fractional digits),
date-only strings, epoch seconds or milliseconds, RFC 822 feed dates, and relative
text ("Posted 3 Days Ago", "Posted Yesterday", "30+ days ago", "just posted") read
against a caller-given `now`, so results never depend on the clock.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, time, timedelta
from email.utils import parsedate_to_datetime

import dateparser

_EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
_LATEST_AHEAD = timedelta(days=2 * 366)
_MAX_TEXT = 200
_EPOCH_MS_FROM = 100_000_000_000  # larger epoch numbers are milliseconds (after 1973 in ms)

_NUMERIC_RE = re.compile(r"[+-]?\d+(?:\.\d+)?")
_ISO_FRACTION_RE = re.compile(r"(T\d{2}:\d{2}:\d{2})\.(\d+)")
# "Posted", "Posted on", "End Date:", "Date posted:" ... before the date itself.
_LABEL_RE = re.compile(
    r"^\s*(?:(?:(?:re)?posted|published|updated|listed|added)(?:\s+on)?\b|[A-Za-z ]{1,30}:)\s*",
    re.IGNORECASE,
)
_COMPACT_DATE_RE = re.compile(r"(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])")
_JUST_NOW_RE = re.compile(
    r"^(?:just\s+(?:now|posted)|new|moments?\s+ago|few\s+(?:seconds|minutes)\s+ago|now)$",
    re.IGNORECASE,
)
_DATEPARSER_SETTINGS = {
    "RETURN_AS_TIMEZONE_AWARE": True,
    "TIMEZONE": "UTC",
    "TO_TIMEZONE": "UTC",
    "PREFER_DATES_FROM": "past",
    "PREFER_DAY_OF_MONTH": "first",
}


def parse_datetime(value: object, now: datetime) -> datetime | None:
    """`value` as an aware UTC datetime, or None when unreadable or absurd.

    Absurd: before 1990 or more than two years after `now`. A naive `now` is taken as UTC.
    """
    now = _as_utc(now)
    try:
        found = _read(value, now)
    except (ValueError, TypeError, OverflowError, OSError, ArithmeticError):
        found = None
    if found is None:
        return None
    found = _as_utc(found)
    if not _EARLIEST <= found <= now + _LATEST_AHEAD:
        return None
    return found


def parse_date(value: object, now: datetime) -> date | None:
    """The UTC calendar date of :func:`parse_datetime`."""
    found = parse_datetime(value, now)
    return found.date() if found else None


def _read(value: object, now: datetime) -> datetime | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=UTC)
    if isinstance(value, int | float):
        return _from_epoch(float(value))
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())[:_MAX_TEXT]
    if not text:
        return None
    if _COMPACT_DATE_RE.fullmatch(text):  # "20240501", not epoch seconds in 1970
        return datetime.strptime(text, "%Y%m%d").replace(tzinfo=UTC)
    if _NUMERIC_RE.fullmatch(text):
        return _from_epoch(float(text))
    return _from_iso(text) or _from_rfc822(text) or _from_words(text, now)


def _from_epoch(number: float) -> datetime | None:
    if not math.isfinite(number) or number <= 0:
        return None
    seconds = number / 1000 if abs(number) >= _EPOCH_MS_FROM else number
    return datetime.fromtimestamp(seconds, tz=UTC)


def _from_iso(text: str) -> datetime | None:
    candidate = text.replace("Z", "+00:00") if text.endswith("Z") else text
    # fromisoformat takes 1-6 fractional digits; sources send up to 9 ("...59.9970").
    candidate = _ISO_FRACTION_RE.sub(lambda m: f"{m[1]}.{m[2][:6]}", candidate)
    if not candidate[:4].isdigit():
        return None
    try:
        return datetime.fromisoformat(candidate)
    except ValueError:
        return None


def _from_rfc822(text: str) -> datetime | None:
    if not re.match(r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s", text + " "):
        return None
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None  # e.g. a zone name email.utils does not know: dateparser tries next


def _from_words(text: str, now: datetime) -> datetime | None:
    """Relative and free-form dates, through dateparser with `now` as the base."""
    text = _LABEL_RE.sub("", text).strip()
    text = re.sub(r"(\d+)\s*\+", r"\1", text)  # "30+ days ago" -> "30 days ago"
    if _JUST_NOW_RE.match(text):
        return now
    if not text or not re.search(r"[A-Za-z0-9]", text):
        return None
    settings = dict(_DATEPARSER_SETTINGS, RELATIVE_BASE=now.replace(tzinfo=None))
    return dateparser.parse(text, languages=["en"], settings=settings)  # type: ignore[arg-type]


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
