"""CareerOneStop "List Jobs V2" (US Department of Labor, National Labor Exchange postings).

Two searches around ``source.location`` (``radius_miles``, default 25): the source's
keyword and the MA O*NET code 31-9092.00, which finds postings coded as MA whatever their
title says; a posting found by both is yielded once. The API token and user id come from
the spider arguments, the Scrapy settings or the environment
(``MAJOBS_CAREERONESTOP_TOKEN``, ``MAJOBS_CAREERONESTOP_USERID``), never the sources file.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote

import scrapy
from scrapy.http import Response

from majobs.items import JobPostingItem
from majobs.spiders.base import SourceSpider
from majobs.spiders.values import integer, text, unique

ORIGIN = "https://api.careeronestop.org"
MA_ONET_CODE = "31-9092.00"
PAGE_SIZE = 100
DEFAULT_RADIUS = 25
# Relevance order; days=0 lists postings of any age, so an open posting never ages out
# of the crawl (and gets expired) while the source still lists it.
SORT_COLUMNS, SORT_ORDER, DAYS = "0", "0", "0"
QUERY = "showFilters=false&enableJobDescriptionSnippet=true&enableMetaData=false"
MISSING = "careeronestop: set MAJOBS_CAREERONESTOP_TOKEN and MAJOBS_CAREERONESTOP_USERID"
COUNT_KEYS = ("JobCount", "Jobcount", "RecordCount")
DATE_KEYS = ("AccquisitionDate", "AcquisitionDate", "DatePosted")  # the API's own spelling first


class CareerOneStopSpider(SourceSpider):
    name = "careeronestop"
    refused_hint = "careeronestop: check MAJOBS_CAREERONESTOP_TOKEN and MAJOBS_CAREERONESTOP_USERID"

    def __init__(self, source: Any, token: str | None = None, user_id: str | None = None,
                 **kw: Any) -> None:
        super().__init__(source, **kw)
        self.token, self.user_id = token, user_id
        self.seen_ids: set[str] = set()

    def search_request(self, keyword: str, start: int) -> scrapy.Request:
        location = self.source.location or "US"
        radius = round(self.source.radius_miles or DEFAULT_RADIUS) if self.source.location else 0
        segments = (self.user_id, keyword, location, radius, SORT_COLUMNS, SORT_ORDER, start,
                    PAGE_SIZE, DAYS)
        path = "/".join(quote(str(s), safe="") for s in segments)
        return scrapy.Request(
            f"{self.source.origin(ORIGIN)}/v2/jobsearch/{path}?{QUERY}",
            headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"},
            callback=self.parse, errback=self.refused,
            cb_kwargs={"keyword": keyword, "start": start})

    async def start(self) -> AsyncIterator[Any]:
        self.token = self.secret(self.token, "MAJOBS_CAREERONESTOP_TOKEN")
        self.user_id = self.secret(self.user_id, "MAJOBS_CAREERONESTOP_USERID")
        if not (self.token and self.user_id):
            self.count_error("missing_credentials", MISSING)
            return
        for keyword in unique([self.source.keyword, MA_ONET_CODE]):
            yield self.search_request(keyword, 0)

    def parse(self, response: Response, keyword: str, start: int = 0) -> Iterator[Any]:
        data = self.json_body(response)
        if data is None:
            return
        jobs = data.get("Jobs") if isinstance(data, dict) else None
        if jobs is None and isinstance(data, dict) and any(k in data for k in COUNT_KEYS):
            jobs = []  # no matches: some answers carry the count and no list
        if not isinstance(jobs, list):
            self.count_error("bad_payload", f"{response.url}: no 'Jobs' list")
            return
        fresh = []
        for job in jobs:
            jid = text(job.get("JvId")) if isinstance(job, dict) else None
            if jid and jid in self.seen_ids:
                continue  # found by the other search too
            if jid:
                self.seen_ids.add(jid)
            fresh.append(job)
        yield from self.map_records(fresh, self.job_item)
        total = next((n for k in COUNT_KEYS if (n := integer(data.get(k))) is not None), None)
        if start == 0 and jobs and total:
            for nxt in self.more_pages(total, PAGE_SIZE):
                yield self.search_request(keyword, nxt)

    def job_item(self, job: dict[str, Any]) -> JobPostingItem:
        return self.new_item(
            external_id=text(job.get("JvId")),
            url=text(job.get("URL")),
            title=text(job.get("JobTitle")),
            employer=self.source.employer or text(job.get("Company")),
            description_text=text(job.get("DescriptionSnippet")) or text(job.get("Description")),
            locations_raw=unique([text(job.get("Location"))]),
            date_posted_raw=next((t for k in DATE_KEYS if (t := text(job.get(k)))), None),
        )

