"""Item pipelines, each stage on its own from a real crawler (``get_crawler``), and the
worker-pool path against the in-process path: same items, a dead or stuck worker neither
hangs the crawl nor loses what it can still process."""

from __future__ import annotations

import asyncio
import copy
import inspect
import logging
import os
import signal
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from majobs.crawl import workers
from majobs.items import JobPostingItem
from majobs.pipeline import (
    ClassifyPipeline,
    DedupPipeline,
    NormalizePipeline,
    TagPipeline,
    ValidatePipeline,
)

STAGES = (ValidatePipeline, NormalizePipeline, ClassifyPipeline, TagPipeline, DedupPipeline)
CRAWLED = datetime(2025, 3, 4, 15, 0, tzinfo=UTC)

MA_HTML = (
    "&lt;h2&gt;About the role&lt;/h2&gt;&lt;p&gt;Lakeside Family Clinic is hiring a "
    "Medical Assistant to room patients, take vital signs and perform venipuncture."
    "&lt;/p&gt;&lt;h3&gt;Requirements&lt;/h3&gt;&lt;ul&gt;&lt;li&gt;Current CCMA or CMA "
    "(AAMA) certification required&lt;/li&gt;&lt;li&gt;BLS preferred&lt;/li&gt;&lt;/ul&gt;"
    "&lt;p&gt;Pay: $18.50 - $22.00 per hour.&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
)


def raw_item(n: int = 1, **kw: Any) -> JobPostingItem:
    """An item as a spider yields it: raw fields only."""
    fields: dict[str, Any] = {
        "source": "lakeside-careers",
        "url": f" https://careers.lakeside.example/jobs/{n}?utm_source=indeed&gh_src=x ",
        "title": "  Certified Medical Assistant - Family Medicine\n",
        "external_id": f"job-{n}",
        "employer": " Lakeside Family Clinic ",
        "description_html": MA_HTML,
        "locations_raw": ["Austin, TX 78701"],
        "employment_type_raw": "FULL_TIME",
        "date_posted_raw": "2025-03-01",
        "crawled_at": CRAWLED,
    }
    fields.update(kw)
    return JobPostingItem(**fields)


def crawler_with(workers_setting: int | None = 0, **settings: Any) -> Crawler:
    return get_crawler(settings_dict={"MAJOBS_PIPELINE_WORKERS": workers_setting, **settings})


async def through(stages: list[Any], item: JobPostingItem) -> JobPostingItem | str:
    """The item after every stage, or the drop message."""
    try:
        for stage in stages:
            result = stage.process_item(item)
            item = await result if inspect.isawaitable(result) else result
    except DropItem as exc:
        return f"dropped: {exc}"
    return item


def run_stages(crawler: Crawler, items: list[JobPostingItem],
               classes: tuple[type, ...] = STAGES) -> list[JobPostingItem | str]:
    """Items through fresh stages, side by side, on an asyncio loop (as in a crawl: the
    stages are built where a worker's answer can be awaited)."""
    async def run() -> list[JobPostingItem | str]:
        return await _all([cls.from_crawler(crawler) for cls in classes], items)

    return asyncio.run(run())


async def _all(stages: list[Any], items: list[JobPostingItem]) -> list[JobPostingItem | str]:
    return list(await asyncio.gather(*(through(stages, item) for item in items)))


# --- each stage --------------------------------------------------------------------------

@pytest.mark.parametrize("fields, reason", [
    ({"title": None}, "no_title"),
    ({"title": "   \n\t "}, "no_title"),
    ({"title": 42}, "no_title"),
    ({"title": ["Medical Assistant"]}, "no_title"),
    ({"url": None}, "no_url"),
    ({"url": "   "}, "no_url"),
    ({"url": "ftp://files.example.org/jobs/ma.txt"}, "bad_url"),
    ({"url": "javascript:apply('ma-12')"}, "bad_url"),
    ({"url": "/careers/jobs/12"}, "bad_url"),
])
def test_validate_drops_with_reason(fields: dict[str, Any], reason: str) -> None:
    crawler = crawler_with()
    stage = ValidatePipeline.from_crawler(crawler)
    with pytest.raises(DropItem, match=f"^{reason}: "):
        stage.process_item(raw_item(**fields))
    assert crawler.stats.get_stats() == {f"majobs/dropped/{reason}": 1}


