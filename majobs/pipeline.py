"""Scrapy item pipelines, in order: validate -> normalize -> classify -> tag -> dedup -> store.

Each class holds one concern and is built by ``from_crawler``. The cleaning itself lives in
pure functions (``majobs.crawl.item_stages`` over ``majobs.normalize``, ``majobs.classify``,
``majobs.taxonomy``, ``majobs.dedup``); SQL lives in ``majobs.db``. A dropped item is
counted by reason in the crawl stats (``majobs/dropped/<reason>``) and ends up in the crawl
run row.

Normalize, classify and tag are most of a crawl's CPU: they run in worker processes
(``majobs.crawl.workers``; setting ``MAJOBS_PIPELINE_WORKERS``, ``[crawl]
pipeline_workers``: default one per core but one, 0 = in this process). Drops and stats
stay here, in the crawl's process.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.asyncio import is_asyncio_available

from majobs import dedup
from majobs.crawl import workers
from majobs.crawl.errorlog import ErrorCollector
from majobs.crawl.outcome import assess_run
from majobs.db import store
from majobs.db.engine import default_url, make_engine, session_factory
from majobs.items import JobPostingItem
from majobs.normalize.html import clean_text

ITEM_PIPELINES = {
    "majobs.pipeline.ValidatePipeline": 100,
    "majobs.pipeline.NormalizePipeline": 200,
    "majobs.pipeline.ClassifyPipeline": 300,
    "majobs.pipeline.TagPipeline": 400,
    "majobs.pipeline.DedupPipeline": 500,
    "majobs.pipeline.StorePipeline": 600,
}


class _Stage:
    """Common plumbing: keep the crawler, count drops by reason."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> _Stage:
        return cls(crawler)

    def drop(self, reason: str, message: str) -> DropItem:
        self.stats.inc_value(f"majobs/dropped/{reason}")
        return DropItem(f"{reason}: {message}")


class ValidatePipeline(_Stage):
    """Drop what cannot be a posting: no title, no URL, a URL that is not http(s)."""

    def process_item(self, item: JobPostingItem) -> JobPostingItem:
        title = clean_text(item.title) if isinstance(item.title, str) else None
        if not title:
            raise self.drop("no_title", repr(item.url))
        url = item.url.strip() if isinstance(item.url, str) else ""
        if not url:
            raise self.drop("no_url", repr(title))
        if urlsplit(url).scheme not in ("http", "https"):
            raise self.drop("bad_url", url[:200])
        item.title, item.url = title, url
        return item


def _stage_workers(crawler: Crawler) -> workers.StageWorkers | None:
    """This process's worker pool, or None: stages in-process (setting 0, or nothing to
    await a worker's answer on: a non-asyncio reactor, or none yet)."""
    count = workers.worker_count(crawler.settings.get("MAJOBS_PIPELINE_WORKERS"))
    if count == 0:
        return None
    try:
        if not is_asyncio_available():
            return None
    except RuntimeError:  # no reactor installed and no running loop
        return None
    timeout = crawler.settings.getfloat("MAJOBS_PIPELINE_STAGE_TIMEOUT", workers.DEFAULT_TIMEOUT)
    return workers.shared_pool(count, timeout)


class _PureStage(_Stage):
    """A stage whose work is a pure function of the item (``item_stages.STAGES[name]``),
    run in a worker process when there is a pool; ``settle`` is the part that stays here."""

    name: str

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.pool = _stage_workers(crawler)   # started now: it warms up while we download

    async def process_item(self, item: JobPostingItem) -> JobPostingItem:
        if self.pool is None:
            item = workers.run_inline(self.name, item)
        else:
            try:
                item = await self.pool.run(self.name, item)
            except workers.StageTimeout as exc:
                raise self.drop("stage_timeout", str(exc)) from None
            finally:
                if self.pool.broken is not None:  # each crawler's stats say it ran without
                    self.stats.set_value("majobs/pipeline/pool_stopped", self.pool.broken)
        self.settle(item)
        return item

    def settle(self, item: JobPostingItem) -> None:
        """Bookkeeping in the crawl's process once the stage has run."""


class NormalizePipeline(_PureStage):
    """Raw fields -> clean values: text, places, pay, dates, employment type, URLs, hash."""

    name = "normalize"


