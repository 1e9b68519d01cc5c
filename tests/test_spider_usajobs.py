"""USAJOBS spider: the real Search API capture and generated VA announcements, on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from scrapy.utils.test import get_crawler
from spider_harness import FIXTURES, LocalServer, run_spiders

from majobs.normalize.employment import parse_employment_type
from majobs.normalize.location import parse_locations
from majobs.normalize.pay import parse_pay
from majobs.sources import SourceConfig
from majobs.spiders.usajobs import MISSING, UsajobsSpider

REAL = FIXTURES / "usajobs" / "irs_navsea_search.json"
JSON = "application/json"
KEY, EMAIL = "test-key-0123456789", "career-center@example.org"
CREDENTIALS = {"api_key": KEY, "email": EMAIL}
ENV = ("MAJOBS_USAJOBS_KEY", "MAJOBS_USAJOBS_EMAIL")


def search(query: str) -> str:
    return f"/api/Search?{query}&ResultsPerPage=500&Page="


MA_SEATTLE = search("Keyword=medical+assistant&LocationName=Seattle%2C+WA&Radius=25")


def announcement(n: int) -> dict[str, Any]:
    """A VA announcement shaped like the Search API's, with the fields the capture lacks."""
    return {
        "MatchedObjectId": str(800000000 + n),
        "MatchedObjectDescriptor": {
            "PositionID": f"VHA-{n:05d}-MSA",
            "PositionTitle": "Medical Support Assistant (Medical Assistant)" if n % 2
            else "MEDICAL ASSISTANT",
            "PositionURI": f"https://www.usajobs.gov:443/job/{800000000 + n}",
            "ApplyURI": [f"https://www.usajobs.gov:443/job/{800000000 + n}"],
            "PositionLocationDisplay": "Seattle, Washington",
            "PositionLocation": [{"LocationName": "Seattle, Washington",
                                  "CountryCode": "United States",
                                  "CountrySubDivisionCode": "Washington",
                                  "CityName": "Seattle, Washington",
                                  "Longitude": -122.3321, "Latitude": 47.6062}],
            "OrganizationName": "Veterans Health Administration",
            "DepartmentName": "Department of Veterans Affairs",
            "PositionSchedule": [{"Name": "Part-time" if n % 3 == 0 else "Full-time",
                                  "Code": "2" if n % 3 == 0 else "1"}],
            "PositionRemuneration": [{"MinimumRange": "41966", "MaximumRange": "54557",
                                      "RateIntervalCode": "PA", "Description": "Per Year"}],
            "PublicationStartDate": "2026-05-04T00:00:00.0000",
            "ApplicationCloseDate": "2026-05-18T23:59:59.9970",
            "PositionStartDate": "2026-05-01T00:00:00.0000",
            "PositionEndDate": "2026-05-31T23:59:59.9970",
            "QualificationSummary": "Applicants must have one year of MA experience (CMA, RMA).",
            "UserArea": {"Details": {"JobSummary": "Room patients and take vital signs.",
                                     "MajorDuties": ["Draw blood.", "Give injections."],
                                     "RemoteIndicator": False}},
        },
    }


def result_page(items: list[dict[str, Any]], pages: str | None, total: int) -> str:
    result: dict[str, Any] = {"SearchResultCount": len(items), "SearchResultCountAll": total,
                              "SearchResultItems": items}
    if pages is not None:
        result["UserArea"] = {"NumberOfPages": pages, "IsRadialSearch": False}
    return json.dumps({"LanguageCode": "EN", "SearchParameters": {}, "SearchResult": result})


PAGED = [announcement(n) for n in range(10)]          # 3 numbered pages: 4 + 4 + 2
FULL = [announcement(n) for n in range(100, 603)]     # no page count: a full page, then 3


def source(name: str, keyword: str, base: str, **kw: Any) -> dict[str, Any]:
    return {"name": name, "kind": "usajobs", "keyword": keyword, "api_url": base,
            "allow_local": True, **kw}


