"""The demo job board: determinism, proportions, every form and quirk, routes, ground truth,
evolution, scale and concurrency. Every check reads what the real HTTP server sends."""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from email.utils import parsedate_to_datetime
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import pytest
import yaml
import zipcodes
from typer.testing import CliRunner

from majobs.demoboard import DemoBoardServer, Response, generate_market
from majobs.demoboard.cli import app as cli_app
from majobs.demoboard.cli import serve
from majobs.demoboard.model import CHANNELS, Changes, TruthPosting
from majobs.demoboard.payforms import TEMPLATES, PayOffer, PayTruth
from majobs.demoboard.places import all_cities
from majobs.demoboard.roles import LOOKALIKE_ROLES, MA_ROLES
from majobs.demoboard.routes import Routes
from majobs.demoboard.urls import served_at
from majobs.sources import parse_sources

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real"
if not FIXTURES.is_dir():
    FIXTURES = Path("/work/shared/fixtures/real")


# ---- helpers ---------------------------------------------------------------------------
def get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.headers["Content-Type"], r.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.headers["Content-Type"], err.read()


class PageParser(HTMLParser):
    """Links and JSON-LD blocks of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ld: list[str] = []
        self.canonical: str | None = None
        self._in_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")
        if tag == "link" and a.get("rel") == "canonical":
            self.canonical = a.get("href")
        if tag == "script" and a.get("type") == "application/ld+json":
            self._in_ld = True
            self.ld.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_ld = False

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.ld[-1] += data


def parse_page(body: bytes) -> PageParser:
    p = PageParser()
    p.feed(body.decode("utf-8"))
    p.close()
    return p


def job_postings(page: PageParser) -> list[dict]:
    """Every schema.org JobPosting in the page: plain, in @graph, in an array."""
    out = []
    for block in page.ld:
        data = json.loads(block)
        items = data if isinstance(data, list) else data.get("@graph", [data])
        out += [i for i in items if i.get("@type") == "JobPosting"]
    return out


def strip_tracking(url: str) -> str:
    s = urlsplit(url)
    q = [(k, v) for k, v in parse_qsl(s.query) if not k.startswith("utm_")]
    return urlunsplit((s.scheme, s.netloc, s.path, urlencode(q), ""))


def crawl(sources: list[dict]) -> dict[str, set[str]]:
    """A small reference crawl of the sources file: source name -> posting URLs found."""
    found: dict[str, set[str]] = {}
    for src in sources:
        urls: set[str] = set()
        if src["kind"] == "greenhouse":
            _, _, body = get(f"{src['api_url']}/v1/boards/{src['board']}/jobs?content=true")
            urls = {j["absolute_url"] for j in json.loads(body)["jobs"]}
        elif src["kind"] == "lever":
            _, _, body = get(f"{src['api_url']}/v0/postings/{src['board']}?mode=json")
            urls = {p["hostedUrl"] for p in json.loads(body)}
        elif src["kind"] == "feed":
            root = ET.fromstring(get(src["url"])[2])
            urls = {i.findtext("link") or "" for i in root.iter("item")}
        else:
            todo = list(src.get("start_urls", []))
            for sm in src.get("sitemap_urls", []):
                locs = ET.fromstring(get(sm)[2]).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
                todo += [loc.text or "" for loc in locs]
            seen: set[str] = set()
            while todo:
                url = strip_tracking(todo.pop())
                if url in seen:
                    continue
                seen.add(url)
                status, _, body = get(url)
                assert status == 200, url
                page = parse_page(body)
                if "/jobs/" in url:
                    urls.add(job_postings(page)[0].get("url") or page.canonical or url)
                root = urlsplit(url).path.split("/")[1]
                for href in page.links:
                    nxt = urljoin(url, href)
                    if nxt.startswith("http") and urlsplit(nxt).path.split("/")[1] == root:
                        todo.append(nxt)
        found[src["name"]] = urls
    return found


@pytest.fixture(scope="module")
def market():
    return generate_market(postings=300, seed=11)


@pytest.fixture(scope="module")
def server(market):
    with DemoBoardServer(market) as srv:
        yield srv


@pytest.fixture(scope="module")
def pages(market, server):
    """Every pre-rendered crawl page of the module market: path -> parsed content."""
    routes = server.routes
    out: dict[str, object] = {}
    for e in market.employers:
        if e.channel == "greenhouse":
            api = f"{server.base_url}/v1/boards/{e.board}/jobs?content=true"
            out[f"gh:{e.board}"] = json.loads(get(api)[2])
        if e.channel == "lever":
            api = f"{server.base_url}/v0/postings/{e.board}?mode=json"
            out[f"lever:{e.board}"] = json.loads(get(api)[2])
    for path in routes.paths():
        if "/jobs/" in path and not path.startswith(("/v1/", "/v0/", "/metrojobs/")):
            status, ctype, body = get(server.base_url + path)
            if "html" in ctype and status == 200:
                out[path] = parse_page(body)
    out["feeds"] = [get(server.base_url + f"/feeds/{n}.xml")[2] for n in market.feed_names()]
    return out


# ---- determinism -----------------------------------------------------------------------
def rendered(market, base: str = "http://127.0.0.1:9") -> dict[str, bytes]:
    routes = Routes(market, base)
    routes.prerender()
    return {path: routes.resolve(path, {"content": "true", "mode": "json"}).body
            for path in routes.paths()}


DIGEST = """
import hashlib
from majobs.demoboard import generate_market
from majobs.demoboard.routes import Routes
routes = Routes(generate_market(60, seed=9), "http://127.0.0.1:9")
h = hashlib.sha256()
for path in sorted(routes.paths()):
    h.update(path.encode() + routes.resolve(path, {"content": "true", "mode": "json"}).body)
