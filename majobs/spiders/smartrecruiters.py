"""SmartRecruiters Posting API: listing pages of 100 by offset, then one detail per posting.

The listing has no description; the detail's ``jobAd.sections`` does. A detail that is
not JSON still yields the posting from its listing entry (and counts the error).
"""

from __future__ import annotations

import html
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote

import scrapy
from scrapy.http import Response

from majobs.items import JobPostingItem
from majobs.spiders.base import SourceSpider
from majobs.spiders.values import dig, integer, passable, text

ORIGIN = "https://api.smartrecruiters.com"
PAGE_SIZE = 100  # the API's maximum
SECTIONS = ("companyDescription", "jobDescription", "qualifications", "additionalInformation")


class SmartRecruitersSpider(SourceSpider):
    name = "smartrecruiters"

    def __init__(self, source: Any, **kw: Any) -> None:
        super().__init__(source, **kw)
        self.seen_ids: set[str] = set()

    def postings_url(self, suffix: str = "") -> str:
        company = quote(self.source.board or "", safe="")
        return f"{self.source.origin(ORIGIN)}/v1/companies/{company}/postings{suffix}"

    def page_request(self, offset: int) -> scrapy.Request:
        return scrapy.Request(self.postings_url(f"?limit={PAGE_SIZE}&offset={offset}"),
                              callback=self.parse, errback=self.refused,
                              cb_kwargs={"offset": offset})

    async def start(self) -> AsyncIterator[Any]:
        yield self.page_request(0)

    def parse(self, response: Response, offset: int = 0, **kwargs: Any) -> Iterator[Any]:
        found = self.json_records(response, "content")
        if found is None:
            return
        data, content = found
        for posting in content:
            pid = text(posting.get("id")) if isinstance(posting, dict) else None
            if not pid:
                self.count_error("bad_record", f"{response.url}: a posting without an id")
            elif pid not in self.seen_ids:  # offsets shift while postings come and go
                self.seen_ids.add(pid)
                yield scrapy.Request(self.postings_url(f"/{quote(pid, safe='')}"),
                                     callback=self.parse_detail, errback=self.refused,
                                     cb_kwargs={"listed": posting})
        total = integer(data.get("totalFound"))
        if offset == 0 and content and total:
            for nxt in self.more_pages(total, PAGE_SIZE):
                yield self.page_request(nxt)

    def parse_detail(self, response: Response, listed: dict[str, Any]) -> Iterator[Any]:
        detail = self.json_body(response)
        merged = {**listed, **detail} if isinstance(detail, dict) else listed
        yield from self.map_records([merged], self.posting_item)

    def posting_item(self, p: dict[str, Any]) -> JobPostingItem:
        pid = text(p.get("id")) or ""
        company = p.get("company") if isinstance(p.get("company"), dict) else {}
        slug = text(company.get("identifier")) or self.source.board or ""
        location = p.get("location")
        remote = dig(location, "remote")
        return self.new_item(
            external_id=pid,
            url=text(p.get("postingUrl"))
            or f"https://jobs.smartrecruiters.com/{quote(slug, safe='')}/{quote(pid, safe='')}",
            apply_url=text(p.get("applyUrl")),
            title=text(p.get("name")),
            employer=self.source.employer or text(company.get("name")) or self.source.board,
            description_html=_sections_html(dig(p, "jobAd", "sections")),
            locations_raw=[location] if isinstance(location, dict) and passable(location) else [],
            remote_raw=remote if isinstance(remote, bool) else None,
            employment_type_raw=passable(p.get("typeOfEmployment")),
            date_posted_raw=text(p.get("releasedDate")),
            department=text(dig(p, "department", "label")),
        )


def _sections_html(sections: Any) -> str | None:
    """The ad's text sections in reading order, each under its own heading."""
    parts = []
    for key in SECTIONS:
        body = text(dig(sections, key, "text"))
        if body and body.strip():
            title = text(dig(sections, key, "title"))
            parts.append((f"<h3>{html.escape(title)}</h3>" if title else "") + body)
    return "".join(parts) or None
