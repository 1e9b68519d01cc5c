"""Cron expressions to APScheduler triggers, with crontab's meaning of weekday numbers.

APScheduler 3 counts weekdays from Monday = 0 (its docs call this a historical mistake
kept for compatibility); crontab counts from Sunday = 0 (and 7). Numbers are rewritten as
day names, so ``0 2 * * 1-5`` means Monday to Friday as in crontab.

Accepted: five fields (minute hour day month weekday), six fields with seconds first
(as Quartz and Spring write them; for tests and demos), and @hourly, @daily, @weekly,
@monthly, @yearly. Unlike crontab, a restricted day of month AND weekday must both match.
"""

from __future__ import annotations

from datetime import tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

NICKNAMES = {
    "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def _day_number(text: str, field: str) -> int:
    """0..7 as written (7 and 0 are both Sunday)."""
    if not text.isdigit() or int(text) > 7:
        raise ValueError(f"weekday {text!r} in {field!r}: use 0-7 (0 and 7 = Sunday) or names")
    return int(text)


def crontab_weekdays(field: str) -> str:
    """A crontab weekday field in APScheduler's terms: numbers become day names."""
    field = field.strip().lower()
    if not field:
        raise ValueError("empty weekday field")
    if field == "*" or any(c.isalpha() for c in field):
        return field     # names mean the same to both; mixing is left to APScheduler
    days: set[int] = set()
    for part in field.split(","):
        base, slash, step_text = part.partition("/")
        if slash and (not step_text.isdigit() or int(step_text) == 0):
            raise ValueError(f"bad step in weekday field {field!r}")
        step = int(step_text) if slash else 1
        if base == "*":
            first, last = 0, 6
        elif "-" in base:
            lo, _, hi = base.partition("-")
            first, last = _day_number(lo, field), _day_number(hi, field)
            if last < first:
                raise ValueError(f"bad weekday range {base!r} in {field!r}")
        else:
            first = _day_number(base, field)
            last = 7 if slash else first
        days.update(d % 7 for d in range(first, last + 1, step))
    if days == set(range(7)):
        return "*"
    return ",".join(DAY_NAMES[d] for d in sorted(days))


def resolve_timezone(name: str | None) -> tzinfo:
    """``local`` (or empty): this machine's zone; else an IANA name like America/Chicago."""
    if not name or str(name).strip().lower() == "local":
        from tzlocal import get_localzone

        return get_localzone()
    try:
        return ZoneInfo(str(name).strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r} (use 'local' or an IANA name)") from None


def parse_cron(expr: str, timezone: tzinfo | None = None, jitter: int | None = None
               ) -> CronTrigger:
    """A trigger for ``expr``; ``jitter`` delays each run by up to that many seconds.
    Raises ValueError with a readable reason."""
    if not isinstance(expr, str):
        raise ValueError(f"a cron expression must be a string, got {type(expr).__name__}")
    text = " ".join(expr.split())
    text = NICKNAMES.get(text.lower(), text)
    fields = text.split()
    if len(fields) == 5:
        fields = ["0", *fields]
    elif len(fields) != 6:
        raise ValueError(f"cron {expr!r}: need 5 fields (minute hour day month weekday) "
                         f"or 6 (seconds first), got {len(fields)}")
    second, minute, hour, day, month, weekday = fields
    try:
        return CronTrigger(second=second, minute=minute, hour=hour, day=day, month=month,
                           day_of_week=crontab_weekdays(weekday), timezone=timezone,
                           jitter=jitter or None)
    except ValueError as exc:
        raise ValueError(f"cron {expr!r}: {exc}") from None
