"""Greenhouse spider against real captured board responses served on 127.0.0.1."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from spider_harness import FIXTURES, CrawlRun, LocalServer, run_spiders

GH = FIXTURES / "greenhouse"
BOARDS = {"smarterdx": GH / "smarterdx_jobs_content.json",
          "amplitude": GH / "amplitude_jobs_content.json"}
JSON = "application/json"


def jobs_path(board: str) -> str:
    return f"/v1/boards/{board}/jobs?content=true"


# A board written for these tests: odd shapes the real API may send one day.
ODD_BOARD = {
    "jobs": [
        {"id": 101, "title": "Medical Assistant - Family Medicine",
         "absolute_url": "https://job-boards.greenhouse.io/odd/jobs/101",
         "company_name": None, "content": "&lt;p&gt;Room patients &amp;amp; take vitals&lt;/p&gt;",
         "location": {"name": "Austin, TX"},
         "offices": [{"name": "Austin", "location": "Austin, Texas, United States"},
                     {"name": "Austin again", "location": "Austin, TX"}],
         "departments": [], "updated_at": "2026-05-01T09:00:00-05:00", "first_published": None,
         "metadata": [
             {"name": "Employment Type", "value": "Per Diem", "value_type": "single_select"},
             {"name": "Pay Range Minimum", "value": {"unit": "USD", "amount": "19.5"},
              "value_type": "currency"},
             {"name": "Pay Range Maximum", "value": {"unit": "USD", "amount": "23.0"},
              "value_type": "currency"},
             {"name": "Hiring Manager", "value": "Dr. Q", "value_type": "short_text"},
         ]},
        {"id": "102", "title": 12345, "absolute_url": None, "content": None,
         "location": "Round Rock, TX", "offices": None, "departments": {"name": "Clinic Ops"},
         "metadata": {"not": "a list"}},
        "not a job at all",
    ],
    "meta": {"total": 3},
}


def gh(name: str, board: str, base: str, local: bool = True) -> tuple[dict[str, Any], dict]:
    entry = {"name": name, "kind": "greenhouse", "board": board, "api_url": base}
    return ({**entry, "allow_local": True} if local else entry), {}


@pytest.fixture(scope="module")
def crawls() -> dict[str, Any]:
    """Every Greenhouse case in one crawl process (two servers); tests read the results."""
    out: dict[str, Any] = {"before": datetime.now(UTC)}
    with LocalServer() as srv, LocalServer() as robots_srv:
        for board, path in BOARDS.items():
            srv.route(jobs_path(board), path, content_type=JSON)
        srv.route(jobs_path("emptyboard"), json.dumps({"jobs": [], "meta": {"total": 0}}),
                  content_type=JSON)
        srv.route(jobs_path("broken"), "Internal Server Error", status=500)
        srv.route(jobs_path("notjson"), "<html>maintenance</html>", content_type="text/html")
        srv.route(jobs_path("odd"), json.dumps(ODD_BOARD), content_type=JSON)
        srv.route(jobs_path("guarded"), BOARDS["smarterdx"], content_type=JSON)
        robots_srv.route("/robots.txt", "User-agent: *\nDisallow: /v1/boards/\n",
                         content_type="text/plain")
        robots_srv.route(jobs_path("smarterdx"), BOARDS["smarterdx"], content_type=JSON)
        runs = run_spiders([
            *(gh(board, board, srv.base) for board in
              (*BOARDS, "emptyboard", "broken", "notjson", "odd")),
            # Not marked allow_local: nothing may be fetched from 127.0.0.1.
            gh("guarded", "guarded", srv.base, local=False),
            gh("robots", "smarterdx", robots_srv.base),
        ])
        out.update(runs)
        out["requests"] = srv.paths()
        out["robots_requests"] = robots_srv.paths()
    out["after"] = datetime.now(UTC)
    return out


def expected_item(job: dict[str, Any]) -> dict[str, Any]:
    """What the spider should map, read from the fixture by the test's own rules."""
    offices = [o["location"] for o in job["offices"] if o["location"]]
    locations: list[str] = []
    for place in [job["location"]["name"], *offices]:
        if place not in locations:
            locations.append(place)
    employment = [m["value"] for m in job["metadata"] or [] if m["name"] == "Employment Type"]
    return {
        "external_id": str(job["id"]),
        "url": job["absolute_url"],
        "title": job["title"],
        "employer": job["company_name"],
        "description_html": job["content"],
        "locations_raw": locations,
        "date_posted_raw": job["first_published"],
        "valid_through_raw": job["application_deadline"],
        "department": job["departments"][0]["name"],
        "employment_type_raw": employment[0] if employment else None,
        "pay_raw": None,
        "apply_url": None,
    }


