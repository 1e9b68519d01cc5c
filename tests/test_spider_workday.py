"""Workday spider: real captured searches and detail, and a generated site that caps its
reported total at 2,000 like Workday does, all served on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from spider_harness import FIXTURES, LocalServer, SeenRequest, run_spiders

from majobs.normalize.dates import parse_date
from majobs.normalize.employment import parse_employment_type
from majobs.normalize.location import parse_locations
from majobs.spiders.workday import career_site, split_search

WD = FIXTURES / "workday"
ASKBIO, SALESFORCE = WD / "askbio_cxs_jobs.json", WD / "salesforce_cxs_jobs.json"
MSD_DETAIL = WD / "msd_cxs_job_detail.json"
MSD_PATH = ("/job/USA---Pennsylvania---West-Point/XMLNAME-2027-Future-Talent-Program---"
            "Manufacturing-Strategy--Business-Development-and-Alliances--MSBDA--Intern_R418677")
JSON = "application/json"
CAP = 2000
Answer = Callable[[Any], tuple[int, Any]]


class WorkdayServer(LocalServer):
    """The harness server plus POST routes: path -> function(JSON body) -> (status, body)."""

    def __init__(self) -> None:
        super().__init__()
        self.posts: dict[str, Answer] = {}
        self.bodies: list[tuple[str, Any]] = []

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server, base = self, super()._handler()

        class Handler(base):  # type: ignore[valid-type,misc]
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
                with server._lock:
                    server.requests.append(SeenRequest("POST", self.path, dict(self.headers)))
                    server.bodies.append((self.path, body))
                answer = server.posts.get(self.path)
                status, payload = answer(body) if answer else (404, "not found")
                data = payload if isinstance(payload, bytes) else (
                    payload.encode() if isinstance(payload, str) else json.dumps(payload).encode())
                self.send_response(status)
                self.send_header("Content-Type", JSON)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


def jobs_path(tenant: str, site: str) -> str:
    return f"/wday/cxs/{tenant}/{site}/jobs"


# --- a generated site: 2,021 postings, more than Workday will ever report -------------
PLACES = {"durham": "Durham, NC", "philly": "Philadelphia, PA", "remote": "Remote US"}
TIME_TYPES = {"ft": "Full time", "pt": "Part time"}


def big_postings() -> list[dict[str, Any]]:
    out = []
    for n in range(2021):  # Durham alone is over the cap
        places = (["durham"] if n < 2001 else ["philly", "remote"] if n < 2006
                  else ["philly"] if n < 2016 else ["remote"])
        out.append({"n": n, "places": places, "time": "pt" if n % 3 == 0 else "ft",
                    "path": f"/job/{places[0]}/Medical-Assistant_R{n:05d}"})
    return out


BIG = big_postings()


def facet_values(param: str, names: dict[str, str], counts: dict[str, int]) -> dict[str, Any]:
    return {"facetParameter": param, "descriptor": param.title(),
            "values": [{"descriptor": names[k], "id": f"{k}-id", "count": counts[k]}
                       for k in names if counts.get(k)]}


def big_search(body: Any) -> tuple[int, Any]:
    applied = body.get("appliedFacets") or {}
    found = [p for p in BIG
             if all(any(f"{v}-id" in ids for v in p["places"]) if param == "locations"
                    else f"{p['time']}-id" in ids for param, ids in applied.items())]
    offset, limit = body["offset"], body["limit"]
    places = {k: sum(k in p["places"] for p in found) for k in PLACES}
    times = {k: sum(p["time"] == k for p in found) for k in TIME_TYPES}
    page = found[offset:offset + limit] if offset < CAP else []
    return 200, {
        "total": min(len(found), CAP) if offset == 0 else 0,   # later pages say 0
        "jobPostings": [{"title": f"Medical Assistant {p['n']}", "externalPath": p["path"],
                         "locationsText": PLACES[p["places"][0]] if len(p["places"]) == 1
                         else f"{len(p['places'])} Locations",
                         "postedOn": "Posted 2 Days Ago", "bulletFields": [f"R{p['n']:05d}"]}
                        for p in page],
        "facets": [{"facetParameter": "locationMainGroup",
                    "values": [facet_values("locations", PLACES, places)]},
                   facet_values("timeType", TIME_TYPES, times)],
    }


def big_detail(p: dict[str, Any]) -> str:
    if p["n"] == 7:
        return "<html>Workday is down for maintenance</html>"
    return json.dumps({"jobPostingInfo": {
        "title": f"Medical Assistant {p['n']}", "jobReqId": f"R{p['n']:05d}",
        "location": PLACES[p["places"][0]],
        "additionalLocations": [PLACES[k] for k in p["places"][1:]],
        "timeType": TIME_TYPES[p["time"]], "postedOn": "Posted 2 Days Ago",
        "startDate": "2026-05-04", "jobDescription": "<p>Room patients; take vitals.</p>",
        "externalUrl": f"https://bigco.wd1.myworkdayjobs.com/Careers{p['path']}"},
        "hiringOrganization": {"name": "Big Co Health"}})


def detail_from_listing(entry: dict[str, Any]) -> str:
    """A detail answer for a captured listing entry (the captures have no details)."""
    return json.dumps({"jobPostingInfo": {
        "title": entry["title"], "jobReqId": entry["bulletFields"][0],
        "location": entry["locationsText"], "timeType": "Full time",
        "postedOn": entry.get("postedOn", "Posted Today"),
        "jobDescription": f"<p>{entry['title']}</p>"}, "hiringOrganization": {"name": ""}})


def fixed(path: Any) -> Answer:
    return lambda body: (200, path.read_bytes())


# Thousands of local requests: no politeness delays; Scrapy's default of 100 concurrent
# items per response costs ~30% more CPU here for callbacks that yield one item.
FAST = {"CONCURRENT_REQUESTS_PER_DOMAIN": 16, "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_ITEMS": 10}


def workday(name: str, url: str, base: str) -> tuple[dict[str, Any], dict[str, Any]]:
    return ({"name": name, "kind": "workday", "url": url, "api_url": base,
             "allow_local": True}, {})


@pytest.fixture(scope="module")
def crawls() -> dict[str, Any]:
    askbio = json.loads(ASKBIO.read_text("utf-8"))["jobPostings"]
    salesforce = json.loads(SALESFORCE.read_text("utf-8"))["jobPostings"]
    with WorkdayServer() as srv:
        srv.posts[jobs_path("askbio", "AskBio")] = fixed(ASKBIO)
        for entry in askbio:
            srv.route(f"/wday/cxs/askbio/AskBio{entry['externalPath']}",
                      detail_from_listing(entry), content_type=JSON)
        srv.posts[jobs_path("salesforce", "External_Career_Site")] = fixed(SALESFORCE)
        for entry in salesforce:
            srv.route(f"/wday/cxs/salesforce/External_Career_Site{entry['externalPath']}",
                      detail_from_listing(entry), content_type=JSON)
        srv.posts[jobs_path("msd", "SearchJobs")] = lambda body: (200, {
            "total": 1, "facets": [], "jobPostings": [
                {"title": "2027 Future Talent Program", "externalPath": MSD_PATH,
                 "locationsText": "2 Locations", "postedOn": "Posted Today",
                 "bulletFields": ["R418677"]}]})
        srv.route(f"/wday/cxs/msd/SearchJobs{MSD_PATH}", MSD_DETAIL, content_type=JSON)
        srv.posts[jobs_path("bigco", "Careers")] = big_search
        for p in BIG:
            srv.route(f"/wday/cxs/bigco/Careers{p['path']}", big_detail(p), content_type=JSON)
        srv.posts[jobs_path("quiet", "Careers")] = lambda body: (
            200, {"total": 0, "jobPostings": [], "facets": []})
        srv.posts[jobs_path("locked", "Careers")] = lambda body: (401, {"error": "denied"})
        runs = run_spiders([
            workday("askbio", "https://askbio.wd12.myworkdayjobs.com/AskBio", srv.base),
            workday("salesforce", "https://salesforce.wd12.myworkdayjobs.com/en-US/"
                    "External_Career_Site", srv.base),
            workday("msd", "https://msd.wd5.myworkdayjobs.com/SearchJobs/", srv.base),
            workday("bigco", "https://bigco.wd1.myworkdayjobs.com/Careers", srv.base),
            workday("quiet", "https://quiet.wd1.myworkdayjobs.com/Careers", srv.base),
            workday("locked", "https://locked.wd3.myworkdayjobs.com/fr-CA/Careers", srv.base),
            workday("nosite", "https://nosite.wd1.myworkdayjobs.com/en-US/", srv.base),
        ], settings=FAST)
        return {**runs, "bodies": list(srv.bodies), "requests": srv.paths(),
                "askbio_listed": askbio, "salesforce_listed": salesforce}


def test_searches_post_the_real_body(crawls: dict[str, Any]) -> None:
    first = next(body for path, body in crawls["bodies"]
                 if path == jobs_path("askbio", "AskBio"))
    assert first == {"appliedFacets": {}, "limit": 20, "offset": 0, "searchText": ""}
    assert crawls["askbio"].errors() == {} and crawls["salesforce"].errors() == {}


@pytest.mark.parametrize("name,site", [
    ("askbio", "https://askbio.wd12.myworkdayjobs.com/AskBio"),
    ("salesforce", "https://salesforce.wd12.myworkdayjobs.com/External_Career_Site")])
def test_real_searches_reach_every_posting(crawls: dict[str, Any], name: str, site: str) -> None:
    listed = crawls[f"{name}_listed"]
    run = crawls[name]
    assert sorted(i["external_id"] for i in run.items) == sorted(
        e["bulletFields"][0] for e in listed)
    for entry in listed:
        item = next(i for i in run.items if i["external_id"] == entry["bulletFields"][0])
        assert item["title"] == entry["title"]
        assert item["url"] == site + entry["externalPath"]    # the career site, not api_url
        assert item["employer"] == name                        # no hiring organization name
        assert item["date_posted_raw"] == entry.get("postedOn", "Posted Today")


def test_every_field_of_the_real_detail(crawls: dict[str, Any]) -> None:
    data = json.loads(MSD_DETAIL.read_text("utf-8"))
    info = data["jobPostingInfo"]
    (item,) = crawls["msd"].items
    assert crawls["msd"].errors() == {}
    assert item["title"] == info["title"]
    assert item["external_id"] == info["jobReqId"]
    assert item["url"] == info["externalUrl"]
    assert item["employer"] == data["hiringOrganization"]["name"]
    assert item["description_html"] == info["jobDescription"]
    assert item["locations_raw"] == [info["location"], *info["additionalLocations"]]
    assert item["employment_type_raw"] == info["timeType"]
    assert item["remote_raw"] == info["remoteType"]
    assert item["date_posted_raw"] == info["startDate"]      # a date, not "Posted Today"
    assert item["valid_through_raw"] == info["endDate"]
    places = parse_locations(item["locations_raw"])
    assert [(p.state, p.city) for p in places] == [("PA", "West Point"), ("NJ", "Rahway")]
    assert parse_employment_type(item["employment_type_raw"]) == "full_time"


def test_relative_posted_text_is_passed_as_is(crawls: dict[str, Any]) -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 5, 10, 12, tzinfo=UTC)
    dates = {i["date_posted_raw"]: parse_date(i["date_posted_raw"], now)
             for i in crawls["salesforce"].items}
    assert set(dates) == {"Posted Yesterday", "Posted 3 Days Ago"}
    assert dates["Posted 3 Days Ago"].isoformat() == "2026-05-07"


def test_capped_total_is_split_by_facets_until_every_posting_is_reached(
        crawls: dict[str, Any]) -> None:
    run = crawls["bigco"]
    # Posting 7's detail is broken: it comes from its listing, named by its path.
    assert sorted(i["external_id"] for i in run.items) == sorted(
        p["path"] if p["n"] == 7 else f"R{p['n']:05d}" for p in BIG)
    assert run.errors() == {"bad_json": 1}
    searches = {json.dumps(b["appliedFacets"], sort_keys=True)
                for path, b in crawls["bodies"] if path == jobs_path("bigco", "Careers")}
    # Durham alone is over the cap, so it is split again by time type.
    assert {json.dumps(f, sort_keys=True) for f in (
        {}, {"locations": ["durham-id"]}, {"locations": ["philly-id"]},
        {"locations": ["remote-id"]}, {"locations": ["durham-id"], "timeType": ["ft-id"]},
        {"locations": ["durham-id"], "timeType": ["pt-id"]})} == searches
    details = [p for p in crawls["requests"] if p.startswith("/wday/cxs/bigco/Careers/job/")]
    assert len(details) == len(set(details)) == len(BIG)     # two-place postings asked once


def test_detail_that_is_not_json_keeps_the_listing(crawls: dict[str, Any]) -> None:
    item = next(i for i in crawls["bigco"].items if i["title"] == "Medical Assistant 7")
    assert item["external_id"] == BIG[7]["path"]
    assert item["url"] == "https://bigco.wd1.myworkdayjobs.com/Careers" + BIG[7]["path"]
    assert item["date_posted_raw"] == "Posted 2 Days Ago"
    assert item["locations_raw"] == ["Durham, NC"]


def test_two_place_postings_list_both(crawls: dict[str, Any]) -> None:
    item = next(i for i in crawls["bigco"].items if i["external_id"] == "R02001")
    assert item["locations_raw"] == ["Philadelphia, PA", "Remote US"]


def test_empty_site_and_refused_site(crawls: dict[str, Any]) -> None:
    assert crawls["quiet"].items == [] and crawls["quiet"].errors() == {}
    locked = crawls["locked"]
    assert locked.items == [] and locked.errors() == {"access_refused": 1}
    assert jobs_path("locked", "Careers") in crawls["requests"]   # the locale was skipped
    assert crawls["nosite"].errors() == {"bad_source": 1}


@pytest.mark.parametrize("url,expected", [
    ("https://askbio.wd12.myworkdayjobs.com/AskBio", ("askbio", "AskBio")),
    ("https://askbio.wd12.myworkdayjobs.com/en-US/AskBio/", ("askbio", "AskBio")),
    ("https://msd.wd5.myworkdayjobs.com/SearchJobs/job/USA/Intern_R1", ("msd", "SearchJobs")),
    ("https://acme.wd3.myworkdayjobs.com/fr-CA/External?q=nurse", ("acme", "External")),
    ("https://acme.wd3.myworkdayjobs.com/", None),
    ("https://acme.wd3.myworkdayjobs.com/en-US", None),
])
def test_career_site(url: str, expected: tuple[str, str] | None) -> None:
    found = career_site(url)
    assert (found[1:] if found else None) == expected


def test_split_prefers_the_facet_that_covers_most() -> None:
    facets = [facet_values("jobFamilyGroup", {"a": "Clinical", "b": "Admin"},
                           {"a": 1500, "b": 300}),
              {"facetParameter": "locationMainGroup", "values": [
                  facet_values("locations", PLACES, {"durham": 1000, "philly": 900,
                                                     "remote": 200})]}]
    assert split_search({}, facets) == [{"locations": [f"{k}-id"]} for k in PLACES]
    # Already narrowed by location: the only facet left is the job family.
    assert split_search({"locations": ["durham-id"]}, facets) == [
        {"locations": ["durham-id"], "jobFamilyGroup": ["a-id"]},
        {"locations": ["durham-id"], "jobFamilyGroup": ["b-id"]}]
    assert split_search({}, []) == [] and split_search({}, "junk") == []
