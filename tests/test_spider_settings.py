"""Crawl settings: polite, bounded defaults, and the [crawl] config keys that change them."""

from __future__ import annotations

from typing import Any

import pytest
from scrapy.settings import Settings

from majobs import __version__
from majobs.config import DEFAULTS
from majobs.crawl.settings import crawl_settings


def test_defaults_are_polite_and_bounded() -> None:
    s = crawl_settings()
    assert s["ROBOTSTXT_OBEY"] is True and s["AUTOTHROTTLE_ENABLED"] is True
    assert s["RETRY_TIMES"] == 2 and 429 in s["RETRY_HTTP_CODES"]
    assert s["DOWNLOAD_MAXSIZE"] == 5 * 1024 * 1024
    assert 0 < s["DOWNLOAD_WARNSIZE"] <= s["DOWNLOAD_MAXSIZE"]
    assert s["TELNETCONSOLE_ENABLED"] is False and s["REMOTE_CONTROL_ENABLED"] is False
    assert s["COOKIES_ENABLED"] is False and s["HTTPCACHE_ENABLED"] is False
    assert s["ITEM_PIPELINES"] == {}
    assert s["USER_AGENT"].startswith(f"majobs/{__version__} (+http")


def test_project_config_defaults_apply() -> None:
    cfg = DEFAULTS["crawl"]
    s = crawl_settings(cfg)
    assert s["USER_AGENT"] == f"majobs/{__version__} (+{cfg['contact_url']})"
    assert s["CONCURRENT_REQUESTS_PER_DOMAIN"] == cfg["concurrent_requests_per_domain"]
    assert s["DOWNLOAD_TIMEOUT"] == cfg["download_timeout"]
    assert s["CLOSESPIDER_TIMEOUT"] == cfg["time_limit_seconds"]
    assert "batch_size" not in s and "BATCH_SIZE" not in s      # the runner's, not Scrapy's


@pytest.mark.parametrize(("config", "setting", "value"), [
    ({"download_maxsize": 512 * 1024}, "DOWNLOAD_WARNSIZE", 512 * 1024),   # warn <= max
    ({"autothrottle": False}, "AUTOTHROTTLE_ENABLED", False),
    ({"retry_times": 0}, "RETRY_TIMES", 0),
    ({"depth_limit": 2}, "DEPTH_LIMIT", 2),
    ({"max_pages": 40}, "MAJOBS_MAX_PAGES", 40),
    ({"contact_url": "mailto:crawl@clinic.example"}, "USER_AGENT",
     f"majobs/{__version__} (+mailto:crawl@clinic.example)"),
    ({"download_timeout": None}, "DOWNLOAD_TIMEOUT", 30),                  # null: default
])
def test_config_keys(config: dict[str, Any], setting: str, value: Any) -> None:
    assert crawl_settings(config)[setting] == value


def test_calls_do_not_share_mutable_values() -> None:
    first = crawl_settings()
    first["DOWNLOADER_MIDDLEWARES"]["x.Y"] = 1
    first["RETRY_HTTP_CODES"].append(403)
    second = crawl_settings()
    assert "x.Y" not in second["DOWNLOADER_MIDDLEWARES"] and 403 not in second["RETRY_HTTP_CODES"]


def test_scrapy_accepts_them() -> None:
    settings = Settings(crawl_settings(DEFAULTS["crawl"]))
    assert settings.getint("DOWNLOAD_MAXSIZE") == 5 * 1024 * 1024
    assert settings.getdict("DOWNLOADER_MIDDLEWARES")
