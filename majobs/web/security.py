"""Security plumbing as plain ASGI middleware: response headers, Secure cookies over
https, and "log in first" for every page but the public ones.

Plain ASGI (not BaseHTTPMiddleware) so streaming responses and background tasks keep
working and the order of the layers stays obvious in ``app.py``.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from urllib.parse import quote

from starlette.datastructures import MutableHeaders
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# No inline script anywhere: htmx and our own JS are files served by majobs itself.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
])
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",  # seeker links carry their token in the path
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}
SESSION_USER_KEY = "uid"
SESSION_CSRF_KEY = "csrf"
CSRF_FORM_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class SecurityHeadersMiddleware:
    """Adds the security headers to every response; marks cookies Secure under https."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if https:
                    headers.setdefault("strict-transport-security", "max-age=31536000")
                    _secure_cookies(headers)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _secure_cookies(headers: MutableHeaders) -> None:
    cookies = headers.getlist("set-cookie")
    if not cookies:
        return
    del headers["set-cookie"]
    for cookie in cookies:
        flags = {part.strip().lower() for part in cookie.split(";")}
        headers.append("set-cookie", cookie if "secure" in flags else cookie + "; secure")


class LoginRequiredMiddleware:
    """A visitor with no session user gets the login page for everything except the
    public paths (login, a seeker's private link, static files). Runs inside the
    session middleware; the routes still load the user and check the role."""

    def __init__(self, app: ASGIApp, public_prefixes: Iterable[str]) -> None:
        self.app = app
        self.public = tuple(public_prefixes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _is_public(scope["path"], self.public):
            await self.app(scope, receive, send)
            return
        if scope.get("session", {}).get(SESSION_USER_KEY) is None:
            await login_redirect(scope)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _is_public(path: str, public: tuple[str, ...]) -> bool:
    """"/login" is one page; "/s/" and "/static/" (ending in a slash) are prefixes."""
    return any(path.startswith(p) if p.endswith("/") else path == p for p in public)


def login_redirect(scope: Scope) -> Response:
    """To /login, remembering where the visitor was going (GET only: a POST's body is
    gone anyway). htmx requests get HX-Redirect so the whole page goes, not a fragment."""
    target = "/login"
    if scope.get("method") == "GET" and scope["path"] not in ("/", "/login"):
        query = scope.get("query_string", b"").decode("latin-1")
        nxt = scope["path"] + (f"?{query}" if query else "")
        target += "?next=" + quote(nxt, safe="")
    headers = dict(scope.get("headers") or [])
    if headers.get(b"hx-request") == b"true":
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def safe_next(value: str | None) -> str:
    """Only same-site paths: "/review?x=1" yes; "//evil.example", "https://..." no."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


def csrf_token(session: dict) -> str:
    """This session's CSRF token, made on first use."""
    token = session.get(SESSION_CSRF_KEY)
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        session[SESSION_CSRF_KEY] = token
    return token


def csrf_matches(session: dict, sent: str | None) -> bool:
    expected = session.get(SESSION_CSRF_KEY)
    if not isinstance(expected, str) or not sent:
        return False
    return secrets.compare_digest(expected.encode(), sent.encode())
