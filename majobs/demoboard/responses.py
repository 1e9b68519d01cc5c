"""What the demo board answers with: a status, a content type, a body (and headers)."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

JSON = "application/json; charset=utf-8"
HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"


class Response(NamedTuple):
    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


NOT_FOUND = Response(404, TEXT, b"not found\n")
NOT_ALLOWED = Response(405, TEXT, b"method not allowed\n")


def json_response(obj: Any, status: int = 200) -> Response:
    return Response(status, JSON, json.dumps(obj, separators=(",", ":")).encode("ascii"))
