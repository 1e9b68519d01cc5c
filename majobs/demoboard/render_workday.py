"""Workday career-site API ("cxs") responses, shaped like the real ones.

See ``/work/shared/fixtures/real/workday``. The search (POST ``.../jobs`` with ``limit``,
``offset``, ``appliedFacets``, ``searchText``) answers ``total`` (on the first page only,
capped at 2,000), ``jobPostings`` with a relative ``externalPath``, a ``locationsText`` and a
relative ``postedOn`` ("Posted 3 Days Ago"), the req id only in ``bulletFields``, and
``facets`` nested as ``locationMainGroup`` -> ``locations``. The detail's
``jobPostingInfo`` has the description HTML, the place as a string, ``startDate`` (the day
the posting went up, absolute), ``timeType`` and an absolute ``externalUrl``;
``hiringOrganization.name`` may carry a company-code prefix ("1004 Valley Medical Center").

Dates: ``postedOn`` is relative to the market's ``today``, so a crawl on another day would
misread it; the detail's ``startDate`` is absolute, and the truth's ``date_posted`` is that
date (the spider reads ``startDate`` first).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import date
from typing import Any

from majobs.demoboard import urls
from majobs.demoboard.model import Employer, Posting
from majobs.demoboard.prose import body_html

PAGE_MAX = 20            # Workday refuses bigger pages
TOTAL_CAP = 2000         # the most it ever reports
TIME_TYPES = {"full_time": "Full time", "part_time": "Part time", "per_diem": "Part time",
              "contract": "Full time", "temporary": "Full time"}
COUNTRY = {"descriptor": "United States of America", "id": "bc33aa3152ec42d4995f4791a106ed09"}


def _hex(*parts: object) -> str:
    return hashlib.md5(":".join(map(str, parts)).encode()).hexdigest()


def place_text(emp: Employer, p: Posting) -> str:
    """The tenant's name for the clinic (one per location), spelled one of the ways real
    tenants spell them."""
    city = emp.clinics[p.clinic].city
    return (f"{city.name}, {city.state}", f"US-{city.state}-{city.name}",
            f"{city.name}, {city.state_name}",
            f"USA - {city.state_name} - {city.name}")[(emp.index + p.clinic) % 4]


def posted_on(p: Posting, today: date) -> str:
    days = (today - p.posted.date()).days
    if days <= 0:
        return "Posted Today"
    if days == 1:
        return "Posted Yesterday"
    return "Posted 30+ Days Ago" if days >= 30 else f"Posted {days} Days Ago"


def location_id(emp: Employer, p: Posting) -> str:
    return _hex("wd-location", emp.board, p.clinic)


def time_type_id(p: Posting) -> str:
    return _hex("wd-time", TIME_TYPES[p.employment_type])


def _matches(emp: Employer, p: Posting, facets: dict[str, Any], text: str) -> bool:
    wanted_places = facets.get("locations") or []
    wanted_types = facets.get("timeType") or []
    if wanted_places and location_id(emp, p) not in wanted_places:
        return False
    if wanted_types and time_type_id(p) not in wanted_types:
        return False
    return not text or all(w in p.title.lower() for w in text.lower().split())


def _facets(emp: Employer, postings: list[Posting]) -> list[dict[str, Any]]:
    places = Counter((location_id(emp, p), place_text(emp, p)) for p in postings)
    times = Counter((time_type_id(p), TIME_TYPES[p.employment_type]) for p in postings)
    return [
        {"facetParameter": "timeType", "descriptor": "Time Type", "values": [
            {"descriptor": name, "id": vid, "count": n}
            for (vid, name), n in sorted(times.items())]},
        {"facetParameter": "locationMainGroup", "values": [
            {"facetParameter": "locations", "descriptor": "Locations", "values": [
                {"descriptor": name, "id": vid, "count": n}
                for (vid, name), n in sorted(places.items(), key=lambda kv: kv[0][1])]}]},
    ]


def search(emp: Employer, postings: list[Posting], query: dict[str, str],
           today: date) -> tuple[int, dict[str, Any]]:
    """(status, body) of a search; ``query`` holds the POSTed JSON's values as strings."""
    try:
        limit = int(query.get("limit") or PAGE_MAX)
        offset = max(0, int(query.get("offset") or 0))
        facets = json.loads(query.get("appliedFacets") or "{}")
    except ValueError:
        return 400, {"errorCode": "HTTP_400", "httpStatus": 400, "message": "Bad request"}
    if not 1 <= limit <= PAGE_MAX or not isinstance(facets, dict):
        return 400, {"errorCode": "HTTP_400", "httpStatus": 400,
                     "message": f"limit must be between 1 and {PAGE_MAX}"}
    found = [p for p in postings if _matches(emp, p, facets, query.get("searchText") or "")]
    page = found[offset: offset + limit]
    return 200, {
        "total": min(len(found), TOTAL_CAP) if offset == 0 else 0,
        "jobPostings": [{"title": p.title, "externalPath": urls.workday_path(emp, p),
                         "locationsText": place_text(emp, p), "postedOn": posted_on(p, today),
                         "bulletFields": [urls.workday_req(p)]} for p in page],
        "facets": _facets(emp, found) if offset == 0 else [],
        "userAuthenticated": False,
    }


def detail(base: str, emp: Employer, p: Posting, today: date) -> dict[str, Any]:
    place = place_text(emp, p)
    info: dict[str, Any] = {
        "id": _hex("wd-posting", p.key), "title": p.title,
        "jobDescription": body_html(p, emp), "location": place,
        "postedOn": posted_on(p, today), "startDate": p.posted.date().isoformat(),
        "timeType": TIME_TYPES[p.employment_type], "jobReqId": urls.workday_req(p),
        "jobPostingId": urls.workday_path(emp, p).rsplit("/", 1)[-1],
        "jobPostingSiteId": urls.workday_site(emp), "country": COUNTRY, "canApply": True,
        "posted": True, "includeResumeParsing": True,
        "jobRequisitionLocation": {"descriptor": place, "country": {**COUNTRY,
                                                                   "alpha2Code": "US"}},
        "externalUrl": base + urls.primary_path(emp, p),
        "questionnaireId": _hex("wd-questions", emp.board),
    }
    if p.valid_through:
        left = (p.valid_through - today).days
        info.update({"timeLeftToApply": "30+ days left to apply" if left > 30
                     else f"{max(left, 0)} days left to apply",
                     "endDate": p.valid_through.isoformat(),
                     "jobPostingEndDateAsText": "End Date: "
                     f"{p.valid_through:%B} {p.valid_through.day}, {p.valid_through.year}"})
    company = f"{1000 + emp.index} {emp.name}" if emp.index % 2 else emp.name
    return {"jobPostingInfo": info, "hiringOrganization": {"name": company, "url": ""},
            "similarJobs": [], "userAuthenticated": False}
