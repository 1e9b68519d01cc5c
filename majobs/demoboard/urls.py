"""Where each posting lives on the demo board, and the source names that reach it.

Paths mirror the real services so a crawler's URL building is exercised unchanged:
Greenhouse ``/v1/boards/{board}/jobs`` + hosted pages ``/{board}/jobs/{id}``; Lever
``/v0/postings/{site}`` + hosted pages ``/{site}/{uuid}``; JSON-LD career sites
``/{slug}/careers/``, ``/{slug}/jobs/{id}``, ``/{slug}/sitemap.xml``; the aggregator's feeds
``/feeds/{name}.xml`` and its pages ``/metrojobs/jobs/{id}``. Boards have no hyphen and slugs
always have one, so the two never collide.
"""

from __future__ import annotations

from majobs.demoboard.model import Employer, Posting

AGGREGATOR = "metrojobs"
AGGREGATOR_NAME = "MetroJobs"
FEED_CHUNK = 2000            # serials per feed file: ~600 items, well under crawl size limits
LISTING_PAGE_SIZE = 10


def greenhouse_api_path(emp: Employer) -> str:
    return f"/v1/boards/{emp.board}/jobs"


def lever_api_path(emp: Employer) -> str:
    return f"/v0/postings/{emp.board}"


def careers_path(emp: Employer, page: int = 1) -> str:
    return f"/{emp.slug}/careers/" + (f"?page={page}" if page > 1 else "")


def sitemap_path(emp: Employer) -> str:
    return f"/{emp.slug}/sitemap.xml"


def site_path(emp: Employer, p: Posting) -> str:
    return f"/{emp.slug}/jobs/{p.site_id}"


def tracking_query(emp: Employer) -> str:
    """Listing links carry these; canonical URLs do not."""
    return f"utm_source=careers&utm_medium=listing&utm_campaign={emp.board}"


def primary_path(emp: Employer, p: Posting) -> str:
    if emp.channel == "greenhouse":
        return f"/{emp.board}/jobs/{p.gh_id}"
    if emp.channel == "lever":
        return f"/{emp.board}/{p.lever_id}"
    return site_path(emp, p)


def feed_names(feeds: int) -> list[str]:
    return [AGGREGATOR if i == 0 else f"{AGGREGATOR}-{i + 1}" for i in range(feeds)]


def feed_name(p: Posting, feeds: int) -> str:
    """The feed re-publishing ``p``: by serial, so a posting never moves between feeds."""
    return feed_names(feeds)[min(p.serial // FEED_CHUNK, feeds - 1)]


def feed_path(name: str) -> str:
    return f"/feeds/{name}.xml"


def feed_item_path(p: Posting) -> str:
    return f"/{AGGREGATOR}/jobs/{p.feed_id}"


def site_source_name(emp: Employer) -> str:
    """The JSON-LD source of an employer: its own name, or '-careers' next to its API."""
    return emp.slug if emp.channel == "jsonld" else f"{emp.slug}-careers"


def served_at(emp: Employer, p: Posting, feeds: int) -> list[tuple[str, str]]:
    """(path, source name) for every place the posting is published, canonical first."""
    out = [(primary_path(emp, p), emp.slug)]
    if p.on_site and emp.channel != "jsonld":
        out.append((site_path(emp, p), site_source_name(emp)))
    if p.in_feed:
        out.append((feed_item_path(p), feed_name(p, feeds)))
    return out
