"""RSS 2.0 and Atom job feeds, parsed with feedparser after a safety check.

A feed that declares a DOCTYPE or entities is refused before any parser sees it: that is
how billion-laughs and external-entity attacks arrive, and feedparser keeps "safe"
entity declarations and expands them. Job feeds have no need for either.
"""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator, Iterator
from functools import partial
from typing import Any
from xml.etree.ElementTree import ParseError

import feedparser
import scrapy
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring
from scrapy.http import Response

from majobs.items import JobPostingItem
from majobs.spiders.base import SourceSpider
from majobs.spiders.values import text, unique

DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)
# Non-standard elements some job feeds use for the place (WeWorkRemotely: <region>).
LOCATION_KEYS = ("location", "job_location", "region", "job_region")
EMPLOYMENT_WORDS = re.compile(
    r"full[\s_-]?time|part[\s_-]?time|per[\s_-]?diem|\bprn\b|contract|temporary|seasonal", re.I)
# "Company: Job title" (WeWorkRemotely); used only when every title in the feed has it.
EMPLOYER_PREFIX = re.compile(r"^\s*([^:]{1,80}?):\s+(\S.*)$", re.S)


def unsafe_reason(body: bytes) -> str | None:
    """Why ``body`` must not be parsed (DOCTYPE/entity declarations), or None."""
    try:
        defused_fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        return f"{type(exc).__name__}: the feed declares a DOCTYPE or entities"
    except ParseError:
        # Malformed XML: feedparser's lenient parser may still read it, so look for
        # declarations in the raw bytes too (NULs removed for UTF-16/32 bodies).
        if DECLARATION.search(body) or DECLARATION.search(body.replace(b"\x00", b"")):
            return "a DOCTYPE or ENTITY declaration in malformed XML"
    return None


class FeedSpider(SourceSpider):
    name = "feed"

    async def start(self) -> AsyncIterator[Any]:
        yield scrapy.Request(self.source.url or "", callback=self.parse)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[JobPostingItem]:
        reason = unsafe_reason(response.body)
        if reason:
            self.count_error("unsafe_feed", f"{response.url}: refused: {reason}")
            return
        headers = {"content-location": response.url,
                   "content-type": response.headers.get("Content-Type", b"").decode("latin-1")}
        # A stream, never bytes or str: feedparser opens a str as a URL or file name.
        feed = feedparser.parse(io.BytesIO(response.body), response_headers=headers,
                                sanitize_html=False, resolve_relative_uris=True)
        entries = [e for e in feed.entries if isinstance(e, dict)]
        if not entries and feed.bozo and not feed.get("version"):
            self.count_error("bad_feed", f"{response.url}: {feed.get('bozo_exception')}")
            return
        if feed.bozo:  # often harmless (an undeclared &nbsp;); may mean a cut-off feed
            self.count("majobs/feed/malformed")
            self.logger.warning("malformed feed %s: %s", response.url, feed.get("bozo_exception"))
        titles = [text(e.get("title")) or "" for e in entries]
        split = self.source.employer is None and bool(titles) and all(
            EMPLOYER_PREFIX.match(t) for t in titles)
        yield from self.map_records(entries, partial(self.entry_item, split_employer=split))

    def entry_item(self, entry: dict[str, Any], split_employer: bool) -> JobPostingItem:
        title, employer = text(entry.get("title")), self.source.employer
        if split_employer and title and (m := EMPLOYER_PREFIX.match(title)):
            employer, title = m.group(1), m.group(2)
        terms = [t for tag in entry.get("tags") or [] if (t := text(tag.get("term")))]
        kinds = [t for t in terms if EMPLOYMENT_WORDS.search(t)]
        author = entry.get("author_detail") or {}
        return self.new_item(
            external_id=text(entry.get("id")) or text(entry.get("link")),
            url=text(entry.get("link")),
            title=title,
            employer=employer,
            description_html=_body(entry),
            locations_raw=unique(text(entry.get(k)) for k in LOCATION_KEYS),
            date_posted_raw=text(entry.get("published")) or text(entry.get("updated")),
            employment_type_raw=kinds[0] if len(kinds) == 1 else (kinds or None),
            department=text(author.get("name"))
            or next((t for t in terms if t not in kinds), None),
        )


def _body(entry: dict[str, Any]) -> str | None:
    """The richest non-empty body: Atom content / RSS content:encoded, then summary."""
    for content in entry.get("content") or []:
        if (value := text(content.get("value"))) and value.strip():
            return value
    return text(entry.get("summary"))