@pytest.fixture(scope="module")
def crawls() -> dict[str, Any]:
    with LocalServer() as srv, pytest.MonkeyPatch.context() as mp:
        for name in ENV:  # the no-credentials case must not see a developer's own key
            mp.delenv(name, raising=False)
        srv.route(search("Keyword=software") + "1", REAL, content_type=JSON)
        for page in (1, 2, 3):
            chunk = PAGED[(page - 1) * 4:page * 4]
            srv.route(MA_SEATTLE + str(page), result_page(chunk, "3", len(PAGED)),
                      content_type=JSON)
        srv.route(search("Keyword=full") + "1", result_page(FULL[:500], None, len(FULL)),
                  content_type=JSON)
        srv.route(search("Keyword=full") + "2", result_page(FULL[500:], None, len(FULL)),
                  content_type=JSON)
        srv.route(search("Keyword=nothing") + "1", result_page([], "0", 0), content_type=JSON)
        srv.route(search("Keyword=revoked") + "1", "", status=401)
        srv.route(search("Keyword=odd") + "1", json.dumps({"SearchResult": {
            "SearchResultItems": [{"MatchedObjectId": 1}, "text", announcement(7)]}}),
            content_type=JSON)
        srv.route(search("Keyword=moved") + "1", "", status=302,
                  Location=srv.url("/elsewhere/api/Search", host="localhost"))
        srv.route("/elsewhere/api/Search", REAL, content_type=JSON)
        runs = run_spiders([
            (source("irs", "software", srv.base), CREDENTIALS),
            (source("moved", "moved", srv.base), CREDENTIALS),
            (source("federal-ma", "medical assistant", srv.base, location="Seattle, WA",
                    radius_miles=25), CREDENTIALS),
            (source("full", "full", srv.base), CREDENTIALS),
            (source("nothing", "nothing", srv.base), CREDENTIALS),
            (source("revoked", "revoked", srv.base), {"api_key": "expired", "email": EMAIL}),
            (source("odd", "odd", srv.base), CREDENTIALS),
            (source("nokey", "medical assistant", srv.base), {}),
        ])
        return {**runs, "requests": list(srv.requests)}


def test_every_field_of_the_real_capture(crawls: dict[str, Any]) -> None:
    records = json.loads(REAL.read_text("utf-8"))["SearchResult"]["SearchResultItems"]
    run = crawls["irs"]
    assert run.errors() == {}
    by_id = {i["external_id"]: i for i in run.items}
    assert sorted(by_id) == sorted(r["MatchedObjectId"] for r in records)
    for record in records:
        d, item = record["MatchedObjectDescriptor"], by_id[record["MatchedObjectId"]]
        details = d["UserArea"]["Details"]
        assert item["title"] == d["PositionTitle"]
        assert item["url"] == d["PositionURI"] and ":443/" in item["url"]
        assert item["apply_url"] == d["ApplyURI"][0]
        assert item["employer"] == d["OrganizationName"]
        assert item["department"] == d["DepartmentName"]
        assert item["locations_raw"] == d["PositionLocation"]
        assert item["pay_raw"] == d["PositionRemuneration"]
        # The capture has no Publication/ApplicationClose dates: the position dates stand in.
        assert item["date_posted_raw"] == d["PositionStartDate"]
        assert item["valid_through_raw"] == d["PositionEndDate"]
        assert item["employment_type_raw"] is None
        assert item["remote_raw"] is details["RemoteIndicator"]
        for part in (details["JobSummary"], *details["MajorDuties"], d["QualificationSummary"]):
            assert part in item["description_text"]


def test_raw_values_suit_the_normalizers(crawls: dict[str, Any]) -> None:
    irs = next(i for i in crawls["irs"].items if i["external_id"] == "871922900")
    assert [(loc.city, loc.state) for loc in parse_locations(irs["locations_raw"])] == [
        ("Anchorage", "AK"), ("Birmingham", "AL")]
    va = next(i for i in crawls["federal-ma"].items if i["external_id"] == "800000003")
    pay = parse_pay(va["pay_raw"])   # (the IT salaries of the capture are outside MA bands)
    assert pay is not None and (pay.min, pay.max, pay.period) == (41966, 54557, "year")
    assert parse_employment_type(va["employment_type_raw"]) == "part_time"


def test_generated_fields_prefer_publication_dates(crawls: dict[str, Any]) -> None:
    item = next(i for i in crawls["federal-ma"].items if i["external_id"] == "800000001")
    d = announcement(1)["MatchedObjectDescriptor"]
    assert item["date_posted_raw"] == d["PublicationStartDate"]
    assert item["valid_through_raw"] == d["ApplicationCloseDate"]
    assert item["employment_type_raw"] == ["Full-time"]
    assert item["description_text"].split("\n\n") == [
        "Room patients and take vital signs.", "Draw blood.", "Give injections.",
        d["QualificationSummary"]]


