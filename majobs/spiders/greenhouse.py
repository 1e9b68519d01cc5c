"""Greenhouse job board API: one request returns every published job with its content."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote

import scrapy
from scrapy.http import Response

from majobs.items import JobPostingItem
from majobs.spiders.base import SourceSpider
from majobs.spiders.values import dicts, text, unique

ORIGIN = "https://boards-api.greenhouse.io"
# Custom metadata fields are free-form; these names carry employment type / pay hints.
EMPLOYMENT_FIELD = re.compile(r"employment|job type|commitment|schedule|shift type", re.I)
PAY_FIELD = re.compile(r"salary|pay|compensation|wage|rate", re.I)


class GreenhouseSpider(SourceSpider):
    name = "greenhouse"

    def api_url(self) -> str:
        board = quote(self.source.board or "", safe="")
        return f"{self.source.origin(ORIGIN)}/v1/boards/{board}/jobs?content=true"

    async def start(self) -> AsyncIterator[Any]:
        yield scrapy.Request(self.api_url(), callback=self.parse)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[JobPostingItem]:
        data = self.json_body(response)
        if data is None:
            return
        jobs = data.get("jobs") if isinstance(data, dict) else None
        if not isinstance(jobs, list):
            self.count_error("bad_payload", f"{response.url}: no 'jobs' list")
            return
        yield from self.map_records(jobs, self.job_item)

    def job_item(self, job: dict[str, Any]) -> JobPostingItem:
        employment, pay = _metadata_hints(job.get("metadata"))
        offices = [text(o.get("location")) for o in dicts(job.get("offices"))]
        location = job.get("location")
        return self.new_item(
            external_id=text(job.get("id")),
            url=text(job.get("absolute_url")),
            title=text(job.get("title")),
            employer=self.source.employer or text(job.get("company_name")) or self.source.board,
            description_html=text(job.get("content")),  # entity-escaped: the pipeline unescapes
            locations_raw=unique([text(location.get("name")) if isinstance(location, dict)
                                  else text(location), *offices]),
            date_posted_raw=text(job.get("first_published")) or text(job.get("updated_at")),
            valid_through_raw=text(job.get("application_deadline")),
            department=next((n for d in dicts(job.get("departments"))
                             if (n := text(d.get("name")))), None),
            employment_type_raw=employment,
            pay_raw=pay,
        )


def _metadata_hints(metadata: Any) -> tuple[Any, Any]:
    """(employment type, pay) from custom metadata fields; metadata may be null or a list."""
    employment: Any = None
    pay_parts: list[str] = []
    for field in dicts(metadata):
        name, value = text(field.get("name")) or "", field.get("value")
        if value in (None, "", []):
            continue
        if employment is None and EMPLOYMENT_FIELD.search(name):
            employment = value if isinstance(value, str | list) else text(value)
        elif PAY_FIELD.search(name):
            pay_parts.append(f"{name}: {_value_text(value)}")
    return employment, "; ".join(pay_parts) or None


def _value_text(value: Any) -> str:
    """Metadata values are text, lists, or currency objects ``{"amount", "unit"}``."""
    if isinstance(value, dict):
        return " ".join(t for k in ("amount", "unit") if (t := text(value.get(k))))
    if isinstance(value, list):
        return ", ".join(t for v in value if (t := text(v)))
    return text(value) or ""
