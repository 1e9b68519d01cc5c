"""Fault rows checked inside one real crawl (Scrapy engine, majobs settings, the item stages
that need no database): politeness details, charsets, wrong types, other URL schemes.

The database-level rows (run rows, summary, expiry) are in ``test_faults_crawl.py``; here
each source's stats go through the same judgement (:func:`assess_run`) as a run row.
"""

from __future__ import annotations

import json
import re
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from itertools import pairwise
from typing import Any

import pytest
from spider_harness import LocalServer, Route, run_spiders

from majobs.crawl.outcome import assess_run

HTML = "text/html"
# The item stages up to (not including) the store: drops are counted as in a real crawl.
STAGES = {f"majobs.pipeline.{name}Pipeline": n * 100 for n, name in enumerate(
    ("Validate", "Normalize", "Classify", "Tag", "Dedup"), 1)}


class TimedRoute(Route):
    """A route that notes when each request for it arrived (monotonic seconds)."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.hits: list[float] = []

    def payload(self) -> bytes:
        self.hits.append(time.monotonic())
        return super().payload()

    def gaps(self) -> list[float]:
        return [b - a for a, b in pairwise(self.hits)]


def ld_page(title: str, *links: str, **fields: Any) -> str:
    posting = {"@context": "https://schema.org", "@type": "JobPosting", "title": title,
               "datePosted": "2026-11-02", "description": f"{title}: room patients.", **fields}
    anchors = "".join(f'<a href="{href}">job</a>' for href in links)
    return (f'<html><head><script type="application/ld+json">'
            f"{json.dumps(posting, ensure_ascii=False)}"
            f"</script></head><body>{anchors}</body></html>")


def judge(run: Any) -> Any:
    return assess_run(run.stats, run.stats.get("finish_reason", ""), len(run.items))


# --- politeness ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def polite() -> dict[str, Any]:
    pages = {name: [TimedRoute(200, {"Content-Type": HTML}, ld_page(f"MA {name} {n}"))
                    for n in range(4)] for name in ("delay", "capped")}
    retry = {"capped": TimedRoute(503, {"Retry-After": "3600"}, b"busy"),
             "dated": TimedRoute(503, {"Retry-After": format_datetime(
                 datetime.now(UTC) + timedelta(seconds=30), usegmt=True)}, b"busy")}
    with (LocalServer() as delay, LocalServer() as capped, LocalServer() as retries,
          LocalServer() as r404, LocalServer() as r403):
        for server, name, robots in ((delay, "delay", "Crawl-delay: 1"),
                                     (capped, "capped", "Crawl-delay: 600")):
            server.route("/robots.txt", f"User-agent: *\n{robots}\n", content_type="text/plain")
            server.route("/jobs/", ld_page("MA listing", *(f"/jobs/{n}" for n in range(4))),
                         content_type=HTML)
            for n, route in enumerate(pages[name]):
                server.add(f"/jobs/{n}", route)
        retries.add("/capped", retry["capped"])
        retries.add("/dated", retry["dated"])
        for server, status in ((r404, 404), (r403, 403)):
            server.route("/robots.txt", "<html>no such page</html>", status=status,
                         content_type=HTML)
            server.route("/jobs/", ld_page(f"MA robots {status}"), content_type=HTML)

        def src(name: str, url: str) -> tuple[dict[str, Any], dict[str, Any]]:
            return {"name": name, "kind": "jsonld", "start_urls": [url],
                    "allow_local": True}, {}

        started = time.monotonic()
        runs = run_spiders([
            src("delay", delay.url("/jobs/")), src("capped", capped.url("/jobs/")),
            src("retry-capped", retries.url("/capped")),
            src("retry-dated", retries.url("/dated")),
            src("robots-404", r404.url("/jobs/")), src("robots-403", r403.url("/jobs/")),
        ], settings={"AUTOTHROTTLE_ENABLED": True, "AUTOTHROTTLE_START_DELAY": 0.0,
                     "AUTOTHROTTLE_MAX_DELAY": 0.2, "RETRY_TIMES": 1,
                     "MAJOBS_RETRY_AFTER_MAX": 1.5, "MAJOBS_CRAWL_DELAY_MAX": 1.5})
        runs["seconds"] = time.monotonic() - started
    return {"runs": runs, "pages": pages, "retry": retry}


def test_crawl_delay_holds_under_autothrottle(polite: dict[str, Any]) -> None:
    hits = sorted(t for route in polite["pages"]["delay"] for t in route.hits)
    gaps = [b - a for a, b in pairwise(hits)]
    assert len(hits) == 4 and min(gaps) >= 0.8 and sum(gaps) / len(gaps) >= 0.95, gaps
    assert polite["runs"]["delay"].stat("majobs/robots/crawl_delay_seconds") == 1
    assert judge(polite["runs"]["delay"]).complete


def test_crawl_delay_is_capped(polite: dict[str, Any]) -> None:
    run = polite["runs"]["capped"]
    assert run.stats["majobs/robots/crawl_delay_seconds"] == 1.5       # not 600
    assert len(run.items) == 5 and judge(run).complete
    assert polite["runs"]["seconds"] < 60


@pytest.mark.parametrize("name", ["retry-capped", "retry-dated"])
def test_retry_after_is_honoured_up_to_the_cap(polite: dict[str, Any], name: str) -> None:
    route = polite["retry"][name.removeprefix("retry-")]
    (gap,) = route.gaps()                                  # RETRY_TIMES = 1
    assert 1.2 <= gap < 10, gap                            # waited, but 1.5 s at most
    run = polite["runs"][name]
    assert run.stat("majobs/retry_after/count") == 1
    assert "HTTP 503 on 1 request(s) after retries" in judge(run).problems


@pytest.mark.parametrize("status", [404, 403])
def test_robots_txt_4xx_means_no_rules(polite: dict[str, Any], status: int) -> None:
    run = polite["runs"][f"robots-{status}"]
    assert [i["title"] for i in run.items] == [f"MA robots {status}"]
    assert run.stat("robotstxt/forbidden") == 0 and judge(run).complete


def test_a_robots_txt_that_never_answers_frees_its_requests_in_bounded_time() -> None:
    """The robots.txt wait has a watchdog: requests never wait on it forever."""
    with LocalServer() as srv:
        srv.route("/jobs/", ld_page("MA never fetched"), content_type=HTML)
        srv.route("/robots.txt", b"", content_type="text/plain")
        stuck = threading.Event()
        srv.find = lambda path, find=srv.find: (stuck.wait(8), find(path))[1] if (
            path == "/robots.txt") else find(path)
        started = time.monotonic()
        runs = run_spiders([({"name": "stuck", "kind": "jsonld", "allow_local": True,
                              "start_urls": [srv.url("/jobs/")]}, {})],
                           settings={"MAJOBS_ROBOTS_MAX_WAIT": 1, "DOWNLOAD_TIMEOUT": 5,
                                     "RETRY_TIMES": 0})
        stuck.set()
    run = runs["stuck"]
    assert time.monotonic() - started < 60
    assert run.items == [] and run.errors() == {"robots_unavailable": 1}
    assert "unavailable (no answer within 1 s)" in run.log
    assert srv.paths() == ["/robots.txt"]                # the page itself was never asked


# --- content: charsets, wrong types, schemes -----------------------------------------------

CLINIC = "Clínica Médica"
WRONG_TYPES = {"title": {"x": [1]}, "datePosted": 12345, "validThrough": [], "url": 42,
               "employmentType": {"a": 1}, "baseSalary": "lots", "jobLocation": 7,
               "hiringOrganization": 3.5, "description": ["", {"b": 2}],
               "identifier": {"value": {"deep": 1}}}


def charset_pages() -> dict[str, tuple[bytes, str]]:
    page = ld_page(f"MA {CLINIC}")
    return {
        "latin1-declared-utf8": (page.encode("latin-1"), "text/html; charset=utf-8"),
        "utf8-no-charset": (page.encode("utf-8"), "text/html"),
        "utf8-declared-latin1": (page.encode("utf-8"), "text/html; charset=iso-8859-1"),
        "bom-beats-header": (b"\xef\xbb\xbf" + page.encode("utf-8"),
                             "text/html; charset=iso-8859-1"),
        "utf16-bom": (page.encode("utf-16"), "text/html"),
        "meta-charset-latin1": (page.replace("<head>", '<head><meta charset="iso-8859-1">')
                                .encode("latin-1"), "text/html"),
        "garbage-charset": (page.encode("utf-8"), "text/html; charset=x-no-such-charset"),
    }


FEED = (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>j</title>'
        f"<item><title>MA {CLINIC}</title><link>http://j.test/1</link></item></channel></rss>")


@pytest.fixture(scope="module")
def content() -> dict[str, Any]:
    pages = charset_pages()
    with LocalServer() as srv:
        for name, (body, ctype) in pages.items():
            srv.route(f"/{name}/", body, content_type=ctype)
        srv.route("/feed-latin1.xml", FEED.encode("latin-1"), content_type="application/rss+xml")
        srv.route("/v1/boards/latin/jobs", json.dumps({"jobs": [{"id": 1, "title": CLINIC}]},
                                                      ensure_ascii=False).encode("latin-1"),
                  content_type="application/json; charset=utf-8")
        srv.route("/types/", ld_page("MA Kept Despite Odd Fields", "/types/all-wrong",
                                     employmentType=[{}], baseSalary={"value": [[[]]]},
                                     jobLocation="", datePosted=["not a date"]),
                  content_type=HTML)
        srv.route("/types/all-wrong", '<script type="application/ld+json">' + json.dumps(
            {"@type": "JobPosting", **WRONG_TYPES}) + "</script>", content_type=HTML)
        for scheme, target in (("data", "data:text/html,<h1>x</h1>"),
                               ("ftp", "ftp://127.0.0.1/jobs.txt"),
                               ("file", "file:///etc/hostname")):
            srv.route(f"/to-{scheme}/", status=302, Location=target)

        def src(name: str, **kw: Any) -> tuple[dict[str, Any], dict[str, Any]]:
            return {"name": name, "allow_local": True, **kw}, {}

        runs = run_spiders([
            *(src(name, kind="jsonld", start_urls=[srv.url(f"/{name}/")]) for name in pages),
            src("feed-latin1", kind="feed", url=srv.url("/feed-latin1.xml")),
            src("json-latin1", kind="greenhouse", board="latin", api_url=srv.base),
            src("types", kind="jsonld", start_urls=[srv.url("/types/")]),
            *(src(f"to-{s}", kind="jsonld", start_urls=[srv.url(f"/to-{s}/")])
              for s in ("data", "ftp", "file")),
        ], settings={"ITEM_PIPELINES": STAGES})
    return runs


@pytest.mark.parametrize(("name", "title"), [
    ("latin1-declared-utf8", "MA Cl\ufffdnica M\ufffddica"),   # undecodable bytes replaced
    ("utf8-no-charset", f"MA {CLINIC}"),
    ("utf8-declared-latin1", f"MA {CLINIC}".encode().decode("latin-1")),  # mojibake, no crash
    ("bom-beats-header", f"MA {CLINIC}"),
    ("utf16-bom", f"MA {CLINIC}"),
    ("meta-charset-latin1", f"MA {CLINIC}"),
    ("garbage-charset", f"MA {CLINIC}"),
])
def test_charsets_are_decoded_without_crashing(content: dict[str, Any], name: str,
                                               title: str) -> None:
    run = content[name]
    assert [i["title"] for i in run.items] == [title]
    assert judge(run).complete


def test_feed_with_latin1_bytes_declared_utf8(content: dict[str, Any]) -> None:
    run = content["feed-latin1"]
    (item,) = run.items
    assert item["title"].startswith("MA Cl") and item["title"].endswith("dica")


def test_json_api_with_undecodable_bytes_is_reported(content: dict[str, Any]) -> None:
    run = content["json-latin1"]
    assert run.items == [] and run.errors() == {"bad_json": 1}
    assert "bad_json: 1" in judge(run).problems


def test_wrong_types_are_dropped_with_a_reason_or_kept_with_what_is_valid(
        content: dict[str, Any]) -> None:
    run = content["types"]
    (kept,) = run.items                     # odd fields around a title: kept with the title
    assert kept["title"] == "MA Kept Despite Odd Fields"
    assert kept["url"].endswith("/types/") and kept["pay"] is None
    # Every field of the wrong type, no title: the spider still hands it on and the
    # validate stage drops it with a counted reason; no exception loses the page.
    assert run.stat("majobs/dropped/no_title") == 1
    assert not run.stat("spider_exceptions/TypeError")


@pytest.mark.parametrize("scheme", ["data", "ftp", "file"])
def test_redirects_to_other_schemes_are_refused(content: dict[str, Any], scheme: str) -> None:
    run = content[f"to-{scheme}"]
    assert run.items == [] and run.errors() == {"redirect_refused": 1}
    assert f"to a {scheme}: URL" in run.log
    assert not [k for k in run.stats if k.startswith("downloader/request_count")
                and run.stats[k] > 2]              # robots.txt and the page, nothing more


def test_a_real_crawl_runs_the_replacements_and_no_console(content: dict[str, Any]) -> None:
    log = content["types"].log
    # Scrapy logs the extensions, then the downloader middlewares, as lists of paths.
    enabled = set(re.findall(r"'([\w.]+)'", log[log.index("Enabled extensions"):
                                                log.index("Enabled spider middlewares")]))
    assert not {p for p in enabled if "Telnet" in p or "RemoteControl" in p}
    ours = {f"majobs.crawl.politeness.{n}" for n in (
        "PoliteAutoThrottle", "RobotsPolicyMiddleware", "RetryAfterMiddleware")} | {
        f"majobs.crawl.safety.{n}" for n in (
            "AccountedRedirectMiddleware", "AccountedHttpCompressionMiddleware",
            "UnsafeXmlGuard")} | {"majobs.spiders.address_guard.LocalAddressGuard"}
    assert ours <= enabled
    assert not {"scrapy.downloadermiddlewares.retry.RetryMiddleware",
                "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware",
                "scrapy.extensions.throttle.AutoThrottle"} & enabled
