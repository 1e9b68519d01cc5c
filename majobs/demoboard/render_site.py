"""Career-site pages: schema.org JobPosting detail pages, paginated listings, sitemaps,
and the plain hosted pages that Greenhouse ``absolute_url`` / Lever ``hostedUrl`` point to.

JSON-LD comes in the shapes real sites use (fixtures in ``/work/shared/fixtures/real/jsonld``):
a plain object, an ``@graph``, a top-level array, and a JazzHR-like pair of blocks whose
Organization has no ``@context`` and whose JobPosting has no ``hiringOrganization``.
Career pages link only inside their own ``/{slug}/`` tree, so a crawler that follows
same-host links stays within one employer.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from majobs.demoboard import urls
from majobs.demoboard.model import Employer, Posting
from majobs.demoboard.prose import body_html
from majobs.demoboard.spellings import JSONLD_TYPES, spell

EMPTY_SALARY = {"@type": "MonetaryAmount", "currency": "",
                "value": {"@type": "QuantitativeValue", "minValue": "", "maxValue": "",
                          "unitText": ""}}


def _e(s: str) -> str:
    return escape(s, quote=True)


def _ld_json(obj: Any) -> str:
    # "</" must not close the <script> early.
    return json.dumps(obj).replace("</", "<\\/")


def _place(emp: Employer, p: Posting) -> dict[str, Any]:
    c = emp.clinics[p.clinic]
    region = c.city.state_name if p.style.ld_region_name else c.city.state
    return {"@type": "Place", "address": {
        "@type": "PostalAddress", "streetAddress": c.street, "addressLocality": c.city.name,
        "addressRegion": region, "postalCode": c.city.postal_code, "addressCountry": "US"}}


def job_posting(base: str, emp: Employer, p: Posting, with_org: bool = True) -> dict[str, Any]:
    s = p.style
    ld: dict[str, Any] = {"@context": "https://schema.org/", "@type": "JobPosting",
                          "title": p.title, "description": body_html(p, emp, br=s.ld_br)}
    if s.ld_identifier_text:
        ld["identifier"] = p.site_id
    else:
        ld["identifier"] = {"@type": "PropertyValue", "name": emp.name, "value": p.site_id}
    ld["datePosted"] = (p.posted.replace(tzinfo=None).isoformat(timespec="seconds")
                        if s.ld_datetime else p.posted.date().isoformat())
    if p.valid_through:
        ld["validThrough"] = p.valid_through.isoformat()
    ld["employmentType"] = spell(JSONLD_TYPES, p.employment_type, s.type_form)
    if with_org:
        ld["hiringOrganization"] = {"@type": "Organization", "name": emp.name,
                                    "sameAs": base + urls.careers_path(emp)}
    ld["jobLocation"] = [_place(emp, p)] if p.serial % 2 == 0 else _place(emp, p)
    salary = p.offer.monetary_amount() if p.offer else None
    if salary:
        ld["baseSalary"] = salary
    elif p.offer is None and p.serial % 3 == 0:
        ld["baseSalary"] = EMPTY_SALARY          # present but empty (Jobvite-like)
    if s.ld_url:
        ld["url"] = base + urls.site_path(emp, p)
    return ld


def ld_blocks(base: str, emp: Employer, p: Posting) -> list[Any]:
    """The JSON-LD <script> blocks of a detail page, in the posting's shape."""
    shape, url = p.style.ld_shape, base + urls.site_path(emp, p)
    if shape == "jazz":
        org = {"@type": "Organization", "name": emp.name, "url": base + urls.careers_path(emp)}
        job = job_posting(base, emp, p, with_org=False)
        job["@context"] = "http://schema.org/"
        return [org, job]
    job = job_posting(base, emp, p)
    if shape == "graph":
        org_id = base + f"/{emp.slug}/#organization"
        job.pop("@context")
        job["hiringOrganization"] = {"@type": "Organization", "@id": org_id, "name": emp.name}
        return [{"@context": "https://schema.org", "@graph": [
            {"@type": "WebPage", "@id": url, "name": p.title},
            {"@type": "Organization", "@id": org_id, "name": emp.name},
            job]}]
    if shape == "array":
        crumbs = {"@context": "https://schema.org", "@type": "BreadcrumbList",
                  "itemListElement": [
                      {"@type": "ListItem", "position": 1, "name": "Careers",
                       "item": base + urls.careers_path(emp)},
                      {"@type": "ListItem", "position": 2, "name": p.title, "item": url}]}
        return [[job, crumbs]]
    return [job]


def _page(title: str, head: str, body: str) -> bytes:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{_e(title)}</title>{head}</head>\n<body>\n{body}\n</body></html>\n"
            ).encode()


