"""Employer career sites carrying schema.org JobPosting (JSON-LD or microdata).

Starts from listing pages (following links on the same site, pagination included) and/or
sitemaps (sitemap indexes too). Never leaves the hosts of its start URLs; bounded by
DEPTH_LIMIT and by ``max_pages`` (source) or ``MAJOBS_MAX_PAGES`` (setting).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from lxml import etree
from scrapy.http import HtmlResponse, Response, XmlResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap
from w3lib.url import canonicalize_url, url_query_cleaner

from majobs.spiders.base import SourceSpider
from majobs.spiders.structured_data import posting_fields, read_page

DEFAULT_MAX_PAGES = 500
# Tracking parameters never change a page; dropping them saves fetching it twice.
TRACKING_PARAMS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content",
                   "gclid", "fbclid", "mc_cid", "mc_eid")
CANONICAL = '//link[contains(concat(" ", normalize-space(@rel), " "), " canonical ")]/@href'


def site_host(url: str) -> str:
    """The host a URL belongs to, "www." ignored; "" for non-http(s) URLs."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:  # e.g. a broken IPv6 literal
        return ""
    return host.removeprefix("www.") if parts.scheme in ("http", "https") else ""


class JsonLdSpider(SourceSpider):
    name = "jsonld"

    def __init__(self, source: Any, **kw: Any) -> None:
        super().__init__(source, **kw)
        urls = (*self.source.start_urls, *self.source.sitemap_urls)
        self.hosts = {h for u in urls if (h := site_host(u))}
        # Scrapy's OffsiteMiddleware also drops redirects to other hosts.
        self.allowed_domains = sorted(self.hosts)
        self.links = LinkExtractor()
        self.pages_left = 0
        self.max_pages = 0
        self.requested: set[str] = set()  # nav links repeat on every page: spend budget once
        self.yielded: set[tuple[str | None, ...]] = set()

    async def start(self) -> AsyncIterator[Any]:
        self.max_pages = self.source.max_pages or self.settings.getint(
            "MAJOBS_MAX_PAGES", DEFAULT_MAX_PAGES)
        self.pages_left = self.max_pages
        for url in self.source.sitemap_urls:
            yield scrapy.Request(url, callback=self.parse_sitemap)
        for url in self.source.start_urls:
            if request := self.page_request(url, follow=True):
                yield request

    def on_site(self, url: str) -> bool:
        return site_host(url) in self.hosts

    def page_request(self, url: str, follow: bool) -> scrapy.Request | None:
        """A request for a page not asked for yet, within the page budget; else None."""
        try:
            url = url_query_cleaner(url, TRACKING_PARAMS, remove=True, keep_fragments=True)
            key = canonicalize_url(url)
        except ValueError:
            return None
        if key in self.requested:
            return None
        if self.pages_left <= 0:
            if self.pages_left == 0:  # report once: the crawl is knowingly incomplete
                self.count_error("page_limit_reached", f"stopped at {self.max_pages} pages; "
                                 "raise max_pages to crawl the rest")
                self.pages_left = -1
            return None
        self.requested.add(key)
        self.pages_left -= 1
        return scrapy.Request(url, callback=self.parse_page, cb_kwargs={"follow": follow})

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        body = response.body
        try:
            if gzip_magic_number(response):
                body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
            sitemap = Sitemap(body)
            entries = list(sitemap)
        except (etree.LxmlError, StopIteration, ValueError, OSError, EOFError) as exc:
            self.count_error("bad_sitemap", f"{response.url}: {type(exc).__name__}: {exc}")
            return
        if sitemap.type not in ("sitemapindex", "urlset"):
            self.count_error("bad_sitemap", f"{response.url}: root element {sitemap.type!r}")
            return
        for loc in (e.get("loc") for e in entries):
            url = response.urljoin(loc) if loc else ""
            if not self.on_site(url):
                self.count("majobs/jsonld/offsite_links_skipped")
            elif sitemap.type == "sitemapindex":
                yield scrapy.Request(url, callback=self.parse_sitemap)
            elif request := self.page_request(url, follow=False):
                yield request

    def parse_page(self, response: Response, follow: bool = True) -> Iterator[Any]:
        if not isinstance(response, HtmlResponse | XmlResponse):
            return  # an image, a PDF or JSON linked from the site
        page = read_page(response.text, response.url)
        for reason, detail in page.problems:
            self.count_error(reason, detail)
        if page.lenient:
            self.count("majobs/jsonld/lenient_pages")
        # The page's own address for postings that do not state theirs.
        page_url = response.urljoin(response.xpath(CANONICAL).get() or response.url)
        for node in page.postings:
            fields = posting_fields(node, page, page_url)
            fields["url"] = response.urljoin(fields["url"])
            fields["employer"] = self.source.employer or fields["employer"]
            key = (fields["url"], fields["title"], fields["external_id"])
            if key in self.yielded:  # the same page reached by two links
                self.count("majobs/jsonld/repeated_postings")
                continue
            self.yielded.add(key)
            yield self.new_item(**{k: v for k, v in fields.items() if v is not None})
        if not follow:
            return
        for link in self.links.extract_links(response):
            if not self.on_site(link.url):
                self.count("majobs/jsonld/offsite_links_skipped")
            elif request := self.page_request(link.url, follow=True):
                yield request
