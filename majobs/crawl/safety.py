"""Crawl safety on hostile input: resolved addresses, schemes, redirects, bombs, unsafe XML.

- :class:`GuardedHTTPDownloadHandler` checks the address a host name *resolves to* at
  connect time, for the first request and every redirect: a public name that resolves to
  loopback, a private network or link-local (169.254.169.254) is refused unless the source
  is marked ``allow_local``. It wraps whatever resolver the reactor has (Scrapy's
  ``TWISTED_DNS_RESOLVER``), so the addresses it passes are exactly those connected to.
- :class:`AccountedRedirectMiddleware` and :class:`AccountedHttpCompressionMiddleware` are
  Scrapy's, but a redirect loop, a redirect to ``file:``/``data:``/``ftp:`` or a
  decompression bomb is counted under ``majobs/errors/<reason>`` instead of passing as a
  quiet success (Scrapy logs them at DEBUG/WARNING only).
- :class:`UnsafeXmlGuard` refuses XML (sitemaps...) that declares entities or a DTD before
  any parser sees it (billion laughs, external entities); feeds are checked by the feed
  spider itself (``unsafe_feed``).
"""

from __future__ import annotations

import contextvars
import ipaddress
import logging
import re
import weakref
from dataclasses import dataclass, field
from typing import Any

from scrapy import Request, signals
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest, ResponseDataLossError
from scrapy.http import Response
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.interfaces import IHostnameResolver, IHostResolution, IResolutionReceiver
from zope.interface import implementer, provider

from majobs.spiders.address_guard import is_local_host
from majobs.spiders.feed import FeedSpider

logger = logging.getLogger(__name__)
ERRORS = "majobs/errors/"
# Test setting: addresses that stand in for public sites on a machine with no network.
PUBLIC_STAND_INS = "MAJOBS_ADDRESSES_TREATED_AS_PUBLIC"
XML_TYPES = re.compile(rb"[/+]xml\b")
ENTITY = re.compile(rb"<!\s*ENTITY", re.I)
# A DOCTYPE with an internal subset ("[") or an external DTD (SYSTEM/PUBLIC) can define
# entities; a bare "<!DOCTYPE urlset>" cannot.
DOCTYPE = re.compile(rb"<!\s*DOCTYPE\b[^>\[]*?(\[|\bSYSTEM\b|\bPUBLIC\b)", re.I)
ROOT_ELEMENT = re.compile(rb"<[A-Za-z_]")
REDIRECT_STATUSES = {301, 302, 303, 307, 308}


def _count_error(crawler: Crawler, reason: str, message: str, *args: Any) -> None:
    """Count ``majobs/errors/<reason>`` and log an ERROR line for the run row."""
    if crawler.stats is not None:
        crawler.stats.inc_value(ERRORS + reason)
    logger.error(message, *args, extra={"spider": crawler.spider})


# --- resolved addresses ----------------------------------------------------------------

@dataclass
class AddressPolicy:
    """What one download may connect to; records what it refused."""

    allow_local: bool = False
    public: frozenset[str] = frozenset()
    refused: list[str] = field(default_factory=list)

    def permits(self, host: str) -> bool:
        return self.allow_local or host in self.public or not is_local_host(host)


# The policy of the download running in this asyncio task (each download is its own task).
_POLICY: contextvars.ContextVar[AddressPolicy | None] = contextvars.ContextVar(
    "majobs_address_policy", default=None)


@provider(IResolutionReceiver)
class _FilteringReceiver:
    def __init__(self, receiver: Any, policy: AddressPolicy) -> None:
        self.receiver, self.policy = receiver, policy

    def resolutionBegan(self, resolution: IHostResolution) -> None:
        self.receiver.resolutionBegan(resolution)

    def addressResolved(self, address: Any) -> None:
        host = getattr(address, "host", "")
        if self.policy.permits(host):
            self.receiver.addressResolved(address)
        else:
            self.policy.refused.append(host)

    def resolutionComplete(self) -> None:
        self.receiver.resolutionComplete()


@implementer(IHostnameResolver)
class GuardedNameResolver:
    """Wraps the reactor's resolver; drops addresses the current download may not reach.

    Outside a guarded download (no policy set) local addresses are dropped: fail closed.
    """

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def resolveHostName(self, resolutionReceiver: Any, hostName: str,
                        portNumber: int = 0, addressTypes: Any = None,
                        transportSemantics: str = "TCP") -> Any:
        policy = _POLICY.get() or AddressPolicy()
        return self.inner.resolveHostName(_FilteringReceiver(resolutionReceiver, policy),
                                          hostName, portNumber, addressTypes,
                                          transportSemantics)


def install_guarded_resolver() -> None:
    """Wrap the reactor's name resolver once (after Scrapy installed its own)."""
    from twisted.internet import reactor

    if not isinstance(reactor.nameResolver, GuardedNameResolver):
        reactor.installNameResolver(GuardedNameResolver(reactor.nameResolver))


def address_policy(spider: Any, request: Request, public: frozenset[str] = frozenset()
                   ) -> AddressPolicy:
    """What this request may connect to: local addresses only for ``allow_local`` sources.

    Through the operator's proxy, the proxy resolves the target, not us (the target's
    name and literal address are still checked by LocalAddressGuard).
    """
    source = getattr(spider, "source", None)
    allow = bool(getattr(source, "allow_local", False) or request.meta.get("proxy"))
    return AddressPolicy(allow, public)


