"""What every majobs spider shares: its source, item creation, error counting.

Spiders stay thin: where to start, which function maps a response to items. Problems
with a source (bad JSON, a refused feed, a record of the wrong shape) are logged and
counted under ``majobs/errors/<reason>`` so a run that lost data is reported as such;
HTTP errors are already counted by Scrapy (``httperror/response_ignored_status_count/*``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.http import Response

from majobs.items import JobPostingItem
from majobs.sources import SourceConfig, parse_source

ERRORS = "majobs/errors/"


class SourceSpider(scrapy.Spider):
    """A spider for one configured source (``name`` is the source kind)."""

    name = "source"

    def __init__(self, source: SourceConfig | dict[str, Any], **kw: Any) -> None:
        if isinstance(source, dict):  # e.g. from ``scrapy crawl -a`` or a JSON job file
            source = parse_source(source, 0)
        if source.kind != self.name:
            raise ValueError(f"source {source.name!r} is kind {source.kind}, not {self.name}")
        super().__init__(**kw)
        self.source = source

    # --- items -------------------------------------------------------------------
    def new_item(self, **fields: Any) -> JobPostingItem:
        """An item of this source, stamped with the time its response came (UTC)."""
        fields.setdefault("employer", self.source.employer)
        return JobPostingItem(source=self.source.name, crawled_at=datetime.now(UTC), **fields)

    def map_records(
        self, records: Iterable[Any], mapper: Callable[[dict[str, Any]], JobPostingItem | None]
    ) -> Iterator[JobPostingItem]:
        """Map each record; a record of the wrong shape is dropped and counted, not fatal."""
        for record in records:
            if not isinstance(record, dict):
                self.count_error("bad_record", f"not an object: {type(record).__name__}")
                continue
            try:
                item = mapper(record)
            except (TypeError, ValueError, AttributeError, KeyError) as exc:
                self.count_error("bad_record", f"{type(exc).__name__}: {exc}")
                continue
            if item is not None:
                yield item

    # --- responses ---------------------------------------------------------------
    def json_body(self, response: Response) -> Any:
        """The decoded JSON body, or None (counted as ``bad_json``) when it is not JSON."""
        try:
            data = json.loads(response.body)
        except (ValueError, RecursionError) as exc:
            self.count_error("bad_json", f"{response.url}: {type(exc).__name__}: {exc}"[:300])
            return None
        if data is None:
            self.count_error("bad_payload", f"{response.url}: the body is JSON null")
        return data

    # --- accounting --------------------------------------------------------------
    def count(self, key: str, n: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, n)

    def count_error(self, reason: str, detail: str) -> None:
        """Log an ERROR and count it under ``majobs/errors/<reason>``."""
        self.count(ERRORS + reason)
        self.logger.error("%s (source %s): %s", reason, self.source.name, detail)
