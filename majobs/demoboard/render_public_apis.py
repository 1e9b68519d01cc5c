"""The two public job-search APIs behind keys: USAJOBS Search and CareerOneStop List Jobs.

USAJOBS (``/work/shared/fixtures/real/usajobs``): ``SearchResult.SearchResultItems[]`` of
``MatchedObjectDescriptor``, salaries as strings with ``RateIntervalCode`` "PA", dates with
four fractional digits and no zone (``PositionEndDate`` ``...T23:59:59.9970``), ``CityName``
repeating the state ("Seattle, Washington"), ``AddressLine`` on some places only, and
``UserArea.NumberOfPages`` as a string. CareerOneStop (V2, shaped after the spider's
recorded fixture ``tests/data/careeronestop_jobsearch_v2.json``): ``Jobs[]`` with the API's
own spelling ``AccquisitionDate``, ``JobCount`` as a string, entity-escaped company names,
titles sometimes in capitals, the place with or without a ZIP, a short description snippet.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from majobs.demoboard import federal, urls
from majobs.demoboard.model import Employer, Posting
from majobs.demoboard.prose import esc, intro
from majobs.demoboard.search import ZIP_POINTS

SNIPPET_CHARS = 200
Item = tuple[Employer, Posting]


# ---- USAJOBS -------------------------------------------------------------------------------
def _position_location(emp: Employer, p: Posting) -> dict[str, Any]:
    clinic = emp.clinics[p.clinic]
    city = clinic.city
    lat, lon = ZIP_POINTS.get(city.postal_code, (0.0, 0.0))
    where = f"{city.name}, {city.state_name}"
    out: dict[str, Any] = {"LocationName": where, "CountryCode": "United States",
                           "CountrySubDivisionCode": city.state_name, "CityName": where}
    if p.serial % 2:
        out["AddressLine"] = f"({city.state}{600 + emp.index}) {clinic.street}"
    out.update({"Longitude": lon, "Latitude": lat})
    return out


def usajobs_item(base: str, emp: Employer, p: Posting, rank: int) -> dict[str, Any]:
    _, (series, code), (low, high) = federal.FEDERAL_ROLES[p.role]
    schedule, schedule_code = federal.SCHEDULES[p.employment_type]
    url = base + urls.primary_path(emp, p)
    about, summary = intro(p)
    lo = p.offer.lo if p.offer and p.offer.lo is not None else 0.0
    hi = p.offer.hi if p.offer and p.offer.hi is not None else lo
    closes = p.valid_through or p.posted.date()
    control = urls.usajobs_control(p)
    return {"MatchedObjectId": control, "MatchedObjectDescriptor": {
        "PositionID": f"VHA-{12_700_000 + p.serial}-{p.posted:%y}-{emp.metro.area_code}",
        "PositionTitle": p.title, "PositionURI": url, "ApplyURI": [url],
        "PositionLocationDisplay": f"{emp.clinics[p.clinic].city.name}, "
                                   f"{emp.clinics[p.clinic].city.state_name}",
        "PositionLocation": [_position_location(emp, p)],
        "OrganizationName": federal.VA_NAME, "DepartmentName": federal.VA_DEPARTMENT,
        "JobCategory": [{"Name": series, "Code": code}], "JobGrade": [{"Code": "GS"}],
        "PositionSchedule": [{"Name": schedule, "Code": schedule_code}],
        "PositionOfferingType": [{"Name": "Permanent", "Code": "15317"}],
        "QualificationSummary": " ".join(p.prose.requirements),
        "PositionRemuneration": [{"MinimumRange": f"{lo:.0f}", "MaximumRange": f"{hi:.0f}",
                                  "RateIntervalCode": "PA", "Description": "Per Year"}],
        "PositionStartDate": f"{p.posted:%Y-%m-%d}T00:00:00.0000",
        "PositionEndDate": f"{closes:%Y-%m-%d}T23:59:59.9970",
        "PublicationStartDate": p.posted.date().isoformat(),
        "ApplicationCloseDate": closes.isoformat(),
        "UserArea": {"Details": {
            "JobSummary": f"{about} {summary}",
            "WhoMayApply": {"Name": "United States Citizens", "Code": ""},
            "LowGrade": low, "HighGrade": high, "PromotionPotential": high,
            "MajorDuties": list(p.prose.duties), "Education": "",
            "Requirements": "U.S. Citizenship required. Subject to a background "
                            "investigation and a pre-employment physical examination.",
            "Benefits": " ".join(p.prose.benefits), "HowToApply": p.prose.contact,
            "SubAgencyName": f"{emp.metro.name} VA Health Care System",
            "TeleworkEligible": False, "RemoteIndicator": False}},
    }, "RelevanceRank": rank}


def usajobs_page(base: str, found: list[Item], page: int, per_page: int,
                 radial: bool) -> dict[str, Any]:
    pages = max(1, -(-len(found) // per_page))
    chosen = found[(page - 1) * per_page: page * per_page]
    items = [usajobs_item(base, emp, p, (page - 1) * per_page + i)
             for i, (emp, p) in enumerate(chosen)]
    return {"LanguageCode": "EN", "SearchParameters": {}, "SearchResult": {
        "SearchResultCount": len(items), "SearchResultCountAll": len(found),
        "SearchResultItems": items,
        "UserArea": {"NumberOfPages": str(pages), "IsRadialSearch": radial}}}


# ---- CareerOneStop -------------------------------------------------------------------------
def snippet(p: Posting) -> str:
    """The start of the role paragraph, cut at a word, as the NLx listing shows it."""
    _, summary = intro(p)
    if len(summary) <= SNIPPET_CHARS:
        return summary
    return summary[:SNIPPET_CHARS].rsplit(" ", 1)[0] + "..."


def _entities(text: str) -> str:
    return text.replace("&", "&amp;").replace("'", "&#39;")


def c1s_job(base: str, emp: Employer, p: Posting, with_snippet: bool) -> dict[str, Any]:
    city = emp.clinics[p.clinic].city
    place = f"{city.name}, {city.state}" + (f" {city.postal_code}"
                                            if p.style.place_form % 2 else "")
    acquired = p.posted.astimezone(UTC).replace(tzinfo=None)
    job: dict[str, Any] = {
        "JvId": urls.c1s_jvid(p), "JobTitle": p.title.upper() if p.style.upper_title else p.title,
        "Company": _entities(emp.name), "AccquisitionDate": f"{acquired:%Y-%m-%d %H:%M:%S}",
        "URL": base + urls.c1s_job_path(p), "Location": place, "Fc": "False"}
    if with_snippet:
        job["DescriptionSnippet"] = snippet(p)
    return job


def c1s_page(base: str, found: list[Item], start: int, size: int, keyword: str,
             location: str, radius: int, with_snippet: bool) -> dict[str, Any]:
    chosen = found[start: start + size]
    return {"JobCount": str(len(found)),
            "Jobs": [c1s_job(base, emp, p, with_snippet) for emp, p in chosen],
            "JobsKeywordLocations": {"Keyword": keyword, "Location": location,
                                     "IsValidLocation": True, "Radius": str(radius)},
            "ErrorMessage": ""}


def nlx_page(base: str, emp: Employer, p: Posting) -> bytes:
    """The National Labor Exchange page a CareerOneStop URL opens: a pointer to the job."""
    clinic = emp.clinics[p.clinic]
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{esc(p.title)} - {esc(emp.name)} | National Labor Exchange</title>"
            f"</head>\n<body>\n<h1>{esc(p.title)}</h1>\n<p>{esc(emp.name)} · "
            f"{esc(clinic.place)}</p>\n<p>{esc(snippet(p))}</p>\n"
            f'<p><a href="{esc(base + urls.primary_path(emp, p))}">Apply on the employer\'s '
            "site</a></p>\n</body></html>\n").encode()