class ClassifyPipeline(_PureStage):
    """Is it really an MA job? Non-MA postings are kept, marked, for admins to review."""

    name = "classify"

    def settle(self, item: JobPostingItem) -> None:
        if item.is_ma:
            self.stats.inc_value("majobs/ma_items")


class TagPipeline(_PureStage):
    """Taxonomy tags and required/preferred certifications."""

    name = "tag"


class DedupPipeline(_Stage):
    """Within one crawl, one item per source key; the key for cross-source near-duplicates.

    Duplicates across sources and crawls are merged by the store against the database.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.seen: set[str] = set()

    def process_item(self, item: JobPostingItem) -> JobPostingItem:
        key = item.external_id or item.canonical_url or ""
        if key in self.seen:
            raise self.drop("duplicate_in_crawl", key[:200])
        self.seen.add(key)
        item.dedup_key = dedup.dedup_key(
            item.employer, item.title, item.locations[0] if item.locations else None)
        return item


class StorePipeline(_Stage):
    """Batched upserts into the database, one crawl run row per source.

    The run is closed in the ``spider_closed`` handler, the only place that knows why the
    crawl ended; only a complete, successful run expires what it did not see.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        self.db_url: str = settings.get("MAJOBS_DATABASE_URL") or default_url()
        self.batch_size = settings.getint("MAJOBS_BATCH_SIZE", 200)
        self.buffer: list[JobPostingItem] = []
        self.counts: dict[str, int] = {"items": 0, "new": 0, "updated": 0, "unchanged": 0}
        self.source_id: int | None = None
        self.run_id: int | None = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    def open_spider(self) -> None:
        self.source = self.crawler.spider.source
        self.Session = session_factory(shared_engine(self.db_url))
        with self.Session.begin() as session:
            self.source_id = store.ensure_source(session, self.source)
            self.run_id = store.start_run(session, self.source_id)
        self.stats.set_value("majobs/run_id", self.run_id)

    def process_item(self, item: JobPostingItem) -> JobPostingItem:
        self.buffer.append(item)
        if len(self.buffer) >= self.batch_size:
            self.flush()
        return item

    def close_spider(self) -> None:
        self.flush()

    def flush(self) -> None:
        batch, self.buffer = self.buffer, []
        if not batch:
            return
        try:
            with self.Session.begin() as session:
                result = store.upsert_postings(
                    session, self.source_id, self.run_id, batch, datetime.now(UTC))
        except Exception as exc:  # the database refused the batch: nothing half-written
            self.stats.inc_value("majobs/errors/store", len(batch))
            self.crawler.spider.logger.error("store failed for %d items: %s", len(batch), exc)
            return
        self.counts["items"] += len(batch)
        for key in ("new", "updated", "unchanged"):
            self.counts[key] += getattr(result, key)

    def spider_closed(self, spider: object, reason: str) -> None:
        if self.run_id is None:
            return
        stats = self.stats.get_stats()
        collector = self.crawler.extensions.middlewares
        lines = next((ext.lines for ext in collector if isinstance(ext, ErrorCollector)), [])
        verdict = assess_run(stats, reason, self.counts["items"], lines)
        counts: dict[str, Any] = dict(self.counts)
        counts["pages"] = stats.get("response_received_count", 0)
        counts["ma_items"] = stats.get("majobs/ma_items", 0)
        counts["dropped"] = {k.removeprefix("majobs/dropped/"): v for k, v in stats.items()
                             if k.startswith("majobs/dropped/")}
        counts["errors"] = len(verdict.problems)
        counts["expired"] = 0
        now = datetime.now(UTC)
        with self.Session.begin() as session:
            if verdict.complete:
                counts["expired"] = store.expire_missing(session, self.source_id, self.run_id, now)
            store.finish_run(session, self.run_id, verdict.outcome, verdict.complete, counts,
                             verdict.error)
        self.stats.set_value("majobs/outcome", verdict.outcome)


_ENGINES: dict[str, Any] = {}


def shared_engine(url: str) -> Any:
    """One engine per database URL per process (several crawlers share it)."""
    if url not in _ENGINES:
        _ENGINES[url] = make_engine(url)
    return _ENGINES[url]
