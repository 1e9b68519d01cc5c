"""Settings: defaults that work on a laptop, overridden by majobs.toml, then the environment.

Precedence (highest first): command-line flags, environment (MAJOBS_*), ``majobs.toml`` in
the working directory (or the file named by MAJOBS_CONFIG), the defaults below.
"""

from __future__ import annotations

import copy
import os
import tomllib
from pathlib import Path
from typing import Any

from majobs.errors import InputError

DEFAULTS: dict[str, Any] = {
    "database_url": "sqlite:///majobs.db",
    "redis_url": None,
    "crawl": {
        "contact_url": "https://github.com/majobs/majobs",
        "concurrent_requests_per_domain": 4,
        "download_timeout": 30,
        "download_maxsize": 5 * 1024 * 1024,
        "retry_times": 2,
        "autothrottle": True,
        "batch_size": 200,
        "time_limit_seconds": 3600,
        "retry_after_max": 120,       # seconds: the longest Retry-After majobs waits for
        "crawl_delay_max": 30,        # seconds: the longest robots.txt Crawl-delay obeyed
    },
    "schedule": {
        "nightly": "0 2 * * *",
        "jitter_seconds": 600,
        "misfire_grace_seconds": 6 * 3600,
        "timezone": "local",
        "crawl_timeout_seconds": 4200,   # kill a crawl child past this (> crawl.time_limit)
        "stop_grace_seconds": 30,        # SIGTERM to a crawl child, then SIGKILL after this
        "lock_check_seconds": 30,        # how often the scheduler checks it still owns its lock
    },
    "matcher": {"limit": 20, "weights": {}},
    "alerts": {"min_score": 0.6, "smtp_host": None, "smtp_port": 587, "smtp_starttls": True,
               "smtp_user": None, "smtp_password": None, "from": "majobs@localhost",
               "outbox": "majobs-outbox"},
    "web": {"host": "127.0.0.1", "port": 8000, "secret_key": None},
    # API credentials (or MAJOBS_USAJOBS_KEY, ... in the environment): never in the sources file
    "usajobs": {"key": None, "email": None},
    "careeronestop": {"token": None, "user_id": None},
}


def _merge(base: dict[str, Any], over: dict[str, Any], file: str, path: str = "") -> None:
    for key, value in over.items():
        where = f"{path}{key}"
        if key not in base:
            raise InputError(file, where, "unknown setting")
        if isinstance(base[key], dict) and key != "weights":
            if not isinstance(value, dict):
                raise InputError(file, where, "must be a table")
            _merge(base[key], value, file, where + ".")
        else:
            base[key] = value


def load_config(path: str | Path | None = None) -> dict[str, Any]:
    """The effective settings as a nested dict."""
    cfg = copy.deepcopy(DEFAULTS)
    file = Path(path or os.environ.get("MAJOBS_CONFIG", "majobs.toml"))
    if file.exists():
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InputError(str(file), None, f"not valid TOML: {exc}") from None
        _merge(cfg, data, str(file))
    elif path:
        raise InputError(str(file), None, "file not found")
    env = os.environ
    if env.get("MAJOBS_DATABASE_URL"):
        cfg["database_url"] = env["MAJOBS_DATABASE_URL"]
    if env.get("MAJOBS_REDIS_URL"):
        cfg["redis_url"] = env["MAJOBS_REDIS_URL"]
    return cfg
