"""The pipeline's pure stages: normalize, classify, tag. Functions of one item, nothing else.

Each takes a :class:`JobPostingItem` and returns it with its fields filled. They read no
crawler, no stats and no database, so they run the same in the crawl's process or in a
worker process (``majobs.crawl.workers``); the Scrapy side (drops, stats) stays in
``majobs.pipeline``. Nothing here imports Scrapy or SQLAlchemy: a worker loads only this.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from majobs import dedup
from majobs.classify import classify
from majobs.items import JobPostingItem
from majobs.normalize.dates import parse_date, parse_datetime
from majobs.normalize.employment import resolve_employment_type
from majobs.normalize.geocode import lookup_zip
from majobs.normalize.html import clean_description, clean_text
from majobs.normalize.location import parse_locations
from majobs.normalize.pay import parse_pay
from majobs.taxonomy import get_tagger
from majobs.taxonomy.requirements import cert_requirements

REMOTE_WORDS = ("remote", "telecommute", "work from home", "telehealth", "virtual")


def _remote(raw: Any, locations: list, title: str) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and any(w in raw.lower() for w in REMOTE_WORDS):
        return True
    if locations and all(loc.remote for loc in locations):
        return True
    return "remote" in title.lower()


def normalize_item(item: JobPostingItem) -> JobPostingItem:
    """Raw fields -> clean values: text, places, pay, dates, employment type, URLs, hash."""
    now = item.crawled_at or datetime.now(UTC)
    item.employer = clean_text(item.employer)
    item.safe_html, item.text = clean_description(item.description_html)
    if not item.text and item.description_text:
        item.safe_html, item.text = clean_description(item.description_text)
    item.canonical_url = dedup.canonical_url(item.url)
    item.urls = [item.canonical_url]
    item.locations = parse_locations(list(item.locations_raw or []))
    item.remote = _remote(item.remote_raw, item.locations, item.title or "")
    item.employment_type = resolve_employment_type(
        item.employment_type_raw, item.title, item.text)
    item.pay = parse_pay(item.pay_raw, item.text)
    item.date_posted = parse_date(item.date_posted_raw, now)
    item.valid_through = parse_datetime(item.valid_through_raw, now)
    item.content_hash = dedup.content_hash(item)
    return item


def classify_item(item: JobPostingItem) -> JobPostingItem:
    """Is it really an MA job? The verdict, its confidence and the rule that decided."""
    verdict = classify(item.title, item.text, item.employer)
    item.is_ma, item.ma_confidence, item.ma_rule = verdict.is_ma, verdict.confidence, verdict.rule
    return item


def tag_item(item: JobPostingItem) -> JobPostingItem:
    """Taxonomy tags, and the certifications the posting requires or prefers."""
    item.tags = get_tagger().tag(f"{item.title}\n{item.text}")
    req = cert_requirements(item.text)
    item.required_certifications = list(req.required)
    item.preferred_certifications = [c for c in req.preferred if c not in req.required]
    return item


STAGES: dict[str, Callable[[JobPostingItem], JobPostingItem]] = {
    "normalize": normalize_item,
    "classify": classify_item,
    "tag": tag_item,
}


def run_stage(name: str, item: JobPostingItem) -> JobPostingItem:
    """The stage called ``name`` on ``item`` (what a worker process is sent)."""
    return STAGES[name](item)


def warm_up() -> None:
    """Load what the stages build on first use (tagger regex, ZIP index, date parser), so
    the first items of a crawl do not wait for it; one sample item through every stage."""
    lookup_zip("78701")
    sample = JobPostingItem(
        source="warm-up", url="https://example.org/jobs/1", title="Medical Assistant",
        employer="Example Clinic", locations_raw=["Austin, TX 78701"],
        description_html="<p>Requirements: CCMA required; BLS preferred. $18 - $22 per hour."
                         "</p>", date_posted_raw="2 days ago", employment_type_raw="FULL_TIME",
        crawled_at=datetime(2025, 1, 1, tzinfo=UTC))
    for stage in STAGES.values():
        sample = stage(sample)
