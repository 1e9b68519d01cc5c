"""CareerOneStop spider against its documented List Jobs V2 shape, served on 127.0.0.1.

No real capture exists; ``data/careeronestop_jobsearch_v2.json`` is written in the shape
of the documentation and of public clients (``Jobs[]`` with JvId, JobTitle, Company, the
API's own misspelled ``AccquisitionDate``, URL, Location, Fc; ``JobCount`` as text).
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.test import get_crawler
from spider_harness import LocalServer, run_spiders

from majobs.normalize.dates import parse_date
from majobs.normalize.location import parse_locations
from majobs.sources import SourceConfig
from majobs.spiders.careeronestop import MISSING, CareerOneStopSpider

RECORDED = Path(__file__).parent / "data" / "careeronestop_jobsearch_v2.json"
JSON = "application/json"
TOKEN, USER = "tok3n/with+slash==", "UsEr42"
CREDENTIALS = {"token": TOKEN, "user_id": USER}
ENV = ("MAJOBS_CAREERONESTOP_TOKEN", "MAJOBS_CAREERONESTOP_USERID")
QUERY = "?showFilters=false&enableJobDescriptionSnippet=true&enableMetaData=false"


def search(keyword: str, location: str, radius: int, start: int, user: str = USER) -> str:
    """The documented path, percent-encoded as a client must send it."""
    return f"/v2/jobsearch/{user}/{keyword}/{location}/{radius}/0/0/{start}/100/0{QUERY}"


def job(n: int) -> dict[str, Any]:
    return {"JvId": f"GEN{n:06d}", "JobTitle": f"Clinical Medical Assistant {n}",
            "Company": "Sound Urgent Care", "AccquisitionDate": "2026-05-01 08:00:00",
            "URL": f"https://jobs.example-nlx.org/apply/GEN{n:06d}",
            "Location": "Tacoma, WA", "Fc": "False",
            "DescriptionSnippet": "Urgent care MA: splints, EKGs, point-of-care tests..."}


RECORDED_JOBS = json.loads(RECORDED.read_text("utf-8"))["Jobs"]
# The keyword search: 130 postings over two pages; one is also coded 31-9092.00.
KEYWORD_JOBS = [job(n) for n in range(129)] + [RECORDED_JOBS[0]]


def page(jobs: list[dict[str, Any]], count: int) -> str:
    return json.dumps({"JobCount": str(count), "Jobs": jobs, "ErrorMessage": ""})


def cos(name: str, base: str, kwargs: dict[str, Any], **entry: Any
        ) -> tuple[dict[str, Any], dict[str, Any]]:
    return ({"name": name, "kind": "careeronestop", "api_url": base, "allow_local": True,
             "keyword": "medical assistant", **entry}, kwargs)


@pytest.fixture(scope="module")
def crawls() -> dict[str, Any]:
    ma, zip_code = "medical%20assistant", "98101"
    with LocalServer() as srv, pytest.MonkeyPatch.context() as mp:
        for name in ENV:
            mp.delenv(name, raising=False)
        srv.route(search(ma, zip_code, 25, 0), page(KEYWORD_JOBS[:100], 130), content_type=JSON)
        srv.route(search(ma, zip_code, 25, 100), page(KEYWORD_JOBS[100:], 130),
                  content_type=JSON)
        srv.route(search("31-9092.00", zip_code, 25, 0), RECORDED, content_type=JSON)
        srv.route(search("phlebotomist", "Yakima%2C%20WA", 10, 0),
                  json.dumps({"JobCount": "0", "ErrorMessage": "No jobs found"}),
                  content_type=JSON)
        srv.route(search("31-9092.00", "Yakima%2C%20WA", 10, 0), page([], 0), content_type=JSON)
        srv.route(search("cna", "US", 0, 0, "revoked"), "", status=401)
        srv.route(search("31-9092.00", "US", 0, 0, "revoked"), "", status=401)
        runs = run_spiders([
            cos("state-bank", srv.base, CREDENTIALS, location=zip_code, radius_miles=25),
            cos("yakima", srv.base, CREDENTIALS, keyword="phlebotomist", location="Yakima, WA",
                radius_miles=10),
            cos("revoked", srv.base, {"token": "old", "user_id": "revoked"}, keyword="cna"),
            cos("nokey", srv.base, {}, location=zip_code),
        ])
        return {**runs, "requests": list(srv.requests)}


def test_recorded_shape_fields(crawls: dict[str, Any]) -> None:
    by_id = {i["external_id"]: i for i in crawls["state-bank"].items}
    for record in RECORDED_JOBS:
        item = by_id[record["JvId"]]
        assert item["title"] == record["JobTitle"]
        assert item["url"] == record["URL"]
        assert item["employer"] == record["Company"]            # entity-escaped: as sent
        assert item["locations_raw"] == [record["Location"]]
        assert item["date_posted_raw"] == record["AccquisitionDate"]
        assert item["description_text"] == (record["DescriptionSnippet"] or None)
    first = by_id[RECORDED_JOBS[0]["JvId"]]
    assert parse_date(first["date_posted_raw"], datetime(2026, 5, 10, tzinfo=UTC)).isoformat() \
        == "2026-05-04"
    (place,) = parse_locations(first["locations_raw"])
    assert (place.city, place.state) == ("Seattle", "WA")


def test_keyword_and_onet_searches_pages_and_dedup(crawls: dict[str, Any]) -> None:
    run = crawls["state-bank"]
    assert run.errors() == {}
    ids = [i["external_id"] for i in run.items]
    assert len(ids) == len(set(ids))                             # found twice, yielded once
    assert set(ids) == {j["JvId"] for j in KEYWORD_JOBS + RECORDED_JOBS}
    asked = [r.path for r in crawls["requests"] if "/98101/" in r.path]
    assert sorted(asked) == sorted([search("medical%20assistant", "98101", 25, 0),
                                    search("medical%20assistant", "98101", 25, 100),
                                    search("31-9092.00", "98101", 25, 0)])


def test_bearer_token_is_sent(crawls: dict[str, Any]) -> None:
    sent = [r for r in crawls["requests"] if r.path.startswith("/v2/jobsearch/")]
    assert sent
    for request in sent:
        token = "old" if "/revoked/" in request.path else TOKEN
        assert request.headers["Authorization"] == f"Bearer {token}"


def test_no_matches(crawls: dict[str, Any]) -> None:
    run = crawls["yakima"]
    assert run.items == [] and run.errors() == {}


def test_refused_token_is_a_clear_error_and_others_go_on(crawls: dict[str, Any]) -> None:
    run = crawls["revoked"]
    assert run.items == [] and run.errors() == {"access_refused": 2}
    assert "check MAJOBS_CAREERONESTOP_TOKEN and MAJOBS_CAREERONESTOP_USERID" in run.log
    assert crawls["state-bank"].items


def test_missing_credentials_fail_that_source_only(crawls: dict[str, Any]) -> None:
    run = crawls["nokey"]
    assert run.items == [] and run.errors() == {"missing_credentials": 1}
    assert MISSING in run.log
    assert run.stats["finish_reason"] == "finished"


def first_requests(source: SourceConfig, **kwargs: Any) -> list[Any]:
    spider = CareerOneStopSpider.from_crawler(get_crawler(CareerOneStopSpider, {}),
                                              source=source, **kwargs)

    async def collect() -> list[Any]:
        return [r async for r in spider.start()]
    return asyncio.run(collect())


def test_nationwide_without_a_location_and_credentials_from_the_environment(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAJOBS_CAREERONESTOP_TOKEN", "env-token")
    monkeypatch.setenv("MAJOBS_CAREERONESTOP_USERID", "envuser")
    source = SourceConfig(name="nation", kind="careeronestop", keyword="medical assistant")
    requests = first_requests(source)
    assert [r.url for r in requests] == [
        "https://api.careeronestop.org" + search(k, "US", 0, 0, "envuser")
        for k in ("medical%20assistant", "31-9092.00")]
    assert all(r.headers["Authorization"] == b"Bearer env-token" for r in requests)


def test_onet_keyword_is_searched_once() -> None:
    source = SourceConfig(name="onet", kind="careeronestop", keyword="31-9092.00",
                          location="Spokane, WA")
    (request,) = first_requests(source, **CREDENTIALS)
    assert request.url.endswith(search("31-9092.00", "Spokane%2C%20WA", 25, 0))
