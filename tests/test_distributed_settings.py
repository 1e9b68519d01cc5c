"""A worker's Scrapy settings and the database identity it checks (pure, no servers)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from majobs.crawl.distributed import CrawlMeta, SourceEntry, database_identity, worker_settings
from majobs.sources import SourceConfig

SOURCES = [SourceEntry(SourceConfig(name="valley-health", kind="greenhouse", board="v"), 3, 41),
           SourceEntry(SourceConfig(name="metro-feed", kind="feed", url="http://h/f.xml"), 4, 42)]


def meta(deadline: float | None, crawl: dict | None = None) -> CrawlMeta:
    return CrawlMeta("20250302T060000-abcdef", "running", "sqlite:////tmp/x.db",
                     crawl or {"concurrent_requests_per_domain": 2, "batch_size": 50},
                     deadline, SOURCES)


def settings_for(crawl_meta: CrawlMeta, config: dict | None = None) -> dict:
    return worker_settings("sqlite:////tmp/x.db", "redis://r:6379/1", crawl_meta, "majobs-x",
                           "host-1-ab", 12.0, 0.5, config)


def test_the_crawls_own_crawl_table_and_this_workers_credentials() -> None:
    config = {"crawl": {"concurrent_requests_per_domain": 16, "batch_size": 500},
              "usajobs": {"key": "k-123", "email": "ops@example.org"}}
    settings = settings_for(meta(None), config)
    assert settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == 2, "the crawl's politeness wins"
    assert settings["MAJOBS_BATCH_SIZE"] == 50
    assert (settings["MAJOBS_USAJOBS_KEY"], settings["MAJOBS_USAJOBS_EMAIL"]) == (
        "k-123", "ops@example.org")


def test_the_shared_queue_filter_and_runs_plug_in() -> None:
    settings = settings_for(meta(None))
    pipelines = settings["ITEM_PIPELINES"]
    assert "majobs.pipeline.StorePipeline" not in pipelines
    assert pipelines["majobs.crawl.redis_pipeline.DistributedStorePipeline"] == max(
        pipelines.values()), "storing stays the last stage"
    assert settings["SCHEDULER"] == "majobs.crawl.redis_scheduler.LeasedScheduler"
    assert settings["DUPEFILTER_CLASS"] == "scrapy_redis.dupefilter.RFPDupeFilter"
    assert settings["SCHEDULER_PERSIST"] is True
    assert "majobs.crawl.redis_scheduler.StartFromQueue" in settings["SPIDER_MIDDLEWARES"]
    assert settings["MAJOBS_CRAWL_RUNS"] == {"valley-health": [3, 41], "metro-feed": [4, 42]}
    assert (settings["REDIS_URL"], settings["MAJOBS_REDIS_PREFIX"], settings["MAJOBS_WORKER_ID"],
            settings["MAJOBS_LEASE_TIMEOUT"], settings["MAJOBS_POLL_SECONDS"]) == (
        "redis://r:6379/1", "majobs-x", "host-1-ab", 12.0, 0.5)


@pytest.mark.parametrize(("seconds_left", "timeout"), [
    (None, 0),          # no time limit
    (-30, 1),           # past the deadline: stop at once
    (600.4, 600),
])
def test_the_crawls_deadline_is_every_workers_time_limit(seconds_left, timeout) -> None:
    deadline = None if seconds_left is None else time.time() + seconds_left
    assert settings_for(meta(deadline))["CLOSESPIDER_TIMEOUT"] in (timeout, timeout - 1)


@pytest.mark.parametrize(("a", "b", "same"), [
    ("postgresql+psycopg://u:secret@db:5432/majobs", "postgres://u:other@db:5432/majobs", True),
    ("postgresql+psycopg://u@db:5432/majobs", "postgresql+psycopg://u@db:5432/majobs_test",
     False),
    ("postgresql+psycopg://u@db/majobs", "postgresql+psycopg://u@replica/majobs", False),
    ("sqlite:///majobs.db", f"sqlite:///{Path('majobs.db').resolve()}", True),
    ("sqlite:///a/majobs.db", "sqlite:///b/majobs.db", False),
])
def test_database_identity(a, b, same) -> None:
    assert (database_identity(a) == database_identity(b)) == same
    assert "secret" not in database_identity(a)
