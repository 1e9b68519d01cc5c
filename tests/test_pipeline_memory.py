"""What keeps a crawl's memory bounded: downloads wait while the stage workers are far
behind, and a page's parsed tree goes as soon as its callback is done with it."""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import weakref
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from scrapy.http import HtmlResponse, Request

from majobs.crawl import workers
from majobs.crawl.release import ReleaseParsedResponses
from majobs.items import JobPostingItem

PAGE = b"""<html><head><title>Careers - Lakeside Family Clinic</title></head><body>
<ul class="jobs">
  <li><a href="/jobs/101?utm_source=careers">Medical Assistant - Pediatrics</a></li>
  <li><a href="/jobs/102">Front Desk Medical Receptionist</a></li>
</ul></body></html>"""


def page() -> HtmlResponse:
    url = "http://127.0.0.1:8765/lakeside-family-clinic/careers/"
    return HtmlResponse(url, body=PAGE, encoding="utf-8", request=Request(url))


def callback(response: HtmlResponse) -> Iterator[Request]:
    for href in response.css("ul.jobs a::attr(href)").getall():
        yield response.follow(href)


async def async_callback(response: HtmlResponse) -> AsyncIterator[Request]:
    for request in callback(response):
        yield request


def test_release_keeps_the_output_and_drops_the_tree_after_the_last_one() -> None:
    response = page()
    out = ReleaseParsedResponses().process_spider_output(response, callback(response))
    first = next(out)
    assert response._cached_selector is not None   # the callback may still need it
    rest = list(out)
    assert [r.url for r in [first, *rest]] == [
        "http://127.0.0.1:8765/jobs/101?utm_source=careers", "http://127.0.0.1:8765/jobs/102"]
    assert response._cached_selector is None


def test_release_async_output() -> None:
    response = page()

    async def consume() -> list[Any]:
        middleware = ReleaseParsedResponses()
        return [r async for r in middleware.process_spider_output_async(
            response, async_callback(response))]

    assert len(asyncio.run(consume())) == 2
    assert response._cached_selector is None


def test_a_released_page_is_freed_without_a_garbage_collection() -> None:
    def crawl_one(release: bool) -> weakref.ref[HtmlResponse]:
        response = page()
        result = callback(response)
        if release:
            result = ReleaseParsedResponses().process_spider_output(response, result)
        list(result)
        return weakref.ref(response)

    gc.collect()
    gc.disable()
    try:
        kept, freed = crawl_one(release=False), crawl_one(release=True)
        assert kept() is not None, "the selector cycle keeps an unreleased page"
        assert freed() is None
    finally:
        gc.enable()
        gc.collect()


def test_release_leaves_non_text_responses_alone() -> None:
    from scrapy.http import Response

    response = Response("http://127.0.0.1:8765/logo.png", body=b"\x89PNG")
    out = list(ReleaseParsedResponses().process_spider_output(response, iter([1, 2])))
    assert out == [1, 2]


@pytest.fixture
def fresh_pool() -> Iterator[None]:
    workers.shutdown_pool()
    yield
    workers.shutdown_pool()


def item(n: int) -> JobPostingItem:
    return JobPostingItem(source="lakeside-careers", url=f"https://jobs.example.org/{n}",
                          title="Medical Assistant", description_html="<p>Vital signs.</p>")


def test_downloads_wait_while_the_workers_are_behind(fresh_pool: None) -> None:
    async def scenario() -> None:
        pool = workers.shared_pool(1)
        assert pool is not None
        [pid] = [await asyncio.wrap_future(f) for f in pool.started]
        pool.high_water = 2
        middleware = workers.PipelineBackpressure()
        request = Request("http://127.0.0.1:8765/lakeside-family-clinic/jobs/7")
        await middleware.process_request(request)          # nothing queued: no wait
        os.kill(pid, signal.SIGSTOP)                          # the worker falls behind
        try:
            runs = [asyncio.create_task(pool.run("normalize", item(n))) for n in range(3)]
            await asyncio.sleep(0)
            assert pool.in_flight == 3
            waiting = asyncio.create_task(middleware.process_request(request))
            await asyncio.sleep(0.05)
            assert not waiting.done()
        finally:
            os.kill(pid, signal.SIGCONT)
        done = await asyncio.gather(*runs)
        assert [d.canonical_url for d in done] == [f"https://jobs.example.org/{n}"
                                                   for n in range(3)]
        assert await waiting is None and pool.in_flight == 0

    asyncio.run(scenario())


def test_nothing_waits_once_the_pool_has_stopped(fresh_pool: None) -> None:
    async def scenario() -> None:
        pool = workers.shared_pool(1)
        assert pool is not None
        [pid] = [await asyncio.wrap_future(f) for f in pool.started]
        pool.high_water = 1
        os.kill(pid, signal.SIGSTOP)
        run = asyncio.create_task(pool.run("normalize", item(1)))
        await asyncio.sleep(0)
        waiting = asyncio.create_task(pool.room())
        await asyncio.sleep(0.05)
        assert not waiting.done()
        os.kill(pid, signal.SIGKILL)                          # dies while stopped
        assert (await run).canonical_url == "https://jobs.example.org/1"   # in-process
        await waiting
        assert pool.broken is not None

    asyncio.run(scenario())
