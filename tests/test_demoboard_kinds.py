"""The demo board's later source kinds: Ashby, SmartRecruiters, Workday, USAJOBS and
CareerOneStop. Shapes against the real fixtures, credentials, paging and searches, the
ground truth against a plain-HTTP reference crawl and against the real spiders."""

from __future__ import annotations

import collections
import json
import urllib.error
import urllib.request
from dataclasses import replace
from datetime import date
from html import unescape
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
import zipcodes
from spider_harness import run_spiders

from majobs.demoboard import DEMO_CREDENTIALS, DemoBoardServer, generate_market, search, urls
from majobs.demoboard.credentials import (
    CAREERONESTOP_TOKEN,
    CAREERONESTOP_USERID,
    USAJOBS_EMAIL,
    USAJOBS_KEY,
)
from majobs.demoboard.places import METROS, all_cities
from majobs.demoboard.render_public_apis import c1s_job, snippet

FIXTURES = Path("/work/shared/fixtures/real")
NEW_KINDS = {"ashby", "smartrecruiters", "workday", "usajobs", "careeronestop"}
USAJOBS_HEADERS = {"Authorization-Key": USAJOBS_KEY, "User-Agent": USAJOBS_EMAIL}
C1S_HEADERS = {"Authorization": f"Bearer {CAREERONESTOP_TOKEN}"}