def test_pages_follow_number_of_pages(crawls: dict[str, Any]) -> None:
    run = crawls["federal-ma"]
    assert run.errors() == {}
    assert sorted(i["external_id"] for i in run.items) == sorted(
        a["MatchedObjectId"] for a in PAGED)
    asked = [r.path for r in crawls["requests"] if r.path.startswith(MA_SEATTLE)]
    assert sorted(asked) == [MA_SEATTLE + str(p) for p in (1, 2, 3)]


def test_without_a_page_count_a_full_page_asks_for_more(crawls: dict[str, Any]) -> None:
    run = crawls["full"]
    assert len(run.items) == len(FULL) and run.errors() == {}
    asked = [r.path for r in crawls["requests"] if "Keyword=full&" in r.path]
    assert len(asked) == 2


def test_empty_result(crawls: dict[str, Any]) -> None:
    run = crawls["nothing"]
    assert run.items == [] and run.errors() == {}
    assert [r.path for r in crawls["requests"] if "Keyword=nothing" in r.path] == [
        search("Keyword=nothing") + "1"]


def test_credential_headers_are_sent(crawls: dict[str, Any]) -> None:
    sent = [r for r in crawls["requests"] if r.path.startswith("/api/Search")]
    assert sent
    for request in sent:
        key = request.headers["Authorization-Key"]
        assert key == ("expired" if "revoked" in request.path else KEY)
        assert request.headers["User-Agent"] == EMAIL
        assert request.headers["Host"].startswith("127.0.0.1:")  # a local replay keeps its own


def test_refused_key_is_a_clear_error_and_others_go_on(crawls: dict[str, Any]) -> None:
    run = crawls["revoked"]
    assert run.items == []
    assert run.errors() == {"access_refused": 1}
    assert run.stat("httperror/response_ignored_status_count/401") == 1
    assert "check MAJOBS_USAJOBS_KEY and MAJOBS_USAJOBS_EMAIL" in run.log
    assert crawls["irs"].items and crawls["federal-ma"].items   # same process, unharmed


def test_missing_credentials_fail_that_source_only(crawls: dict[str, Any]) -> None:
    run = crawls["nokey"]
    assert run.items == [] and run.errors() == {"missing_credentials": 1}
    assert run.stats["finish_reason"] == "finished"
    assert MISSING in run.log
    assert not any("Keyword=medical+assistant&ResultsPerPage" in r.path
                   for r in crawls["requests"])


def test_wrong_shapes_are_counted(crawls: dict[str, Any]) -> None:
    run = crawls["odd"]
    assert run.errors() == {"bad_record": 2}
    assert [i["external_id"] for i in run.items] == ["800000007"]


def spider_for(source: SourceConfig, settings: dict[str, Any] | None = None) -> UsajobsSpider:
    return UsajobsSpider.from_crawler(get_crawler(UsajobsSpider, settings or {}), source=source)


def first_requests(spider: UsajobsSpider) -> list[Any]:
    async def collect() -> list[Any]:
        return [r async for r in spider.start()]
    return asyncio.run(collect())


REAL_API = SourceConfig(name="federal-ma", kind="usajobs", keyword="medical assistant",
                        location="Seattle, WA", radius_miles=25.0)


def test_credentials_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAJOBS_USAJOBS_KEY", "env-key")
    monkeypatch.setenv("MAJOBS_USAJOBS_EMAIL", "env@example.org")
    (request,) = first_requests(spider_for(REAL_API))
    assert request.url == ("https://data.usajobs.gov/api/Search?Keyword=medical+assistant"
                           "&LocationName=Seattle%2C+WA&Radius=25&ResultsPerPage=500&Page=1")
    assert request.headers["Authorization-Key"] == b"env-key"
    assert request.headers["User-Agent"] == b"env@example.org"
    assert request.headers["Host"] == b"data.usajobs.gov"


def test_settings_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAJOBS_USAJOBS_KEY", "env-key")
    monkeypatch.setenv("MAJOBS_USAJOBS_EMAIL", "env@example.org")
    spider = spider_for(REAL_API, {"MAJOBS_USAJOBS_KEY": "toml-key"})
    (request,) = first_requests(spider)
    assert request.headers["Authorization-Key"] == b"toml-key"
    assert request.headers["User-Agent"] == b"env@example.org"


def test_redirects_are_not_followed_with_the_key(crawls: dict[str, Any]) -> None:
    run = crawls["moved"]
    assert run.items == []
    assert run.stat("httperror/response_ignored_status_count/302") == 1
    assert not any(r.path.startswith("/elsewhere/") for r in crawls["requests"])
