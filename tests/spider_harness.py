"""Spider test harness: a real HTTP server on 127.0.0.1 and real crawls in a subprocess.

- :class:`LocalServer` serves a route table from a thread (stdlib ``ThreadingHTTPServer``
  on port 0) and records every request it gets.
- :func:`run_spider` runs the real spider with the real Scrapy engine in a child Python
  (Twisted's reactor cannot restart in one process), exports the items with Scrapy's
  ``FEEDS`` to a temporary JSON-lines file, and returns them with the crawl stats.

Run as a script (``python tests/spider_harness.py JOB.json``) it is that child.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FIXTURES = Path("/work/shared/fixtures/real")

# Test runs must not wait: the politeness delays of the real settings are for real sites.
TEST_SETTINGS: dict[str, Any] = {
    "AUTOTHROTTLE_START_DELAY": 0.0,
    "AUTOTHROTTLE_MAX_DELAY": 0.5,
    "DOWNLOAD_TIMEOUT": 15,
    "LOG_LEVEL": "INFO",
}

Body = bytes | str | Path
RouteKey = str | re.Pattern[str]


@dataclass
class Route:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: Body = b""

    def payload(self) -> bytes:
        if isinstance(self.body, Path):
            return self.body.read_bytes()
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


@dataclass
class SeenRequest:
    method: str
    path: str            # path and query, as sent
    headers: dict[str, str]


class LocalServer:
    """``with LocalServer() as srv: srv.route("/x", body=...)``; ``srv.url("/x")``.

    Lookup order: exact path+query, then path alone, then regex routes (``fullmatch``
    against path+query). Anything else is a 404.
    """

    def __init__(self, routes: dict[RouteKey, Route | tuple[int, dict[str, str], Body]] | None
                 = None) -> None:
        self.exact: dict[str, Route] = {}
        self.patterns: list[tuple[re.Pattern[str], Route]] = []
        self.requests: list[SeenRequest] = []
        self._lock = threading.Lock()
        for key, route in (routes or {}).items():
            self.add(key, route if isinstance(route, Route) else Route(*route))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    # --- routes ------------------------------------------------------------------
    def add(self, key: RouteKey, route: Route) -> None:
        if isinstance(key, re.Pattern):
            self.patterns.append((key, route))
        else:
            self.exact[key] = route

    def route(self, key: RouteKey, body: Body = b"", *, status: int = 200,
              content_type: str | None = None, **headers: str) -> None:
        if content_type:
            headers["Content-Type"] = content_type
        self.add(key, Route(status, headers, body))

    def find(self, path: str) -> Route | None:
        route = self.exact.get(path) or self.exact.get(path.split("?", 1)[0])
        if route is not None:
            return route
        return next((r for p, r in self.patterns if p.fullmatch(path)), None)

    # --- server ------------------------------------------------------------------
    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        """A URL on this server; ``host="localhost"`` names it as another site would."""
        return f"http://{host}:{self.httpd.server_address[1]}{path}"

    def paths(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.requests]

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                with server._lock:
                    server.requests.append(SeenRequest("GET", self.path, dict(self.headers)))
                route = server.find(self.path) or Route(404, {"Content-Type": "text/plain"},
                                                        b"not found")
                body = route.payload()
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # quiet test output
                pass

        return Handler


@dataclass
class CrawlRun:
    items: list[dict[str, Any]]
    stats: dict[str, Any]
    log: str

    def stat(self, key: str) -> int:
        return int(self.stats.get(key, 0))

    def errors(self) -> dict[str, int]:
        """The ``majobs/errors/*`` counters, by reason."""
        return {k.removeprefix("majobs/errors/"): v for k, v in self.stats.items()
                if k.startswith("majobs/errors/")}


def run_spider(kind: str, source: dict[str, Any], settings: dict[str, Any] | None = None,
               spider_kwargs: dict[str, Any] | None = None, timeout: float = 90) -> CrawlRun:
    """Crawl one ``source`` (a sources-file entry; ``kind`` added) in a child process."""
    entry = {"name": f"test-{kind}", **source, "kind": kind}
    runs = run_spiders([(entry, spider_kwargs or {})], settings, timeout)
    return runs[entry["name"]]


def run_spiders(sources: list[tuple[dict[str, Any], dict[str, Any]]],
                settings: dict[str, Any] | None = None, timeout: float = 120
                ) -> dict[str, CrawlRun]:
    """Crawl several (source entry, spider kwargs) side by side in ONE child process, as
    the real runner does (one crawler each, one reactor); results by source name."""
    with tempfile.TemporaryDirectory(prefix="majobs-spider-") as tmp:
        job = {
            "sources": [[entry, kwargs] for entry, kwargs in sources],
            "settings": {**TEST_SETTINGS, **(settings or {})},
            "items": str(Path(tmp, "items.jsonl")),
            "stats": str(Path(tmp, "stats.json")),
        }
        job_file = Path(tmp, "job.json")
        job_file.write_text(json.dumps(job), encoding="utf-8")
        proc = subprocess.run([sys.executable, __file__, str(job_file)], capture_output=True,
                              text=True, timeout=timeout, check=False)
        if proc.returncode != 0 or not Path(job["stats"]).exists():
            raise AssertionError(f"crawl process failed ({proc.returncode}):\n{proc.stderr}")
        lines = [line for f in sorted(Path(tmp).glob("items.jsonl.*"))
                 for line in f.read_text("utf-8").splitlines()]
        items = [json.loads(line) for line in lines if line.strip()]
        stats = json.loads(Path(job["stats"]).read_text("utf-8"))
        unfinished = [name for name, s in stats.items() if "finish_reason" not in s]
        if unfinished:
            raise AssertionError(f"crawls did not run: {unfinished}\n{proc.stderr[-5000:]}")
        return {name: CrawlRun([i for i in items if i["source"] == name], stats[name], proc.stderr)
                for name in stats}


def _child(job_file: str) -> None:
    import warnings

    # Warnings attributed to majobs code are errors, as in the pytest process.
    warnings.filterwarnings("error", module=r"majobs(\.|$)")
    from scrapy.crawler import CrawlerProcess

    from majobs.crawl.settings import crawl_settings
    from majobs.sources import parse_source
    from majobs.spiders import spider_for

    job = json.loads(Path(job_file).read_text("utf-8"))
    settings = crawl_settings()
    settings.update(job["settings"])
    process = CrawlerProcess(settings)
    crawlers = {}
    for n, (entry, kwargs) in enumerate(job["sources"]):
        source = parse_source(entry, n, job_file)
        # Each crawler exports to its own file (one writer per file).
        feed = {f"{job['items']}.{n}": {"format": "jsonlines", "encoding": "utf8"}}
        crawler = process.create_crawler(spider_for(source))
        crawler.settings.set("FEEDS", feed, priority="cmdline")  # not frozen until crawl
        crawlers[source.name] = crawler
        process.crawl(crawler, source=source, **kwargs)
    process.start()
    # After the run, so every spider_closed handler (finish_reason, ...) has written.
    stats = {name: c.stats.get_stats() if c.stats else {} for name, c in crawlers.items()}
    Path(job["stats"]).write_text(json.dumps(stats, default=str), encoding="utf-8")


if __name__ == "__main__":
    _child(sys.argv[1])
