"""Ashby and SmartRecruiters API responses, shaped field for field like the real ones.

See ``/work/shared/fixtures/real/ashby`` and ``/smartrecruiters``. Ashby: one job board
answer with every job, CamelCase enums (``FullTime``, ``OnSite``), ``publishedAt`` in UTC
with milliseconds, the place as a name plus ``address.postalAddress`` (state spelled out,
postal code only sometimes), ``compensation`` only with ``includeCompensation=true`` and
then often empty, summaries with an en dash; unlisted jobs are in the answer with
``isListed: false``. SmartRecruiters: listing pages by ``limit``/``offset`` with
``totalFound`` and no description; the detail adds ``postingUrl`` and ``jobAd.sections``
(HTML with ``&#xa0;`` and an ``sr-tagline`` div); coordinates are strings, the country is
lower-case ``us``, ``typeOfEmployment`` is ``{id, label}``.
"""

from __future__ import annotations

import uuid
from datetime import UTC
from typing import Any

from majobs.demoboard import urls
from majobs.demoboard.model import Employer, Posting
from majobs.demoboard.payforms import STRUCTURED_FORMS
from majobs.demoboard.prose import details, esc, intro, sections
from majobs.demoboard.roles import ROLES
from majobs.demoboard.search import ZIP_POINTS

ASHBY_TYPES = {"full_time": "FullTime", "part_time": "PartTime", "per_diem": "PartTime",
               "contract": "Contract", "temporary": "Temporary"}
SR_TYPES = {"full_time": ("permanent", "Full-time"), "part_time": ("part_time", "Part-time"),
            "per_diem": ("per_diem", "Per diem"), "contract": ("contract", "Contract"),
            "temporary": ("temporary", "Temporary")}
SR_PAGE_DEFAULT, SR_PAGE_MAX = 10, 100
P = '<p style="min-height:1.5em">'


def _uuid(*parts: object) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, ":".join(map(str, parts))))


def _utc_ms(p: Posting) -> str:
    return p.posted.astimezone(UTC).isoformat(timespec="milliseconds")


# ---- Ashby -------------------------------------------------------------------------------
def _ashby_html(emp: Employer, p: Posting) -> str:
    about, summary = intro(p)
    parts = [f"{P}{esc(about)}</p>", f"{P}{esc(summary)}</p>"]
    for heading, items in sections(p, emp):
        lis = "".join(f"<li>{P}{esc(i)}</p></li>" for i in items)
        parts.append(f"<h3><strong>{esc(heading)}</strong></h3><ul>{lis}</ul>")
    parts += [f"{P}{esc(p.prose.contact)}</p>", f"{P}<em>{esc(p.prose.eeo)}</em></p>"]
    return "".join(parts)


def _ashby_plain(emp: Employer, p: Posting) -> str:
    about, summary = intro(p)
    out = [about, summary]
    for heading, items in sections(p, emp):
        out += [heading.upper(), "\n".join(f"* {i}" for i in items)]
    out += [p.prose.contact, p.prose.eeo]
    return "\n\n".join(out)


def _money(v: float, yearly: bool) -> str:
    if yearly:
        return f"${v / 1000:g}K"
    return f"${v:,.2f}" if v != int(v) else f"${v:,.0f}"


def ashby_compensation_empty() -> dict[str, Any]:
    return {"compensationTierSummary": None, "scrapeableCompensationSalarySummary": None,
            "compensationTiers": [], "summaryComponents": []}


def ashby_compensation(p: Posting) -> dict[str, Any]:
    offer = p.offer
    if offer is None or not offer.structured or offer.form not in STRUCTURED_FORMS:
        return ashby_compensation_empty()
    lo = offer.lo if offer.lo is not None else offer.hi
    hi = lo if offer.form == "single_hour" else offer.hi
    yearly = offer.form == "range_year"
    unit = "" if yearly else " per hour"
    shown = f"{_money(lo or 0, yearly)} \u2013 {_money(hi or 0, yearly)}{unit}"
    part = {"compensationType": "Salary", "interval": "1 YEAR" if yearly else "1 HOUR",
            "currencyCode": "USD", "minValue": lo, "maxValue": hi}
    return {
        "compensationTierSummary": shown,
        "scrapeableCompensationSalarySummary": shown.replace("\u2013", "-"),
        "compensationTiers": [{"id": _uuid("tier", p.key), "tierSummary": shown, "title": None,
                               "additionalInformation": None, "components": [
                                   {"id": _uuid("comp", p.key), "summary": shown, **part}]}],
        "summaryComponents": [part],
    }


