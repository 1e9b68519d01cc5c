"""SmartRecruiters spider: real captured listings and detail, generated companies, 127.0.0.1."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from spider_harness import FIXTURES, LocalServer, run_spiders

from majobs.normalize.employment import parse_employment_type
from majobs.normalize.location import parse_locations

SR = FIXTURES / "smartrecruiters"
GUIDEHEALTH_LIST = SR / "guidehealth_postings_list.json"
GUIDEHEALTH_DETAIL = SR / "guidehealth_posting_detail.json"
KNIGHT_LIST = SR / "knightgayles_cna_lpn_postings_list.json"
JSON = "application/json"
SECTION_KEYS = ("companyDescription", "jobDescription", "qualifications", "additionalInformation")


def listing_path(company: str, offset: int = 0) -> str:
    return f"/v1/companies/{company}/postings?limit=100&offset={offset}"


def detail_path(company: str, pid: str) -> str:
    return f"/v1/companies/{company}/postings/{pid}"


def with_ad(entry: dict[str, Any], body: str) -> dict[str, Any]:
    """A detail answer written from a listing entry: the same fields plus the job ad."""
    return {**entry, "postingUrl": f"https://jobs.smartrecruiters.com/x/{entry['id']}",
            "jobAd": {"sections": {"jobDescription": {"title": "Job Description",
                                                      "text": f"<p>{body}</p>"}}}}


def generated(n: int) -> dict[str, Any]:
    return {"id": f"7440000{n:05d}", "name": f"Medical Assistant - Clinic {n}",
            "company": {"identifier": "BigClinic", "name": "Big Clinic Group"},
            "releasedDate": "2026-04-30T12:00:00.000Z",
            "location": {"city": "Tucson", "region": "AZ", "country": "us", "postalCode": "85701",
                         "remote": False, "latitude": "32.2217", "longitude": "-110.9265"},
            "typeOfEmployment": {"id": "part-time", "label": "Part-time"},
            "department": {"id": "12", "label": "Family Medicine"}}


BIG = [generated(n) for n in range(230)]
PAGES = {0: BIG[:100], 100: [BIG[99], *BIG[100:199]], 200: BIG[199:]}  # one entry repeats


PAGE_BUDGET = 5


def listing(content: list[Any], total: int, offset: int = 0) -> str:
    return json.dumps({"offset": offset, "limit": 100, "totalFound": total, "content": content})


def sr(name: str, company: str, base: str) -> tuple[dict[str, Any], dict[str, Any]]:
    return ({"name": name, "kind": "smartrecruiters", "board": company, "api_url": base,
             "allow_local": True}, {})


@pytest.fixture(scope="module")
def crawls() -> dict[str, Any]:
    guide = json.loads(GUIDEHEALTH_LIST.read_text("utf-8"))["content"]
    knight = json.loads(KNIGHT_LIST.read_text("utf-8"))["content"]
    with LocalServer() as srv:
        srv.route(listing_path("Guidehealth"), GUIDEHEALTH_LIST, content_type=JSON)
        srv.route(detail_path("Guidehealth", guide[0]["id"]), GUIDEHEALTH_DETAIL,
                  content_type=JSON)
        for entry in guide[1:]:
            srv.route(detail_path("Guidehealth", entry["id"]),
                      json.dumps(with_ad(entry, "Review medication adherence.")),
                      content_type=JSON)
        srv.route(listing_path("knight"), KNIGHT_LIST, content_type=JSON)
        srv.route(detail_path("knight", knight[0]["id"]), json.dumps(knight[0]),
                  content_type=JSON)
        for offset, content in PAGES.items():
            srv.route(listing_path("BigClinic", offset), listing(content, len(BIG), offset),
                      content_type=JSON)
        for entry in BIG:
            body = ("<html>maintenance</html>" if entry is BIG[5]
                    else json.dumps(with_ad(entry, "Room patients.")))
            srv.route(detail_path("BigClinic", entry["id"]), body, content_type=JSON)
        srv.route(listing_path("quiet"), listing([], 0), content_type=JSON)
        srv.route(listing_path("locked"), json.dumps({"message": "Unauthorized"}), status=401,
                  content_type=JSON)
        srv.route(listing_path("odd"), listing([{"name": "no id"}, None, BIG[0]], 3),
                  content_type=JSON)
        srv.route(detail_path("odd", BIG[0]["id"]), json.dumps([1, 2]), content_type=JSON)
        srv.route(listing_path("huge"), listing([BIG[1]], 10**9), content_type=JSON)
        srv.route(re.compile(r"/v1/companies/huge/postings\?limit=100&offset=[1-9]\d*"),
                  listing([], 10**9), content_type=JSON)
        srv.route(detail_path("huge", BIG[1]["id"]), json.dumps(BIG[1]), content_type=JSON)
        runs = run_spiders([sr("guidehealth", "Guidehealth", srv.base),
                            sr("huge", "huge", srv.base),
                            sr("knight", "knight", srv.base),
                            sr("big", "BigClinic", srv.base),
                            sr("quiet", "quiet", srv.base),
                            sr("locked", "locked", srv.base),
                            sr("odd", "odd", srv.base)],
                           # 240 local requests: AutoThrottle's delays would only add waiting.
                           settings={"AUTOTHROTTLE_ENABLED": False,
                                     "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
                                     "MAJOBS_MAX_API_PAGES": PAGE_BUDGET})
        return {**runs, "requests": srv.paths(), "guide": guide}


def test_every_field_of_the_real_capture(crawls: dict[str, Any]) -> None:
    run = crawls["guidehealth"]
    assert run.errors() == {}
    assert len(run.items) == len(crawls["guide"])
    detail = json.loads(GUIDEHEALTH_DETAIL.read_text("utf-8"))
    item = next(i for i in run.items if i["external_id"] == detail["id"])
    assert item["title"] == detail["name"]
    assert item["url"] == detail["postingUrl"]
    assert item["employer"] == detail["company"]["name"]
    assert item["locations_raw"] == [detail["location"]]
    assert item["remote_raw"] is detail["location"]["remote"]
    assert item["employment_type_raw"] == detail["typeOfEmployment"]
    assert item["date_posted_raw"] == detail["releasedDate"]
    assert item["department"] is None                        # the listing's department is {}
    html = item["description_html"]
    sections = detail["jobAd"]["sections"]
    positions = [html.index(sections[k]["text"]) for k in SECTION_KEYS]
    assert positions == sorted(positions)                    # in reading order
    for key in SECTION_KEYS:
        assert f"<h3>{sections[key]['title']}</h3>" in html
    assert "youtu.be" not in html                            # videos are not text


def test_listing_fields_stand_without_a_detail_ad(crawls: dict[str, Any]) -> None:
    run = crawls["knight"]
    (item,) = run.items
    listed = json.loads(KNIGHT_LIST.read_text("utf-8"))["content"][0]
    assert run.errors() == {}
    assert item["title"] == listed["name"]                   # the double space stays
    assert item["employer"] == listed["company"]["name"]
    assert item["url"] == f"https://jobs.smartrecruiters.com/Knight/{listed['id']}"
    assert item["description_html"] is None
    (place,) = parse_locations(item["locations_raw"])
    assert (place.state, place.postal_code) == ("MO", "63303")
    assert parse_employment_type(item["employment_type_raw"]) == "part_time"


def test_paging_by_offset_until_total_found(crawls: dict[str, Any]) -> None:
    run = crawls["big"]
    assert sorted(i["external_id"] for i in run.items) == sorted(e["id"] for e in BIG)
    assert run.errors() == {"bad_json": 1}                   # one detail was an HTML page
    lists = [p for p in crawls["requests"] if p.startswith("/v1/companies/BigClinic/postings?")]
    assert sorted(lists) == sorted(listing_path("BigClinic", o) for o in PAGES)
    details = [p for p in crawls["requests"] if p.startswith("/v1/companies/BigClinic/postings/")]
    assert len(details) == len(set(details)) == len(BIG)     # the repeated entry: asked once


def test_a_detail_that_is_not_json_keeps_the_listing(crawls: dict[str, Any]) -> None:
    item = next(i for i in crawls["big"].items if i["external_id"] == BIG[5]["id"])
    assert item["title"] == BIG[5]["name"] and item["description_html"] is None
    assert item["url"] == f"https://jobs.smartrecruiters.com/BigClinic/{BIG[5]['id']}"
    other = next(i for i in crawls["big"].items if i["external_id"] == BIG[6]["id"])
    assert other["description_html"] == "<h3>Job Description</h3><p>Room patients.</p>"
    assert other["department"] == "Family Medicine"


def test_empty_company(crawls: dict[str, Any]) -> None:
    run = crawls["quiet"]
    assert run.items == [] and run.errors() == {}
    assert [p for p in crawls["requests"] if "/quiet/" in p] == [listing_path("quiet")]


def test_refused_listing_is_a_clear_error(crawls: dict[str, Any]) -> None:
    run = crawls["locked"]
    assert run.items == [] and run.errors() == {"access_refused": 1}
    assert "HTTP 401" in run.log and crawls["guidehealth"].items


def test_wrong_shapes_are_counted(crawls: dict[str, Any]) -> None:
    run = crawls["odd"]
    assert run.errors() == {"bad_record": 2}                 # no id; null
    (item,) = run.items                                      # the detail was a JSON list
    assert item["external_id"] == BIG[0]["id"]


def test_absurd_totals_stop_at_the_page_budget(crawls: dict[str, Any]) -> None:
    run = crawls["huge"]
    assert run.errors() == {"page_limit_reached": 1}
    assert len(run.items) == 1
    lists = [p for p in crawls["requests"] if p.startswith("/v1/companies/huge/postings?")]
    assert sorted(lists) == sorted(listing_path("huge", 100 * n) for n in range(PAGE_BUDGET))
