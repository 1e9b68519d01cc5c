"""Ashby public job board API: one request returns every listed job, pay included."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote

import scrapy
from scrapy.http import Response

from majobs.items import JobPostingItem
from majobs.spiders.base import SourceSpider
from majobs.spiders.values import dicts, passable, text

ORIGIN = "https://api.ashbyhq.com"
QUERY = "includeCompensation=true"


class AshbySpider(SourceSpider):
    name = "ashby"

    def api_url(self) -> str:
        board = quote(self.source.board or "", safe="")
        return f"{self.source.origin(ORIGIN)}/posting-api/job-board/{board}?{QUERY}"

    async def start(self) -> AsyncIterator[Any]:
        yield scrapy.Request(self.api_url(), callback=self.parse, errback=self.refused)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[JobPostingItem]:
        found = self.json_records(response, "jobs")
        if found is None:
            return
        jobs = found[1]
        # Unlisted jobs are reachable by link only: the employer does not advertise them.
        listed = [j for j in jobs if not (isinstance(j, dict) and j.get("isListed") is False)]
        self.count("majobs/ashby/unlisted_skipped", len(jobs) - len(listed))
        yield from self.map_records(listed, self.job_item)

    def job_item(self, job: dict[str, Any]) -> JobPostingItem:
        # Each place as Ashby writes it: {"location": text, "address": {"postalAddress": ...}}.
        primary = {"location": job.get("location"), "address": job.get("address")}
        places = [p for p in (primary, *dicts(job.get("secondaryLocations"))) if passable(p)
                  and (text(p.get("location")) or isinstance(p.get("address"), dict))]
        workplace = text(job.get("workplaceType"))
        remote = job.get("isRemote")
        return self.new_item(
            external_id=text(job.get("id")),
            url=text(job.get("jobUrl")),
            apply_url=text(job.get("applyUrl")),
            title=text(job.get("title")),
            employer=self.source.employer or self.source.board,
            description_html=text(job.get("descriptionHtml")),
            description_text=text(job.get("descriptionPlain")),
            locations_raw=places,
            # workplaceType says Hybrid where isRemote says true: the enum is the precise one.
            remote_raw=workplace or (remote if isinstance(remote, bool) else None),
            employment_type_raw=text(job.get("employmentType")),
            pay_raw=passable(job.get("compensation")) if isinstance(job.get("compensation"), dict)
            else None,
            date_posted_raw=text(job.get("publishedAt")),
            department=text(job.get("department")) or text(job.get("team")),
        )
