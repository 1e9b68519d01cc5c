"""Greenhouse and Lever job-board API responses, shaped field for field like the real ones.

See ``/work/shared/fixtures/real/greenhouse`` and ``/lever``: Greenhouse ``content`` is
HTML-entity-escaped, titles and company names may end in a space, ``metadata`` is null or a
list, timestamps carry the local offset; Lever answers a bare array, ``createdAt`` in epoch
milliseconds, ``lists[]`` of ``{text, content}`` with bare ``<li>`` HTML, ``*Plain`` twins
with non-breaking spaces, and an optional ``salaryRange``.
"""

from __future__ import annotations

import json
from datetime import timedelta
from html import escape
from typing import Any

from majobs.demoboard import urls
from majobs.demoboard.model import Employer, Posting
from majobs.demoboard.prose import details, esc, html_list, intro, sections
from majobs.demoboard.roles import ROLES
from majobs.demoboard.spellings import GREENHOUSE_TYPES, LEVER_TYPES, spell

NBSP_LINE = "\n\u00a0\n"


def entity_escape(html: str) -> str:
    """Greenhouse's escaping of its own HTML: &lt;p&gt;, &quot;, &#39;, &amp;nbsp;."""
    return (html.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode("ascii")


# ---- Greenhouse ---------------------------------------------------------------------------
def greenhouse_html(p: Posting, emp: Employer) -> str:
    about, summary = intro(p)
    parts = [f'<div class="content-intro"><p>{esc(about)}</p></div>', f"<p>{esc(summary)}</p>",
             "<p>&nbsp;</p>"]
    for heading, items in sections(p, emp):
        parts.append(f"<p><strong>{esc(heading)}</strong></p>")
        parts.append("<ul>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>")
    parts.append(f"<p>{esc(p.prose.contact)}</p>")
    parts.append(f'<div class="content-conclusion"><p>{esc(p.prose.eeo)}</p></div>')
    return "\n".join(parts)


def greenhouse_job(base: str, emp: Employer, p: Posting, content: bool = True) -> dict[str, Any]:
    clinic = emp.clinics[p.clinic]
    dept = ROLES[p.role].department + (" " if emp.name_space else "")
    metadata = None
    if p.style.gh_metadata:
        metadata = [{"id": 4_095_122_002 + emp.index, "name": "Employment Type",
                     "value": spell(GREENHOUSE_TYPES, p.employment_type, p.style.type_form),
                     "value_type": "single_select"}]
    updated = p.posted + timedelta(minutes=23 + 7 * p.revision)
    job: dict[str, Any] = {
        "absolute_url": base + urls.primary_path(emp, p),
        "data_compliance": [{"type": "gdpr", "requires_consent": False,
                             "requires_processing_consent": False,
                             "requires_retention_consent": False, "retention_period": None,
                             "demographic_data_consent_applies": False}],
        "internal_job_id": p.gh_id - 1_234_567,
        "location": {"name": clinic.place},
        "metadata": metadata,
        "id": p.gh_id,
        "updated_at": updated.isoformat(),
        "requisition_id": f"R-{1000 + p.serial}",
        "title": p.title + (" " if p.style.title_space else ""),
        "company_name": emp.name + (" " if emp.name_space else ""),
        "first_published": p.posted.isoformat(),
        "language": "en",
    }
    if content:
        job["application_deadline"] = None
        job["content"] = entity_escape(greenhouse_html(p, emp))
        job["departments"] = [{"id": 4_063_396_007 + emp.index * 10, "name": dept,
                               "child_ids": [], "parent_id": 4_062_540_007}]
        office_id = 4_054_597_007 + emp.index * 100 + p.clinic
        job["offices"] = [{"id": office_id, "name": clinic.label,
                           "location": f"{clinic.city.name}, {clinic.city.state_name}, "
                                       "United States",
                           "child_ids": [], "parent_id": None}]
        job["ai_disclaimer"] = None
        job["include_ai_disclaimer"] = None
        job["ai_opt_out_request_url"] = None
    return job


def greenhouse_list(base: str, emp: Employer, postings: list[Posting], content: bool) -> bytes:
    jobs = [greenhouse_job(base, emp, p, content) for p in postings]
    return dumps({"jobs": jobs, "meta": {"total": len(jobs)}})


# ---- Lever --------------------------------------------------------------------------------
def _divs(lines: list[str]) -> str:
    return "\n".join(f"<div>{escape(s, quote=False)}</div>" if s else "<div>&nbsp;</div>"
                     for s in lines)


def lever_posting(base: str, emp: Employer, p: Posting) -> dict[str, Any]:
    clinic = emp.clinics[p.clinic]
    about, summary = intro(p)
    listed = sections(p, emp)[:3]        # duties, requirements, skills
    body_html = f"<div>{escape(summary, quote=False)}</div>"
    body_plain = summary
    if not p.style.lever_lists:         # no lists[]: duties inside the body (Veeva-like)
        for heading, items in listed:
            body_html += f"\n<h3>{escape(heading, quote=False)}</h3><ul>{html_list(items)}</ul>"
            body_plain += NBSP_LINE + heading + "\n" + "\n".join(items)
    extra = [*details(p, emp), "", "Benefits", *p.prose.benefits, "", p.prose.contact, "",
             p.prose.eeo]
    opening_html = f"<div>{escape(about, quote=False)}</div>"
    categories: dict[str, Any] = {
        "commitment": spell(LEVER_TYPES, p.employment_type, p.style.type_form)}
    if p.serial % 2:                    # department present on some boards only (Veeva)
        categories["department"] = "Clinical"
    categories.update({"location": clinic.place, "team": ROLES[p.role].department,
                       "allLocations": [clinic.place]})
    hosted = base + urls.primary_path(emp, p)
    out: dict[str, Any] = {
        "additionalPlain": "\n".join(s if s else "\u00a0" for s in extra),
        "additional": _divs(extra),
        "categories": categories,
        "createdAt": int(p.posted.timestamp()) * 1000 + p.serial % 1000,
        "descriptionPlain": about + NBSP_LINE + body_plain,
        "description": opening_html + "\n<div>&nbsp;</div>\n" + body_html,
        "id": p.lever_id,
    }
    if p.style.lever_lists:
        out["lists"] = [{"text": h, "content": html_list(items)} for h, items in listed]
    out.update({
        "text": p.title, "country": "US", "workplaceType": "on-site",
        "opening": opening_html, "openingPlain": about,
        "descriptionBody": body_html, "descriptionBodyPlain": body_plain,
        "hostedUrl": hosted, "applyUrl": hosted + "/apply",
    })
    salary = p.offer.lever_range() if p.offer else None
    if salary:
        out["salaryRange"] = salary
    return out


def lever_list(base: str, emp: Employer, postings: list[Posting], skip: int = 0,
               limit: int | None = None) -> bytes:
    chosen = postings[skip: None if limit is None else skip + limit]
    return dumps([lever_posting(base, emp, p) for p in chosen])
