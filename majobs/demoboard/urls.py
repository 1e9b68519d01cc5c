"""Where each posting lives on the demo board, and the source names that reach it.

Paths mirror the real services so a crawler's URL building is exercised unchanged:
Greenhouse ``/v1/boards/{board}/jobs`` + hosted pages ``/{board}/jobs/{id}``; Lever
``/v0/postings/{site}`` + hosted pages ``/{site}/{uuid}``; JSON-LD career sites
``/{slug}/careers/``, ``/{slug}/jobs/{id}``, ``/{slug}/sitemap.xml``; the aggregator's feeds
``/feeds/{name}.xml`` and its pages ``/metrojobs/jobs/{id}``. Boards have no hyphen and slugs
always have one, so the two never collide.

The later kinds: Ashby ``/posting-api/job-board/{board}`` + ``/{board}/{uuid}``;
SmartRecruiters ``/v1/companies/{Company}/postings[/{id}]`` + ``/{Company}/{id}-{words}``;
Workday ``/wday/cxs/{tenant}/{Site}/jobs|job/...`` + ``/{Site}/job/...`` (CamelCase names:
no collision with boards or slugs); USAJOBS ``/api/Search`` + ``/job/{control number}``;
CareerOneStop ``/v2/jobsearch/{userId}/{keyword}/...`` + the NLx page ``/nlx/apply/{JvId}``.
"""

from __future__ import annotations

import hashlib
import re

from majobs.demoboard.model import Employer, Posting
from majobs.demoboard.places import Metro

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
    if emp.channel in ("lever", "ashby"):           # Ashby's job id is the same kind of uuid
        return f"/{emp.board}/{p.lever_id}"
    if emp.channel == "smartrecruiters":
        words = re.sub(r"[^a-z0-9]+", "-", p.slug.lower()).strip("-")
        return f"/{sr_company(emp)}/{sr_id(p)}-{words}"
    if emp.channel == "workday":
        return f"/{workday_site(emp)}{workday_path(emp, p)}"
    if emp.channel == "usajobs":
        return f"/job/{usajobs_control(p)}"
    return site_path(emp, p)


# ---- the later kinds ----------------------------------------------------------------------
USAJOBS_SEARCH = "/api/Search"
C1S_SEARCH = "/v2/jobsearch/"
NLX = "nlx"


def camel(emp: Employer) -> str:
    """'lakeside-family-medicine' -> 'LakesideFamilyMedicine'."""
    return "".join(w[:1].upper() + w[1:] for w in emp.slug.split("-"))


def words_slug(text: str) -> str:
    """Workday's URL words: every run of other characters becomes one hyphen each."""
    return re.sub(r"[^A-Za-z0-9]", "-", text.strip())


def ashby_api_path(emp: Employer) -> str:
    return f"/posting-api/job-board/{emp.board}"


def sr_company(emp: Employer) -> str:
    return camel(emp)


def sr_api_path(emp: Employer) -> str:
    return f"/v1/companies/{sr_company(emp)}/postings"


def sr_id(p: Posting) -> str:
    return str(3_743_990_000_000_000 + p.serial * 7_919)


def workday_site(emp: Employer) -> str:
    return (camel(emp), f"{camel(emp)}_Careers", f"{camel(emp)}External")[emp.index % 3]


def workday_req(p: Posting) -> str:
    return f"R{418_000 + p.serial * 7}"


def workday_api_base(emp: Employer) -> str:
    return f"/wday/cxs/{emp.board}/{workday_site(emp)}"


def workday_path(emp: Employer, p: Posting) -> str:
    """``externalPath``: relative to the site, as the real API gives it."""
    city = emp.clinics[p.clinic].city
    return f"/job/{words_slug(f'{city.name}, {city.state}')}/{p.slug}_{workday_req(p)}"


def workday_career_url(emp: Employer) -> str:
    """The career site as people know it (a real Workday host; ``api_url`` points home)."""
    host = f"{emp.board}.wd{1 + emp.index % 5}.myworkdayjobs.com"
    return f"https://{host}/{'en-US/' if emp.index % 2 else ''}{workday_site(emp)}"


def usajobs_control(p: Posting) -> str:
    return str(800_000_000 + p.serial * 1_301)


def c1s_jvid(p: Posting) -> str:
    return hashlib.md5(f"nlx:{p.key}".encode()).hexdigest().upper()


def c1s_job_path(p: Posting) -> str:
    return f"/{NLX}/apply/{c1s_jvid(p)}"


def metro_slug(metro: Metro) -> str:
    return re.sub(r"[^a-z0-9]+", "-", metro.name.lower()).strip("-")


def usajobs_source_name(metro: Metro) -> str:
    return f"usajobs-{metro_slug(metro)}"


def c1s_source_name(metro: Metro) -> str:
    return f"careeronestop-{metro_slug(metro)}"


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


def primary_source_name(emp: Employer) -> str:
    return usajobs_source_name(emp.metro) if emp.channel == "usajobs" else emp.slug


def served_at(emp: Employer, p: Posting, feeds: int,
              c1s: str | None = None) -> list[tuple[str, str]]:
    """(path, source name) for every place the posting is published, canonical first.

    ``c1s``: the CareerOneStop source whose searches list ``p`` (see ``search.py``), if any.
    """
    out = [(primary_path(emp, p), primary_source_name(emp))]
    if p.on_site and emp.channel != "jsonld":
        out.append((site_path(emp, p), site_source_name(emp)))
    if p.in_feed:
        out.append((feed_item_path(p), feed_name(p, feeds)))
    if c1s:
        out.append((c1s_job_path(p), c1s))
    return out