def _public_stand_ins(crawler: Crawler) -> frozenset[str]:
    values = crawler.settings.getlist(PUBLIC_STAND_INS)
    return frozenset(str(ipaddress.ip_address(v)) for v in values)


class GuardedHTTPDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler with the resolved-address check (module doc); a body cut
    at DOWNLOAD_MAXSIZE is a counted ``too_large`` error, not a bare "cancelled"."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.crawler = crawler
        self.public = _public_stand_ins(crawler)
        self.maxsize = crawler.settings.getint("DOWNLOAD_MAXSIZE")
        self.received: weakref.WeakKeyDictionary[Request, int] = weakref.WeakKeyDictionary()
        crawler.signals.connect(self.bytes_received, signal=signals.bytes_received)

    def bytes_received(self, data: bytes, request: Request, spider: object) -> None:
        self.received[request] = self.received.get(request, 0) + len(data)

    async def download_request(self, request: Request) -> Response:
        install_guarded_resolver()
        policy = address_policy(self.crawler.spider, request, self.public)
        _POLICY.set(policy)  # this task's context only: nothing to reset
        try:
            return await super().download_request(request)
        except DownloadCancelledError as exc:
            maxsize = request.meta.get("download_maxsize", self.maxsize)
            received = self.received.pop(request, 0)
            if not maxsize or (received <= maxsize and "max size" not in str(exc)):
                raise
            _count_error(self.crawler, "too_large", "Dropped %s: the body is larger than "
                         "DOWNLOAD_MAXSIZE (%d bytes)", request.url, maxsize)
            raise IgnoreRequest("body larger than DOWNLOAD_MAXSIZE") from exc
        except ResponseDataLossError as exc:
            if str(exc):
                raise
            raise ResponseDataLossError("the connection closed before the whole body "
                                        "arrived") from exc
        except Exception:
            if not policy.refused:
                raise
        finally:
            self.received.pop(request, None)
        host = urlparse_cached(request).hostname
        _count_error(self.crawler, "local_address_refused",
                     "Refused %s: %s resolves to %s, a local/private address; mark the "
                     "source allow_local: true to crawl it", request.url, host,
                     ", ".join(sorted(set(policy.refused))))
        raise IgnoreRequest(f"{host} resolves to a local address")


# --- redirects, bombs, unsafe XML ------------------------------------------------------

class AccountedRedirectMiddleware(RedirectMiddleware):
    """Scrapy's redirects; loops and redirects to other schemes are counted errors."""

    def process_response(self, request: Request, response: Response) -> Request | Response:
        try:
            result = super().process_response(request, response)
        except IgnoreRequest:
            _count_error(self.crawler, "redirect_loop", "Too many redirects from %s (last: "
                         "%s)", request.meta.get("redirect_urls", [request.url])[0],
                         request.url)
            raise
        location = response.headers.get("Location")
        if result is response and location and response.status in REDIRECT_STATUSES:
            target = response.urljoin(location.decode("latin-1"))
            scheme = target.split(":", 1)[0].lower() if ":" in target else ""
            if scheme not in ("http", "https"):
                _count_error(self.crawler, "redirect_refused",
                             "Refused redirect from %s to a %s: URL", request.url, scheme)
        return result


class AccountedHttpCompressionMiddleware(HttpCompressionMiddleware):
    """Scrapy's decompression (bounded by DOWNLOAD_MAXSIZE); a bomb is a counted error."""

    def __init__(self, stats: Any = None, *, crawler: Crawler | None = None) -> None:
        super().__init__(stats, crawler=crawler)
        self.crawler = crawler

    def process_response(self, request: Request, response: Response) -> Request | Response:
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:
            _count_error(self.crawler, "too_large", "Dropped %s: %s", request.url, exc)
            raise


def xml_declares_entities(body: bytes) -> bool:
    """True when the XML prolog (before the root element) declares entities or a DTD."""
    flat = body.replace(b"\x00", b"")  # UTF-16/32 bodies
    root = ROOT_ELEMENT.search(flat)
    prolog = flat[:root.start()] if root else flat
    return bool(ENTITY.search(prolog) or DOCTYPE.search(prolog))


class UnsafeXmlGuard:
    """Refuse XML responses that declare entities or a DTD (see module doc)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.maxsize = crawler.settings.getint("DOWNLOAD_MAXSIZE")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> UnsafeXmlGuard:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if isinstance(self.crawler.spider, FeedSpider):
            return response  # the feed spider refuses these itself, as unsafe_feed
        body = response.body
        if gzip_magic_number(response):  # a sitemap.xml.gz
            try:
                body = gunzip(body, max_size=self.maxsize)
            except (OSError, EOFError, ValueError):
                return response  # the spider reports what it cannot read
        ctype = response.headers.get("Content-Type") or b""
        looks_xml = XML_TYPES.search(ctype.lower()) or body.lstrip(b"\xef\xbb\xbf \t\r\n"
                                                                  ).startswith(b"<?xml")
        if not looks_xml or b"xhtml" in ctype.lower() or not xml_declares_entities(body):
            return response
        _count_error(self.crawler, "unsafe_xml", "Refused %s: the XML declares a DOCTYPE "
                     "or entities (entity expansion / external entity attack)", request.url)
        raise IgnoreRequest("XML with DOCTYPE/ENTITY declarations")
