"""Pay: text and structured salary objects -> one :class:`Pay`."""

from __future__ import annotations

from dataclasses import dataclass

HOURS_PER_YEAR = 2080  # BLS convention: year-round, full-time


@dataclass(frozen=True)
class Pay:
    min: float | None          # as stated, in `period` units (None: "up to $X")
    max: float | None
    period: str                # "hour" | "year"
    currency: str = "USD"
    hourly_min: float | None = None   # hourly equivalent (year / 2080)
    hourly_max: float | None = None
    text: str | None = None    # what the posting said, for display and review
