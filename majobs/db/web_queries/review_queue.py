"""The admin review queue: filtered postings, uncertain first, in keyset pages.

"Uncertain first" orders by |ma_confidence - 0.5|. No index can serve that expression
directly, but the index (status, is_ma, ma_confidence) serves two ordered streams per
(status, is_ma) pair: confidence rising from 0.5 and falling from 0.5. Each stream is
read with LIMIT from where the previous page left it (its own keyset cursor), and the
streams are merged in Python. Every page, the first or the thousandth, costs a few
index range scans of ``limit`` rows, where OFFSET would walk and sort every row before
the page (``benchmarks/web_queue.py`` measures both).
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, literal_column, or_, select, union_all
from sqlalchemy.orm import Session

from majobs.db.models import POSTING_STATUSES, Posting, Sighting, Source

SORTS = ("uncertain", "newest")
TEXT_MAX = 200


@dataclass(frozen=True)
class QueueFilters:
    statuses: tuple[str, ...] = ("active",)   # empty: every status
    is_ma: bool | None = None
    source_id: int | None = None
    confidence_min: float | None = None
    confidence_max: float | None = None
    seen_from: date | None = None             # first_seen, UTC days, inclusive
    seen_to: date | None = None
    text: str | None = None                   # in title or employer; "#123" = posting 123
    unreviewed: bool = False                  # only postings no admin has judged yet
    sort: str = "uncertain"


@dataclass(frozen=True)
class QueueRow:
    id: int
    title: str
    employer: str | None
    city: str | None
    state: str | None
    status: str
    is_ma: bool
    review_is_ma: bool | None
    ma_confidence: float | None
    ma_rule: str | None
    first_seen: datetime
    last_seen: datetime
    sources: tuple[str, ...] = ()


@dataclass
class QueuePage:
    rows: list[QueueRow]
    next_cursor: str | None
    filters: QueueFilters = field(default_factory=QueueFilters)


QUEUE_COLUMNS = (Posting.id, Posting.title, Posting.employer, Posting.city, Posting.state,
            Posting.status, Posting.is_ma, Posting.review_is_ma, Posting.ma_confidence,
            Posting.ma_rule, Posting.first_seen, Posting.last_seen)


def queue_page(session: Session, filters: QueueFilters, cursor: str | None = None,
               limit: int = 50) -> QueuePage:
    """One page of the queue; ``next_cursor`` is None on the last page."""
    limit = max(1, min(int(limit), 500))
    start = decode_cursor(cursor)
    read = _newest if filters.sort == "newest" else _uncertain
    taken = read(session, filters, start, limit + 1)
    more = len(taken) > limit
    taken = taken[:limit]
    rows = with_sources(session, [r for _, r in taken])
    return QueuePage(rows=rows, next_cursor=encode_cursor(_advance(start, taken)) if more
                     else None, filters=filters)


def queue_row(session: Session, posting_id: int) -> QueueRow | None:
    """One posting as a queue row (after a quick review action)."""
    row = session.execute(select(*QUEUE_COLUMNS).where(Posting.id == posting_id)).first()
    return with_sources(session, [row])[0] if row is not None else None


def queue_count(session: Session, filters: QueueFilters) -> int:
    stmt = select(func.count()).select_from(Posting).where(*_common(filters))
    if filters.statuses:
        stmt = stmt.where(Posting.status.in_(filters.statuses))
    if filters.is_ma is not None:
        stmt = stmt.where(Posting.is_ma == filters.is_ma)
    return int(session.scalar(stmt) or 0)


# --- filters ------------------------------------------------------------------------------

def _common(f: QueueFilters) -> list[ColumnElement[bool]]:
    """Filters every stream shares (status and is_ma are split into streams)."""
    where: list[ColumnElement[bool]] = []
    if f.source_id is not None:
        where.append(exists().where(Sighting.posting_id == Posting.id,
                                    Sighting.source_id == f.source_id))
    if f.confidence_min is not None:
        where.append(Posting.ma_confidence >= f.confidence_min)
    if f.confidence_max is not None:
        where.append(Posting.ma_confidence <= f.confidence_max)
    if f.seen_from is not None:
        where.append(Posting.first_seen >= datetime.combine(f.seen_from, time.min, UTC))
    if f.seen_to is not None:
        where.append(Posting.first_seen <= datetime.combine(f.seen_to, time.max, UTC))
    if f.unreviewed:
        where.append(Posting.review_is_ma.is_(None))
    text = " ".join((f.text or "").replace("\x00", "").split())[:TEXT_MAX]
    if text.startswith("#") and text[1:].isdigit():
        where.append(Posting.id == int(text[1:]))
    elif text:
        where.append(or_(Posting.title.icontains(text, autoescape=True),
                         Posting.employer.icontains(text, autoescape=True)))
    return where


def _pairs(f: QueueFilters) -> list[tuple[str, bool | None]]:
    statuses = [s for s in (f.statuses or POSTING_STATUSES) if s in POSTING_STATUSES]
    return [(s, m) for s in statuses for m in ((f.is_ma,) if f.is_ma is not None
                                                else (True, False))]


# --- uncertain first ----------------------------------------------------------------------
# A row's merge key: (distance from 0.5, stream, tie-break). Each stream is sorted by it.

def _key(side: str, conf: float | None, pid: int) -> tuple[float, int, int]:
    if side == "up":
        return (conf - 0.5, 0, pid)  # type: ignore[operator]
    if side == "down":
        return (0.5 - conf, 1, -pid)  # type: ignore[operator]
    return (math.inf, 2, pid)


def _uncertain(session: Session, f: QueueFilters, state: dict[str, Any], n: int
               ) -> list[tuple[str, Any]]:
    """The next ``n`` rows, each with its stream ("up", "down", "none")."""
    common = _common(f)
    conf, pid = Posting.ma_confidence, Posting.id
    parts: list[Select[Any]] = []
    for status, is_ma in _pairs(f):
        base = [Posting.status == status, Posting.is_ma == is_ma, *common]
        up = [conf >= 0.5]
        if state.get("up"):
            c, i = state["up"]
            up += [conf >= c, or_(conf > c, pid > i)]
        down = [conf < 0.5]
        if state.get("down"):
            c, i = state["down"]
            down += [conf <= c, or_(conf < c, pid < i)]
        plans = [("up", up, (conf.asc(), pid.asc())), ("down", down, (conf.desc(), pid.desc()))]
        if f.confidence_min is None and f.confidence_max is None:
            nulls = [conf.is_(None)] + ([pid > state["none"]] if state.get("none") else [])
            # "ORDER BY ma_confidence, id" (all NULL here) lets the planner see that the
            # (status, is_ma, ma_confidence) index serves it; "ORDER BY id" alone made
            # PostgreSQL walk the primary key through every row when there are no NULLs.
            plans.append(("none", nulls, (conf.asc(), pid.asc())))
        parts += [_stream(side, [*base, *where], order, n) for side, where, order in plans]
    rows = _read_streams(session, parts)
    rows.sort(key=lambda r: _key(r.side, r.ma_confidence, r.id))
    return [(r.side, r) for r in rows[:n]]


def _stream(side: str, where: list[ColumnElement[bool]], order: tuple[Any, ...],
            n: int) -> Select[Any]:
    """One index-ordered stream, tagged with its name (a constant, never user text)."""
    return select(*QUEUE_COLUMNS, literal_column(f"'{side}'").label("side")).where(
        *where).order_by(*order).limit(n)


def _read_streams(session: Session, parts: list[Select[Any]]) -> list[Any]:
    """Every stream in one round trip: UNION ALL of the limited, ordered sub-selects."""
    if len(parts) == 1:
        return list(session.execute(parts[0]).all())
    subs = [select(part.subquery()) for part in parts]
    return list(session.execute(union_all(*subs)).all())


def _advance(state: dict[str, Any], taken: Sequence[tuple[str, Any]]) -> dict[str, Any]:
    """The cursor after ``taken``: each stream resumes after its last row shown."""
    new = dict(state)
    for side, r in taken:
        if side == "none":
            new["none"] = r.id
        elif side in ("up", "down"):
            new[side] = [r.ma_confidence, r.id]
        else:
            new["newest"] = [r.last_seen.isoformat(), r.id]
    return new


# --- newest first -------------------------------------------------------------------------

def _newest(session: Session, f: QueueFilters, state: dict[str, Any], n: int
            ) -> list[tuple[str, Any]]:
    common = _common(f)
    if f.is_ma is not None:
        common.append(Posting.is_ma == f.is_ma)
    seen, pid = Posting.last_seen, Posting.id
    after: list[ColumnElement[bool]] = []
    if state.get("newest"):
        ts, i = state["newest"]
        when = _parse_when(ts)
        after = [seen <= when, or_(seen < when, pid < i)]
    parts = [_stream("newest", [Posting.status == status, *common, *after],
                     (seen.desc(), pid.desc()), n)
             for status in sorted({s for s, _ in _pairs(f)})]
    rows = _read_streams(session, parts)
    rows.sort(key=lambda r: (-r.last_seen.timestamp(), -r.id))
    return [("newest", r) for r in rows[:n]]


def _parse_when(value: Any) -> datetime | None:
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


# --- helpers ------------------------------------------------------------------------------

def with_sources(session: Session, rows: Sequence[Any]) -> list[QueueRow]:
    """Rows of ``QUEUE_COLUMNS`` as QueueRows with the names of their sources."""
    ids = [r.id for r in rows]
    names: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        stmt = (select(Sighting.posting_id, Source.name).join(Source)
                .where(Sighting.posting_id.in_(ids)).order_by(Source.name))
        for posting_id, name in session.execute(stmt):
            if name not in names[posting_id]:
                names[posting_id].append(name)
    fields = [c.key for c in QUEUE_COLUMNS]
    return [QueueRow(**{k: getattr(r, k) for k in fields}, sources=tuple(names[r.id]))
            for r in rows]


def encode_cursor(state: dict[str, Any]) -> str:
    raw = json.dumps(state, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict[str, Any]:
    """The cursor's state; a damaged or foreign cursor starts from the beginning."""
    if not cursor:
        return {}
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        state = json.loads(raw)
    except (ValueError, TypeError):
        return {}
    if not isinstance(state, dict):
        return {}
    clean: dict[str, Any] = {}
    for side, kinds in (("up", (int, float)), ("down", (int, float)), ("newest", (str,))):
        v = state.get(side)
        if (isinstance(v, list) and len(v) == 2 and _is_id(v[1])
                and isinstance(v[0], kinds) and not isinstance(v[0], bool)
                and (side != "newest" or _parse_when(v[0]) is not None)):
            clean[side] = v
    if _is_id(state.get("none")):
        clean["none"] = state["none"]
    return clean


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_statuses(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(s for s in POSTING_STATUSES if s in set(values))
