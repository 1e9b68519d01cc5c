"""Routes of the later kinds: the Ashby, SmartRecruiters and Workday APIs of their
employers, and the keyed USAJOBS and CareerOneStop searches over the whole market.

Paths and queries are the real services' (see ``urls.py``); each API also gets the pages
its URLs point people to. The searches choose postings with ``search.py``, as the truth does.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING

from majobs.demoboard import (
    credentials,
    render_more_ats,
    render_public_apis,
    render_site,
    render_workday,
    search,
    urls,
)
from majobs.demoboard.model import FEDERAL_CHANNEL, Employer, Posting
from majobs.demoboard.responses import HTML, NOT_FOUND, TEXT, Response, json_response

if TYPE_CHECKING:
    from majobs.demoboard.routes import Routes

REFUSED = Response(401, TEXT, b"unauthorized: missing or invalid credentials\n")
USAJOBS_PAGE_DEFAULT, USAJOBS_PAGE_MAX = 250, 500
C1S_PAGE_MAX = 500
C1S_QUERY = ("enableJobDescriptionSnippet",)


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        return default


def _hosted(routes: Routes, emp: Employer, p: Posting, *extra: str) -> None:
    path = urls.primary_path(emp, p)
    routes._static(path, functools.partial(render_site.hosted_page, emp, p), HTML, warm=False)
    for suffix in extra:
        routes._static(path + suffix, functools.partial(render_site.hosted_page, emp, p, True),
                       HTML, warm=False)


# ---- per employer ---------------------------------------------------------------------------
def employer_routes(routes: Routes, emp: Employer, own: list[Posting]) -> list[str]:
    """Add an employer's API routes; returns the entry points for the front page."""
    if emp.channel == "ashby":
        return _ashby(routes, emp, own)
    if emp.channel == "smartrecruiters":
        return _smartrecruiters(routes, emp, own)
    if emp.channel == "workday":
        return _workday(routes, emp, own)
    if emp.channel == FEDERAL_CHANNEL:        # found through the USAJOBS search
        for p in own:
            _hosted(routes, emp, p)
    return []


def _ashby(routes: Routes, emp: Employer, own: list[Posting]) -> list[str]:
    api, base = urls.ashby_api_path(emp), routes.base

    def board(q: Mapping[str, str]) -> Response:
        pay = q.get("includeCompensation", "").lower() == "true"
        return json_response(render_more_ats.ashby_board(base, emp, own, pay))

    routes._add(api, board, "includeCompensation", warm=False)
    routes._warm_request(api, includeCompensation="true")
    for p in own:
        _hosted(routes, emp, p, "/application")
    return [f"{api}?includeCompensation=true"]


def _smartrecruiters(routes: Routes, emp: Employer, own: list[Posting]) -> list[str]:
    api, base = urls.sr_api_path(emp), routes.base

    def listing(q: Mapping[str, str]) -> Response:
        offset = max(0, _int(q.get("offset"), 0))
        limit = _int(q.get("limit"), render_more_ats.SR_PAGE_DEFAULT)
        return json_response(render_more_ats.sr_page(base, emp, own, offset, limit))

    routes._add(api, listing, "limit", "offset", warm=False)
    for offset in range(0, max(len(own), 1), render_more_ats.SR_PAGE_MAX):
        routes._warm_request(api, limit=render_more_ats.SR_PAGE_MAX, offset=offset)
    for p in own:
        detail = f"{api}/{urls.sr_id(p)}"
        routes._add(detail, lambda _q, p=p: json_response(
            render_more_ats.sr_detail(base, emp, p)), warm=False)
        routes._warm_request(detail)
        _hosted(routes, emp, p)
    return [f"{api}?limit={render_more_ats.SR_PAGE_MAX}&offset=0"]


def _workday(routes: Routes, emp: Employer, own: list[Posting]) -> list[str]:
    api, base, today = urls.workday_api_base(emp), routes.base, routes.market.today

    def jobs(q: Mapping[str, str]) -> Response:
        if "_bad" in q:
            return Response(400, TEXT, b"request body must be a JSON object\n")
        status, body = render_workday.search(emp, own, dict(q), today)
        return json_response(body, status)

    routes._add(api + "/jobs", jobs, "appliedFacets", "limit", "offset", "searchText",
                warm=False, method="POST")
    for offset in range(0, max(len(own), 1), render_workday.PAGE_MAX):
        routes._warm_request(api + "/jobs", appliedFacets="{}", limit=render_workday.PAGE_MAX,
                             offset=offset, searchText="")
    for p in own:
        detail = api + urls.workday_path(emp, p)
        routes._add(detail, lambda _q, p=p: json_response(
            render_workday.detail(base, emp, p, today)), warm=False)
        routes._warm_request(detail)
        _hosted(routes, emp, p, "/apply")
    return []