def call(url: str, headers: dict[str, str] | None = None,
         body: object = None) -> tuple[int, object]:
    """(status, parsed JSON or raw bytes); ``body``: POST it as JSON."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers={
        **(headers or {}), **({"Content-Type": "application/json"} if data else {})})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            raw, ctype = r.read(), r.headers["Content-Type"]
            status = r.status
    except urllib.error.HTTPError as err:
        with err:
            raw, ctype, status = err.read(), err.headers["Content-Type"], err.code
    return status, json.loads(raw) if "json" in (ctype or "") else raw


def c1s_url(src: dict, keyword: str, start: int = 0, size: int = 100,
            user: str = CAREERONESTOP_USERID) -> str:
    parts = "/".join(quote(str(s), safe="") for s in (
        user, keyword, src["location"], src["radius_miles"], 0, 0, start, size, 0))
    return f"{src['api_url']}/v2/jobsearch/{parts}?enableJobDescriptionSnippet=true"


def workday_api(src: dict) -> str:
    tenant = src["url"].split("//")[1].split(".")[0]
    return f"{src['api_url']}/wday/cxs/{tenant}/{src['url'].rstrip('/').rsplit('/', 1)[1]}"


def crawl(src: dict, page: int = 7) -> set[str]:
    """A small reference crawl of one new-kind source through every page: posting URLs."""
    kind, api = src["kind"], src.get("api_url")
    if kind == "ashby":
        jobs = call(f"{api}/posting-api/job-board/{src['board']}?includeCompensation=true")[1]
        return {j["jobUrl"] for j in jobs["jobs"] if j["isListed"]}
    if kind == "smartrecruiters":
        out, offset = set(), 0
        while True:
            listing = call(f"{api}/v1/companies/{src['board']}/postings?"
                           f"limit={page}&offset={offset}")[1]
            for p in listing["content"]:
                out.add(call(f"{api}/v1/companies/{src['board']}/postings/{p['id']}")[1]
                        ["postingUrl"])
            offset += page
            if offset >= listing["totalFound"]:
                return out
    if kind == "workday":
        base, out = workday_api(src), set()
        first = call(base + "/jobs", body={"appliedFacets": {}, "limit": 20, "offset": 0,
                                           "searchText": ""})[1]
        for offset in range(0, first["total"], 20):
            body = {"appliedFacets": {}, "limit": 20, "offset": offset, "searchText": ""}
            for p in call(base + "/jobs", body=body)[1]["jobPostings"]:
                out.add(call(base + p["externalPath"])[1]["jobPostingInfo"]["externalUrl"])
        return out
    if kind == "usajobs":
        query = {"Keyword": src["keyword"], "LocationName": src["location"],
                 "Radius": src["radius_miles"], "ResultsPerPage": 2}
        first = call(f"{api}/api/Search?{urlencode({**query, 'Page': 1})}", USAJOBS_HEADERS)[1]
        pages = int(first["SearchResult"]["UserArea"]["NumberOfPages"])
        return {i["MatchedObjectDescriptor"]["PositionURI"]
                for n in range(1, pages + 1)
                for i in call(f"{api}/api/Search?{urlencode({**query, 'Page': n})}",
                              USAJOBS_HEADERS)[1]["SearchResult"]["SearchResultItems"]}
    out = set()
    for keyword in (src["keyword"], search.MA_ONET_CODE):
        start, total = 0, 1
        while start < total:
            answer = call(c1s_url(src, keyword, start, 3), C1S_HEADERS)[1]
            total, start = int(answer["JobCount"]), start + 3
            out |= {j["URL"] for j in answer["Jobs"]}
    return out


@pytest.fixture(scope="module")
def market():
    return generate_market(postings=200, seed=5)


@pytest.fixture(scope="module")
def server(market):
    with DemoBoardServer(market) as srv:
        yield srv


@pytest.fixture(scope="module")
def new_sources(market, server):
    return [s for s in market.sources(server.base_url) if s["kind"] in NEW_KINDS]


def of_kind(sources: list[dict], kind: str) -> dict:
    return next(s for s in sources if s["kind"] == kind)


# ---- the market ---------------------------------------------------------------------------
@pytest.mark.parametrize(("postings", "seed"), [(50, 1), (120, 11), (200, 5), (600, 3)])
def test_every_kind_is_in_every_market(postings, seed):
    m = generate_market(postings, seed=seed)
    assert {e.channel for e in m.employers} == {"greenhouse", "lever", "jsonld", "ashby",
                                                "smartrecruiters", "workday", "usajobs"}
    assert {s["kind"] for s in m.sources("http://h:1")} == {
        "greenhouse", "lever", "jsonld", "feed"} | NEW_KINDS
    assert m.employers[0].channel in ("greenhouse", "lever", "jsonld")   # the same-title pair
    assert sum(p.is_ma for p in m.postings) == round(0.65 * postings)
    federal = [p for p in m.postings if m.employer_of(p).channel == "usajobs"]
    assert len(federal) == max(2, round(0.04 * postings))
    assert any(p.is_ma for p in federal) or postings < 100   # federal MA jobs (VA clinics)
    assert not any(p.in_feed or p.on_site or p.in_c1s or p.expired for p in federal)
    assert {m.employer_of(p).name for p in federal} == {"Veterans Health Administration"}


def test_sources_hold_no_credentials_and_stay_valid_across_evolve(market):
    text = market.sources_yaml("http://127.0.0.1:9")
    assert not any(value in text for value in DEMO_CREDENTIALS.values())
    later, _ = market.evolve(2)
    assert later.sources("http://h:1") == market.sources("http://h:1")


def test_careeronestop_copies_are_unambiguous(market):
    keys = collections.Counter(
        (p.employer, market.employer_of(p).clinics[p.clinic].city.name,
         search.title_words(p.title)) for p in market.postings)
    copies = [p for p in market.postings if p.in_c1s]
    assert copies and all(keys[(p.employer, market.employer_of(p).clinics[p.clinic].city.name,
                                search.title_words(p.title))] == 1 for p in copies)


# ---- search helpers -----------------------------------------------------------------------
def test_zip_points_are_the_zip_codes_data():
    for city in all_cities():
        z = zipcodes.matching(city.postal_code)[0]
        assert search.ZIP_POINTS[city.postal_code] == pytest.approx(
            (float(z["lat"]), float(z["long"])), abs=1e-4)


def test_every_metro_city_is_inside_its_own_search_and_no_other():
    for metro in METROS:
        for other in METROS:
            center = search.zip_point(search.metro_center(other))
            inside = [search.near(center, search.SEARCH_RADIUS, c) for c in metro.cities]
            assert all(inside) if other is metro else not any(inside), (metro.name, other.name)


@pytest.mark.parametrize(("text", "expected"), [
    ("78701", "78701"), (" 98101-1234 ", "98101"), ("Seattle, WA", "98101"),
    ("seattle, washington", "98101"), ("Round Rock, TX", "78664"), ("Austin", "78701"),
    ("Springfield, IL", None), ("", None), ("Seattle, TX", None)])
def test_place_point_reads_zips_and_demo_cities(text, expected):
    want = search.ZIP_POINTS.get(expected) if expected else None
    assert search.place_point(text) == want


@pytest.mark.parametrize(("keyword", "text", "hit"), [
    ("medical assistant", "Medical Support Assistant at the VA medical center", True),
    ("Medical Assistant", "MEDICAL ASSISTANT (PACT)", True),
    ("medical assistant", "Dental Assistant", False), ("", "anything", True),
    ("phlebotomy", "Medical Assistant-Phlebotomy", True)])
def test_keyword_matches_every_word(keyword, text, hit):
    assert search.keyword_matches(keyword, text) is hit


@pytest.mark.parametrize(("a", "b", "same"), [
    ("PRN Medical Assistant", "Medical Assistant - Per Diem", True),
    ("Lead MA", "Lead Medical Assistant", True),
    ("Medical Assistant (Part-Time)", "Medical Assistant", True),
    ("Medical Assistant I", "Medical Assistant II", False),
    ("Medical Office Assistant", "Medical Office Assistant - Clinical", False)])
def test_title_words_are_coarse_like_the_dedup_key(a, b, same):
    assert (search.title_words(a) == search.title_words(b)) is same


# ---- shapes of the real services ----------------------------------------------------------
def real(path: str) -> dict:
    return json.loads((FIXTURES / path).read_text())


def test_ashby_board_has_the_real_fields(new_sources, market):
    src = of_kind(new_sources, "ashby")
    api = f"{src['api_url']}/posting-api/job-board/{src['board']}"
    board = call(api + "?includeCompensation=true")[1]
    fixture = real("ashby/highlightta_job_board_compensation.json")
    assert set(board) == set(fixture)
    for job in board["jobs"]:
        assert set(job) == set(fixture["jobs"][1])
        assert set(job["compensation"]) == set(fixture["jobs"][1]["compensation"])
        assert set(job["address"]["postalAddress"]) - {"postalCode"} == set(
            fixture["jobs"][1]["address"]["postalAddress"])
    paid = [j for j in board["jobs"] if j["compensation"]["compensationTiers"]]
    assert paid and all("\u2013" in j["compensation"]["compensationTierSummary"] for j in paid)
    truth = {t.urls[0]: t for t in market.truth(src["api_url"])}
    for job in paid:
        part = job["compensation"]["summaryComponents"][0]
        pay = truth[job["jobUrl"]].pay
        assert (part["minValue"], part["maxValue"]) == (pay.min, pay.max)
        assert part["interval"] == ("1 YEAR" if pay.period == "year" else "1 HOUR")
    assert [j["isListed"] for j in board["jobs"]].count(False) == 1
    assert all("compensation" not in j for j in call(api)[1]["jobs"])


def test_smartrecruiters_listing_and_detail_have_the_real_fields(new_sources):
    src = of_kind(new_sources, "smartrecruiters")
    api = f"{src['api_url']}/v1/companies/{src['board']}/postings"
    listing = call(api + "?limit=2&offset=1")[1]
    fixture, detail_fx = (real("smartrecruiters/guidehealth_postings_list.json"),
                          real("smartrecruiters/guidehealth_posting_detail.json"))
    assert set(listing) == set(fixture) and listing["limit"] == 2 and listing["offset"] == 1
    assert len(listing["content"]) == 2 and listing["totalFound"] > 2
    known = set(fixture["content"][0]) | {"customField"}
    assert all(set(p) <= known for p in listing["content"])
    detail = call(f"{api}/{listing['content'][0]['id']}")[1]
    assert set(detail_fx) - {"videos"} <= set(detail)
    assert set(detail["jobAd"]["sections"]) == set(detail_fx["jobAd"]["sections"]) - {"videos"}
    assert "sr-tagline" in detail["jobAd"]["sections"]["additionalInformation"]["text"]
    assert isinstance(detail["location"]["latitude"], str) and detail["location"]["country"] == "us"
    assert call(api + "?limit=500")[1]["limit"] == 100


def test_workday_search_pages_facets_and_detail(new_sources, market):
    src = of_kind(new_sources, "workday")
    base = workday_api(src)
    body = {"appliedFacets": {}, "limit": 20, "offset": 0, "searchText": ""}
    first = call(base + "/jobs", body=body)[1]
    fixture = real("workday/askbio_cxs_jobs.json")
    assert set(first) == set(fixture) and first["total"] > 0
    assert set(first["jobPostings"][0]) == set(real("workday/salesforce_cxs_jobs.json")
                                               ["jobPostings"][0])
    places = first["facets"][1]["values"][0]["values"]
    assert sum(v["count"] for v in places) == first["total"]
    assert len({v["id"] for v in places}) == len({v["descriptor"] for v in places}) == len(places)
    narrowed = call(base + "/jobs", body={**body, "appliedFacets": {
        "locations": [places[0]["id"]]}})[1]
    assert narrowed["total"] == places[0]["count"]
    assert call(base + "/jobs", body={**body, "offset": 20})[1]["total"] == 0
    assert call(base + "/jobs", body={**body, "limit": 50})[0] == 400
    assert call(base + "/jobs")[0] == 405                  # GET: the search is a POST
    assert call(base + "/jobs", body=[body])[0] == 400     # not a JSON object
    broken = urllib.request.Request(base + "/jobs", data=b"{limit: 20", method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(broken, timeout=30)
    assert refused.value.code == 400
    refused.value.close()
    listed = first["jobPostings"][0]
    info = call(base + listed["externalPath"])[1]
    assert set(info) == set(real("workday/msd_cxs_job_detail.json"))
    # postedOn is relative to the market's today; startDate is the absolute date
    days = (market.today - date.fromisoformat(info["jobPostingInfo"]["startDate"])).days
    expected = {0: "Posted Today", 1: "Posted Yesterday"}.get(
        days, "Posted 30+ Days Ago" if days >= 30 else f"Posted {days} Days Ago")
    assert listed["postedOn"] == info["jobPostingInfo"]["postedOn"] == expected


def test_usajobs_and_careeronestop_need_their_credentials(new_sources):
    usa, c1s = of_kind(new_sources, "usajobs"), of_kind(new_sources, "careeronestop")
    search_url = f"{usa['api_url']}/api/Search?Keyword=medical+assistant"
    assert call(search_url)[0] == 401
    assert call(search_url, {**USAJOBS_HEADERS, "User-Agent": "someone@else"})[0] == 401
    assert call(search_url, {**USAJOBS_HEADERS, "Authorization-Key": "nope"})[0] == 401
    assert call(search_url, USAJOBS_HEADERS)[0] == 200
    assert call(c1s_url(c1s, "medical assistant"))[0] == 401
    assert call(c1s_url(c1s, "medical assistant"), {"Authorization": "Bearer nope"})[0] == 401
    assert call(c1s_url(c1s, "medical assistant", user="other"), C1S_HEADERS)[0] == 401
    assert call(c1s_url(c1s, "medical assistant"), C1S_HEADERS)[0] == 200


def test_usajobs_answers_like_the_real_api(new_sources, market):
    usa = of_kind(new_sources, "usajobs")
    query = {"Keyword": "medical assistant", "LocationName": usa["location"], "Radius": 50}
    answer = call(f"{usa['api_url']}/api/Search?{urlencode(query)}", USAJOBS_HEADERS)[1]
    fixture = real("usajobs/irs_navsea_search.json")
    items = answer["SearchResult"]["SearchResultItems"]
    assert items and set(fixture["SearchResult"]) <= set(answer["SearchResult"])
    assert set(fixture["SearchResult"]["SearchResultItems"][1]["MatchedObjectDescriptor"]) <= set(
        items[0]["MatchedObjectDescriptor"])
    truth = {t.urls[0]: t for t in market.truth(usa["api_url"])}
    for item in items:
        d = item["MatchedObjectDescriptor"]
        t = truth[d["PositionURI"]]
        pay = d["PositionRemuneration"][0]
        assert (float(pay["MinimumRange"]), float(pay["MaximumRange"])) == (t.pay.min, t.pay.max)
        assert d["PublicationStartDate"] == t.date_posted.isoformat()
        assert d["PositionEndDate"].endswith("T23:59:59.9970")
        assert d["PositionLocation"][0]["CityName"].startswith(t.city + ", ")
    far = {**query, "LocationName": "Columbus, OH" if "TX" in usa["location"] else "Austin, TX"}
    none = call(f"{usa['api_url']}/api/Search?{urlencode(far)}", USAJOBS_HEADERS)[1]
    assert none["SearchResult"]["SearchResultItems"] == []


def test_careeronestop_searches_by_words_and_by_occupation(new_sources, market, server):
    by_url = {u: t for t in market.truth(server.base_url) for u in t.urls}
    titles = set()
    for src in (s for s in new_sources if s["kind"] == "careeronestop"):
        coded = call(c1s_url(src, search.MA_ONET_CODE), C1S_HEADERS)[1]["Jobs"]
        assert all(by_url[j["URL"]].is_ma for j in coded)
        worded = call(c1s_url(src, src["keyword"]), C1S_HEADERS)[1]["Jobs"]
        for job in coded + worded:
            t = by_url[job["URL"]]
            assert job["JobTitle"] in (t.title, t.title.upper())
            assert job["Location"].startswith(f"{t.city}, {t.state}")
            p = market.posting(t.key)
            assert job["DescriptionSnippet"] == snippet(p) and job["JvId"] == urls.c1s_jvid(p)
            assert unescape(job["Company"]) == t.employer
            titles.add(job["JobTitle"])
    assert any(t.isupper() for t in titles) and any(not t.isupper() for t in titles)
    emp = replace(market.employers[0], name="Children's Clinic & More")
    job = c1s_job("http://h:1", emp, market.postings[0], with_snippet=False)
    assert job["Company"] == "Children&#39;s Clinic &amp; More"      # entity-escaped, as real
    assert "DescriptionSnippet" not in job


# ---- the truth, crawled -------------------------------------------------------------------
def test_truth_matches_a_reference_crawl_of_the_new_kinds(market, server, new_sources):
    expected: dict[str, set[str]] = collections.defaultdict(set)
    for t in market.truth(server.base_url):
        for url, source in zip(t.urls, t.sources, strict=True):
            expected[source].add(url)
    for src in new_sources:
        assert crawl(src) == expected[src["name"]], src["name"]
    for src in new_sources:                            # every URL opens a page
        for url in sorted(expected[src["name"]])[:5]:
            assert call(url)[0] == 200, url


@pytest.mark.slow
def test_the_spiders_find_what_the_truth_says(market, server, new_sources, monkeypatch):
    for name, value in DEMO_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    server.reset_log()
    runs = run_spiders([(src, {}) for src in new_sources])
    expected = collections.Counter(s for t in market.truth(server.base_url) for s in t.sources)
    for src in new_sources:
        run = runs[src["name"]]
        assert run.stats["finish_reason"] == "finished" and run.errors() == {}, src["name"]
        assert len(run.items) == expected[src["name"]], src["name"]
    found = {item["url"] for run in runs.values() for item in run.items}
    published = {u for t in market.truth(server.base_url) for u, s in zip(
        t.urls, t.sources, strict=True) if s in runs}
    assert found == published
    assert set(server.counts) == {200}