@pytest.mark.parametrize("board", sorted(BOARDS))
def test_every_field_of_real_boards(crawls: dict[str, Any], board: str) -> None:
    run: CrawlRun = crawls[board]
    jobs = json.loads(BOARDS[board].read_text("utf-8"))["jobs"]
    assert len(run.items) == len(jobs)
    by_id = {item["external_id"]: item for item in run.items}
    for job in jobs:
        item = by_id[str(job["id"])]
        for key, value in expected_item(job).items():
            assert item[key] == value, (board, job["id"], key)
        assert item["source"] == board
        crawled = datetime.fromisoformat(item["crawled_at"])
        assert crawls["before"] <= crawled <= crawls["after"]
    assert run.errors() == {}


def test_raw_values_are_not_cleaned(crawls: dict[str, Any]) -> None:
    titles = {i["title"] for i in crawls["smarterdx"].items}
    assert "Clinical Coding Specialist " in titles          # trailing space kept
    assert {i["employer"] for i in crawls["amplitude"].items} == {"Amplitude "}
    assert all(i["description_html"].startswith("&lt;div") for i in crawls["smarterdx"].items)


def test_board_with_zero_jobs(crawls: dict[str, Any]) -> None:
    run = crawls["emptyboard"]
    assert run.items == []
    assert run.errors() == {}
    assert run.stats["finish_reason"] == "finished"


def test_server_error_is_retried_then_visible_in_stats(crawls: dict[str, Any]) -> None:
    run = crawls["broken"]
    assert run.items == []
    assert crawls["requests"].count(jobs_path("broken")) == 3   # 1 try + RETRY_TIMES 2
    assert run.stat("downloader/response_status_count/500") == 3
    assert run.stat("httperror/response_ignored_status_count/500") == 1
    assert run.stat("retry/max_reached") == 1


def test_body_that_is_not_json_is_counted(crawls: dict[str, Any]) -> None:
    run = crawls["notjson"]
    assert run.items == []
    assert run.errors() == {"bad_json": 1}


def test_odd_shapes_map_or_drop_without_crashing(crawls: dict[str, Any]) -> None:
    run = crawls["odd"]
    assert run.errors() == {"bad_record": 1}               # the string entry
    by_id = {item["external_id"]: item for item in run.items}
    assert set(by_id) == {"101", "102"}
    first = by_id["101"]
    assert first["employer"] == "odd"                       # no company_name: the board
    assert first["locations_raw"] == ["Austin, TX", "Austin, Texas, United States"]
    assert first["date_posted_raw"] == "2026-05-01T09:00:00-05:00"   # updated_at fallback
    assert first["employment_type_raw"] == "Per Diem"
    assert "19.5" in first["pay_raw"] and "23.0" in first["pay_raw"]
    assert "Dr. Q" not in first["pay_raw"]
    assert first["department"] is None
    second = by_id["102"]
    assert second["title"] == "12345"
    assert second["locations_raw"] == ["Round Rock, TX"]
    assert second["url"] is None and second["description_html"] is None
    assert second["department"] == "Clinic Ops"            # one object taken as a list of one
    assert second["employment_type_raw"] is None


def test_local_address_refused_unless_source_allows_it(crawls: dict[str, Any]) -> None:
    run = crawls["guarded"]
    assert not [p for p in crawls["requests"] if "guarded" in p]
    assert run.items == []
    assert run.errors().get("local_address_refused", 0) >= 1


def test_robots_txt_disallowing_the_jobs_path(crawls: dict[str, Any]) -> None:
    run = crawls["robots"]
    assert crawls["robots_requests"] == ["/robots.txt"]
    assert run.items == []
    assert run.stat("robotstxt/forbidden") == 1
