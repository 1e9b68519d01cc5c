"""Ashby spider against real captured job boards and a generated one, on 127.0.0.1.

Ashby answers with every job in one response (no paging to test).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from spider_harness import FIXTURES, LocalServer, run_spiders

from majobs.normalize.employment import parse_employment_type
from majobs.normalize.location import parse_locations
from majobs.normalize.pay import parse_pay

BOARDS = {"openevidence": FIXTURES / "ashby" / "openevidence_job_board.json",
          "HighlightTA": FIXTURES / "ashby" / "highlightta_job_board_compensation.json"}
JSON = "application/json"


def board_path(board: str) -> str:
    return f"/posting-api/job-board/{board}?includeCompensation=true"


def address(city: str, region: str) -> dict[str, Any]:
    return {"postalAddress": {"addressLocality": city, "addressRegion": region,
                              "addressCountry": "USA"}}


def ma_job(n: int, **over: Any) -> dict[str, Any]:
    job = {
        "id": f"5f1c0000-0000-4000-8000-{n:012d}", "title": f"Medical Assistant {n} ",
        "department": "Clinical", "team": "Primary Care", "employmentType": "PartTime",
        "location": "Tacoma, WA", "address": address("Tacoma", "WA"),
        "secondaryLocations": [{"location": "Olympia", "address": address("Olympia", "WA")}],
        "publishedAt": "2026-05-02T15:04:05.123+00:00", "isListed": True, "isRemote": False,
        "workplaceType": "OnSite",
        "jobUrl": f"https://jobs.ashbyhq.com/valleyclinic/{n}",
        "applyUrl": f"https://jobs.ashbyhq.com/valleyclinic/{n}/application",
        "descriptionHtml": "<p>Room patients &amp; take vitals. MA-C required.</p>",
        "descriptionPlain": "Room patients & take vitals. MA-C required.",
        "compensation": {
            "compensationTierSummary": "$19 – $23 per hour",
            "compensationTiers": [{"components": [
                {"compensationType": "Salary", "interval": "1 HOUR", "currencyCode": "USD",
                 "minValue": 19, "maxValue": 23}]}],
            "summaryComponents": []},
    }
    return {**job, **over}


GENERATED = {"apiVersion": "1", "jobs": [
    ma_job(1),
    ma_job(2, isListed=False),                                  # reachable by link only
    ma_job(3, workplaceType=None, isRemote=True, secondaryLocations=None, address=None,
           location="Remote (US)", compensation=None),
    ma_job(4, secondaryLocations={"not": "a list"}, compensation="$20/hr", title=None),
    "not a job",
]}


def ashby(name: str, board: str, base: str) -> tuple[dict[str, Any], dict[str, Any]]:
    return ({"name": name, "kind": "ashby", "board": board, "api_url": base,
             "allow_local": True}, {})


@pytest.fixture(scope="module")
def crawls() -> dict[str, Any]:
    with LocalServer() as srv:
        for board, path in BOARDS.items():
            srv.route(board_path(board), path, content_type=JSON)
        srv.route(board_path("valleyclinic"), json.dumps(GENERATED), content_type=JSON)
        srv.route(board_path("closed"), json.dumps({"apiVersion": "1", "jobs": []}),
                  content_type=JSON)
        srv.route(board_path("private"), json.dumps({"success": False}), status=403,
                  content_type=JSON)
        srv.route(board_path("renamed"), json.dumps({"success": False}), status=404,
                  content_type=JSON)
        srv.route(board_path("weird"), json.dumps({"jobs": {"0": {}}}), content_type=JSON)
        runs = run_spiders([ashby("openevidence", "openevidence", srv.base),
                            ashby("highlightta", "HighlightTA", srv.base),
                            ashby("valley", "valleyclinic", srv.base),
                            ashby("closed", "closed", srv.base),
                            ashby("private", "private", srv.base),
                            ashby("renamed", "renamed", srv.base),
                            ashby("weird", "weird", srv.base)])
        return {**runs, "requests": srv.paths()}


@pytest.mark.parametrize("name,board", [("openevidence", "openevidence"),
                                        ("highlightta", "HighlightTA")])
def test_every_field_of_real_boards(crawls: dict[str, Any], name: str, board: str) -> None:
    jobs = json.loads(BOARDS[board].read_text("utf-8"))["jobs"]
    run = crawls[name]
    assert run.errors() == {}
    by_id = {i["external_id"]: i for i in run.items}
    assert sorted(by_id) == sorted(j["id"] for j in jobs)
    for job in jobs:
        item = by_id[job["id"]]
        assert item["title"] == job["title"]                  # trailing space kept: no cleaning
        assert item["url"] == job["jobUrl"] and item["apply_url"] == job["applyUrl"]
        assert item["employer"] == board
        assert item["description_html"] == job["descriptionHtml"]
        assert item["description_text"] == job["descriptionPlain"]
        assert item["employment_type_raw"] == job["employmentType"]
        assert item["remote_raw"] == job["workplaceType"]
        assert item["pay_raw"] == job["compensation"]
        assert item["date_posted_raw"] == job["publishedAt"]
        assert item["department"] == job["department"]
        assert item["locations_raw"] == [
            {"location": job["location"], "address": job["address"]},
            *job["secondaryLocations"]]


def test_real_places_and_pay_suit_the_normalizers(crawls: dict[str, Any]) -> None:
    item = crawls["openevidence"].items[0]
    assert [(loc.city, loc.state) for loc in parse_locations(item["locations_raw"])] == [
        ("San Francisco", "CA"), ("Miami", "FL")]
    canada = next(i for i in crawls["highlightta"].items if i["remote_raw"] == "Remote")
    assert [loc.country for loc in parse_locations(canada["locations_raw"])] == ["CA"]
    assert all(parse_pay(i["pay_raw"]) is None for i in crawls["openevidence"].items)


def test_generated_board(crawls: dict[str, Any]) -> None:
    run = crawls["valley"]
    assert run.errors() == {"bad_record": 1}                  # the string entry
    assert run.stat("majobs/ashby/unlisted_skipped") == 1
    by_id = {i["external_id"][-1]: i for i in run.items}
    assert sorted(by_id) == ["1", "3", "4"]
    first = by_id["1"]
    pay = parse_pay(first["pay_raw"])
    assert pay is not None and (pay.min, pay.max, pay.period) == (19, 23, "hour")
    assert parse_employment_type(first["employment_type_raw"]) == "part_time"
    assert [(loc.city, loc.state) for loc in parse_locations(first["locations_raw"])] == [
        ("Tacoma", "WA"), ("Olympia", "WA")]
    remote = by_id["3"]
    assert remote["remote_raw"] is True                       # no workplaceType: isRemote
    assert remote["locations_raw"] == [{"location": "Remote (US)", "address": None}]
    assert remote["pay_raw"] is None
    odd = by_id["4"]
    assert odd["title"] is None and odd["pay_raw"] is None    # pay text is not an object
    assert len(odd["locations_raw"]) == 1


def test_empty_board(crawls: dict[str, Any]) -> None:
    assert crawls["closed"].items == [] and crawls["closed"].errors() == {}


def test_forbidden_board_is_a_clear_error_and_others_go_on(crawls: dict[str, Any]) -> None:
    run = crawls["private"]
    assert run.items == [] and run.errors() == {"access_refused": 1}
    assert "HTTP 403: the source refused access" in run.log
    assert crawls["openevidence"].items


def test_unknown_board_and_wrong_payload(crawls: dict[str, Any]) -> None:
    assert crawls["renamed"].stat("httperror/response_ignored_status_count/404") == 1
    assert crawls["renamed"].errors() == {}
    assert crawls["weird"].errors() == {"bad_payload": 1}


def test_one_request_per_board_with_the_real_query(crawls: dict[str, Any]) -> None:
    asked = [p for p in crawls["requests"] if p.startswith("/posting-api/")]
    assert sorted(asked) == sorted(board_path(b) for b in (
        "openevidence", "HighlightTA", "valleyclinic", "closed", "private", "renamed", "weird"))
