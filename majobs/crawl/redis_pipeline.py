"""The store pipeline of a worker: same batched upserts, the crawl's shared run rows.

A local crawl opens one run row per source and closes it when its spider closes. In a
distributed crawl the run rows were opened when the crawl was queued (one per source,
shared by every worker), each worker adds its counts to the source's sums in Redis as
it releases leases, and the run row is closed once, by whoever sees the source done
(``redis_finish.finish_source``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import Engine, text

from majobs.crawl.redis_finish import finish_source
from majobs.crawl.redis_scheduler import LeasedScheduler, ledger_for
from majobs.db.engine import session_factory
from majobs.db.rows import make_entry
from majobs.items import JobPostingItem
from majobs.pipeline import StorePipeline, shared_engine

# Session-level advisory locks, taken in one order (sorted hashes) so writers never wait
# on each other in a cycle.
_LOCK_KEYS = text(
    "SELECT pg_advisory_lock(h) FROM (SELECT DISTINCT hashtextextended(k, 0) AS h "
    "FROM unnest(CAST(:keys AS text[])) AS k ORDER BY h) AS ordered")


@contextmanager
def posting_key_locks(engine: Engine, items: Sequence[JobPostingItem]) -> Iterator[None]:
    """PostgreSQL: while a batch is stored, hold locks on its canonical URLs and dedup
    keys, so two workers storing one posting seen at two sources take turns.

    The store finds a posting of *another* source by these keys, which no unique
    constraint covers: two writers inserting it at once would both miss the other's
    uncommitted row and create two postings. Stopgap until ``store.upsert_postings``
    takes such locks itself (transaction-scoped); SQLite writers are serialized anyway
    (BEGIN IMMEDIATE)."""
    if engine.dialect.name != "postgresql" or not items:
        yield
        return
    keys: set[str] = set()
    for i, item in enumerate(items):
        entry = make_entry(i, item)
        if entry is not None:
            keys.update(k for k in (entry.canonical_url, entry.values["dedup_key"]) if k)
    with engine.connect() as conn:
        conn.execute(_LOCK_KEYS, {"keys": sorted(keys)})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock_all()"))
            conn.commit()


class DistributedStorePipeline(StorePipeline):
    """Settings: ``MAJOBS_CRAWL_RUNS`` {source name: [source id, run id]}."""

    def open_spider(self) -> None:
        self.source = self.crawler.spider.source
        self.Session = session_factory(shared_engine(self.db_url))
        runs = self.crawler.settings.getdict("MAJOBS_CRAWL_RUNS")
        self.source_id, self.run_id = (int(x) for x in runs[self.source.name])
        self.stats.set_value("majobs/run_id", self.run_id)
        self.ledger = ledger_for(self.crawler)
        self.ledger.store = self

    def flush(self) -> None:
        # Requests the engine is done with have their items in this batch (or stored
        # before): once it is committed, their leases can go.
        finished = self.ledger.take_finished()
        with posting_key_locks(shared_engine(self.db_url), self.buffer):
            super().flush()
        self.ledger.release(finished)

    def spider_closed(self, spider: object, reason: str) -> None:
        if self.run_id is None or self.source_id is None:
            return
        scheduler = self.crawler.engine.scheduler
        if not isinstance(scheduler, LeasedScheduler):
            return  # the spider closed before the engine had a scheduler
        outcome = finish_source(scheduler.server, scheduler.keys, self.source.name,
                                self.Session, self.source_id, self.run_id, reason)
        if outcome is not None:
            self.stats.set_value("majobs/outcome", outcome)
