"""Spider middleware: free a response's parsed tree once its callback is done with it.

``response.css()`` / ``.xpath()`` cache a Selector on the response, and the Selector points
back at the response: a reference cycle, so the response, its body and its lxml tree wait
for a full garbage collection instead of going when Scrapy lets go of them. A crawl
collects rarely (``runner.crawl_gc``), so at 5,000 postings ~2,000 dead pages piled up
(~75 MB of peak memory). Breaking the cycle after the callback's last output lets
reference counting free them at once; a later ``response.selector`` would parse again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from scrapy.crawler import Crawler
from scrapy.http import Response


def _release(response: Response) -> None:
    # Scrapy's TextResponse keeps the Selector in this slot (no public way to drop it).
    if getattr(response, "_cached_selector", None) is not None:
        response._cached_selector = None  # type: ignore[attr-defined]


class ReleaseParsedResponses:
    """Last spider middleware (lowest order): sees the output after every other one."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReleaseParsedResponses:
        return cls()

    def process_spider_output(self, response: Response, result: Iterable[Any]
                              ) -> Iterator[Any]:
        yield from result
        _release(response)

    async def process_spider_output_async(self, response: Response,
                                          result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for output in result:
            yield output
        _release(response)
