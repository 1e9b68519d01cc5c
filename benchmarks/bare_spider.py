"""The baseline of benchmarks/crawl.py: a bare Scrapy spider that only downloads pages.

Run as a child process: ``python benchmarks/bare_spider.py URLS_FILE SETTINGS_JSON``. It
requests every URL in the file (one per line) with the same Scrapy settings as the real
crawl, and keeps nothing: no parsing, no items, no pipeline, no database.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace

import scrapy
from scrapy.crawler import CrawlerProcess


class BareSpider(scrapy.Spider):
    name = "bare"
    # The same local demo board as the real crawl: the address guard lets it through.
    source = SimpleNamespace(allow_local=True)

    def __init__(self, urls: list[str], **kw: object) -> None:
        super().__init__(**kw)
        self.urls = urls

    async def start(self):
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse, dont_filter=True)

    def parse(self, response: scrapy.http.Response) -> None:
        return None


def main() -> None:
    urls = Path(sys.argv[1]).read_text().split()
    settings = json.loads(sys.argv[2])
    settings["ITEM_PIPELINES"] = {}
    settings["EXTENSIONS"] = {}
    process = CrawlerProcess(settings)
    process.crawl(BareSpider, urls=urls)
    process.start()


if __name__ == "__main__":
    main()