def detail_page(base: str, emp: Employer, p: Posting) -> bytes:
    clinic = emp.clinics[p.clinic]
    scripts = "".join(f'\n<script type="application/ld+json">\n{_ld_json(b)}\n</script>'
                      for b in ld_blocks(base, emp, p))
    head = f'<link rel="canonical" href="{_e(base + urls.site_path(emp, p))}">{scripts}'
    closed = ""
    if p.expired:
        closed = '<p class="closed">This position is no longer accepting applications.</p>\n'
    body = (f'<header><a href="{_e(urls.careers_path(emp))}">{_e(emp.name)} careers</a>'
            f"</header>\n<main>\n<h1>{_e(p.title)}</h1>\n"
            f'<p class="location">{_e(clinic.label)} · {_e(clinic.place)}</p>\n{closed}'
            f'<div class="description">\n{body_html(p, emp, br=p.style.ld_br)}\n</div>\n'
            f'<form method="post" action="{_e(urls.site_path(emp, p))}/apply">'
            f'<button type="submit">Apply now</button></form>\n'
            f'<p><a href="tel:+1{emp.metro.area_code}5550100">Call us</a> · '
            f'<a href="mailto:jobs@{emp.board}.example">Email recruiting</a></p>\n</main>')
    return _page(f"{p.title} | {emp.name} Careers", head, body)


def listing_pages(postings: list[Posting]) -> int:
    return max(1, -(-len(postings) // urls.LISTING_PAGE_SIZE))


def listing_page(emp: Employer, postings: list[Posting], page: int) -> bytes | None:
    pages = listing_pages(postings)
    if not 1 <= page <= pages:
        return None
    size = urls.LISTING_PAGE_SIZE
    rows = []
    for p in postings[(page - 1) * size: page * size]:
        href = f"{urls.site_path(emp, p)}?{urls.tracking_query(emp)}"
        place = emp.clinics[p.clinic].place
        rows.append(f'<li class="job"><a href="{_e(href)}">{_e(p.title)}</a> '
                    f'<span class="place">{_e(place)}</span></li>')
    nav = []
    if page > 1:
        nav.append(f'<a rel="prev" href="{_e(urls.careers_path(emp, page - 1))}">Previous</a>')
    if page < pages:
        nav.append(f'<a rel="next" href="{_e(urls.careers_path(emp, page + 1))}">Next</a>')
    empty = "" if rows else "<p>No openings right now. Check back soon.</p>\n"
    body = (f"<h1>Careers at {_e(emp.name)}</h1>\n<p>Page {page} of {pages}</p>\n{empty}"
            f'<ul class="jobs">\n' + "\n".join(rows) + "\n</ul>\n"
            f'<nav class="pagination">{" ".join(nav)}</nav>')
    return _page(f"Careers at {emp.name}", "", body)


def sitemap(base: str, emp: Employer, postings: list[Posting]) -> bytes:
    locs = [f"<url><loc>{xml_escape(base + urls.careers_path(emp))}</loc></url>"]
    for p in postings:
        locs.append(f"<url><loc>{xml_escape(base + urls.site_path(emp, p))}</loc>"
                    f"<lastmod>{p.posted.date().isoformat()}</lastmod></url>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "\n".join(locs) + "\n</urlset>\n").encode("utf-8")


def hosted_page(emp: Employer, p: Posting, apply: bool = False) -> bytes:
    """What Greenhouse ``absolute_url`` and Lever ``hostedUrl`` open: HTML, no JSON-LD."""
    clinic = emp.clinics[p.clinic]
    if apply:
        body = (f"<h1>Apply: {_e(p.title)}</h1>\n<form method=\"post\"><input name=\"email\">"
                "<button>Submit application</button></form>")
    else:
        body = (f"<h1>{_e(p.title)}</h1>\n<p>{_e(emp.name)} · {_e(clinic.place)}</p>\n"
                f'<div class="description">\n{body_html(p, emp)}\n</div>')
    return _page(f"{emp.name} - {p.title}", "", body)


def index_page(employers: list[tuple[Employer, list[str]]], feeds: list[str]) -> bytes:
    """The board's front door for people: each employer's entry points, and the feeds."""
    rows = [f"<li>{_e(emp.name)}: " + " · ".join(f'<a href="{_e(h)}">{_e(h)}</a>' for h in hrefs)
            + "</li>" for emp, hrefs in employers]
    feed_rows = [f'<li><a href="{_e(urls.feed_path(n))}">{_e(n)}</a></li>' for n in feeds]
    body = ("<h1>majobs demo job board</h1>\n<h2>Employers</h2>\n<ul>\n" + "\n".join(rows)
            + "\n</ul>\n<h2>Feeds</h2>\n<ul>\n" + "\n".join(feed_rows) + "\n</ul>")
    return _page("majobs demo job board", "", body)
