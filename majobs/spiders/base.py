"""What every majobs spider shares: its source, item creation, error counting.

Spiders stay thin: where to start, which function maps a response to items. Problems
with a source (bad JSON, a refused feed, a record of the wrong shape) are logged and
counted under ``majobs/errors/<reason>`` so a run that lost data is reported as such;
HTTP errors are already counted by Scrapy (``httperror/response_ignored_status_count/*``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from majobs.items import JobPostingItem
from majobs.sources import SourceConfig, parse_source

ERRORS = "majobs/errors/"
# Listing pages one search may ask for (API sources that page by offset or number); a
# source reporting absurd totals must not fan out into millions of requests.
DEFAULT_MAX_API_PAGES = 1000


class SourceSpider(scrapy.Spider):
    """A spider for one configured source (``name`` is the source kind)."""

    name = "source"
    # Said with a 401/403 answer: what the operator should check (keys, a block).
    refused_hint = "the source refused access"

    def __init__(self, source: SourceConfig | dict[str, Any], **kw: Any) -> None:
        if isinstance(source, dict):  # e.g. from ``scrapy crawl -a`` or a JSON job file
            source = parse_source(source, 0)
        if source.kind != self.name:
            raise ValueError(f"source {source.name!r} is kind {source.kind}, not {self.name}")
        super().__init__(**kw)
        self.source = source

    # --- items -------------------------------------------------------------------
    def new_item(self, **fields: Any) -> JobPostingItem:
        """An item of this source, stamped with the time its response came (UTC).

        A record with no title or URL still becomes an item: the validate stage drops it
        with a counted reason, rather than a TypeError losing the rest of the page."""
        fields.setdefault("employer", self.source.employer)
        fields.setdefault("title", None)
        fields.setdefault("url", None)
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

    def secret(self, given: str | None, name: str) -> str:
        """A credential: the spider argument, else the setting ``name``, else $``name``.

        Never from the sources file, which is shared and committed.
        """
        return (given or self.settings.get(name) or os.environ.get(name) or "").strip()

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

    def refused(self, failure: Failure) -> Failure:
        """Errback: a 401/403 is a bad key or a block, so name it as an error.

        The failure is passed on, so Scrapy still counts the status as usual.
        """
        response = getattr(failure.value, "response", None)
        if failure.check(HttpError) and response is not None and response.status in (401, 403):
            self.count_error("access_refused",
                             f"{response.url}: HTTP {response.status}: {self.refused_hint}")
        return failure

    def more_pages(self, total: int, size: int, first: int = 0) -> list[int]:
        """Offsets of the pages after the one at ``first`` that hold ``total`` records.

        Bounded by ``MAJOBS_MAX_API_PAGES`` (counted as ``page_limit_reached`` when hit).
        """
        budget = self.settings.getint("MAJOBS_MAX_API_PAGES", DEFAULT_MAX_API_PAGES)
        offsets = list(range(first + size, max(total, 0), size))
        if len(offsets) >= budget:
            self.count_error("page_limit_reached",
                             f"{total} records in pages of {size}: asked for {budget} pages only")
            offsets = offsets[:max(budget - 1, 0)]
        return offsets

    def json_records(self, response: Response, key: str
                     ) -> tuple[dict[str, Any], list[Any]] | None:
        """The decoded object and its list under ``key``; None (counted) when either is
        missing: ``bad_json`` for a body that is not JSON, ``bad_payload`` for no list."""
        data = self.json_body(response)
        if data is None:
            return None
        records = data.get(key) if isinstance(data, dict) else None
        if not isinstance(records, list):
            self.count_error("bad_payload", f"{response.url}: no {key!r} list")
            return None
        return data, records

    # --- accounting --------------------------------------------------------------
    def count(self, key: str, n: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, n)

    def count_error(self, reason: str, detail: str) -> None:
        """Log an ERROR and count it under ``majobs/errors/<reason>``."""
        self.count(ERRORS + reason)
        self.logger.error("%s (source %s): %s", reason, self.source.name, detail)