def ashby_zip_given(emp: Employer, p: Posting) -> bool:
    """Ashby places are the employer's offices: each has one address, with or without ZIP."""
    return (emp.index + p.clinic) % 2 == 0


def _ashby_place(emp: Employer, p: Posting) -> tuple[str, dict[str, Any]]:
    city = emp.clinics[p.clinic].city
    name = (city.name, f"{city.name}, {city.state}",
            f"{city.name}, {city.state_name}")[(emp.index + p.clinic) % 3]
    postal: dict[str, Any] = {"addressRegion": city.state_name,
                              "addressCountry": "United States",
                              "addressLocality": city.name}
    if ashby_zip_given(emp, p):
        postal["postalCode"] = city.postal_code
    return name, {"postalAddress": postal}


def ashby_job(base: str, emp: Employer, p: Posting, compensation: bool) -> dict[str, Any]:
    name, address = _ashby_place(emp, p)
    dept = ROLES[p.role].department
    url = base + urls.primary_path(emp, p)
    comp = ashby_compensation(p)
    job: dict[str, Any] = {
        "id": p.lever_id, "title": p.title + (" " if p.style.title_space else ""),
        "department": dept, "team": dept,
        "employmentType": ASHBY_TYPES[p.employment_type], "location": name,
        "shouldDisplayCompensationOnJobPostings": bool(comp["compensationTiers"]),
        "secondaryLocations": [], "publishedAt": _utc_ms(p), "isListed": True,
        "isRemote": False, "workplaceType": "OnSite", "address": address,
        "jobUrl": url, "applyUrl": url + "/application",
        "descriptionHtml": _ashby_html(emp, p), "descriptionPlain": _ashby_plain(emp, p),
    }
    if compensation:
        job["compensation"] = comp
    return job


def ashby_unlisted(base: str, emp: Employer, compensation: bool) -> dict[str, Any]:
    """A job reachable by link only (internal transfers): not a public posting."""
    clinic = emp.clinics[0]
    job_id = _uuid("ashby-unlisted", emp.board)
    job: dict[str, Any] = {
        "id": job_id, "title": "Medical Assistant - Internal Transfer Only",
        "department": "Clinical Operations", "team": "Clinical Operations",
        "employmentType": "FullTime", "location": clinic.city.name,
        "shouldDisplayCompensationOnJobPostings": False, "secondaryLocations": [],
        "publishedAt": "2026-01-05T15:00:00.000+00:00", "isListed": False, "isRemote": False,
        "workplaceType": "OnSite", "address": {"postalAddress": {
            "addressRegion": clinic.city.state_name, "addressCountry": "United States",
            "addressLocality": clinic.city.name}},
        "jobUrl": f"{base}/{emp.board}/{job_id}",
        "applyUrl": f"{base}/{emp.board}/{job_id}/application",
        "descriptionHtml": f"{P}For current {esc(emp.name)} employees only.</p>",
        "descriptionPlain": f"For current {emp.name} employees only.",
    }
    if compensation:
        job["compensation"] = ashby_compensation_empty()
    return job


