"""Review-queue page latency on a generated table of 100,000 postings: the web's keyset
paging (``majobs.db.web_queries.review_queue``) against an OFFSET baseline.

    python benchmarks/web_queue.py                 # SQLite file in a temp dir
    python benchmarks/web_queue.py --postings 20000 --db postgresql+psycopg://postgres@127.0.0.1/bench

Pages are 50 rows. A deep keyset page is reached by walking the cursors (not timed);
then that one page is timed. The OFFSET baseline asks the same depth with
``ORDER BY abs(ma_confidence - 0.5), id LIMIT 50 OFFSET n`` (and ``last_seen DESC``).
Prints the median of several runs per case, in milliseconds.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from majobs.db import init_db
from majobs.db.engine import session_factory
from majobs.db.models import Posting
from majobs.db.web_queries.review_queue import (
    QUEUE_COLUMNS,
    QueueFilters,
    queue_count,
    queue_page,
    with_sources,
)

PAGE = 50
DEPTHS = (0, 10, 100, 1000)  # pages deep
TITLES = ["Medical Assistant", "Clinical Medical Assistant", "CMA - Family Medicine",
          "Medical Office Assistant", "Phlebotomist", "Patient Care Technician",
          "Certified Medication Aide", "Dental Assistant", "Lead MA", "Ophthalmic Assistant"]
EMPLOYERS = [f"Clinic {k}" for k in range(400)]


def fill(engine: object, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    base = datetime(2025, 1, 1, tzinfo=UTC)
    factory = session_factory(engine)  # type: ignore[arg-type]
    for start in range(0, n, 5000):
        rows = []
        for _ in range(min(5000, n - start)):
            conf = round(rng.betavariate(0.6, 0.6), 3) if rng.random() > 0.02 else None
            seen = base + timedelta(minutes=rng.randrange(60 * 24 * 120))
            rows.append({
                "title": rng.choice(TITLES), "employer": rng.choice(EMPLOYERS),
                "city": "Austin", "state": "TX", "status": rng.choices(
                    ["active", "expired", "rejected"], [0.7, 0.25, 0.05])[0],
                "is_ma": conf is not None and conf >= 0.5, "ma_confidence": conf,
                "first_seen": seen, "last_seen": seen + timedelta(days=rng.randrange(30)),
                "updated_at": seen, "description_html": "", "description_text": "",
                "tags": {}, "locations": [], "required_certifications": [],
                "preferred_certifications": [], "remote": False,
            })
        with factory.begin() as session:
            session.execute(insert(Posting), rows)


def timed(fn: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)


def offset_page(session: Session, f: QueueFilters, depth: int) -> list:
    order = ((Posting.last_seen.desc(), Posting.id.desc()) if f.sort == "newest" else
             (func.coalesce(func.abs(Posting.ma_confidence - 0.5), 9), Posting.id))
    stmt = select(*QUEUE_COLUMNS)
    if f.statuses:
        stmt = stmt.where(Posting.status.in_(f.statuses))
    rows = session.execute(stmt.order_by(*order).limit(PAGE).offset(depth * PAGE)).all()
    return with_sources(session, rows)  # the same rows the web shows


def cursor_at(session: Session, f: QueueFilters, depth: int) -> str | None:
    cursor = None
    for _ in range(depth):
        cursor = queue_page(session, f, cursor, PAGE).next_cursor
        if cursor is None:
            break
    return cursor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=100_000)
    parser.add_argument("--db", help="database URL (default: a new SQLite file)")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    url = args.db or f"sqlite:///{Path(tmp.name) / 'queue.db'}"
    engine = init_db(url)
    t = time.perf_counter()
    with session_factory(engine).begin() as session:
        existing = session.scalar(select(func.count()).select_from(Posting)) or 0
    if existing < args.postings:
        fill(engine, args.postings - existing)
    with engine.begin() as conn:  # fresh planner statistics after the bulk load
        conn.execute(text("ANALYZE postings"))
    print(f"{engine.dialect.name}: {args.postings:,} postings ready in "
          f"{time.perf_counter() - t:.1f} s; pages of {PAGE}; median of {args.runs} runs (ms)")
    reader = session_factory(engine, readonly=True)
    cases = [("uncertain first, active", QueueFilters()),
             ("uncertain first, every status", QueueFilters(statuses=())),
             ("newest first, active", QueueFilters(sort="newest"))]
    print(f"{'order':32} {'page':>6} {'keyset':>9} {'OFFSET':>9}")
    with reader.begin() as session:
        for name, f in cases:
            for depth in DEPTHS:
                cursor = cursor_at(session, f, depth)
                if depth and cursor is None:
                    continue
                keyset = timed(lambda f=f, c=cursor: queue_page(session, f, c, PAGE), args.runs)
                offset = timed(lambda f=f, d=depth: offset_page(session, f, d), args.runs)
                print(f"{name:32} {depth + 1:>6} {keyset:>9.1f} {offset:>9.1f}")
        for name, f in [("count, active", QueueFilters()),
                        ("count, text 'phleb'", QueueFilters(text="phleb"))]:
            print(f"{name:32} {'':>6} {timed(lambda f=f: queue_count(session, f), 3):>9.1f}")
        f = QueueFilters(statuses=(), text="Clinic 39")
        print(f"{'text search, first page':32} {1:>6} "
              f"{timed(lambda: queue_page(session, f, None, PAGE), args.runs):>9.1f}")
    engine.dispose()


if __name__ == "__main__":
    main()
