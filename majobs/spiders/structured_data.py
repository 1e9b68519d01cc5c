"""schema.org JobPosting from HTML: extruct (JSON-LD + microdata), made tolerant.

Real pages put postings in a plain object, inside ``@graph``, in an array, in an
``ItemList``, several per page; the employer may sit in a sibling ``Organization``
block; the JSON may be broken or hostile. :func:`read_page` returns what it could read
plus the problems it met, and never raises for a bad document.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import extruct
from lxml import etree, html

from majobs.spiders.values import as_list, first_text, passable, text, unique

ORG_TYPES = {
    "Organization", "Corporation", "LocalBusiness", "NGO", "GovernmentOrganization",
    "EducationalOrganization", "CollegeOrUniversity", "MedicalOrganization",
    "MedicalBusiness", "MedicalClinic", "Hospital", "Physician", "Dentist", "Pharmacy",
}
MAX_WALK_DEPTH = 12  # @graph -> ItemList -> ListItem -> item: real pages nest a few levels
LD_SCRIPTS = etree.XPath('//script[@type="application/ld+json"]')
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TRAILING_COMMA = re.compile(r",\s*([}\]])")
WRAPPERS = re.compile(r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?://\s*\]\]>|\]\]>|-->)\s*$")


@dataclass
class PageData:
    postings: list[dict[str, Any]] = field(default_factory=list)
    organizations: list[dict[str, Any]] = field(default_factory=list)
    by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (reason, detail)
    lenient: bool = False  # extruct failed; blocks were read one by one


def read_page(page_html: str, url: str) -> PageData:
    """Every JobPosting (and Organization) on the page, plus problems met."""
    page = PageData()
    try:
        data = extruct.extract(page_html, base_url=url, syntaxes=["json-ld", "microdata"],
                               uniform=True)
        nodes = [*data.get("json-ld", []), *data.get("microdata", [])]
    except (RecursionError, ValueError, etree.LxmlError):
        # extruct gives up on the whole page at the first bad block (and lets
        # RecursionError through): read the blocks one by one instead.
        page.lenient = True
        nodes = _read_blocks_leniently(page_html, url, page)
    _walk(nodes, page)
    return page


def _read_blocks_leniently(page_html: str, url: str, page: PageData) -> list[Any]:
    nodes: list[Any] = []
    try:
        tree = html.fromstring(page_html)
        scripts = [s.text_content() for s in LD_SCRIPTS(tree)]
    except (etree.LxmlError, ValueError, RecursionError) as exc:
        page.problems.append(("html_unparsable", f"{url}: {type(exc).__name__}: {exc}"))
        return nodes
    for n, script in enumerate(scripts, 1):
        try:
            nodes.extend(as_list(lenient_json(script)))
        except RecursionError:
            page.problems.append(("jsonld_too_deep", f"{url}: JSON-LD block {n} nests too deep"))
        except ValueError as exc:
            page.problems.append(("jsonld_invalid", f"{url}: JSON-LD block {n}: {exc}"[:300]))
    try:
        micro = extruct.extract(page_html, base_url=url, syntaxes=["microdata"], uniform=True)
        nodes.extend(micro.get("microdata", []))
    except (RecursionError, ValueError, etree.LxmlError) as exc:
        page.problems.append(("microdata_invalid", f"{url}: {type(exc).__name__}: {exc}"))
    return nodes


def lenient_json(script: str) -> Any:
    """Parse one JSON-LD block as sites really write it; ValueError when it cannot be read.

    Tolerates raw control characters, HTML-comment and CDATA wrappers, trailing commas,
    and several objects written one after another.
    """
    try:
        return json.loads(script, strict=False)
    except ValueError:
        pass
    cleaned = TRAILING_COMMA.sub(r"\1", CONTROL_CHARS.sub(" ", WRAPPERS.sub("", script.strip())))
    try:
        return json.loads(cleaned, strict=False)
    except ValueError:
        pass
    decoder, values, pos = json.JSONDecoder(strict=False), [], 0
    while pos < len(cleaned):
        while pos < len(cleaned) and cleaned[pos] in " \t\r\n;,":
            pos += 1
        if pos >= len(cleaned):
            break
        value, pos = decoder.raw_decode(cleaned, pos)  # raises ValueError on garbage
        values.append(value)
    if not values:
        raise ValueError("empty JSON-LD block")
    return values[0] if len(values) == 1 else values


def types_of(node: dict[str, Any]) -> set[str]:
    """Local type names: "JobPosting", "schema:JobPosting", "https://schema.org/JobPosting"."""
    return {re.split(r"[/:#]", t)[-1] for t in as_list(node.get("@type")) if isinstance(t, str)}


def _walk(nodes: list[Any], page: PageData) -> None:
    """Collect postings and organizations anywhere in the nodes, without recursion."""
    stack: list[tuple[Any, int]] = [(n, 0) for n in reversed(nodes)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_WALK_DEPTH:
            continue
        if isinstance(node, list):
            stack.extend((n, depth + 1) for n in reversed(node))
            continue
        if not isinstance(node, dict):
            continue
        kinds = types_of(node)
        if isinstance(node.get("@id"), str) and len(node) > 1:
            page.by_id.setdefault(node["@id"], node)
        if "JobPosting" in kinds:
            page.postings.append(node)
            continue
        if kinds & ORG_TYPES:
            page.organizations.append(node)
        stack.extend((v, depth + 1) for v in reversed(list(node.values()))
                     if isinstance(v, dict | list))


def posting_fields(node: dict[str, Any], page: PageData, page_url: str) -> dict[str, Any]:
    """JobPostingItem raw fields of one JobPosting node (values as the page wrote them)."""
    locations = [passable(p) for p in as_list(node.get("jobLocation"))]
    remote = passable(node.get("jobLocationType"))
    if remote or not any(locations):
        # For remote work the applicant's allowed region is the only place there is.
        locations += [passable(p) for p in as_list(node.get("applicantLocationRequirements"))]
    return {
        "title": first_text(node.get("title")) or first_text(node.get("name")),
        "url": first_text(node.get("url")) or page_url,
        "external_id": _identifier(node.get("identifier")),
        "employer": _employer(node.get("hiringOrganization"), page),
        "description_html": first_text(node.get("description")),
        "locations_raw": unique(locations),
        "remote_raw": remote,
        "employment_type_raw": passable(node.get("employmentType")),
        "pay_raw": passable(node.get("baseSalary") or node.get("estimatedSalary")),
        "date_posted_raw": first_text(node.get("datePosted")),
        "valid_through_raw": first_text(node.get("validThrough")),
    }


def _identifier(value: Any) -> str | None:
    """A bare string/number, or a PropertyValue ``{"value": ...}``, or a list of those."""
    for entry in as_list(value):
        if isinstance(entry, dict):
            entry = entry.get("value", entry.get("@value"))
        if (found := text(entry)) and found.strip():
            return found
    return None


def _employer(value: Any, page: PageData) -> str | None:
    """hiringOrganization's name: a string, an object, an ``@id`` reference, or (when
    missing) the page's own Organization block (JazzHR puts it in a sibling block)."""
    for org in as_list(value):
        if isinstance(org, str) and org.strip():
            return org
        if isinstance(org, dict):
            ref = org.get("@id")
            if not org.get("name") and isinstance(ref, str):
                org = page.by_id.get(ref, org)  # follow the @id reference
            if name := first_text(org.get("name")):
                return name
    for org in page.organizations:
        if name := first_text(org.get("name")):
            return name
    return None

