"""JSON-LD / microdata spider: real career pages, a generated site, hostile documents."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

import pytest
from spider_harness import FIXTURES, LocalServer, run_spiders

REAL = {"neogenomics": FIXTURES / "jsonld" / "neogenomics_jobvite_job.html",
        "paradromics": FIXTURES / "jsonld" / "paradromics_jazzhr_job.html"}
HTML = "text/html; charset=utf-8"
LD_BLOCK = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def posting(title: str, **extra: Any) -> dict[str, Any]:
    return {"@context": "https://schema.org", "@type": "JobPosting", "title": title,
            "description": f"<p>{title}: room patients, take vitals.</p>",
            "datePosted": "2026-03-02", **extra}


def ld(*blocks: Any) -> str:
    texts = (b if isinstance(b, str) else json.dumps(b) for b in blocks)
    return "".join(f'<script type="application/ld+json">{t}</script>' for t in texts)


def page(head: str = "", links: tuple[str, ...] = (), body: str = "") -> str:
    anchors = "".join(f'<a href="{href}">link</a>' for href in links)
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}{anchors}</body></html>"


MICRODATA = """<div itemscope itemtype="https://schema.org/JobPosting">
<h1 itemprop="title">MA Microdata</h1>
<span itemprop="employmentType">PART_TIME</span>
<div itemprop="hiringOrganization" itemscope itemtype="https://schema.org/MedicalClinic">
  <span itemprop="name">Microdata Clinic</span></div>
<div itemprop="jobLocation" itemscope itemtype="https://schema.org/Place">
 <div itemprop="address" itemscope itemtype="https://schema.org/PostalAddress">
  <span itemprop="addressLocality">Temple</span><span itemprop="addressRegion">TX</span></div></div>
