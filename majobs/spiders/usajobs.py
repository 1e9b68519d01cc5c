"""USAJOBS Search API: federal job announcements, 500 a page, behind a free API key.

The key and the registered e-mail come from the spider arguments, the Scrapy settings
or the environment (``MAJOBS_USAJOBS_KEY``, ``MAJOBS_USAJOBS_EMAIL``), never from the
sources file. Without them the source fails with a clear error; other sources go on.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlencode

import scrapy
from scrapy.http import Response

from majobs.items import JobPostingItem
from majobs.spiders.base import SourceSpider
from majobs.spiders.values import as_list, dicts, dig, first_text, integer, passable, text, unique

ORIGIN = "https://data.usajobs.gov"
HOST = "data.usajobs.gov"
PAGE_SIZE = 500  # the API's maximum
MISSING = "usajobs: set MAJOBS_USAJOBS_KEY and MAJOBS_USAJOBS_EMAIL"


class UsajobsSpider(SourceSpider):
    name = "usajobs"
    refused_hint = "usajobs: check MAJOBS_USAJOBS_KEY and MAJOBS_USAJOBS_EMAIL"

    def __init__(self, source: Any, api_key: str | None = None, email: str | None = None,
                 **kw: Any) -> None:
        super().__init__(source, **kw)
        self.api_key, self.email = api_key, email

    def page_request(self, page: int) -> scrapy.Request:
        query: dict[str, Any] = {"Keyword": self.source.keyword or ""}
        if self.source.location:
            query["LocationName"] = self.source.location
            if self.source.radius_miles:
                query["Radius"] = round(self.source.radius_miles)
        query.update(ResultsPerPage=PAGE_SIZE, Page=page)
        headers = {"User-Agent": self.email, "Authorization-Key": self.api_key,
                   "Accept": "application/json"}
        if self.source.api_url is None:  # the API asks for it; a local replay has its own
            headers["Host"] = HOST
        url = f"{self.source.origin(ORIGIN)}/api/Search?{urlencode(query)}"
        # No redirects: Scrapy drops "Authorization" on a cross-site redirect, not this key.
        return scrapy.Request(url, headers=headers, callback=self.parse, errback=self.refused,
                              cb_kwargs={"page": page}, meta={"dont_redirect": True})

    async def start(self) -> AsyncIterator[Any]:
        self.api_key = self.secret(self.api_key, "MAJOBS_USAJOBS_KEY")
        self.email = self.secret(self.email, "MAJOBS_USAJOBS_EMAIL")
        if not (self.api_key and self.email):
            self.count_error("missing_credentials", MISSING)
            return
        yield self.page_request(1)

    def parse(self, response: Response, page: int = 1, **kwargs: Any) -> Iterator[Any]:
        data = self.json_body(response)
        if data is None:
            return
        result = dig(data, "SearchResult")
        items = dig(result, "SearchResultItems")
        if not isinstance(items, list):
            self.count_error("bad_payload", f"{response.url}: no SearchResult.SearchResultItems")
            return
        yield from self.map_records(items, self.result_item)
        if page == 1 and items:
            pages = integer(dig(result, "UserArea", "NumberOfPages"))
            if pages is None and len(items) >= PAGE_SIZE:  # no page count: guess from totals
                total = integer(dig(result, "SearchResultCountAll")) or 0
                pages = -(-total // PAGE_SIZE)
            for offset in self.more_pages(pages or 1, 1):
                yield self.page_request(offset + 1)

    def result_item(self, record: dict[str, Any]) -> JobPostingItem | None:
        d = record.get("MatchedObjectDescriptor")
        if not isinstance(d, dict):
            raise ValueError("no MatchedObjectDescriptor")
        details = dig(d, "UserArea", "Details")
        duties = map(text, as_list(dig(details, "MajorDuties")))
        qualifications = text(d.get("QualificationSummary")) or text(
            dig(details, "QualificationSummary"))
        summary = [text(dig(details, "JobSummary")), *duties, qualifications]
        schedules = unique(text(s.get("Name")) for s in dicts(d.get("PositionSchedule")))
        remote = dig(details, "RemoteIndicator")
        return self.new_item(
            external_id=text(record.get("MatchedObjectId")) or text(d.get("PositionID")),
            url=text(d.get("PositionURI")),
            apply_url=first_text(d.get("ApplyURI")),
            title=text(d.get("PositionTitle")),
            employer=self.source.employer or text(d.get("OrganizationName"))
            or text(d.get("DepartmentName")),
            department=text(d.get("DepartmentName")),
            description_text="\n\n".join(t for t in unique(summary) if t.strip()) or None,
            locations_raw=[p for p in dicts(d.get("PositionLocation")) if passable(p)]
            or unique([text(d.get("PositionLocationDisplay"))]),
            remote_raw=remote if isinstance(remote, bool) else None,
            employment_type_raw=schedules or None,
            pay_raw=passable(d.get("PositionRemuneration")),
            date_posted_raw=text(d.get("PublicationStartDate")) or text(d.get("PositionStartDate")),
            valid_through_raw=text(d.get("ApplicationCloseDate")) or text(d.get("PositionEndDate")),
        )