def test_validate_keeps_a_posting_with_title_and_url_trimmed() -> None:
    crawler = crawler_with()
    item = ValidatePipeline.from_crawler(crawler).process_item(raw_item(7))
    assert item.title == "Certified Medical Assistant - Family Medicine"
    assert item.url == "https://careers.lakeside.example/jobs/7?utm_source=indeed&gh_src=x"
    assert not crawler.stats.get_stats()


def test_normalize_fills_the_clean_fields() -> None:
    [item] = run_stages(crawler_with(), [raw_item(3)], (ValidatePipeline, NormalizePipeline))
    assert isinstance(item, JobPostingItem)
    assert item.employer == "Lakeside Family Clinic"
    assert "room patients, take vital signs" in item.text
    assert "<" not in item.text and "alert(1)" not in item.safe_html
    assert item.canonical_url == "https://careers.lakeside.example/jobs/3"
    assert item.urls == [item.canonical_url]
    loc = item.locations[0]
    assert (loc.city, loc.state, loc.postal_code) == ("Austin", "TX", "78701")
    assert loc.lat is not None and loc.lon is not None
    assert item.pay is not None and (item.pay.min, item.pay.max, item.pay.period) == (
        18.5, 22.0, "hour")
    assert item.date_posted == date(2025, 3, 1)
    assert item.employment_type == "full_time"
    assert item.remote is False
    assert item.content_hash


@pytest.mark.parametrize("remote_raw, locations_raw, title, remote", [
    ("TELECOMMUTE", ["Austin, TX"], "Medical Assistant", True),
    (True, [], "Medical Assistant", True),
    (False, ["Remote"], "Remote Medical Assistant", False),   # the source's bool wins
    (None, ["Remote - US"], "Medical Assistant", True),
    (None, ["Austin, TX"], "Medical Assistant (Remote Scheduling)", True),
    ("hybrid", ["Austin, TX"], "Medical Assistant", False),
])
def test_normalize_remote(remote_raw: Any, locations_raw: list[str], title: str,
                          remote: bool) -> None:
    [item] = run_stages(crawler_with(), [raw_item(remote_raw=remote_raw,
                                                  locations_raw=locations_raw, title=title)],
                        (ValidatePipeline, NormalizePipeline))
    assert isinstance(item, JobPostingItem) and item.remote is remote


def test_normalize_survives_missing_and_odd_fields() -> None:
    odd = raw_item(description_html=None, description_text="Front desk\u2014scheduling only.",
                   locations_raw=None, employment_type_raw=["PER_DIEM", 3],
                   date_posted_raw="not a date", pay_raw={"value": "n/a"}, crawled_at=None)
    [item] = run_stages(crawler_with(), [odd], (ValidatePipeline, NormalizePipeline))
    assert isinstance(item, JobPostingItem)
    assert item.text == "Front desk\u2014scheduling only."
    assert item.locations == [] and item.date_posted is None and item.pay is None


@pytest.mark.parametrize("title, is_ma", [
    ("Certified Medical Assistant - Family Medicine", True),
    ("Certified Medication Aide (CMA) - Memory Care", False),
    ("Veterinary Assistant", False),
])
def test_classify_marks_and_counts_ma_items(title: str, is_ma: bool) -> None:
    crawler = crawler_with()
    [item] = run_stages(crawler, [raw_item(title=title)],
                        (ValidatePipeline, NormalizePipeline, ClassifyPipeline))
    assert isinstance(item, JobPostingItem)
    assert item.is_ma is is_ma and item.ma_rule
    assert item.ma_confidence is not None and 0 <= item.ma_confidence <= 1
    assert crawler.stats.get_value("majobs/ma_items") == (1 if is_ma else None)


