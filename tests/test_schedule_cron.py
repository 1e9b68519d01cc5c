"""Cron expressions: crontab's meaning (Sunday = 0 and 7), seconds-first six fields,
nicknames, jitter and time zones; bad ones fail with a reason."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from majobs.scheduling.cron import crontab_weekdays, parse_cron, resolve_timezone

UTC = ZoneInfo("UTC")
# 2025-01-04 is a Saturday.
SAT = datetime(2025, 1, 4, 0, 0, tzinfo=UTC)


def fire_times(expr: str, start: datetime, n: int, tz: ZoneInfo = UTC) -> list[datetime]:
    trigger = parse_cron(expr, tz)
    out: list[datetime] = []
    prev = None
    now = start
    for _ in range(n):
        nxt = trigger.get_next_fire_time(prev, now)
        assert nxt is not None
        out.append(nxt)
        prev, now = nxt, nxt
    return out


@pytest.mark.parametrize(("expr", "want"), [
    # crontab weekdays: 1-5 is Monday..Friday, from Saturday the next is Monday
    ("0 2 * * 1-5", ["2025-01-06 02:00:00", "2025-01-07 02:00:00", "2025-01-08 02:00:00"]),
    ("30 6 * * 0", ["2025-01-05 06:30:00", "2025-01-12 06:30:00", "2025-01-19 06:30:00"]),
    ("30 6 * * 7", ["2025-01-05 06:30:00", "2025-01-12 06:30:00", "2025-01-19 06:30:00"]),
    ("0 9 * * 6,0", ["2025-01-04 09:00:00", "2025-01-05 09:00:00", "2025-01-11 09:00:00"]),
    # */3 = Sunday, Wednesday, Saturday
    ("0 0 * * */3", ["2025-01-04 00:00:00", "2025-01-05 00:00:00", "2025-01-08 00:00:00"]),
    ("0 0 * * mon", ["2025-01-06 00:00:00", "2025-01-13 00:00:00", "2025-01-20 00:00:00"]),
    ("0 */6 * * *", ["2025-01-04 00:00:00", "2025-01-04 06:00:00", "2025-01-04 12:00:00"]),
    ("  0   2  *  *  * ", ["2025-01-04 02:00:00", "2025-01-05 02:00:00", "2025-01-06 02:00:00"]),
    ("*/20 * * * * *", ["2025-01-04 00:00:00", "2025-01-04 00:00:20", "2025-01-04 00:00:40"]),
    ("@daily", ["2025-01-04 00:00:00", "2025-01-05 00:00:00", "2025-01-06 00:00:00"]),
    ("@weekly", ["2025-01-05 00:00:00", "2025-01-12 00:00:00", "2025-01-19 00:00:00"]),
    ("@HOURLY", ["2025-01-04 00:00:00", "2025-01-04 01:00:00", "2025-01-04 02:00:00"]),
])
def test_fire_times_follow_crontab(expr: str, want: list[str]) -> None:
    got = [t.strftime("%Y-%m-%d %H:%M:%S") for t in fire_times(expr, SAT, len(want))]
    assert got == want


@pytest.mark.parametrize(("field", "want"), [
    ("*", "*"), ("0", "sun"), ("7", "sun"), ("1-5", "mon,tue,wed,thu,fri"),
    ("5-7", "sun,fri,sat"), ("0-6", "*"), ("*/2", "sun,tue,thu,sat"), ("1-5/2", "mon,wed,fri"),
    ("MON-FRI", "mon-fri"), ("0,6", "sun,sat"),
])
def test_weekday_numbers_become_names(field: str, want: str) -> None:
    assert crontab_weekdays(field) == want


@pytest.mark.parametrize(("expr", "reason"), [
    ("0 2 * *", "need 5 fields"),
    ("0 2 * * * * *", "need 5 fields"),
    ("61 2 * * *", "cron '61 2 * * *'"),
    ("0 2 * * 8", "weekday '8'"),
    ("0 2 * * 5-1", "bad weekday range"),
    ("0 2 * * */0", "bad step"),
    ("", "need 5 fields"),
    ("0 25 * * *", "cron '0 25 * * *'"),
])
def test_bad_expressions_say_why(expr: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason.replace("*", r"\*")):
        parse_cron(expr, UTC)


def test_not_a_string() -> None:
    with pytest.raises(ValueError, match="must be a string"):
        parse_cron(200, UTC)  # type: ignore[arg-type]


def test_time_zone_and_jitter() -> None:
    chicago = resolve_timezone("America/Chicago")
    trigger = parse_cron("0 2 * * *", chicago, jitter=600)
    assert trigger.jitter == 600
    base = datetime(2025, 7, 1, 12, tzinfo=UTC)
    for _ in range(20):      # jitter only ever delays, by at most 600 s
        nxt = trigger.get_next_fire_time(None, base)
        local = nxt.astimezone(chicago)
        assert local.date().isoformat() == "2025-07-02"
        assert 0 <= (local.hour * 3600 + local.minute * 60 + local.second) - 2 * 3600 <= 600
    assert parse_cron("0 2 * * *", chicago, jitter=0).jitter is None


def test_time_zone_names() -> None:
    assert resolve_timezone("local") is not None
    assert resolve_timezone(None) is not None
    assert str(resolve_timezone(" Europe/Paris ")) == "Europe/Paris"
    with pytest.raises(ValueError, match="unknown time zone"):
        resolve_timezone("Mars/Olympus_Mons")
