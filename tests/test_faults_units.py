"""Fault-matrix building blocks, without a crawl: settings, Retry-After, XML declarations,
the resolved-address filter, and the demo board's fault modes against its real server."""

from __future__ import annotations

import http.client
import socket
import time
import urllib.error
import urllib.request
import zlib
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring
from scrapy import Request
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.extensions.throttle import AutoThrottle
from scrapy.settings import Settings
from scrapy.utils.misc import load_object
from scrapy.utils.sitemap import Sitemap
from twisted.internet.address import IPv4Address, IPv6Address

from majobs.config import DEFAULTS
from majobs.crawl.politeness import retry_after_seconds
from majobs.crawl.runner import build_settings
from majobs.crawl.safety import (
    _POLICY,
    AddressPolicy,
    GuardedNameResolver,
    address_policy,
    xml_declares_entities,
)
from majobs.crawl.settings import crawl_settings
from majobs.demoboard import faults
from majobs.demoboard.generator import generate_market
from majobs.demoboard.server import DemoBoardServer

# --- settings --------------------------------------------------------------------------------


def test_bounds_and_consoles() -> None:
    s = Settings(crawl_settings(DEFAULTS["crawl"]))
    assert 1024 * 1024 <= s.getint("DOWNLOAD_MAXSIZE") <= 16 * 1024 * 1024   # not 1 GiB
    assert not s.getbool("TELNETCONSOLE_ENABLED") and not s.getbool("REMOTE_CONTROL_ENABLED")
    assert s.getfloat("MAJOBS_RETRY_AFTER_MAX") == 120 and s.getfloat("MAJOBS_CRAWL_DELAY_MAX")


def test_only_http_and_https_can_be_fetched() -> None:
    handlers = Settings(crawl_settings()).getwithbase("DOWNLOAD_HANDLERS")
    live = {scheme for scheme, path in handlers.items() if path}
    assert live == {"http", "https"}
    assert {load_object(handlers[s]).__name__ for s in live} == {"GuardedHTTPDownloadHandler"}


@pytest.mark.parametrize(("base", "ours"), [
    (RobotsTxtMiddleware, "majobs.crawl.politeness.RobotsPolicyMiddleware"),
    (RetryMiddleware, "majobs.crawl.politeness.RetryAfterMiddleware"),
    (RedirectMiddleware, "majobs.crawl.safety.AccountedRedirectMiddleware"),
    (HttpCompressionMiddleware, "majobs.crawl.safety.AccountedHttpCompressionMiddleware"),
])
def test_scrapy_middlewares_are_replaced_by_subclasses(base: type, ours: str) -> None:
    mws = Settings(crawl_settings()).getwithbase("DOWNLOADER_MIDDLEWARES")
    scrapy_path = f"{base.__module__}.{base.__name__}"
    assert mws[scrapy_path] is None and issubclass(load_object(ours), base)
    assert mws[ours] == Settings().getwithbase("DOWNLOADER_MIDDLEWARES")[scrapy_path]


def test_runner_keeps_the_extensions() -> None:
    extensions = build_settings("sqlite://", {"crawl": DEFAULTS["crawl"]})["EXTENSIONS"]
    assert extensions["scrapy.extensions.throttle.AutoThrottle"] is None
    assert issubclass(load_object("majobs.crawl.politeness.PoliteAutoThrottle"), AutoThrottle)
    assert {"majobs.crawl.politeness.PoliteAutoThrottle",
            "majobs.crawl.errorlog.ErrorCollector"} <= set(extensions)


# --- Retry-After ---------------------------------------------------------------------------