def test_tag_fills_tags_and_certification_requirements() -> None:
    [item] = run_stages(crawler_with(), [raw_item()],
                        (ValidatePipeline, NormalizePipeline, TagPipeline))
    assert isinstance(item, JobPostingItem)
    assert {"CCMA", "CMA", "BLS"} <= set(item.tags["certifications"])
    assert {"phlebotomy", "vital_signs"} <= set(item.tags["skills"])   # "venipuncture"
    assert "family_medicine" in item.tags["specializations"]           # from the title
    assert set(item.required_certifications) == {"CCMA", "CMA"}
    assert item.preferred_certifications == ["BLS"]


def test_dedup_drops_repeats_within_the_crawl_and_keys_the_rest() -> None:
    crawler = crawler_with()
    same_id = raw_item(1, url="https://careers.lakeside.example/jobs/1?ref=feed")
    same_url = raw_item(2, external_id=None, url="https://careers.lakeside.example/jobs/9")
    items = [raw_item(1), same_id, same_url,
             raw_item(3, external_id=None, url="https://careers.lakeside.example/jobs/9#x")]
    out = run_stages(crawler, items)
    kept = [i for i in out if isinstance(i, JobPostingItem)]
    assert [i.external_id for i in kept] == ["job-1", None]
    assert out[1] == "dropped: duplicate_in_crawl: job-1"
    assert out[3] == "dropped: duplicate_in_crawl: https://careers.lakeside.example/jobs/9"
    assert crawler.stats.get_value("majobs/dropped/duplicate_in_crawl") == 2
    assert all(i.dedup_key and "austin" in i.dedup_key for i in kept)


@pytest.mark.parametrize("value, count", [
    (None, workers.default_workers()), ("", workers.default_workers()),
    (0, 0), ("0", 0), (3, 3), ("2", 2),
])
def test_worker_count(value: Any, count: int) -> None:
    assert workers.worker_count(value) == count


@pytest.mark.parametrize("value", [-1, "two", 1.5j, [1]])
def test_worker_count_refuses(value: Any) -> None:
    with pytest.raises(ValueError, match="pipeline_workers"):
        workers.worker_count(value)


def test_inline_setting_starts_no_pool() -> None:
    run_stages(crawler_with(0), [raw_item()])
    assert workers.active_pool() is None


# --- worker processes --------------------------------------------------------------------

def varied_items() -> list[JobPostingItem]:
    """Raw items of every shape the spiders send, bad ones and duplicates included."""
    return [
        raw_item(1),
        raw_item(2, title="Medical Receptionist", description_html="<p>Answer phones.</p>",
                 pay_raw={"@type": "MonetaryAmount", "currency": "USD", "value": {
                     "@type": "QuantitativeValue", "minValue": 38000, "maxValue": 42000,
                     "unitText": "YEAR"}}),
        raw_item(3, title="Phlebotomist PRN", locations_raw=[{"@type": "Place", "address": {
            "addressLocality": "Round Rock", "addressRegion": "TX", "postalCode": "78664"}}],
                 employment_type_raw=["PER_DIEM"], remote_raw="onsite"),
        raw_item(4, title=None),
        raw_item(5, url="mailto:jobs@lakeside.example"),
        raw_item(1, url="https://careers.lakeside.example/jobs/1?source=sitemap"),
        raw_item(6, description_html="&amp;lt;p&amp;gt;Double-escaped &amp;amp; odd"
                 "\u00a0spaces\u2013and dashes&amp;lt;/p&amp;gt;", date_posted_raw=1740787200000),
        raw_item(7, title="MA – Dermatology (Mohs)", locations_raw=["Remote", "Seattle, WA"],
                 description_html="<p>MA-C required in Washington. EKG and injections.</p>"),
    ]


@pytest.fixture
def fresh_pool() -> Iterator[None]:
    workers.shutdown_pool()
    yield
    workers.shutdown_pool()


