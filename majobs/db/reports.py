"""One-call reports by database URL, for the CLI (opens, reads, closes)."""

from __future__ import annotations

from typing import Any

from majobs.db import queries, runs, store
from majobs.db.engine import make_engine, session_factory


def _read(db_url: str, fn: Any, *args: Any) -> Any:
    engine = make_engine(db_url)
    try:
        with session_factory(engine, readonly=True).begin() as session:
            return fn(session, *args)
    finally:
        engine.dispose()


def runs_by_id(db_url: str, run_ids: list[int]) -> list[dict[str, Any]]:
    return _read(db_url, runs.runs_by_ids, list(run_ids))


def recent_runs(db_url: str, source: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    return _read(db_url, runs.run_history, source, limit)


def source_health(db_url: str) -> list[dict[str, Any]]:
    return _read(db_url, runs.source_health)


def posting_counts(db_url: str) -> dict[str, int]:
    return _read(db_url, queries.posting_counts)


def disabled_sources(db_url: str, names: list[str]) -> set[str]:
    """Sources an admin switched off in the web UI (none when the database is new)."""
    from majobs.db.engine import init_db

    init_db(db_url)  # the crawl creates or upgrades the schema anyway
    return _read(db_url, store.disabled_sources, names)