# ---- market-wide searches -------------------------------------------------------------------
def search_routes(routes: Routes) -> None:
    _usajobs(routes)
    _careeronestop(routes)


def _usajobs_guard(headers: Mapping[str, str]) -> Response | None:
    ok = (headers.get("authorization-key") == credentials.USAJOBS_KEY
          and headers.get("user-agent") == credentials.USAJOBS_EMAIL)
    return None if ok else REFUSED


def _usajobs(routes: Routes) -> None:
    m, base = routes.market, routes.base
    va = m.va_employers()
    federal = [(m.employer_of(p), p) for p in m.postings
               if m.employer_of(p).channel == FEDERAL_CHANNEL]

    def search_jobs(q: Mapping[str, str]) -> Response:
        place = q.get("LocationName", "")
        center = search.place_point(place)
        radius = _int(q.get("Radius"), 25)
        per_page = min(max(_int(q.get("ResultsPerPage"), USAJOBS_PAGE_DEFAULT), 1),
                       USAJOBS_PAGE_MAX)
        page = max(_int(q.get("Page"), 1), 1)
        found = [] if place and center is None else [
            (emp, p) for emp, p in federal
            if search.near(center, radius, emp.clinics[p.clinic].city)
            and search.keyword_matches(q.get("Keyword", ""), search.posting_text(emp, p))]
        return json_response(render_public_apis.usajobs_page(base, found, page, per_page,
                                                             radial=bool(place)))

    routes._add(urls.USAJOBS_SEARCH, search_jobs, "Keyword", "LocationName", "Radius",
                "ResultsPerPage", "Page", warm=False, guard=_usajobs_guard)
    for emp in va:
        routes._warm_request(urls.USAJOBS_SEARCH, Keyword=search.DEMO_KEYWORD,
                             LocationName=search.metro_place(emp.metro),
                             Radius=search.SEARCH_RADIUS, ResultsPerPage=USAJOBS_PAGE_MAX,
                             Page=1)


def _c1s_guard(headers: Mapping[str, str]) -> Response | None:
    ok = headers.get("authorization") == f"Bearer {credentials.CAREERONESTOP_TOKEN}"
    return None if ok else REFUSED


def c1s_search_path(keyword: str, location: str, radius: int, start: int = 0,
                    size: int = 100, days: int = 0) -> str:
    """The search's path after ``/v2/jobsearch/`` (decoded, as the server sees it)."""
    return "/".join(map(str, (credentials.CAREERONESTOP_USERID, keyword, location, radius,
                              0, 0, start, size, days)))


def _careeronestop(routes: Routes) -> None:
    m, base = routes.market, routes.base
    listed = [(m.employer_of(p), p) for p in m.postings
              if p.in_c1s and m.employer_of(p).channel != FEDERAL_CHANNEL]

    def jobs(q: Mapping[str, str]) -> Response:
        parts = q.get("_path", "").split("/")
        if len(parts) < 9 or not all(parts[:3]):
            return NOT_FOUND
        user, keyword, location = parts[:3]
        if user != credentials.CAREERONESTOP_USERID:
            return REFUSED
        radius, start, size, days = (_int(parts[i], d) for i, d in ((3, 25), (6, 0), (7, 10),
                                                                    (8, 0)))
        center = search.place_point(location)
        found = [] if center is None else [
            (emp, p) for emp, p in listed
            if search.near(center, radius, emp.clinics[p.clinic].city)
            and (days <= 0 or (m.today - p.posted.date()).days <= days)
            and search.c1s_lists(keyword, emp, p)]
        snippet = q.get("enableJobDescriptionSnippet", "").lower() == "true"
        return json_response(render_public_apis.c1s_page(
            base, found, max(start, 0), min(max(size, 1), C1S_PAGE_MAX), keyword, location,
            radius, snippet))

    routes._add(urls.C1S_SEARCH, jobs, *C1S_QUERY, warm=False, guard=_c1s_guard, prefix=True)
    for metro in m.c1s_metros():
        for keyword in (search.DEMO_KEYWORD, search.MA_ONET_CODE):
            rest = c1s_search_path(keyword, search.metro_center(metro), search.SEARCH_RADIUS)
            routes._warm_request(urls.C1S_SEARCH + rest, enableJobDescriptionSnippet="true",
                                 _path=rest)
    for emp, p in listed:
        routes._static(urls.c1s_job_path(p), functools.partial(
            render_public_apis.nlx_page, base, emp, p), HTML, warm=False)
