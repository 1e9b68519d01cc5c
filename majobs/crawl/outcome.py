"""Decide a crawl run's outcome from Scrapy's stats: success, partial or failed.

Only a *complete* run (every request answered, nothing refused, no error) may expire
postings: a posting missing from a partial crawl may simply not have been reached.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Final statuses that mean "we did not see what is there" (not "it is gone", like 404/410).
BLOCKING_STATUSES = {401, 403, 407, 408, 429}
IGNORED_STATUS_PREFIX = "httperror/response_ignored_status_count/"


@dataclass
class Assessment:
    outcome: str                 # success | partial | failed
    complete: bool
    problems: list[str] = field(default_factory=list)

    @property
    def error(self) -> str | None:
        return "; ".join(self.problems) or None


def assess_run(stats: dict[str, Any], reason: str, items: int,
               errors: list[str] | None = None) -> Assessment:
    """Pure: the stats dict of one crawler, its close reason, items stored, error lines."""
    problems: list[str] = []
    if reason != "finished":
        problems.append(f"crawl stopped early ({reason})")
    for key, count in sorted(stats.items()):
        if not key.startswith(IGNORED_STATUS_PREFIX):
            continue
        status = int(key.rsplit("/", 1)[1])
        if status >= 500 or status in BLOCKING_STATUSES:
            problems.append(f"HTTP {status} on {count} request(s) after retries")
    forbidden = stats.get("robotstxt/forbidden", 0)
    if forbidden:
        problems.append(f"robots.txt disallowed {forbidden} request(s)")
    for key, count in sorted(stats.items()):
        if key.startswith("majobs/errors/"):
            problems.append(f"{key.removeprefix('majobs/errors/')}: {count}")
    if errors:
        shown = errors[:3]
        more = f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""
        problems.append("; ".join(shown) + more)
    # Not stats["log_count/ERROR"]: Scrapy counts every ERROR line of the process in
    # every crawler's stats, so one failing source would taint the others.
    complete = not problems
    if complete:
        return Assessment("success", True, [])
    return Assessment("partial" if items else "failed", False, problems)
