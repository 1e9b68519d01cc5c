"""The scheduler's jobs, under import paths that stay put.

APScheduler stores each job as the *text* of its function's path
(``"majobs.schedules:nightly_pipeline"``) plus its arguments. A job whose path no longer
imports is deleted from the store when loaded, so these names are a contract: move the
code behind them freely, never these functions. ``tests/test_schedule_jobs.py`` checks
that every path the scheduler writes still resolves.

Each job runs in the scheduler process (``majobs schedule``), which provides the runtime
(database, settings, stop flags) and the slot being run.
"""

from __future__ import annotations

from majobs.scheduling.pipeline import run_pipeline
from majobs.scheduling.runtime import get_runtime

NIGHTLY_JOB_ID = "nightly"
SOURCE_JOB_PREFIX = "source:"


def nightly_pipeline(sources: str) -> str:
    """Crawl every enabled source without a schedule of its own, re-index, match every
    candidate, send alerts. ``sources``: the sources file."""
    return run_pipeline(get_runtime(), NIGHTLY_JOB_ID, sources)


def source_pipeline(sources: str, source: str) -> str:
    """A source with its own ``schedule:``: crawl it alone, then re-index, match, alert."""
    return run_pipeline(get_runtime(), SOURCE_JOB_PREFIX + source, sources, only=source)
