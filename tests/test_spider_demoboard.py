"""All four spiders against the bundled demo board: every published posting is found.

The demo board knows where it published each posting (``Market.truth``), so this checks
the spiders end to end (APIs, career sites with pagination and sitemaps, the feed)
without the pipeline: item counts per source and every URL a posting was published at.
"""

from __future__ import annotations

import collections
from collections.abc import Iterator
from typing import Any

import pytest
from spider_harness import run_spiders

from majobs.demoboard import DEMO_CREDENTIALS
from majobs.demoboard.generator import generate_market
from majobs.demoboard.server import DemoBoardServer


@pytest.fixture(scope="module")
def demo() -> Iterator[dict[str, Any]]:
    market = generate_market(200, seed=7)
    server = DemoBoardServer(market).start()
    try:
        base = f"http://127.0.0.1:{server.port}"
        sources = market.sources(base)
        with pytest.MonkeyPatch.context() as env:      # USAJOBS, CareerOneStop keys
            for name, value in DEMO_CREDENTIALS.items():
                env.setenv(name, value)
            runs = run_spiders([(entry, {}) for entry in sources])
        yield {"runs": runs, "truth": market.truth(base), "sources": sources,
               "statuses": dict(server.counts)}
    finally:
        server.stop()


def test_every_source_finishes_cleanly(demo: dict[str, Any]) -> None:
    kinds = {entry["kind"] for entry in demo["sources"]}
    assert kinds == {"greenhouse", "lever", "jsonld", "feed", "ashby", "smartrecruiters",
                     "workday", "usajobs", "careeronestop"}
    for name, run in demo["runs"].items():
        assert run.stats["finish_reason"] == "finished", name
        assert run.errors() == {}, name
    assert set(demo["statuses"]) == {200}


def test_items_per_source_match_what_the_board_published(demo: dict[str, Any]) -> None:
    expected = collections.Counter(s for posting in demo["truth"] for s in posting.sources)
    found = collections.Counter({name: len(run.items) for name, run in demo["runs"].items()})
    assert found == expected


def test_every_published_url_is_found(demo: dict[str, Any]) -> None:
    found = {item["url"] for run in demo["runs"].values() for item in run.items}
    published = {url for posting in demo["truth"] for url in posting.urls}
    assert published - found == set()


def test_core_fields_are_always_mapped(demo: dict[str, Any]) -> None:
    items = [item for run in demo["runs"].values() for item in run.items]
    for key in ("title", "url", "employer", "locations_raw",
                "date_posted_raw", "external_id", "crawled_at"):
        assert all(item[key] not in (None, "", []) for item in items), key
    # USAJOBS and CareerOneStop give plain text only
    assert all(item.get("description_html") or item.get("description_text") for item in items)
