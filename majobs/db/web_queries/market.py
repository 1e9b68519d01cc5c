"""What the local market asks for, over MA postings that no admin rejected.

Counts that SQL can group portably are grouped in SQL (postings per day, employers).
The JSON columns (tags, required certifications) differ between SQLite and PostgreSQL,
so they are read as narrow rows in batches and counted in Python; the web caches the
result for a minute.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from majobs.db.models import Posting

WEEKS_MAX = 52
TOP = 15
GROUPS_MAX = 12
MIN_GROUP = 3  # a pay box needs at least this many postings
BATCH = 2000


@dataclass(frozen=True)
class PayBox:
    label: str
    n: int
    low: float
    q1: float
    median: float
    q3: float
    high: float


@dataclass
class MarketStats:
    ma_postings: int = 0
    active_ma_postings: int = 0
    weekly: list[tuple[date, int]] = field(default_factory=list)   # week start, new postings
    undated: int = 0
    cert_required: list[tuple[str, float]] = field(default_factory=list)  # id, share 0..1
    cert_mentioned: list[tuple[str, float]] = field(default_factory=list)
    pay_by_state: list[PayBox] = field(default_factory=list)
    pay_by_setting: list[PayBox] = field(default_factory=list)
    top_employers: list[tuple[str, int]] = field(default_factory=list)
    top_skills: list[tuple[str, int]] = field(default_factory=list)
    with_pay: int = 0


def _ma() -> list[ColumnElement[bool]]:
    return [Posting.is_ma.is_(True), Posting.status != "rejected"]


def market_stats(session: Session, today: date) -> MarketStats:
    stats = MarketStats()
    stats.ma_postings = int(session.scalar(
        select(func.count()).select_from(Posting).where(*_ma())) or 0)
    stats.active_ma_postings = int(session.scalar(
        select(func.count()).select_from(Posting).where(*_ma(), Posting.status == "active"))
        or 0)
    per_day = session.execute(select(Posting.date_posted, func.count())
                              .where(*_ma()).group_by(Posting.date_posted)).all()
    stats.weekly, stats.undated = weekly_counts(per_day, today)
    stats.top_employers = [(name, int(n)) for name, n in session.execute(
        select(Posting.employer, func.count().label("n"))
        .where(*_ma(), Posting.status == "active", Posting.employer.is_not(None))
        .group_by(Posting.employer).order_by(func.count().desc(), Posting.employer)
        .limit(TOP))]
    _json_counts(session, stats)
    return stats


def weekly_counts(per_day: Iterable[tuple[date | None, int]], today: date
                  ) -> tuple[list[tuple[date, int]], int]:
    """Daily counts -> (Monday, count) for every week from the first to this one (at most
    the last 52), zeros included; and how many had no date."""
    weeks: Counter[date] = Counter()
    undated = 0
    for day, n in per_day:
        if day is None:
            undated += int(n)
            continue
        if day > today:  # a date in the future is a source's error: count it this week
            day = today
        weeks[day - timedelta(days=day.weekday())] += int(n)
    if not weeks:
        return [], undated
    last = today - timedelta(days=today.weekday())
    first = max(min(weeks), last - timedelta(weeks=WEEKS_MAX - 1))
    out, week = [], first
    while week <= last:
        out.append((week, weeks.get(week, 0)))
        week += timedelta(weeks=1)
    return out, undated


def _json_counts(session: Session, stats: MarketStats) -> None:
    required: Counter[str] = Counter()
    mentioned: Counter[str] = Counter()
    skills: Counter[str] = Counter()
    by_state: dict[str, list[float]] = defaultdict(list)
    by_setting: dict[str, list[float]] = defaultdict(list)
    active = 0
    stmt = (select(Posting.state, Posting.pay_hourly_min, Posting.pay_hourly_max, Posting.tags,
                   Posting.required_certifications)
            .where(*_ma(), Posting.status == "active")
            .execution_options(yield_per=BATCH))
    for state, lo, hi, tags, req in session.execute(stmt):
        active += 1
        tags = tags if isinstance(tags, dict) else {}
        required.update(set(_ids(req)))
        mentioned.update(set(_ids(tags.get("certifications"))) | set(_ids(req)))
        skills.update(set(_ids(tags.get("skills"))))
        pay = hourly_point(lo, hi)
        if pay is None:
            continue
        stats.with_pay += 1
        if isinstance(state, str) and state.strip():
            by_state[state.strip()].append(pay)
        for setting in set(_ids(tags.get("settings"))):
            by_setting[setting].append(pay)
    stats.cert_required = _shares(required, active)
    stats.cert_mentioned = _shares(mentioned, active)
    stats.top_skills = skills.most_common(TOP)
    stats.pay_by_state = pay_boxes(by_state)
    stats.pay_by_setting = pay_boxes(by_setting)


def _shares(counts: Counter[str], total: int) -> list[tuple[str, float]]:
    return [(k, n / total) for k, n in counts.most_common(TOP)] if total else []


def _ids(value: object) -> list[str]:
    if not isinstance(value, list | tuple):
        return []
    return [v for v in value if isinstance(v, str) and v]


def hourly_point(lo: object, hi: object) -> float | None:
    """One hourly figure per posting: the middle of its range, or the one end known.
    Values outside 5..200 $/h are unit errors, not pay."""
    nums = [float(v) for v in (lo, hi)
            if isinstance(v, int | float) and not isinstance(v, bool) and 5 <= v <= 200]
    return sum(nums) / len(nums) if nums else None


def pay_boxes(groups: dict[str, list[float]]) -> list[PayBox]:
    """Five-number summaries of the biggest groups (most postings first)."""
    boxes = []
    ranked = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    for label, values in ranked[:GROUPS_MAX]:
        if len(values) < MIN_GROUP:
            continue
        q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
        boxes.append(PayBox(label=label, n=len(values), low=min(values), q1=q1,
                            median=median, q3=q3, high=max(values)))
    return boxes
