"""Workday career sites through their own JSON API ("cxs"): search pages, then details.

``source.url`` is the career site (``https://askbio.wd12.myworkdayjobs.com/AskBio``):
the tenant is the first host label, the site the first path segment after an optional
locale (``/en-US/``). Searches POST ``{origin}/wday/cxs/{tenant}/{site}/jobs`` in pages
of 20; Workday reports ``total`` on the first page only and caps it at 2,000, so a
bigger site is searched again per facet value (locations first), recursively.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote, urlsplit

import scrapy
from scrapy.http import JsonRequest, Response

from majobs.items import JobPostingItem
from majobs.spiders.base import SourceSpider
from majobs.spiders.values import as_list, dicts, dig, integer, passable, text, unique

Facets = dict[str, list[str]]  # appliedFacets: facet parameter -> value ids

PAGE_SIZE = 20     # the most the API returns per page
TOTAL_CAP = 2000   # Workday never reports more; a search this big is split by facets
LOCALE = re.compile(r"^[a-z]{2}(?:-[a-z]{2,4})?$", re.I)
COUNTED_PLACES = re.compile(r"^\s*\d+\s+locations?\s*$", re.I)  # "2 Locations": not a place


def career_site(url: str) -> tuple[str, str, str] | None:
    """(origin, tenant, site) of a career site URL; None when it names no site."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    segments = [s for s in parts.path.split("/") if s]
    if segments and LOCALE.match(segments[0]):
        segments = segments[1:]
    if not host or not segments:
        return None
    return f"{parts.scheme}://{parts.netloc}", host.split(".")[0], segments[0]


class WorkdaySpider(SourceSpider):
    name = "workday"
    # Facet splits and their pages chain requests deeper than career-site crawls go.
    custom_settings = {"DEPTH_LIMIT": 0}

    def __init__(self, source: Any, **kw: Any) -> None:
        super().__init__(source, **kw)
        self.api_base = self.site_url = self.tenant = ""
        self.seen_paths: set[str] = set()

    async def start(self) -> AsyncIterator[Any]:
        site = career_site(self.source.url or "")
        if site is None:
            self.count_error("bad_source", f"{self.source.url!r} names no Workday career site")
            return
        origin, self.tenant, name = site
        self.site_url = f"{origin}/{name}"  # where people read postings: never api_url
        self.api_base = (f"{self.source.origin(origin)}/wday/cxs/"
                         f"{quote(self.tenant, safe='')}/{quote(name, safe='')}")
        yield self.search_request({}, 0)

    def search_request(self, facets: Facets, offset: int) -> JsonRequest:
        body = {"appliedFacets": facets, "limit": PAGE_SIZE, "offset": offset, "searchText": ""}
        return JsonRequest(f"{self.api_base}/jobs", data=body, callback=self.parse,
                           errback=self.refused, cb_kwargs={"facets": facets, "offset": offset})

    def parse(self, response: Response, facets: Facets, offset: int = 0) -> Iterator[Any]:
        found = self.json_records(response, "jobPostings")
        if found is None:
            return
        data, postings = found
        for posting in postings:
            path = text(posting.get("externalPath")) if isinstance(posting, dict) else None
            if not path:
                self.count_error("bad_record", f"{response.url}: a posting without externalPath")
            elif path not in self.seen_paths:  # split searches overlap (multi-place jobs)
                self.seen_paths.add(path)
                yield scrapy.Request(self.api_base + path, callback=self.parse_detail,
                                     errback=self.refused, cb_kwargs={"listed": posting})
        total = integer(data.get("total"))
        if offset or not postings or total is None:
            return  # later pages report total 0: the first page's total rules
        if total >= TOTAL_CAP:
            searches = split_search(facets, data.get("facets"))
            if searches:
                self.count("majobs/workday/split_searches", len(searches))
                for narrower in searches:
                    yield self.search_request(narrower, 0)
                return
            self.count_error("total_capped", f"{response.url} {facets}: {total} postings "
                             "reported and no facet left to split by; some may be missed")
        for nxt in self.more_pages(total, PAGE_SIZE):
            yield self.search_request(facets, nxt)

    def parse_detail(self, response: Response, listed: dict[str, Any]) -> Iterator[Any]:
        data = self.json_body(response)
        info = dig(data, "jobPostingInfo")
        if data is not None and not isinstance(info, dict):
            self.count_error("bad_payload", f"{response.url}: no 'jobPostingInfo' object")
        merged = {**listed, **info} if isinstance(info, dict) else dict(listed)
        merged["hiringOrganization"] = dig(data, "hiringOrganization")
        yield from self.map_records([merged], self.posting_item)

    def posting_item(self, p: dict[str, Any]) -> JobPostingItem:
        path = text(p.get("externalPath")) or ""
        more = map(text, as_list(p.get("additionalLocations")))
        places = unique([text(p.get("location")), *more])
        if not places and not COUNTED_PLACES.match(text(p.get("locationsText")) or "1 location"):
            places = [text(p.get("locationsText"))]
        remote = p.get("remoteType")
        return self.new_item(
            external_id=text(p.get("jobReqId")) or text(p.get("id")) or path or None,
            url=text(p.get("externalUrl")) or f"{self.site_url}{path}",
            title=text(p.get("title")),
            employer=self.source.employer or text(dig(p, "hiringOrganization", "name"))
            or self.tenant,
            description_html=text(p.get("jobDescription")),
            locations_raw=places,
            remote_raw=passable(remote) if isinstance(remote, str | bool) else None,
            employment_type_raw=text(p.get("timeType")),
            # startDate is the day the posting went up; postedOn only says "Posted 30+ Days Ago".
            date_posted_raw=text(p.get("startDate")) or text(p.get("postedOn")),
            valid_through_raw=text(p.get("endDate")),
        )


def facet_counts(raw: Any, depth: int = 0) -> dict[str, list[tuple[str, int]]]:
    """Facet parameter -> [(value id, postings)], groups (``locationMainGroup``) walked."""
    out: dict[str, list[tuple[str, int]]] = {}
    for facet in dicts(raw):
        values = dicts(facet.get("values"))
        groups = [v for v in values if "facetParameter" in v]
        if groups and depth < 3:
            for param, found in facet_counts(groups, depth + 1).items():
                out.setdefault(param, []).extend(found)
        leaves = [(vid, n) for v in values
                  if (vid := text(v.get("id"))) and isinstance(n := v.get("count"), int) and n > 0]
        param = text(facet.get("facetParameter"))
        if param and leaves:
            out.setdefault(param, []).extend(leaves)
    return out


def split_search(applied: Facets, raw_facets: Any) -> list[Facets]:
    """Narrower searches that together reach every posting of ``applied``; [] if none.

    The facet whose values hold the most postings between them covers the most (a
    facet some postings lack would miss them); among equals, the finest split wins.
    """
    candidates = [(param, values) for param, values in facet_counts(raw_facets).items()
                  if param not in applied and len(values) > 1]
    if not candidates:
        return []
    param, values = max(candidates, key=lambda c: (sum(n for _, n in c[1]),
                                                   -max(n for _, n in c[1])))
    return [{**applied, param: [vid]} for vid in unique(vid for vid, _ in values)]
