"""Run one crawl of several sources in this process, with live progress.

All sources crawl side by side in one Twisted reactor (one ``CrawlerProcess``); each gets
its own crawl run row. A reactor cannot restart, so a long-lived process (the scheduler)
runs each crawl in a child process (``majobs crawl`` itself).
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess

from majobs.crawl.settings import crawl_settings
from majobs.crawl.workers import shutdown_pool
from majobs.db.engine import init_db
from majobs.pipeline import ITEM_PIPELINES
from majobs.sources import SourceConfig
from majobs.spiders import spider_for


@dataclass
class SourceProgress:
    name: str
    kind: str
    pages: int = 0
    items: int = 0
    ma_items: int = 0
    dropped: int = 0
    done: bool = False
    run_id: int | None = None


ProgressFn = Callable[[list[SourceProgress]], None]


def build_settings(db_url: str, config: dict[str, Any] | None = None) -> dict[str, Any]:
    settings = crawl_settings((config or {}).get("crawl"))
    settings["ITEM_PIPELINES"] = dict(ITEM_PIPELINES)
    # Downloads wait while the pipeline's workers are far behind, and a page's parsed tree
    # goes once its callback is done: the crawl's memory stays bounded.
    settings.setdefault("DOWNLOADER_MIDDLEWARES", {})
    settings["DOWNLOADER_MIDDLEWARES"]["majobs.crawl.workers.PipelineBackpressure"] = 5
    settings.setdefault("SPIDER_MIDDLEWARES", {})
    settings["SPIDER_MIDDLEWARES"]["majobs.crawl.release.ReleaseParsedResponses"] = 1
    settings.setdefault("EXTENSIONS", {})
    settings["EXTENSIONS"]["majobs.crawl.errorlog.ErrorCollector"] = 0
    settings["MAJOBS_DATABASE_URL"] = db_url
    # Items of one response in the pipeline at once (Scrapy's default: 100). Scrapy starts
    # that many tasks per response, however few items it has: at 5,000 postings 100 cost
    # ~15% of the crawl's CPU and ~100 MB; 16 keep the stage workers busy all the same.
    settings["CONCURRENT_ITEMS"] = 16
    crawl = (config or {}).get("crawl", {})
    if crawl.get("batch_size"):
        settings["MAJOBS_BATCH_SIZE"] = crawl["batch_size"]
    if crawl.get("pipeline_workers") is not None:  # unset: one per core but one
        settings["MAJOBS_PIPELINE_WORKERS"] = crawl["pipeline_workers"]
    # API credentials from majobs.toml (the spiders fall back to the environment)
    for table, key, setting in CREDENTIALS:
        value = ((config or {}).get(table) or {}).get(key)
        if value:
            settings[setting] = value
    return settings


# (majobs.toml table, key, Scrapy setting the spider reads before the environment)
CREDENTIALS = (
    ("usajobs", "key", "MAJOBS_USAJOBS_KEY"),
    ("usajobs", "email", "MAJOBS_USAJOBS_EMAIL"),
    ("careeronestop", "token", "MAJOBS_CAREERONESTOP_TOKEN"),
    ("careeronestop", "user_id", "MAJOBS_CAREERONESTOP_USERID"),
)


def _snapshot(crawler: Crawler, row: SourceProgress) -> None:
    stats = crawler.stats.get_stats() if crawler.stats else {}
    row.pages = stats.get("response_received_count", 0)
    row.items = stats.get("item_scraped_count", 0)
    row.ma_items = stats.get("majobs/ma_items", 0)
    row.dropped = sum(v for k, v in stats.items() if k.startswith("majobs/dropped/"))
    row.run_id = stats.get("majobs/run_id", row.run_id)
    row.done = "finish_reason" in stats


def _expire_past_deadlines(db_url: str) -> int:
    """Postings whose validThrough has passed expire, whichever source they came from."""
    from datetime import UTC, datetime

    from majobs.db import store
    from majobs.db.engine import make_engine, session_factory

    with session_factory(make_engine(db_url)).begin() as session:
        return store.expire_past_valid_through(session, datetime.now(UTC))


def run_crawl(sources: list[SourceConfig], db_url: str, config: dict[str, Any] | None = None,
              on_progress: ProgressFn | None = None, log_level: str = "WARNING") -> list[int]:
    """Crawl ``sources`` into ``db_url``; returns the crawl run ids (one per source)."""
    init_db(db_url)
    settings = build_settings(db_url, config)
    settings["LOG_LEVEL"] = log_level
    with crawl_gc():
        return _run(settings, sources, db_url, on_progress)


@contextmanager
def crawl_gc() -> Iterator[None]:
    """Rarer cyclic garbage collection while crawling. A crawl allocates millions of
    short-lived objects over a heap of hundreds of crawlers: with CPython's default
    thresholds, collections took ~3.5 s of the crawl process's 13 s of CPU for 1,000
    postings (13 full ones); with these, ~1 s, at the same peak memory."""
    before = gc.get_threshold()
    gc.set_threshold(10_000, 20, 20)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _run(settings: dict[str, Any], sources: list[SourceConfig], db_url: str,
         on_progress: ProgressFn | None) -> list[int]:
    process = CrawlerProcess(settings)
    rows: list[tuple[Crawler, SourceProgress]] = []
    for source in sources:
        crawler = process.create_crawler(spider_for(source))
        rows.append((crawler, SourceProgress(source.name, source.kind)))
        process.crawl(crawler, source=source)
    # Scrapy sets its loggers to DEBUG and filters in its handler, so each DEBUG record
    # (one per request, one per item) is built and offered to every crawler's
    # ErrorCollector. Drop them at the source; ERROR and up still reach the collectors.
    level = logging.getLevelNamesMapping().get(str(settings["LOG_LEVEL"]).upper(), 0)
    loggers = [logging.root, logging.getLogger("scrapy")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(min(level, logging.ERROR))
    if on_progress is not None:
        from twisted.internet import task

        def tick() -> None:
            for crawler, row in rows:
                _snapshot(crawler, row)
            on_progress([row for _, row in rows])

        loop = task.LoopingCall(tick)
        loop.start(0.5, now=True)
    try:
        process.start()
    finally:
        shutdown_pool()  # the reactor's shutdown did it already, unless start() failed
        for logger, before in zip(loggers, levels, strict=True):
            logger.setLevel(before)
    _expire_past_deadlines(db_url)
    for crawler, row in rows:
        _snapshot(crawler, row)
    if on_progress is not None:
        on_progress([row for _, row in rows])
    logging.getLogger(__name__).debug("crawl finished: %s", rows)
    return [row.run_id for _, row in rows if row.run_id is not None]
