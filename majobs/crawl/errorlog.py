"""A Scrapy extension that keeps the error lines of one crawler for its run row.

Scrapy logs a failed download or a spider exception at ERROR with ``extra={"spider": ...}``;
this handler keeps the first lines of those records for its own spider, so the summary can
say *why* a source failed ("Connection refused", "TimeoutError", ...).
"""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.crawler import Crawler

MAX_LINES = 20


class _SpiderErrors(logging.Handler):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(level=logging.ERROR)
        self.crawler = crawler
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        spider = getattr(record, "spider", None)
        if spider is None or spider is not self.crawler.spider or len(self.lines) >= MAX_LINES:
            return
        line = record.getMessage().splitlines()[0][:300]
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            line = f"{line}: {type(exc).__name__}: {str(exc)[:200]}"
        self.lines.append(line)


class ErrorCollector:
    """Collects ERROR log lines of this crawler's spider into stats ``majobs/error_lines``."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.handler = _SpiderErrors(crawler)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ErrorCollector:
        return cls(crawler)

    def spider_opened(self, spider: object) -> None:
        logging.getLogger().addHandler(self.handler)

    def spider_closed(self, spider: object, reason: str) -> None:
        logging.getLogger().removeHandler(self.handler)

    @property
    def lines(self) -> list[str]:
        return list(self.handler.lines)