NOW = datetime(2026, 11, 22, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(("value", "seconds"), [
    ("120", 120.0), (b"5", 5.0), (" 3 ", 3.0), ("1.5", 1.5), ("0", 0.0),
    ("Sun, 22 Nov 2026 12:00:30 GMT", 30.0), ("Sunday, 22-Nov-26 12:01:00 GMT", 60.0),
    ("Sun, 22 Nov 2026 11:00:00 GMT", 0.0),                  # in the past: now
    ("-5", None), ("soon", None), ("", None), (None, None), ("99999999999", None),
    ("Sun, 99 Nov 2026 12:00:30 GMT", None), ("\u00a030\t", 30.0),
])
def test_retry_after_values(value: Any, seconds: float | None) -> None:
    assert retry_after_seconds(value, NOW) == seconds


# --- XML declarations --------------------------------------------------------------------------

SITEMAP = (b"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
           b"<url><loc>http://a.test/jobs/1</loc></url></urlset>")


@pytest.mark.parametrize(("body", "unsafe"), [
    (faults.billion_laughs(), True),
    (faults.external_entity("/etc/passwd"), True),
    (faults.billion_laughs().decode().encode("utf-16"), True),
    (b'<?xml version="1.0"?>\n<!doctype urlset SYSTEM "http://evil.test/x.dtd"><urlset/>', True),
    (b"<!-- a note --><!ENTITY x 'y'><urlset/>", True),
    (SITEMAP, False),
    (b"\xef\xbb\xbf" + SITEMAP, False),
    (b"<urlset><url><loc><![CDATA[<!DOCTYPE x>]]></loc></url></urlset>", False),
    (b"<?xml version='1.0'?><!DOCTYPE urlset>" + SITEMAP[21:], False),    # no DTD, no entity
    (b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "x.dtd"><rss/>',
     True),
    (b"", False),
])
def test_xml_declarations(body: bytes, unsafe: bool) -> None:
    assert xml_declares_entities(body) is unsafe


def test_scrapy_sitemap_parser_never_expands_or_reads_files(tmp_path: Any) -> None:
    """What UnsafeXmlGuard stands in front of: lxml with resolve_entities=False."""
    secret = tmp_path / "secret.txt"
    secret.write_text("majobs-secret-token")
    for body in (faults.billion_laughs(), faults.external_entity(str(secret))):
        locs = [e.get("loc", "") for e in Sitemap(body)]
        assert all("lol" not in loc and "majobs-secret" not in loc for loc in locs), locs
        with pytest.raises(DefusedXmlException):
            defused_fromstring(body, forbid_dtd=True)


# --- the resolved-address filter -------------------------------------------------------------

class _Inner:
    """A resolver that answers with fixed addresses, synchronously."""

    def __init__(self, *addresses: Any) -> None:
        self.addresses = addresses

    def resolveHostName(self, receiver: Any, name: str, port: int = 0, *_: Any) -> Any:
        receiver.resolutionBegan(None)
        for address in self.addresses:
            receiver.addressResolved(address)
        receiver.resolutionComplete()
        return receiver


class _Receiver:
    def __init__(self) -> None:
        self.hosts: list[str] = []
        self.done = False

    def resolutionBegan(self, _resolution: Any) -> None:
        pass

    def addressResolved(self, address: Any) -> None:
        self.hosts.append(address.host)

    def resolutionComplete(self) -> None:
        self.done = True


ANSWER = (IPv4Address("TCP", "93.184.216.34", 80), IPv4Address("TCP", "10.0.0.1", 80),
          IPv4Address("TCP", "169.254.169.254", 80), IPv4Address("TCP", "127.0.0.1", 80),
          IPv4Address("TCP", "127.0.0.2", 80), IPv6Address("TCP", "::1", 80),
          IPv6Address("TCP", "fd00::1", 80), IPv6Address("TCP", "2606:4700::1111", 80))


@pytest.mark.parametrize(("policy", "passed"), [
    (None, ["93.184.216.34", "2606:4700::1111"]),                    # no policy: fail closed
    (AddressPolicy(), ["93.184.216.34", "2606:4700::1111"]),
    (AddressPolicy(public=frozenset({"127.0.0.1"})),
     ["93.184.216.34", "127.0.0.1", "2606:4700::1111"]),
    (AddressPolicy(allow_local=True), [a.host for a in ANSWER]),
])
def test_resolved_addresses_are_filtered(policy: AddressPolicy | None,
                                         passed: list[str]) -> None:
    token = _POLICY.set(policy)
    try:
        receiver = _Receiver()
        GuardedNameResolver(_Inner(*ANSWER)).resolveHostName(receiver, "jobs.test", 80)
    finally:
        _POLICY.reset(token)
    assert receiver.hosts == passed and receiver.done
    if policy is not None:
        assert sorted(policy.refused) == sorted(set(a.host for a in ANSWER) - set(passed))


@pytest.mark.parametrize(("source", "meta", "allowed"), [
    (SimpleNamespace(allow_local=True), {}, True),
    (SimpleNamespace(allow_local=False), {}, False),
    (None, {}, False),                                      # a spider without a source
    (SimpleNamespace(allow_local=False), {"proxy": "http://10.0.0.5:3128"}, True),
])
def test_address_policy_per_request(source: Any, meta: dict[str, str], allowed: bool) -> None:
    spider = SimpleNamespace(source=source) if source is not None else object()
    policy = address_policy(spider, Request("http://jobs.test/", meta=meta))
    assert policy.allow_local is allowed and policy.permits("10.1.2.3") is allowed


# --- the demo board's fault modes, against its real server -------------------------------------

@pytest.fixture(scope="module")
def board() -> Any:
    with DemoBoardServer(generate_market(postings=12, seed=3)) as server:
        yield server


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, dict(err.headers), err.read()


def test_status_with_retry_after_then_healthy(board: DemoBoardServer) -> None:
    board.faults["/robots.txt"] = fault = faults.status(503, retry_after=7, times=1)
    try:
        first, second = get(board.base_url + "/robots.txt"), get(board.base_url + "/robots.txt")
    finally:
        del board.faults["/robots.txt"]
    assert (first[0], first[1]["Retry-After"]) == (503, "7")
    assert second[0] == 200 and b"User-agent" in second[2]
    assert len(fault.hits) == 2


def test_redirect_loop_never_ends(board: DemoBoardServer) -> None:
    board.faults["/loop/"] = faults.redirect_loop()
    conn = http.client.HTTPConnection("127.0.0.1", board.port, timeout=10)
    try:
        hops = []
        for _ in range(3):
            conn.request("GET", "/loop/x")
            resp = conn.getresponse()
            resp.read()
            hops.append((resp.status, resp.getheader("Location")))
    finally:
        conn.close()
        del board.faults["/loop/"]
    assert hops == [(302, "/loop/x?hop=1"), (302, "/loop/x?hop=2"), (302, "/loop/x?hop=3")]


def test_gzip_bomb_is_small_on_the_wire_and_huge_inflated(board: DemoBoardServer) -> None:
    size = 8 * 1024 * 1024
    board.faults["/bomb"] = faults.gzip_bomb(size)
    try:
        status, headers, body = get(board.base_url + "/bomb")
    finally:
        del board.faults["/bomb"]
    assert status == 200 and headers["Content-Encoding"] == "gzip" and len(body) < size // 100
    inflater, inflated = zlib.decompressobj(31), 0
    while body:                                    # bounded steps, never all at once
        chunk = inflater.decompress(body, 1024 * 1024)
        inflated += len(chunk)
        assert set(chunk) <= {0}
        body = inflater.unconsumed_tail
    assert inflated == size


def raw_get(board: DemoBoardServer, path: str, timeout: float) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", board.port), timeout=timeout)
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    return sock


def test_huge_body_streams_until_the_client_hangs_up(board: DemoBoardServer) -> None:
    board.faults["/huge"] = fault = faults.huge_body()
    try:
        with raw_get(board, "/huge", 10) as sock:
            got = b""
            while len(got) < 2 * 1024 * 1024:
                got += sock.recv(1 << 16)
        assert b"Content-Length" not in got.split(b"\r\n\r\n")[0]
        assert len(fault.hits) == 1
    finally:
        del board.faults["/huge"]


def test_reset_mid_body(board: DemoBoardServer) -> None:
    board.faults["/reset"] = faults.reset_mid_body(declared=50_000, sent=1_000)
    conn = http.client.HTTPConnection("127.0.0.1", board.port, timeout=10)
    try:
        conn.request("GET", "/reset")
        resp = conn.getresponse()
        assert resp.getheader("Content-Length") == "50000"
        with pytest.raises((http.client.IncompleteRead, ConnectionResetError)):
            resp.read()
    finally:
        conn.close()
        del board.faults["/reset"]


def test_hang_and_drip_hold_the_client(board: DemoBoardServer) -> None:
    board.faults["/hang"] = faults.hang(30)
    board.faults["/drip"] = faults.drip(interval=0.4)
    try:
        with raw_get(board, "/hang", 0.5) as sock, pytest.raises(TimeoutError):
            sock.recv(1)
        with raw_get(board, "/drip", 5) as sock:
            head = b""
            while b"\r\n\r\n" not in head:
                head += sock.recv(1024)
            started, body = time.monotonic(), head.split(b"\r\n\r\n", 1)[1]
            while len(body) < 3:
                body += sock.recv(1)
            assert time.monotonic() - started >= 0.5       # one byte every 0.4 s
    finally:
        del board.faults["/hang"], board.faults["/drip"]


def test_a_hanging_fault_does_not_hold_up_stop() -> None:
    server = DemoBoardServer(generate_market(postings=12, seed=4)).start()
    server.faults["/"] = faults.hang(300)
    sock = raw_get(server, "/", 5)
    time.sleep(0.2)
    started = time.monotonic()
    server.stop()
    sock.close()
    assert time.monotonic() - started < 10