print(h.hexdigest())
"""


def test_same_seed_same_bytes_different_seed_different_bytes():
    a, b = generate_market(120, seed=3), generate_market(120, seed=3)
    assert rendered(a) == rendered(b)
    assert a.truth() == b.truth()
    assert a.sources_yaml("http://x:1") == b.sources_yaml("http://x:1")
    assert rendered(generate_market(120, seed=4)) != rendered(a)


def test_bytes_do_not_depend_on_the_process_hash_seed():
    outs = set()
    for hashseed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hashseed}
        outs.add(subprocess.run([sys.executable, "-c", DIGEST], env=env, check=True,
                                capture_output=True, text=True).stdout.strip())
    assert len(outs) == 1 and len(outs.pop()) == 64


# ---- proportions and contents ----------------------------------------------------------
def test_proportions(market):
    n = len(market.postings)
    ps = market.postings
    assert len([e for e in market.employers if e.channel != "usajobs"]) == max(6, round(n / 25))
    assert sum(p.is_ma for p in ps) == round(0.65 * n)
    assert sum(p.in_feed for p in ps) == round(0.30 * n)
    assert sum(p.on_site for p in ps) == round(0.10 * n)
    assert all(not (p.expired and (p.in_feed or p.on_site)) for p in ps)
    assert 0 < sum(p.expired for p in ps) < 0.1 * n
    kinds = {e.kind for e in market.employers}
    assert {"family_clinic", "physician_group", "hospital", "urgent_care", "dermatology",
            "orthopedics", "pediatrics", "staffing"} <= kinds
    assert sum(e.kind == "staffing" for e in market.employers) == 1
    assert {e.channel for e in market.employers} == set(CHANNELS)
    roles = Counter(p.role for p in ps)
    assert {r.id for r in MA_ROLES + LOOKALIKE_ROLES} == set(roles)
    assert {p.employment_type for p in ps} == {"full_time", "part_time", "per_diem",
                                                "contract", "temporary"}
    assert len({e.metro.cities[0].state for e in market.employers}) >= 3


def test_small_market_still_has_six_employers_and_the_same_title_pair():
    m = generate_market(postings=50, seed=1)
    assert len([e for e in m.employers if e.channel != "usajobs"]) == 6
    t = m.truth()
    pair = [x for x in t if (x.employer, x.title) == (t[0].employer, t[0].title)]
    assert len(pair) >= 2 and len({x.urls[0] for x in pair}) == len(pair)
    assert t[0].title == t[1].title and t[0].employer == t[1].employer
    assert t[0].postal_code != t[1].postal_code          # two clinics: two postings


def test_clinic_zips_are_real_and_match_their_city():
    for city in all_cities():
        hits = zipcodes.matching(city.postal_code)
        assert hits and hits[0]["city"] == city.name and hits[0]["state"] == city.state


@pytest.mark.parametrize(("form", "lo", "hi", "truth"), [
    ("range_hour", 18.5, 22.0, PayTruth(18.5, 22.0, "hour")),
    ("single_hour", 19.0, None, PayTruth(19.0, 19.0, "hour")),
    ("upto_hour", None, 24.0, PayTruth(None, 24.0, "hour")),
    ("from_hour", 20.0, None, PayTruth(20.0, None, "hour")),
    ("range_year", 40000.0, 46000.0, PayTruth(40000.0, 46000.0, "year")),
    ("biweekly", 1600.0, None, PayTruth(41600.0, 41600.0, "year")),
    ("monthly", 3100.0, None, PayTruth(37200.0, 37200.0, "year")),
    ("weekly", 850.0, None, PayTruth(21.25, 21.25, "hour")),
    ("daily", 152.0, None, PayTruth(19.0, 19.0, "hour")),
])
def test_pay_truth_is_the_normalized_period(form, lo, hi, truth):
    for template in range(len(TEMPLATES[form])):
        offer = PayOffer(form, lo, hi, template)
        assert offer.truth() == truth
        found = re.findall(r"\d[\d,]*(?:\.\d+)?", offer.text())
        numbers = [float(x.replace(",", "")) for x in found]
        shown = [v for v in (lo, hi) if v is not None]
        assert [n * (1000 if "K" in offer.text() else 1) for n in numbers] == shown


def test_every_pay_date_and_type_form_is_served(market, pages):
    gh = [j for k, v in pages.items() if k.startswith("gh:") for j in v["jobs"]]
    lever = [p for k, v in pages.items() if k.startswith("lever:") for p in v]
    ld = [j for k, v in pages.items() if isinstance(v, PageParser) for j in job_postings(v)]
    # pay: every text form, structured hourly/yearly with numbers and strings, and none
    forms = {p.offer.form for p in market.postings if p.offer and p.offer.in_text}
    assert forms == set(TEMPLATES)
    units = {(s["value"]["unitText"], type(s["value"].get("minValue", s["value"].get("value"))))
             for s in (j.get("baseSalary") for j in ld) if s}
    assert {("HOUR", str), ("YEAR", str), ("", str)} <= units
    assert {"HOUR", "YEAR"} <= {u for u, t in units if t in (int, float)}
    assert {p["salaryRange"]["interval"] for p in lever if "salaryRange" in p} == {
        "per-hour-wage", "per-year-salary"}
    assert any(p.offer is None for p in market.postings)
    # dates: ISO with offsets, epoch ms, RFC 822 with and without offset, date-only, naive ISO
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0[4-8]:00", j["first_published"])
               for j in gh)
    assert all(isinstance(p["createdAt"], int) and p["createdAt"] > 10**12 for p in lever)
    pub = [i.findtext("pubDate") for f in pages["feeds"] for i in ET.fromstring(f).iter("item")]
    assert {parsedate_to_datetime(d).utcoffset().total_seconds() == 0 for d in pub} == {True, False}
    posted = {len(j["datePosted"]) for j in ld}
    assert posted == {10, 19}
    assert any(j.get("validThrough", "9") < market.today.isoformat() for j in ld)
    # employment types: every spelling family
    ld_types = [j["employmentType"] for j in ld]
    assert any(isinstance(t, list) for t in ld_types)
    assert {"FULL_TIME", "PRN", "Per Diem", "Part time (24 hrs/wk)"} <= {
        t for t in ld_types if isinstance(t, str)}
    assert {"Full-time", "Full-Time"} <= {p["categories"]["commitment"] for p in lever}
    assert any(j["metadata"] is None for j in gh) and any(j["metadata"] for j in gh)


def test_real_world_quirks_are_served(market, pages):
    gh = [j for k, v in pages.items() if k.startswith("gh:") for j in v["jobs"]]
    lever = [p for k, v in pages.items() if k.startswith("lever:") for p in v]
    assert any(j["title"].endswith(" ") for j in gh)
    assert any(j["company_name"].endswith(" ") for j in gh)
    assert all(j["content"].startswith("&lt;div class=&quot;content-intro&quot;&gt;") for j in gh)
    assert "&amp;nbsp;" in gh[0]["content"]
    assert any("lists" in p for p in lever) and any("lists" not in p for p in lever)
    assert any("\u00a0" in p["descriptionPlain"] for p in lever)
    blocks = [json.loads(b) for v in pages.values() if isinstance(v, PageParser) for b in v.ld]
    assert any(isinstance(b, dict) and "@graph" in b for b in blocks)
    assert any(isinstance(b, list) for b in blocks)
    assert any(isinstance(b, dict) and b.get("@type") == "Organization" and "@context" not in b
               for b in blocks)
    raw = pages["feeds"][0]
    assert b"<description>&lt;p&gt;" in raw and b"via MetroJobs" in raw
    # a sign-on bonus, a phone number: in the text, never the pay
    text = " ".join(unescape(j["content"]) for j in gh)
    assert re.search(r"\$[\d,]+ sign-on bonus", text) and re.search(r"\(\d{3}\) 555-01\d\d", text)


def test_extruct_finds_one_job_posting_per_detail_page(market, server):
    import extruct

    shapes = Counter()
    for emp in market.site_employers():
        body = get(server.base_url + f"/{emp.slug}/sitemap.xml")[2]
        locs = ET.fromstring(body).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
        for url in [loc.text or "" for loc in locs if "/jobs/" in (loc.text or "")]:
            html = get(url)[2].decode()
            found = extruct.extract(html, base_url=url, syntaxes=["json-ld"])["json-ld"]
            items = [i for d in found for i in d.get("@graph", [d])]
            jobs = [i for i in items if i.get("@type") == "JobPosting"]
            assert len(jobs) == 1, url
            shapes["graph" if any("@graph" in d for d in found) else
                   "jazz" if "hiringOrganization" not in jobs[0] else
                   "array" if len(found) > 1 else "plain"] += 1
    assert set(shapes) == {"graph", "jazz", "array", "plain"}


def test_field_names_match_the_real_fixtures(pages):
    real_gh = [json.loads((FIXTURES / "greenhouse" / f).read_text())
               for f in ("smarterdx_jobs_content.json", "amplitude_jobs_content.json")]
    gh = next(v for k, v in pages.items() if k.startswith("gh:"))
    assert set(gh) == set(real_gh[0]) == {"jobs", "meta"}
    for job in gh["jobs"]:
        assert set(job) == set(real_gh[0]["jobs"][0]) == set(real_gh[1]["jobs"][0])
        assert set(job["offices"][0]) == set(real_gh[0]["jobs"][0]["offices"][0])
        assert set(job["departments"][0]) == set(real_gh[0]["jobs"][0]["departments"][0])
        assert set(job["data_compliance"][0]) == set(real_gh[0]["jobs"][0]["data_compliance"][0])
    real_lever = [json.loads((FIXTURES / "lever" / f).read_text())
                  for f in ("palantir_postings.json", "veeva_postings.json")]
    real_keys = set().union(*(set(p) for r in real_lever for p in r))
    real_cats = set().union(*(set(p["categories"]) for r in real_lever for p in r))
    for site in (v for k, v in pages.items() if k.startswith("lever:")):
        assert isinstance(site, list)
        for posting in site:
            assert set(posting) - {"salaryRange"} <= real_keys
            assert real_keys - {"lists"} <= set(posting)
            assert set(posting["categories"]) <= real_cats
            for item in posting.get("lists", []):
                assert set(item) == set(real_lever[0][0]["lists"][0])
            if "salaryRange" in posting:
                assert set(posting["salaryRange"]) == {"min", "max", "currency", "interval"}


# ---- routes ----------------------------------------------------------------------------
def test_every_route_serves_parseable_content():
    m = generate_market(postings=60, seed=2)
    with DemoBoardServer(m, prerender=False) as srv:
        for path in srv.routes.open_paths():
            for query in ("", "?content=true", "?mode=json&skip=1&limit=2", "?page=1"):
                status, ctype, body = get(srv.base_url + path + query)
                assert status == 200, path + query
                if "json" in ctype:
                    json.loads(body)
                elif "xml" in ctype:
                    ET.fromstring(body)
                elif "html" in ctype:
                    for block in parse_page(body).ld:
                        json.loads(block)
                else:
                    assert body.startswith(b"User-agent: *")
        assert get(srv.base_url + "/nothing/here")[0] == 404
        assert get(srv.base_url + "/%ff%fe/..%2f")[0] == 404
        careers = next(p for p in srv.routes.paths() if p.endswith("/careers/"))
        assert get(srv.base_url + careers + "?page=999")[0] == 404
        assert get(srv.base_url + careers + "?page=abc")[2] == get(srv.base_url + careers)[2]
        lever = next(e for e in m.employers if e.channel == "lever")
        api = f"{srv.base_url}/v0/postings/{lever.board}?mode=json"
        assert json.loads(get(api + "&skip=1&limit=1")[2]) == json.loads(get(api)[2])[1:2]
        gh = next(e for e in m.employers if e.channel == "greenhouse")
        bare = json.loads(get(f"{srv.base_url}/v1/boards/{gh.board}/jobs")[2])
        assert bare["jobs"] and all("content" not in j for j in bare["jobs"])


def test_sources_file_is_valid_and_local(market, server):
    data = yaml.safe_load(server.sources_yaml())
    sources = parse_sources(data, "demo.yaml")
    assert all(s.allow_local for s in sources)
    assert {s.kind for s in sources} == {"greenhouse", "lever", "jsonld", "feed", "ashby",
                                         "smartrecruiters", "workday", "usajobs",
                                         "careeronestop"}
    for s in sources:   # a Workday url is the career site's real address; api_url is local
        for url in (s.api_url, s.url if s.kind != "workday" else None, *s.start_urls,
                    *s.sitemap_urls):
            assert url is None or url.startswith(server.base_url)
    assert data["sources"] == market.sources(server.base_url)


def test_truth_matches_what_a_crawl_finds(market, server):
    truth = server.truth()
    classic = ("greenhouse", "lever", "jsonld", "feed")   # the others: test_demoboard_kinds
    found = crawl([s for s in market.sources(server.base_url) if s["kind"] in classic])
    expected: dict[str, set[str]] = {name: set() for name in found}
    for t in truth:
        assert len(t.urls) == len(t.sources) == len(set(t.urls))
        for url, source in zip(t.urls, t.sources, strict=True):
            if source in expected:
                expected[source].add(url)
    assert found == expected
    for t in truth:
        for url in t.urls:
            assert get(url)[0] == 200, url
    multi = [t for t in truth if len(t.urls) > 1]
    assert len(multi) >= 0.3 * len(truth)
    assert market.truth()[0].urls[0].startswith("/")


def test_truth_fields_agree_with_each_channel(market, pages, server):
    for t in server.truth():
        p = market.posting(t.key)
        emp = market.employer_of(p)
        assert isinstance(t, TruthPosting) and t.employer == emp.name
        if emp.channel not in ("greenhouse", "lever", "jsonld"):
            continue                                    # test_demoboard_kinds.py
        if emp.channel == "greenhouse":
            jobs = pages[f"gh:{emp.board}"]["jobs"]
            job = next(j for j in jobs if j["absolute_url"] == t.urls[0])
            assert job["title"].strip() == t.title
            assert job["location"]["name"].endswith(t.postal_code)
            assert job["first_published"].startswith(t.date_posted.isoformat())
            text = unescape(job["content"])
        elif emp.channel == "lever":
            post = next(x for x in pages[f"lever:{emp.board}"] if x["hostedUrl"] == t.urls[0])
            assert post["text"] == t.title and t.city in post["categories"]["location"]
            text = post["description"] + post["additional"] + json.dumps(post.get("lists", []))
        else:
            ld = job_postings(pages[urlsplit(t.urls[0]).path])[0]
            place = ld["jobLocation"]
            place = place[0] if isinstance(place, list) else place
            assert ld["title"] == t.title and place["address"]["postalCode"] == t.postal_code
            assert ld["datePosted"].startswith(t.date_posted.isoformat())
            through = t.valid_through.isoformat() if t.valid_through else None
            assert ld.get("validThrough") == through
            text = ld["description"]
        if p.offer and p.offer.in_text:
            assert p.offer.text() in unescape(text)
        assert (t.pay is None) == (p.offer is None)


# ---- evolution -------------------------------------------------------------------------
def posting_bytes(routes: Routes, market, p) -> list[bytes]:
    emp = market.employer_of(p)
    paths = [path for path, _ in served_at(emp, p, market.feeds)]
    if emp.channel == "greenhouse":
        paths.append(f"/v1/boards/{emp.board}/jobs/{p.gh_id}")
    if emp.channel == "lever":
        paths.append(f"/v0/postings/{emp.board}/{p.lever_id}")
    return [routes.resolve(path, {}).body for path in paths]


def test_evolve_changes_exactly_what_changes_says():
    m = generate_market(150, seed=5)
    m2, ch = m.evolve(1)
    assert isinstance(ch, Changes) and m.evolve(1) == (m2, ch)
    assert m.evolve(2)[1] != ch
    old, new = {p.key for p in m.postings}, {p.key for p in m2.postings}
    assert ch.added and ch.edited and ch.removed
    assert new == (old - set(ch.removed)) | set(ch.added)
    assert not set(ch.added) & old and set(ch.removed) <= old
    r1, r2 = Routes(m, "http://h:1"), Routes(m2, "http://h:1")
    t1, t2 = {t.key: t for t in m.truth()}, {t.key: t for t in m2.truth()}
    for key in old & new:
        same = posting_bytes(r1, m, m.posting(key)) == posting_bytes(r2, m2, m2.posting(key))
        assert same == (key not in ch.edited), key
        kind = ch.edit_kinds.get(key)
        assert (t1[key].title != t2[key].title) == (kind == "title")
        assert (t1[key].pay != t2[key].pay) == (kind == "pay")
        assert t1[key].urls == t2[key].urls
    m3, ch3 = m2.evolve(1)                  # a second step keeps going from the first
    assert not set(ch3.added) & new and m3.lineage != m2.lineage
    # the sources file of the first board still covers every later board
    assert m.sources("http://h:1") == m2.sources("http://h:1") == m3.sources("http://h:1")


def test_set_market_serves_the_evolved_board():
    m = generate_market(80, seed=8)
    m2, ch = m.evolve(4)
    with DemoBoardServer(m) as srv:
        removed = [u for t in srv.truth() if t.key in ch.removed for u in t.urls]
        assert all(get(u)[0] == 200 for u in removed)
        srv.set_market(m2)
        assert all(get(u)[0] == 404 for u in removed)
        added = [u for t in srv.truth() if t.key in ch.added for u in t.urls]
        assert added and all(get(u)[0] == 200 for u in added)
        for src in m.sources(srv.base_url):        # the old sources file still works
            if src["kind"] not in ("greenhouse", "lever", "jsonld", "feed"):
                continue                                # test_demoboard_kinds.py
            entry = [src.get("url"), *src.get("start_urls", []), *src.get("sitemap_urls", [])]
            if src["kind"] == "greenhouse":
                entry.append(f"{src['api_url']}/v1/boards/{src['board']}/jobs?content=true")
            if src["kind"] == "lever":
                entry.append(f"{src['api_url']}/v0/postings/{src['board']}?mode=json")
            assert all(get(u)[0] == 200 for u in entry if u)


# ---- server ----------------------------------------------------------------------------
def test_server_answers_concurrent_requests(market, server):
    targets = [*[path for t in market.truth() for path in t.urls][:120], "/robots.txt"]
    expected = {p: server.routes.resolve(p, {}).body for p in targets}
    host, port = "127.0.0.1", server.port
    before = server.requests

    def worker(offset: int) -> list[bool]:
        conn = http.client.HTTPConnection(host, port, timeout=30)   # keep-alive
        try:
            ok = []
            for i in range(40):
                path = targets[(offset * 7 + i) % len(targets)]
                conn.request("GET", path)
                resp = conn.getresponse()
                ok.append(resp.status == 200 and resp.read() == expected[path])
            return ok
        finally:
            conn.close()

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = [ok for oks in pool.map(worker, range(16)) for ok in oks]
    assert len(results) == 640 and all(results)
    assert server.requests - before == 640 and server.counts[200] >= 640


def test_faults_override_paths_by_longest_prefix(server, market):
    gh = next(e for e in market.employers if e.channel == "greenhouse")
    api = f"/v1/boards/{gh.board}/jobs"
    calls: list[str] = []
    server.faults["/v1/"] = lambda req: Response(500, "text/plain", b"boom")
    server.faults[api] = lambda req: calls.append(req.query.get("content", "")) or None
    try:
        assert get(f"{server.base_url}{api}?content=true")[0] == 200
        assert get(f"{server.base_url}/v1/boards/other/jobs")[0] == 500
        assert calls == ["true"] and server.hits("/v1/boards/other") >= 1
    finally:
        server.faults.clear()
    assert get(f"{server.base_url}/v1/boards/other/jobs")[0] == 404


@pytest.mark.slow
def test_twenty_thousand_postings_generate():
    start = time.perf_counter()
    m = generate_market(postings=20_000, seed=7)
    took = time.perf_counter() - start
    print(f"\ngenerated 20,000 postings and {len(m.employers)} employers in {took:.1f} s")
    assert len(m.postings) == 20_000 and len(m.employers) == 800 + 7   # + a VA per metro
    assert len({p.key for p in m.postings}) == 20_000
    assert sum(p.is_ma for p in m.postings) == 13_000
    names = [s["name"] for s in m.sources("http://h:1")]
    assert len(names) == len(set(names))


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError):
        generate_market(postings=0)
    result = CliRunner().invoke(cli_app, ["serve", "--host", "0.0.0.0", "--port", "0"])
    assert result.exit_code == 2 and "--public" in result.output


def test_serve_writes_sources_and_stops(tmp_path):
    out, stop = tmp_path / "sources.yaml", threading.Event()
    thread = threading.Thread(target=serve, kwargs={
        "postings": 50, "port": 0, "seed": 3, "sources_file": out, "stop": stop,
        "echo": False})
    thread.start()
    try:
        for _ in range(600):
            if out.exists() and out.stat().st_size:
                break
            time.sleep(0.05)
        sources = yaml.safe_load(out.read_text())["sources"]
        base = sources[-1]["url"].split("/feeds/")[0]
        assert get(base + "/robots.txt")[0] == 200
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive()