def ashby_board(base: str, emp: Employer, postings: list[Posting],
                compensation: bool) -> dict[str, Any]:
    jobs = [ashby_job(base, emp, p, compensation) for p in postings]
    if jobs:
        jobs.insert(len(jobs) // 2, ashby_unlisted(base, emp, compensation))
    return {"jobs": jobs, "apiVersion": "1"}


# ---- SmartRecruiters -----------------------------------------------------------------------
def _sr_location(emp: Employer, p: Posting) -> dict[str, Any]:
    city = emp.clinics[p.clinic].city
    lat, lon = ZIP_POINTS.get(city.postal_code, (0.0, 0.0))
    loc: dict[str, Any] = {"city": city.name, "region": city.state, "country": "us"}
    if p.style.zip_given:
        loc["postalCode"] = city.postal_code
    loc.update({"remote": False, "hybrid": False, "latitude": str(lat), "longitude": str(lon),
                "fullLocation": f"{city.name}, {city.state}, United States"})
    return loc


def _sr_common(base: str, emp: Employer, p: Posting) -> dict[str, Any]:
    role = ROLES[p.role]
    type_id, type_label = SR_TYPES[p.employment_type]
    clinical = emp.kind in ("hospital", "staffing")
    return {
        "id": urls.sr_id(p), "name": p.title, "uuid": p.lever_id,
        "refNumber": f"REF{p.serial + 100}{'ABCDEFGHJK'[p.serial % 10]}",
        "company": {"identifier": urls.sr_company(emp), "name": emp.name},
        "releasedDate": _utc_ms(p).replace("+00:00", "Z"),
        "location": _sr_location(emp, p),
        "industry": {"id": "hospital_and_health_care", "label": "Hospital And Health Care"}
        if clinical else {"id": "medical_practice", "label": "Medical Practice"},
        "department": {} if p.serial % 3 else {"id": str(90_000 + emp.index),
                                               "label": role.department},
        "function": {"id": "health_care_provider", "label": "Health Care Provider"},
        "typeOfEmployment": {"id": type_id, "label": type_label},
        "experienceLevel": {"id": "mid_senior_level", "label": "Mid-Senior Level"}
        if p.role == "ma_lead" else {"id": "entry_level", "label": "Entry Level"},
    }


def sr_listed(base: str, emp: Employer, p: Posting) -> dict[str, Any]:
    out = _sr_common(base, emp, p)
    out.update({"jobAdId": _uuid("sr-ad", p.key), "defaultJobAd": p.serial % 4 == 0,
                "customField": [] if p.serial % 2 else [
                    {"fieldId": "COUNTRY", "fieldLabel": "Country", "valueId": "us",
                     "valueLabel": "United States"}],
                "visibility": "PUBLIC",
                "ref": base + urls.sr_api_path(emp) + "/" + urls.sr_id(p),
                "language": {"code": "en", "label": "English", "labelNative": "English (US)"}})
    return out


def _sr_sections(emp: Employer, p: Posting) -> dict[str, Any]:
    about, summary = intro(p)
    duties, reqs, skills, _details, benefits = sections(p, emp)

    def ul(items: tuple[str, ...] | list[str]) -> str:
        return "<ul>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>"

    extra = (f"<p><strong>{esc(_details[0])}</strong></p>{ul(details(p, emp))}"
             f'<div sr-tagline=""></div><p><strong>{esc(benefits[0])}&#xa0;</strong></p>'
             f"{ul(benefits[1])}<p>{esc(p.prose.contact)}&#xa0;</p>"
             f"<p>{esc(p.prose.eeo)}</p>")
    return {
        "companyDescription": {"title": "Company Description", "text": f"<p>{esc(about)}</p>"},
        "jobDescription": {"title": "Job Description", "text": (
            f"<p>{esc(summary)}</p><p><strong>{esc(duties[0])}</strong></p>{ul(duties[1])}")},
        "qualifications": {"title": "Qualifications", "text": (
            f"<p><strong>{esc(reqs[0])}</strong></p>{ul(reqs[1])}"
            f"<p><strong>{esc(skills[0])}</strong></p>{ul(skills[1])}")},
        "additionalInformation": {"title": "Additional Information", "text": extra},
    }


def sr_detail(base: str, emp: Employer, p: Posting) -> dict[str, Any]:
    out = _sr_common(base, emp, p)
    url = base + urls.primary_path(emp, p)
    out.update({"jobId": _uuid("sr-job", p.key), "postingUrl": url,
                "applyUrl": url + "?oga=true", "jobAd": {"sections": _sr_sections(emp, p)},
                "active": True})
    return out


def sr_page(base: str, emp: Employer, postings: list[Posting], offset: int,
            limit: int) -> dict[str, Any]:
    limit = min(max(limit, 1), SR_PAGE_MAX)
    chosen = postings[offset: offset + limit]
    return {"offset": offset, "limit": limit, "totalFound": len(postings),
            "content": [sr_listed(base, emp, p) for p in chosen]}
