"""Scrapy settings for majobs crawls: polite, bounded, quiet. Data, not code.

``crawl_settings(config)`` takes the ``[crawl]`` table of ``majobs.toml`` (see
``majobs.config.DEFAULTS``) and returns a plain dict for ``CrawlerProcess``. Item
pipelines are not set here: the runner adds them.
"""

from __future__ import annotations

from typing import Any

from majobs import __version__

DEFAULT_CONTACT_URL = "https://github.com/majobs/majobs"

BASE_SETTINGS: dict[str, Any] = {
    # Politeness: obey robots.txt, adapt speed to the server, few requests per site.
    "ROBOTSTXT_OBEY": True,
    "AUTOTHROTTLE_ENABLED": True,
    "AUTOTHROTTLE_START_DELAY": 1.0,
    "AUTOTHROTTLE_MAX_DELAY": 30.0,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 2.0,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 4,
    # Transient failures: retry twice, including "slow down" (429).
    "RETRY_ENABLED": True,
    "RETRY_TIMES": 2,
    "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
    # Bounds: a job page or API answer is far below 5 MiB (Scrapy's default is 1 GiB).
    "DOWNLOAD_TIMEOUT": 30,
    "DOWNLOAD_MAXSIZE": 5 * 1024 * 1024,
    "DOWNLOAD_WARNSIZE": 1024 * 1024,
    "DEPTH_LIMIT": 6,             # career sites: listing -> pagination -> posting
    "MAJOBS_MAX_PAGES": 500,      # jsonld: pages per source (a source's max_pages wins)
    # Breadth-first, so a page budget covers the shallow listing pages first.
    "DEPTH_PRIORITY": 1,
    "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
    "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
    # Stateless: no cookies, no HTTP cache (every run sees fresh data). No consoles:
    # Scrapy 2.19's RemoteControl runs Python sent over HTTP and writes job files to
    # the home directory; like telnet, nothing majobs needs in unattended crawls.
    "COOKIES_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False,
    "REMOTE_CONTROL_ENABLED": False,
    "HTTPCACHE_ENABLED": False,
    "LOG_LEVEL": "INFO",
    "FEED_EXPORT_ENCODING": "utf-8",
    # Loopback/private addresses only for sources marked allow_local (DESIGN.md): by
    # name/literal before anything is queued, and by resolved address at connect time.
    # Only http(s): a scraped link or redirect must never make majobs read a local file.
    "DOWNLOAD_HANDLERS": {
        "http": "majobs.crawl.safety.GuardedHTTPDownloadHandler",
        "https": "majobs.crawl.safety.GuardedHTTPDownloadHandler",
        "file": None, "data": None, "ftp": None, "s3": None,
    },
    # Scrapy's own components replaced by subclasses (majobs/crawl/politeness.py and
    # safety.py): Retry-After, RFC 9309 robots.txt + Crawl-delay, counted redirect loops
    # and decompression bombs; unsafe XML refused.
    "DOWNLOADER_MIDDLEWARES": {
        "majobs.spiders.address_guard.LocalAddressGuard": 40,
        "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
        "majobs.crawl.politeness.RobotsPolicyMiddleware": 100,
        "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
        "majobs.crawl.politeness.RetryAfterMiddleware": 550,
        "majobs.crawl.safety.UnsafeXmlGuard": 585,
        "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
        "majobs.crawl.safety.AccountedHttpCompressionMiddleware": 590,
        "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
        "majobs.crawl.safety.AccountedRedirectMiddleware": 600,
    },
    "EXTENSIONS": {
        "scrapy.extensions.throttle.AutoThrottle": None,
        "majobs.crawl.politeness.PoliteAutoThrottle": 0,
    },
    "MAJOBS_RETRY_AFTER_MAX": 120,    # seconds a Retry-After may hold a retry back
    "MAJOBS_CRAWL_DELAY_MAX": 30,     # seconds of robots.txt Crawl-delay honoured at most
    "ITEM_PIPELINES": {},
}

# [crawl] key in majobs.toml -> Scrapy setting it sets.
CONFIG_KEYS: dict[str, str] = {
    "concurrent_requests_per_domain": "CONCURRENT_REQUESTS_PER_DOMAIN",
    "download_timeout": "DOWNLOAD_TIMEOUT",
    "download_maxsize": "DOWNLOAD_MAXSIZE",
    "retry_times": "RETRY_TIMES",
    "autothrottle": "AUTOTHROTTLE_ENABLED",
    "time_limit_seconds": "CLOSESPIDER_TIMEOUT",
    "depth_limit": "DEPTH_LIMIT",
    "max_pages": "MAJOBS_MAX_PAGES",
    "retry_after_max": "MAJOBS_RETRY_AFTER_MAX",
    "crawl_delay_max": "MAJOBS_CRAWL_DELAY_MAX",
}


def user_agent(contact_url: str | None = None) -> str:
    return f"majobs/{__version__} (+{contact_url or DEFAULT_CONTACT_URL})"


def crawl_settings(config: dict[str, Any] | None = None) -> dict[str, Any]:
    """Scrapy settings for one crawl; ``config`` is the ``[crawl]`` table (keys above).

    Keys this module does not know (e.g. the runner's ``batch_size``) are left alone.
    """
    config = config or {}
    settings = {k: (dict(v) if isinstance(v, dict) else list(v) if isinstance(v, list) else v)
                for k, v in BASE_SETTINGS.items()}
    for key, setting in CONFIG_KEYS.items():
        if config.get(key) is not None:
            settings[setting] = config[key]
    settings["USER_AGENT"] = user_agent(config.get("contact_url"))
    if settings["DOWNLOAD_WARNSIZE"] > settings["DOWNLOAD_MAXSIZE"]:
        settings["DOWNLOAD_WARNSIZE"] = settings["DOWNLOAD_MAXSIZE"]
    return settings
