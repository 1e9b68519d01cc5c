"""A real HTTP server for the demo board, in a background thread (stdlib only).

HTTP/1.1 with keep-alive and pre-rendered bodies, so one process serves thousands of
requests per second to a crawler. ``faults`` lets tests break chosen paths::

    server.faults["/v1/boards/"] = lambda req: Response(500, "text/plain", b"boom")
    server.faults["/feeds/"] = lambda req: time.sleep(2)      # slow, then served normally

A fault is called with the :class:`Request`; a returned :class:`Response` is sent instead of
the page, ``None`` lets the request through, a callable (a raw answer, see
:mod:`majobs.demoboard.faults`) is handed the connection. The longest matching prefix wins.
"""

from __future__ import annotations

import collections
import contextlib
import socket
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from majobs.demoboard.market import Market
from majobs.demoboard.model import TruthPosting
from majobs.demoboard.routes import Response, Routes

__all__ = ["DemoBoardServer", "Request", "RequestRecord", "Response"]


@dataclass(frozen=True)
class Request:
    method: str
    path: str                         # decoded path, no query
    query: dict[str, str]             # first value of each parameter
    headers: dict[str, str]
    body: bytes = b""                 # POST only (Workday's search)


@dataclass(frozen=True)
class RequestRecord:
    method: str
    target: str                       # path?query as requested
    status: int
    user_agent: str


# A raw answer writes the whole exchange itself (a reset, silence, a trickle; faults.py).
RawAnswer = Callable[[BaseHTTPRequestHandler], None]
Fault = Callable[[Request], Response | RawAnswer | None]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "majobs-demoboard/0.1"
    timeout = 30                      # drop idle keep-alive connections
    wbufsize = 65536                  # headers + body leave in one write (flushed per request)
    server: _HTTPServer

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def do_POST(self) -> None:
        self._serve(send_body=True)

    def _serve(self, send_body: bool) -> None:
        board = self.server.board
        parts = urlsplit(self.path)
        body = b""
        if self.command == "POST":       # small JSON bodies only: cap what we read
            body = self.rfile.read(min(int(self.headers.get("Content-Length") or 0), 1 << 20))
        req = Request(self.command, unquote(parts.path) or "/",
                      dict(reversed(parse_qsl(parts.query, keep_blank_values=True))),
                      {k.lower(): v for k, v in self.headers.items()}, body)
        routes = board.routes
        resp = board._fault(req) or (
            routes.resolve(req.path, req.query, req.method, req.headers, req.body) if routes
            else Response(503, "text/plain", b"starting\n"))
        if callable(resp):            # a raw fault (demoboard.faults) writes to the socket
            self.close_connection = True
            resp(self)
            board._record(RequestRecord(self.command, self.path, 0,
                                        req.headers.get("user-agent", "")))
            return
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(resp.body)))
        for name, value in resp.headers:
            self.send_header(name, value)
        if board.stopping:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if send_body:
            self.wfile.write(resp.body)
        board._record(RequestRecord(self.command, self.path, resp.status,
                                    req.headers.get("user-agent", "")))

    def setup(self) -> None:
        super().setup()
        # No Nagle: a small response must not wait ~40 ms for the client's delayed ACK.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.board._connections.add(self.connection)

    def finish(self) -> None:
        self.server.board._connections.discard(self.connection)
        super().finish()

    def log_message(self, format: str, *args: Any) -> None:   # quiet: we keep our own log
        pass


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    board: DemoBoardServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-answer (a crawler cutting a download short) is normal.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class _HTTPServer6(_HTTPServer):
    address_family = socket.AF_INET6


class DemoBoardServer:
    """Serve a :class:`Market` on ``host:port`` (port 0: any free port)."""

    def __init__(self, market: Market, host: str = "127.0.0.1", port: int = 0,
                 prerender: bool = True, log_size: int = 100_000) -> None:
        self.market = market
        self.host, self.port = host, port
        self.prerender = prerender
        self.faults: dict[str, Fault] = {}
        self.request_log: collections.deque[RequestRecord] = collections.deque(maxlen=log_size)
        self.counts: collections.Counter[int] = collections.Counter()   # by status
        self.requests = 0
        self.stopping = False
        self.routes: Routes | None = None       # built on start(), for the bound port
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()

    # ---- lifecycle ----------------------------------------------------------------------
    def start(self) -> DemoBoardServer:
        if self._httpd is not None:
            return self
        cls = _HTTPServer6 if ":" in self.host else _HTTPServer
        self._httpd = cls((self.host.strip("[]"), self.port), _Handler)
        self._httpd.board = self
        self.port = self._httpd.server_address[1]
        self.stopping = False
        self.routes = self._routes_for(self.market)
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={
            "poll_interval": 0.1}, name=f"demoboard:{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self.stopping = True
        self._httpd.shutdown()
        self._httpd.server_close()
        for conn in list(self._connections):      # idle keep-alive clients
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = self._thread = None

    def __enter__(self) -> DemoBoardServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- content ------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        host = f"[{self.host.strip('[]')}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def _routes_for(self, market: Market) -> Routes:
        routes = Routes(market, self.base_url)
        if self.prerender:
            routes.prerender()
        return routes

    def set_market(self, market: Market) -> None:
        """Serve another market (e.g. ``market.evolve(1)[0]``) from the next request on."""
        routes = self._routes_for(market) if self._httpd is not None else None
        self.market = market
        if routes is not None:
            self.routes = routes

    def truth(self) -> list[TruthPosting]:
        return self.market.truth(self.base_url)

    def sources_yaml(self) -> str:
        return self.market.sources_yaml(self.base_url)

    # ---- faults and the request log -----------------------------------------------------
    def _fault(self, req: Request) -> Response | None:
        if not self.faults:
            return None
        matches = [p for p in list(self.faults) if req.path.startswith(p)]
        if not matches:
            return None
        return self.faults[max(matches, key=len)](req)

    def _record(self, rec: RequestRecord) -> None:
        with self._lock:
            self.requests += 1
            self.counts[rec.status] += 1
            self.request_log.append(rec)

    def hits(self, prefix: str = "/") -> int:
        """How many logged requests asked for a path starting with ``prefix``."""
        with self._lock:
            return sum(1 for r in self.request_log if r.target.startswith(prefix))

    def reset_log(self) -> None:
        with self._lock:
            self.request_log.clear()
            self.counts.clear()
            self.requests = 0
