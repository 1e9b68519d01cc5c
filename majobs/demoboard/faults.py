"""Fault modes for the demo board: break chosen paths the ways real servers break.

Each factory returns a fault for ``DemoBoardServer.faults[path_prefix]``::

    server.faults["/v1/boards/acme/"] = faults.status(503, retry_after=1)
    server.faults["/acme-clinic/"] = faults.drip(interval=1.0)
    server.faults["/robots.txt"] = faults.robots("User-agent: *\\nCrawl-delay: 1\\n")

A fault answers with a :class:`Response`, lets the request through (``None``), or, for
what a response object cannot express (a reset mid-body, silence, a trickle, a body of
200 MB), returns a raw answer that writes to the socket itself. Every fault records when
it was hit (``fault.hits``: monotonic seconds), so tests can check retries and delays.
Nothing here allocates a big body: large answers are streamed or built chunk by chunk.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from itertools import pairwise
from typing import Any

from majobs.demoboard.routes import Response
from majobs.demoboard.server import RawAnswer

__all__ = ["Fault", "billion_laughs", "drip", "external_entity", "gzip_bomb", "hang",
           "huge_body", "redirect", "redirect_loop", "reset_mid_body", "robots", "serve",
           "status"]

Answer = Response | RawAnswer | None
CHUNK = 64 * 1024


class Fault:
    """A fault that records its hits; ``answer`` decides what each request gets."""

    def __init__(self, answer: Callable[[Any, int], Answer]) -> None:
        self.answer = answer
        self.hits: list[float] = []
        self._lock = threading.Lock()

    def __call__(self, request: Any) -> Answer:
        with self._lock:
            self.hits.append(time.monotonic())
            n = len(self.hits)
        return self.answer(request, n)

    def gaps(self) -> list[float]:
        """Seconds between consecutive hits."""
        return [b - a for a, b in pairwise(self.hits)]


# --- answers a Response can carry --------------------------------------------------------

def status(code: int, retry_after: str | int | None = None, times: int | None = None,
           body: bytes = b"fault\n") -> Fault:
    """Answer ``code`` (with ``Retry-After`` when given); after ``times`` hits, serve normally."""
    headers = (("Retry-After", str(retry_after)),) if retry_after is not None else ()
    failing = Response(code, "text/plain; charset=utf-8", body, headers)
    return Fault(lambda _req, n: failing if times is None or n <= times else None)


def serve(body: bytes, content_type: str, headers: tuple[tuple[str, str], ...] = (),
          code: int = 200) -> Fault:
    """Serve these exact bytes (odd charsets, hostile JSON, unsafe XML...)."""
    answer = Response(code, content_type, body, headers)
    return Fault(lambda _req, _n: answer)


def robots(text: str, code: int = 200) -> Fault:
    return serve(text.encode("utf-8"), "text/plain; charset=utf-8", code=code)


def redirect(location: str, code: int = 302) -> Fault:
    answer = Response(code, "text/plain", b"moved\n", (("Location", location),))
    return Fault(lambda _req, _n: answer)


def redirect_loop(code: int = 302) -> Fault:
    """Redirect every path to itself with a counter, forever (``?hop=N``)."""
    def answer(req: Any, n: int) -> Response:
        return Response(code, "text/plain", b"again\n", (("Location", f"{req.path}?hop={n}"),))
    return Fault(answer)


def gzip_bomb(decompressed: int = 256 * 1024 * 1024, content_type: str = "text/html") -> Fault:
    """``Content-Encoding: gzip`` whose body inflates to ``decompressed`` bytes of zeros
    (256 MiB by default, about 250 KB on the wire); built in chunks, never held inflated."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)         # 31: gzip container
    zeros = bytes(CHUNK)
    parts = [packer.compress(zeros) for _ in range(decompressed // CHUNK)]
    parts.append(packer.flush())
    answer = Response(200, content_type, b"".join(parts), (("Content-Encoding", "gzip"),))
    return Fault(lambda _req, _n: answer)


LAUGHS = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))


def billion_laughs(root: str = "urlset") -> bytes:
    """XML whose one entity expands to a billion "lol"s (3 GB) if a parser lets it."""
    return (f'<?xml version="1.0"?><!DOCTYPE {root} [<!ENTITY lol0 "lol">{LAUGHS}]>'
            f"<{root}><url><loc>http://example.test/&lol9;</loc></url></{root}>").encode()


def external_entity(path: str, root: str = "urlset") -> bytes:
    """XML whose entity names a local file (XXE): a parser that resolves it leaks the file."""
    return (f'<?xml version="1.0"?><!DOCTYPE {root} [<!ENTITY xxe SYSTEM "file://{path}">]>'
            f"<{root}><url><loc>http://example.test/&xxe;</loc></url></{root}>").encode()


# --- raw answers: the fault writes to the socket itself ------------------------------------

def _head(handler: BaseHTTPRequestHandler, length: int | None, content_type: str) -> None:
    lines = ["HTTP/1.1 200 OK", f"Content-Type: {content_type}", "Connection: close"]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    handler.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
    handler.wfile.flush()


def _stopping(handler: BaseHTTPRequestHandler) -> bool:
    return bool(getattr(getattr(handler.server, "board", None), "stopping", False))


def reset_mid_body(declared: int = 100_000, sent: int = 2_000) -> Fault:
    """Promise ``declared`` bytes, send ``sent``, then reset the connection (RST)."""
    def write(handler: BaseHTTPRequestHandler) -> None:
        _head(handler, declared, "text/html; charset=utf-8")
        handler.wfile.write(b"<html><body>" + b"x" * max(sent - 12, 0))
        handler.wfile.flush()
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                      struct.pack("ii", 1, 0))
        handler.connection.close()
    return Fault(lambda _req, _n: write)


def hang(seconds: float = 120.0) -> Fault:
    """Accept the request and never answer (for ``seconds``, or until the board stops)."""
    def write(handler: BaseHTTPRequestHandler) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end and not _stopping(handler):
            time.sleep(0.05)
    return Fault(lambda _req, _n: write)


def drip(interval: float = 1.0, total: int = 100_000) -> Fault:
    """Headers at once, then one byte every ``interval`` seconds (a slowloris server)."""
    def write(handler: BaseHTTPRequestHandler) -> None:
        _head(handler, total, "text/html; charset=utf-8")
        for _ in range(total):
            if _stopping(handler):
                return
            try:
                handler.wfile.write(b" ")
                handler.wfile.flush()
            except OSError:
                return
            time.sleep(interval)
    return Fault(lambda _req, _n: write)


def huge_body(size: int = 200 * 1024 * 1024, declare_length: bool = False,
              content_type: str = "text/html; charset=utf-8") -> Fault:
    """Stream ``size`` bytes (200 MB by default) in 64 KiB chunks until the client hangs up;
    without ``declare_length`` the body simply runs until the connection closes."""
    def write(handler: BaseHTTPRequestHandler) -> None:
        _head(handler, size if declare_length else None, content_type)
        chunk, left = b"<p>" + b"x" * (CHUNK - 3), size
        while left > 0 and not _stopping(handler):
            try:
                handler.wfile.write(chunk[:left])
                handler.wfile.flush()
            except OSError:
                return
            left -= CHUNK
    return Fault(lambda _req, _n: write)
