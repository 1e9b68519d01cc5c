"""Downloader middleware: keep crawls off loopback and private addresses.

A sources file, a redirect or a link on a crawled page could otherwise point the
crawler at the machine it runs on or at the local network. Only sources marked
``allow_local: true`` (the demo board, tests) may go there (DESIGN.md). Redirects pass
through downloader middlewares again, so they are checked too.

Host *names* are not resolved here (that would block the reactor): the address a name
resolves to is checked at connect time by ``majobs.crawl.safety.GuardedHTTPDownloadHandler``,
for the first request and every redirect alike.
"""

from __future__ import annotations

import ipaddress
import logging
import socket

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached

logger = logging.getLogger(__name__)
LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


def _as_ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if host and all(c in "0123456789abcdefx." for c in host.lower()):
        try:  # legacy forms resolvers accept: "2130706433", "127.1", "0x7f.0.0.1"
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def is_local_host(host: str) -> bool:
    """True for loopback, private, link-local, reserved or unspecified hosts."""
    host = host.lower().rstrip(".")
    if host in LOCAL_NAMES or host.endswith(".localhost"):
        return True
    ip = _as_ip(host)
    if ip is None:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved
            or ip.is_unspecified or ip.is_multicast)


class LocalAddressGuard:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LocalAddressGuard:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        host = urlparse_cached(request).hostname or ""
        if not is_local_host(host):
            return
        source = getattr(self.crawler.spider, "source", None)
        if getattr(source, "allow_local", False):
            return
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("majobs/errors/local_address_refused")
        logger.error("Refused %s: a local/private address; mark the source allow_local: true "
                     "to crawl it", request.url, extra={"spider": self.crawler.spider})
        raise IgnoreRequest(f"local address refused: {host}")
