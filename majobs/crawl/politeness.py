"""Politeness beyond Scrapy's defaults: Retry-After, robots.txt by RFC 9309, Crawl-delay.

- :class:`RetryAfterMiddleware`: Scrapy's retries, but an answer that says ``Retry-After``
  (429, 503...) holds its retry back that long, capped by ``MAJOBS_RETRY_AFTER_MAX``.
- :class:`RobotsPolicyMiddleware`: Scrapy's robots.txt obedience made RFC 9309: a robots.txt
  that answers 5xx/429 or cannot be fetched at all means *disallow all* for this crawl
  (counted as ``robots_unavailable``; Scrapy would crawl anyway), 4xx means no rules, and
  ``Crawl-delay`` becomes the host's download delay, capped by ``MAJOBS_CRAWL_DELAY_MAX``.
  The robots.txt fetch runs on its own with a watchdog, so no request can wait on it
  forever (a refused or stuck robots.txt used to hang the whole crawl).
- :class:`PoliteAutoThrottle`: AutoThrottle never goes below a slot's ``DOWNLOAD_SLOTS``
  delay, where the Crawl-delay is written.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response
from scrapy.http.request import NO_CALLBACK
from scrapy.robotstxt import RobotParser
from scrapy.settings import BaseSettings
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

logger = logging.getLogger(__name__)
DEFAULT_RETRY_AFTER_MAX = 120.0
DEFAULT_CRAWL_DELAY_MAX = 30.0
SECONDS = re.compile(r"\d{1,9}(?:\.\d+)?")


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` value asks to wait (delay-seconds or HTTP-date); None when
    absent or unreadable; 0 for a date in the past."""
    if value is None:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else str(value)).strip()
    if SECONDS.fullmatch(text):
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


async def sleep(seconds: float) -> None:
    """Wait without blocking the reactor (asyncio or plain Twisted)."""
    waited: Deferred[None] = Deferred()
    call_later(seconds, waited.callback, None)
    await maybe_deferred_to_future(waited)


