"""Lever spider against real captured postings served on 127.0.0.1."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from spider_harness import FIXTURES, LocalServer, run_spiders

SITES = {"palantir": FIXTURES / "lever" / "palantir_postings.json",
         "veeva": FIXTURES / "lever" / "veeva_postings.json"}
JSON = "application/json"


def postings_path(site: str, query: str = "mode=json") -> str:
    return f"/v0/postings/{site}?{query}"


def generated_posting(n: int) -> dict[str, Any]:
    return {
        "id": f"gen-{n:04d}", "text": f"Medical Assistant {n}",
        "hostedUrl": f"https://jobs.lever.co/big/gen-{n:04d}",
        "applyUrl": f"https://jobs.lever.co/big/gen-{n:04d}/apply",
        "categories": {"commitment": "Part-Time", "location": "Tacoma, WA",
                       "allLocations": ["Tacoma, WA", "Olympia, WA"]},
        "createdAt": 1767225600000 + n, "workplaceType": "on-site",
        "salaryRange": {"currency": "USD", "interval": "per-hour-wage", "min": 21, "max": 26},
        "description": "<div>Room patients, take vitals.</div>",
        "descriptionPlain": "Room patients, take vitals.",
        "lists": [{"text": "Requirements & Skills", "content": "<li>MA-C (WA)</li><li>BLS</li>"}],
        "additional": "", "additionalPlain": "",
    }


BIG = [generated_posting(n) for n in range(250)]
PAGE = 100


@pytest.fixture(scope="module")
def crawls() -> dict[str, Any]:
    with LocalServer() as srv:
        for site, path in SITES.items():
            srv.route(postings_path(site), path, content_type=JSON)
        for skip in range(0, len(BIG), PAGE):  # a server honouring skip/limit
            srv.route(postings_path("big", f"mode=json&skip={skip}&limit={PAGE}"),
                      json.dumps(BIG[skip:skip + PAGE]), content_type=JSON)
        srv.route(postings_path("big"), json.dumps(BIG), content_type=JSON)  # no limit: all
        # A server that ignores skip/limit: the same full page every time.
        srv.route(re.compile(r"/v0/postings/deaf\?mode=json.*"), json.dumps(BIG[:PAGE]),
                  content_type=JSON)
        srv.route(postings_path("gone"), json.dumps({"ok": False, "error": "Document not found"}),
                  status=404, content_type=JSON)
        srv.route(postings_path("weird"), json.dumps({"ok": True}), content_type=JSON)
        srv.route(postings_path("shapes"), json.dumps(
            [{"id": 7, "text": "Clinical MA", "categories": None, "lists": "nope",
              "createdAt": True, "salaryRange": [1, 2], "salaryDescriptionPlain": "$20/hour"},
             None]), content_type=JSON)

        def lever(site: str, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
            name = kwargs.pop("name", site)
            return ({"name": name, "kind": "lever", "board": site, "api_url": srv.base,
                     "allow_local": True}, kwargs)

        runs = run_spiders([lever("palantir"), lever("veeva"), lever("big", page_size=PAGE),
                            lever("deaf", page_size=PAGE), lever("gone"), lever("weird"),
                            lever("shapes"), lever("big", name="big-default")])
        runs["requests"] = srv.paths()
    return runs


def list_html(entry: dict[str, str]) -> str:
    return f"<h3>{entry['text']}</h3><ul>{entry['content']}</ul>"


@pytest.mark.parametrize("site", sorted(SITES))
def test_every_field_of_real_postings(crawls: dict[str, Any], site: str) -> None:
    postings = json.loads(SITES[site].read_text("utf-8"))
    run = crawls[site]
    assert run.errors() == {}
    assert len(run.items) == len(postings)
    by_id = {i["external_id"]: i for i in run.items}
    for p in postings:
        item = by_id[p["id"]]
        cats = p["categories"]
        assert item["title"] == p["text"]
        assert item["url"] == p["hostedUrl"]
        assert item["apply_url"] == p["applyUrl"]
        assert item["employer"] == site
        assert item["employment_type_raw"] == cats["commitment"]
        assert item["locations_raw"] == [cats["location"]]   # allLocations repeats it
        assert item["remote_raw"] == p["workplaceType"]
        assert item["date_posted_raw"] == p["createdAt"]     # epoch ms, as an int
        assert item["pay_raw"] is None                        # no salaryRange in these files
        assert item["department"] == cats.get("department", cats["team"])
        html = item["description_html"]
        assert html.startswith(p["description"])
        assert html.endswith(p["additional"])
        for entry in p.get("lists", []):
            assert list_html(entry) in html
        text = item["description_text"]
        assert text.startswith(p["descriptionPlain"])
        for entry in p.get("lists", []):
            assert entry["text"] in text
            first_li = entry["content"].split("</li>")[0].split("<li>")[1]
            assert f"- {first_li}" in text
        assert "<li>" not in text


def test_paging_with_skip_and_limit(crawls: dict[str, Any]) -> None:
    run = crawls["big"]
    assert sorted(i["external_id"] for i in run.items) == sorted(p["id"] for p in BIG)
    asked = [p for p in crawls["requests"] if p.startswith("/v0/postings/big?")]
    assert f"/v0/postings/big?mode=json&skip=200&limit={PAGE}" in asked
    assert not any("skip=300" in p for p in asked)          # the short page was the last


def test_paging_stops_when_the_server_ignores_skip(crawls: dict[str, Any]) -> None:
    run = crawls["deaf"]
    assert len(run.items) == PAGE
    asked = [p for p in crawls["requests"] if p.startswith("/v0/postings/deaf?")]
    assert len(asked) == 2


def test_default_is_one_request_with_the_real_query(crawls: dict[str, Any]) -> None:
    assert crawls["requests"].count(postings_path("big")) == 1
    assert len(crawls["big-default"].items) == len(BIG)


def test_generated_posting_fields(crawls: dict[str, Any]) -> None:
    item = next(i for i in crawls["big"].items if i["external_id"] == "gen-0007")
    assert item["pay_raw"] == BIG[7]["salaryRange"]
    assert item["locations_raw"] == ["Tacoma, WA", "Olympia, WA"]
    assert "<h3>Requirements &amp; Skills</h3>" in item["description_html"]
    assert "- MA-C (WA)\n- BLS" in item["description_text"]


def test_error_payloads_are_counted(crawls: dict[str, Any]) -> None:
    assert crawls["gone"].items == []
    assert crawls["gone"].stat("httperror/response_ignored_status_count/404") == 1
    assert crawls["weird"].items == []
    assert crawls["weird"].errors() == {"bad_payload": 1}


def test_wrong_shapes_do_not_crash(crawls: dict[str, Any]) -> None:
    run = crawls["shapes"]
    assert run.errors() == {"bad_record": 1}                 # the null entry
    (item,) = run.items
    assert item["external_id"] == "7" and item["title"] == "Clinical MA"
    assert item["locations_raw"] == [] and item["date_posted_raw"] is None
    assert item["pay_raw"] == "$20/hour"                     # salaryRange was not an object
