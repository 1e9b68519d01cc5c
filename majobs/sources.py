"""The sources file (DESIGN.md): load, validate and describe the sources to crawl.

Validation is strict: an unknown key, a wrong type, a duplicate name or a missing
required field raises :class:`InputError` naming the file, the field and the reason,
before anything is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from majobs.errors import InputError

NAME_RE = re.compile(r"^[a-z0-9-]+$")

# kind -> (required keys, optional keys) beyond the common ones
KINDS: dict[str, tuple[set[str], set[str]]] = {
    "greenhouse": ({"board"}, set()),
    "lever": ({"board"}, set()),
    "jsonld": (set(), {"start_urls", "sitemap_urls", "max_pages"}),
    "feed": ({"url"}, set()),
    "ashby": ({"board"}, set()),
    "smartrecruiters": ({"board"}, set()),
    "workday": ({"url"}, set()),
    "usajobs": ({"keyword"}, {"location", "radius_miles"}),
    "careeronestop": ({"keyword"}, {"location", "radius_miles"}),
}
COMMON_KEYS = {"name", "kind", "api_url", "enabled", "allow_local", "employer", "schedule"}


@dataclass(frozen=True)
class SourceConfig:
    name: str
    kind: str
    board: str | None = None
    url: str | None = None
    start_urls: tuple[str, ...] = ()
    sitemap_urls: tuple[str, ...] = ()
    api_url: str | None = None          # replaces only scheme://host:port of the real API
    enabled: bool = True
    allow_local: bool = False           # may reach loopback/private addresses (demo, tests)
    employer: str | None = None         # employer name when the source does not say it
    keyword: str | None = None
    location: str | None = None
    radius_miles: float | None = None
    max_pages: int | None = None
    schedule: str | None = None         # cron override for this source (scheduler)
    extra: dict[str, Any] = field(default_factory=dict)

    def origin(self, default: str) -> str:
        """The API origin to use: ``api_url`` when set, else the real one."""
        return (self.api_url or default).rstrip("/")

    def as_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if v not in (None, (), {})}
        for k in ("start_urls", "sitemap_urls"):
            if k in out:
                out[k] = list(out[k])
        return out


def _url_list(file: str, where: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(file, where, "must be a URL or a list of URLs")
    for v in value:
        _check_url(file, where, v)
    return tuple(value)


def _check_url(file: str, where: str, value: Any) -> str:
    if not isinstance(value, str):
        raise InputError(file, where, f"must be a URL, got {type(value).__name__}")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(file, where, f"must be an http(s) URL, got {value!r}")
    return value


def parse_source(entry: Any, index: int, file: str = "<sources>") -> SourceConfig:
    where = f"sources[{index}]"
    if not isinstance(entry, dict):
        raise InputError(file, where, "must be a mapping with name and kind")
    name = entry.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise InputError(file, f"{where}.name", "must be a string of [a-z0-9-]+")
    where = f"sources[{index}] ({name})"
    kind = entry.get("kind")
    if kind not in KINDS:
        raise InputError(file, f"{where}.kind", f"must be one of {', '.join(KINDS)}; got {kind!r}")
    required, optional = KINDS[kind]
    unknown = set(entry) - COMMON_KEYS - required - optional
    if unknown:
        raise InputError(file, f"{where}", f"unknown key(s) for kind {kind}: {sorted(unknown)}")
    missing = {k for k in required if entry.get(k) in (None, "")}
    if kind == "jsonld" and not (entry.get("start_urls") or entry.get("sitemap_urls")):
        missing.add("start_urls or sitemap_urls")
    if missing:
        raise InputError(file, where, f"missing required key(s): {sorted(missing)}")
    kw: dict[str, Any] = {"name": name, "kind": kind}
    for key in ("board", "employer", "keyword", "location", "schedule"):
        if key in entry:
            if not isinstance(entry[key], str | int) or isinstance(entry[key], bool):
                raise InputError(file, f"{where}.{key}", "must be a string")
            kw[key] = str(entry[key])
    for key in ("url", "api_url"):
        if entry.get(key) is not None:
            kw[key] = _check_url(file, f"{where}.{key}", entry[key])
    for key in ("start_urls", "sitemap_urls"):
        if entry.get(key) is not None:
            kw[key] = _url_list(file, f"{where}.{key}", entry[key])
    for key in ("enabled", "allow_local"):
        if key in entry:
            if not isinstance(entry[key], bool):
                raise InputError(file, f"{where}.{key}", "must be true or false")
            kw[key] = entry[key]
    if "radius_miles" in entry:
        r = entry["radius_miles"]
        if isinstance(r, bool) or not isinstance(r, int | float) or r <= 0:
            raise InputError(file, f"{where}.radius_miles", "must be a positive number")
        kw["radius_miles"] = float(r)
    if "max_pages" in entry:
        m = entry["max_pages"]
        if isinstance(m, bool) or not isinstance(m, int) or m <= 0:
            raise InputError(file, f"{where}.max_pages", "must be a positive integer")
        kw["max_pages"] = m
    return SourceConfig(**kw)


def parse_sources(data: Any, file: str = "<sources>") -> list[SourceConfig]:
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise InputError(file, "sources", "the file must hold a mapping with a 'sources' list")
    extra = set(data) - {"sources"}
    if extra:
        raise InputError(file, None, f"unknown top-level key(s): {sorted(extra)}")
    out: list[SourceConfig] = []
    seen: set[str] = set()
    for i, entry in enumerate(data["sources"]):
        src = parse_source(entry, i, file)
        if src.name in seen:
            raise InputError(file, f"sources[{i}].name", f"duplicate source name {src.name!r}")
        seen.add(src.name)
        out.append(src)
    return out


def load_sources(path: str | Path) -> list[SourceConfig]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(str(path), None, "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), None, f"cannot read: {exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}" if mark else None
        problem = getattr(exc, "problem", exc)
        raise InputError(str(path), line, f"not valid YAML: {problem}") from None
    return parse_sources(data, str(path))