class RetryAfterMiddleware(RetryMiddleware):
    """Replaces Scrapy's RetryMiddleware (same settings, same stats)."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.max_wait = settings.getfloat("MAJOBS_RETRY_AFTER_MAX", DEFAULT_RETRY_AFTER_MAX)

    async def process_response(self, request: Request, response: Response  # type: ignore[override]
                               ) -> Request | Response:
        result = super().process_response(request, response)
        if not isinstance(result, Request):
            return result
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        if wait:
            wait = min(wait, self.max_wait)
            stats = self.crawler.stats
            if stats is not None:
                stats.inc_value("majobs/retry_after/count")
                stats.max_value("majobs/retry_after/max_wait_seconds", wait)
            logger.info("%s answered %d with Retry-After: retrying in %.1f s", request.url,
                        response.status, wait, extra={"spider": self.crawler.spider})
            await sleep(wait)
        return result


class UnavailableRobots(RobotParser):
    """Rules of a robots.txt that could not be read: nothing is allowed."""

    def __init__(self, why: str) -> None:
        self.why = why

    @classmethod
    def from_crawler(cls, crawler: Crawler, robotstxt_body: bytes) -> UnavailableRobots:
        return cls("unreadable")

    def allowed(self, url: str | bytes, user_agent: str | bytes) -> bool:
        return False

    def crawl_delay(self, user_agent: str | bytes) -> float | None:
        return None


class RobotsPolicyMiddleware(RobotsTxtMiddleware):
    """Replaces Scrapy's RobotsTxtMiddleware (see the module doc)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        s = crawler.settings
        self.max_delay = s.getfloat("MAJOBS_CRAWL_DELAY_MAX", DEFAULT_CRAWL_DELAY_MAX)
        # Every attempt at robots.txt may take a timeout and a Retry-After wait.
        attempts = s.getint("RETRY_TIMES") + 1 if s.getbool("RETRY_ENABLED") else 1
        self.max_wait = s.getfloat("MAJOBS_ROBOTS_MAX_WAIT") or attempts * (
            s.getfloat("DOWNLOAD_TIMEOUT")
            + s.getfloat("MAJOBS_RETRY_AFTER_MAX", DEFAULT_RETRY_AFTER_MAX)) + 30
        self._fetches: set[Deferred[None]] = set()

    async def robot_parser(self, request: Request) -> RobotParser | None:
        url = urlparse_cached(request)
        netloc = url.netloc
        if netloc not in self._parsers:
            self._parsers[netloc] = Deferred()
            robots = Request(f"{url.scheme}://{netloc}/robots.txt",
                             priority=self.DOWNLOAD_PRIORITY,
                             meta={"dont_obey_robotstxt": True}, callback=NO_CALLBACK)
            watchdog = call_later(self.max_wait, self._give_up, netloc)
            fetch = deferred_from_coro(self._fetch(robots, netloc, request, watchdog))
            self._fetches.add(fetch)            # held until done (not garbage-collected)
            fetch.addBoth(self._forget, fetch)
        parser = self._parsers[netloc]
        if isinstance(parser, Deferred):
            return await maybe_deferred_to_future(parser)
        return parser

    async def _fetch(self, robots: Request, netloc: str, request: Request, watchdog: Any
                     ) -> None:
        try:
            response = await self.crawler.engine.download_async(robots)
        except IgnoreRequest:
            # Refused here (e.g. a local address): the requests meet the same refusal.
            self._settle(netloc, None)
        except Exception as exc:
            self._unavailable(netloc, f"{type(exc).__name__}: {exc}"[:200])
        else:
            self._stats.inc_value("robotstxt/response_count")
            self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
            if response.status >= 500 or response.status == 429:
                self._unavailable(netloc, f"HTTP {response.status}")
            else:
                # 3xx left (a redirect loop) or 4xx: no rules, everything allowed.
                body = response.body if response.status < 300 else b""
                parser = self._parser(body)
                self._crawl_delay(parser, request)
                await self.crawler.signals.send_catch_log_async(
                    signal=signals.robots_parsed, robotparser=parser, request=request)
                self._settle(netloc, parser)
        finally:
            watchdog.cancel()
            self._stats.inc_value("robotstxt/request_count")

    def _forget(self, result: Any, fetch: Deferred[None]) -> None:
        self._fetches.discard(fetch)
        if isinstance(result, Failure):   # a bug here: the watchdog still frees the requests
            logger.error("robots.txt fetch failed: %s", result.getErrorMessage(),
                         extra={"spider": self.crawler.spider})

    def _parser(self, body: bytes) -> RobotParser:
        return build_from_crawler(self._parserimpl, self.crawler, body)

    def _settle(self, netloc: str, parser: RobotParser | None) -> None:
        waiting = self._parsers.get(netloc)
        self._parsers[netloc] = parser
        if isinstance(waiting, Deferred) and not waiting.called:
            waiting.callback(parser)

    def _unavailable(self, netloc: str, why: str) -> None:
        """RFC 9309 2.3.1.4: an unreachable robots.txt means complete disallow."""
        if not isinstance(self._parsers.get(netloc), Deferred):
            return                        # the watchdog already gave up on it: said once
        self._stats.inc_value("majobs/errors/robots_unavailable")
        logger.error("robots.txt of %s unavailable (%s): nothing crawled there (RFC 9309)",
                     netloc, why, extra={"spider": self.crawler.spider})
        self._settle(netloc, UnavailableRobots(why))

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        if isinstance(rp, UnavailableRobots):      # not "disallowed": said as unavailable
            self._stats.inc_value("majobs/robots/not_fetched")
            raise IgnoreRequest(f"robots.txt unavailable ({rp.why})")
        super().process_request_2(rp, request)

    def _give_up(self, netloc: str) -> None:
        self._unavailable(netloc, f"no answer within {self.max_wait:.0f} s")

    def _crawl_delay(self, parser: RobotParser, request: Request) -> None:
        agent = self._robotstxt_useragent or request.headers.get(
            b"User-Agent", self._default_useragent)
        try:
            delay = parser.crawl_delay(agent)
        except (TypeError, ValueError):
            return
        if not delay or delay <= 0:
            return
        delay = min(float(delay), self.max_delay)
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        known = downloader.per_slot_settings.get(key, {})
        delay = max(delay, float(known.get("delay", 0)))
        # A floor, not an average: no jitter below it (PoliteAutoThrottle keeps it too).
        downloader.per_slot_settings[key] = {**known, "delay": delay, "jitter": 0}
        if (slot := downloader.slots.get(key)) is not None:
            slot.delay, slot.jitter = max(slot.delay, delay), 0
        self._stats.max_value("majobs/robots/crawl_delay_seconds", delay)
        logger.info("%s: Crawl-delay %.1f s", key, delay, extra={"spider": self.crawler.spider})


class PoliteAutoThrottle(AutoThrottle):
    """AutoThrottle that keeps each slot's ``DOWNLOAD_SLOTS`` delay as a floor."""

    def _response_downloaded(self, response: Response, request: Request,
                             spider: Spider) -> None:
        super()._response_downloaded(response, request, spider)
        key = request.meta.get("download_slot")
        downloader = self.crawler.engine.downloader
        floor = float(downloader.per_slot_settings.get(key, {}).get("delay", 0))
        slot = downloader.slots.get(key)
        if slot is not None and slot.delay < floor:
            slot.delay = floor