def test_pool_and_inline_give_the_same_items(fresh_pool: None) -> None:
    items = varied_items()
    inline_crawler, pool_crawler = crawler_with(0), crawler_with(1)
    inline = run_stages(inline_crawler, copy.deepcopy(items))
    pooled = run_stages(pool_crawler, copy.deepcopy(items))
    pool = workers.active_pool()
    assert pool is not None and pool.broken is None
    assert pooled == inline
    assert [i.split(":")[1].strip() for i in pooled if isinstance(i, str)] == [
        "no_title", "bad_url", "duplicate_in_crawl"]
    assert pool_crawler.stats.get_stats() == inline_crawler.stats.get_stats()


def test_a_dead_worker_is_reported_and_the_items_still_processed(
        fresh_pool: None, caplog: pytest.LogCaptureFixture) -> None:
    items = varied_items()
    inline = run_stages(crawler_with(0), copy.deepcopy(items))
    crawler = crawler_with(1)

    async def kill_then_process() -> list[JobPostingItem | str]:
        stages = [cls.from_crawler(crawler) for cls in STAGES]
        pool = workers.active_pool()
        assert pool is not None
        for pid in [await asyncio.wrap_future(f) for f in pool.started]:
            os.kill(pid, signal.SIGKILL)
        return await _all(stages, copy.deepcopy(items))

    with caplog.at_level(logging.ERROR, logger="majobs.crawl.workers"):
        out = asyncio.run(kill_then_process())
    assert out == inline
    pool = workers.active_pool()
    assert pool is not None and pool.broken and "worker process died" in pool.broken
    assert crawler.stats.get_value("majobs/pipeline/pool_stopped") == pool.broken
    assert [r.getMessage() for r in caplog.records].count(
        f"pipeline worker pool stopped: {pool.broken}; the stages run in the crawl's "
        "process from now on") == 1


def test_a_stuck_stage_drops_its_item_and_the_rest_run_in_process(fresh_pool: None) -> None:
    # A zero timeout: every answer comes too late, so the first item counts as stuck.
    crawler = crawler_with(1, MAJOBS_PIPELINE_STAGE_TIMEOUT=0)
    items = [raw_item(1), raw_item(2), raw_item(3)]
    out = run_stages(crawler, copy.deepcopy(items[:1]))
    assert out == ["dropped: stage_timeout: normalize over 0 s"]
    rest = run_stages(crawler, copy.deepcopy(items[1:]))
    assert rest == run_stages(crawler_with(0), copy.deepcopy(items[1:]))
    assert crawler.stats.get_value("majobs/dropped/stage_timeout") == 1
    assert "ran over 0 s" in crawler.stats.get_value("majobs/pipeline/pool_stopped")


def test_an_item_that_cannot_be_pickled_is_cleaned_in_process(fresh_pool: None) -> None:
    # A spider left an object in a raw field that cannot cross to a worker.
    odd = [raw_item(1, remote_raw=lambda: True), raw_item(2)]
    inline = run_stages(crawler_with(0), copy.deepcopy(odd))
    pooled = run_stages(crawler_with(1), copy.deepcopy(odd))
    pool = workers.active_pool()
    assert pool is not None and pool.broken is None
    assert pooled == inline and all(isinstance(i, JobPostingItem) for i in pooled)


def test_no_worker_can_start_stages_run_in_process(
        fresh_pool: None, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    def no_processes(*args: Any, **kwargs: Any) -> workers.StageWorkers:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(workers, "StageWorkers", no_processes)
    items = varied_items()
    with caplog.at_level(logging.ERROR, logger="majobs.crawl.workers"):
        pooled = run_stages(crawler_with(1), copy.deepcopy(items))
    assert pooled == run_stages(crawler_with(0), copy.deepcopy(items))
    assert workers.active_pool() is None
    assert len([r for r in caplog.records if "could not start" in r.getMessage()]) == 1