<meta itemprop="datePosted" content="2026-03-01"></div>"""

DEEP = "[" * 10_000 + "]" * 10_000
BIGINT = '{"@type": "JobPosting", "title": "MA Huge", "identifier": ' + "9" * 5000 + "}"
HOPELESS = '{"@type": "JobPosting" "title": "MA Hopeless"}'          # missing comma
BROKEN = '<!--\n{"@type": "JobPosting", "title": "MA Broken",\n "description": "tab\there",}\n-->'

EXPECTED = {"MA Plain", "MA Graph", "MA Array 1", "MA Array 2", "MA ItemList", "MA Several 1",
            "MA Several 2", "MA Microdata", "MA Broken", "MA Beside Hopeless", "MA Beside Deep",
            "MA Beside Bigint", "MA Last Page", "MA Sitemap 1", "MA Sitemap 2", "MA Canonical"}


def build_site(srv: LocalServer, other: LocalServer) -> None:
    def r(path: str, body: str | bytes, content_type: str) -> None:
        srv.route(path, body, content_type=content_type)

    elsewhere = other.url("/care/jobs/elsewhere", host="localhost")  # another host
    other.route("/care/jobs/elsewhere", page(ld(posting("MA Elsewhere"))), content_type=HTML)
    r("/care/jobs/", page(links=("/care/jobs/plain", "graph", "array", "?page=2", elsewhere,
                                 "mailto:hr@lakeside.example", "javascript:void(0)",
                                 "file:///etc/passwd", "ftp://127.0.0.1/jobs.txt",
                                 "/care/api/jobs", "/care/brochure")), HTML)
    r("/care/api/jobs", json.dumps([posting("MA From JSON API")]), "application/json")
    r("/care/brochure", b"%PDF-1.4 not really", "application/pdf")
    r("/care/jobs/plain", page(ld(posting("MA Plain", identifier={
        "@type": "PropertyValue", "name": "Req", "value": "REQ-1"}))), HTML)
    r("/care/jobs/graph", page(ld({"@context": "https://schema.org", "@graph": [
        {"@type": "MedicalOrganization", "@id": "#org", "name": "Graph Health"},
        posting("MA Graph", hiringOrganization={"@id": "#org"})]})), HTML)
    r("/care/jobs/array", page(ld([posting("MA Array 1"), posting("MA Array 2")])), HTML)
    r("/care/jobs/?page=2", page(ld({"@type": "ItemList", "itemListElement": [
        {"@type": "ListItem", "position": 1, "item": posting("MA ItemList")}]}),
        links=("several", "microdata", "broken", "hopeless", "deep", "bigint", "?page=3")), HTML)
    r("/care/jobs/?page=3", page(links=("/care/jobs/last", "/care/jobs/?page=2",
                                        "canon?utm_source=list&utm_medium=web",
                                        "canon?ref=listing")), HTML)
    # No url in the JSON-LD: the canonical link names the posting, whichever link led here.
    r("/care/jobs/canon", page(f'<link rel="canonical" href="{srv.url("/care/jobs/canon")}">'
                               + ld(posting("MA Canonical"))), HTML)
    r("/care/jobs/last", page(ld(posting("MA Last Page"))), HTML)
    r("/care/jobs/several", page(ld({"@type": "Organization", "name": "Lakeside Clinic"},
                                    posting("MA Several 1"), posting("MA Several 2"))), HTML)
    r("/care/jobs/microdata", page(body=MICRODATA), HTML)
    r("/care/jobs/broken", page(ld(BROKEN)), HTML)
    r("/care/jobs/hopeless", page(ld(HOPELESS, posting("MA Beside Hopeless"))), HTML)
    r("/care/jobs/deep", page(ld(DEEP, posting("MA Beside Deep"))), HTML)
    r("/care/jobs/bigint", page(ld(BIGINT, posting("MA Beside Bigint"))), HTML)
    r("/care/sitemap_index.xml", "<?xml version='1.0'?><sitemapindex xmlns="
      "'http://www.sitemaps.org/schemas/sitemap/0.9'><sitemap><loc>"
      f"{srv.url('/care/sitemap-jobs.xml')}</loc></sitemap><sitemap><loc>"
      f"{srv.url('/care/sitemap-more.xml.gz')}</loc></sitemap></sitemapindex>",
      "application/xml")
    r("/care/sitemap-jobs.xml", "<?xml version='1.0'?><urlset xmlns="
      "'http://www.sitemaps.org/schemas/sitemap/0.9'>"
      f"<url><loc>{srv.url('/care/postings/sm-1')}</loc></url>"
      f"<url><loc>{srv.url('/care/jobs/canon')}</loc></url>"
      f"<url><loc>{other.url('/care/postings/x', host='localhost')}</loc></url></urlset>",
      "application/xml")
    r("/care/sitemap-more.xml.gz", gzip.compress(
        b"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
        + f"<url><loc>{srv.url('/care/postings/sm-2')}</loc></url></urlset>".encode()),
      "application/x-gzip")
    r("/care/postings/sm-1", page(ld(posting("MA Sitemap 1")), links=("/care/postings/no",)),
      HTML)
    r("/care/postings/sm-2", page(ld(posting("MA Sitemap 2"))), HTML)
    r("/care/postings/no", page(ld(posting("MA Not Followed"))), HTML)


@pytest.fixture(scope="module")
def crawls() -> dict[str, Any]:
    with LocalServer() as srv, LocalServer() as other, LocalServer() as small:
        build_site(srv, other)
        for name, path in REAL.items():
            srv.route(f"/real/{name}.html", path, content_type=HTML)
        small.route("/s/", page(links=tuple(f"/s/{n}" for n in range(6))), content_type=HTML)
        for n in range(6):
            small.route(f"/s/{n}", page(ld(posting(f"MA Small {n}"))), content_type=HTML)

        def src(name: str, **kw: Any) -> tuple[dict[str, Any], dict[str, Any]]:
            return {"name": name, "kind": "jsonld", "allow_local": True, **kw}, {}

        runs = run_spiders([
            src("site", start_urls=[srv.url("/care/jobs/")],
                sitemap_urls=[srv.url("/care/sitemap_index.xml")]),
            src("real", start_urls=[srv.url(f"/real/{n}.html") for n in REAL]),
            src("small", start_urls=[small.url("/s/")], max_pages=3),
        ])
        runs.update(base=srv.base, requests=srv.paths(), other_requests=other.paths(),
                    small_requests=small.paths())
    return runs


def test_site_crawl_finds_every_posting_and_nothing_else(crawls: dict[str, Any]) -> None:
    titles = [i["title"] for i in crawls["site"].items]
    assert sorted(titles) == sorted(EXPECTED)


def test_site_crawl_stays_on_site(crawls: dict[str, Any]) -> None:
    assert crawls["other_requests"] == []
    assert "/care/postings/no" not in crawls["requests"]   # sitemap pages are not crawled on
    assert "/care/jobs/?page=3" in crawls["requests"]      # pagination is
    assert "/care/api/jobs" in crawls["requests"]           # fetched, but JSON is not a page
    assert crawls["site"].stat("majobs/jsonld/offsite_links_skipped") >= 2


def test_tracking_parameters_and_repeats(crawls: dict[str, Any]) -> None:
    requests = crawls["requests"]
    assert not [p for p in requests if "utm_" in p]
    assert requests.count("/care/jobs/canon") == 1          # listing link and sitemap entry
    assert requests.count("/care/jobs/canon?ref=listing") == 1
    (item,) = [i for i in crawls["site"].items if i["title"] == "MA Canonical"]
    assert item["url"] == crawls["base"] + "/care/jobs/canon"
    assert crawls["site"].stat("majobs/jsonld/repeated_postings") == 1


def test_bad_blocks_are_counted_and_the_crawl_goes_on(crawls: dict[str, Any]) -> None:
    run = crawls["site"]
    assert run.errors() == {"jsonld_invalid": 2, "jsonld_too_deep": 1}
    assert run.stats["finish_reason"] == "finished"
    assert run.stat("majobs/jsonld/lenient_pages") >= 3


def test_site_fields(crawls: dict[str, Any]) -> None:
    items = {i["title"]: i for i in crawls["site"].items}
    base = crawls["base"]
    assert items["MA Plain"]["external_id"] == "REQ-1"
    assert items["MA Plain"]["url"] == base + "/care/jobs/plain"
    assert items["MA Graph"]["employer"] == "Graph Health"
    assert items["MA Several 1"]["employer"] == "Lakeside Clinic"
    micro = items["MA Microdata"]
    assert micro["employer"] == "Microdata Clinic"
    assert micro["employment_type_raw"] == "PART_TIME"
    assert micro["locations_raw"][0]["address"]["addressLocality"] == "Temple"
    assert micro["date_posted_raw"] == "2026-03-01"
    assert items["MA Broken"]["description_html"] == "tab\there"
    assert items["MA Array 2"]["description_html"] == posting("MA Array 2")["description"]


def real_posting(name: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    blocks = [json.loads(b) for b in LD_BLOCK.findall(REAL[name].read_text("utf-8"))]
    job = next(b for b in blocks if b.get("@type") == "JobPosting")
    return job, [b for b in blocks if b.get("@type") == "Organization"]


@pytest.mark.parametrize("name", sorted(REAL))
def test_every_field_of_real_pages(crawls: dict[str, Any], name: str) -> None:
    job, orgs = real_posting(name)
    page_url = f"{crawls['base']}/real/{name}.html"
    (item,) = [i for i in crawls["real"].items if i["title"] == job["title"]]
    places = job["jobLocation"] if isinstance(job["jobLocation"], list) else [job["jobLocation"]]
    assert item["url"] == job.get("url", page_url)
    assert item["external_id"] == job.get("identifier")
    assert item["employer"] == (orgs[0]["name"] if orgs else None)
    assert item["description_html"] == job["description"]
    assert item["locations_raw"] == places
    assert item["remote_raw"] is None
    assert item["employment_type_raw"] == job.get("employmentType")
    assert item["pay_raw"] == job.get("baseSalary")
    assert item["date_posted_raw"] == job["datePosted"]
    assert item["valid_through_raw"] == job.get("validThrough")
    assert crawls["real"].errors() == {}


def test_page_budget(crawls: dict[str, Any]) -> None:
    run = crawls["small"]
    fetched = [p for p in crawls["small_requests"] if p != "/robots.txt"]
    assert len(fetched) == 3
    assert len(run.items) == 2                              # the listing page has none
    assert run.errors() == {"page_limit_reached": 1}


def test_real_fixture_files_exist() -> None:
    assert all(Path(p).is_file() for p in REAL.values())
