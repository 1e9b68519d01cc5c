"""The web UI as one ASGI app: ``create_app(db_url)``; ``serve(db_url, host, port)``.

Layers, outermost first: security headers -> signed session cookie -> log-in-first ->
routes (each checks the CSRF token on unsafe methods and loads the user).
"""

from __future__ import annotations

import logging
import os
import re
import secrets
from pathlib import Path

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from majobs.db.engine import make_engine
from majobs.web import auth
from majobs.web.matching import IndexCache
from majobs.web.routes import candidates, market, review, seeker, sources, users
from majobs.web.security import (
    CSRF_FORM_FIELD,
    CSRF_HEADER,
    UNSAFE_METHODS,
    LoginRequiredMiddleware,
    SecurityHeadersMiddleware,
    csrf_matches,
    login_redirect,
)
from majobs.web.state import WebState
from majobs.web.templating import make_templates

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).resolve().parent / "static"
PUBLIC_PREFIXES = ("/login", "/s/", "/static/")
SESSION_COOKIE = "majobs_session"
SESSION_MAX_AGE = 12 * 3600  # a working day; the cookie cannot be revoked server-side
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


async def check_csrf(request: Request) -> None:
    """Every POST carries this session's token: a form field, or a header (htmx)."""
    if request.method not in UNSAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    if not sent and request.headers.get("content-type", "").startswith(FORM_TYPES):
        value = (await request.form()).get(CSRF_FORM_FIELD)
        sent = value if isinstance(value, str) else None
    if not csrf_matches(request.session, sent):
        raise HTTPException(status_code=403,
                            detail="The form expired or did not come from majobs. "
                                   "Reload the page and try again.")


def resolve_secret_key(secret_key: str | None) -> str:
    key = secret_key or os.environ.get("MAJOBS_SECRET_KEY")
    if key:
        return key
    log.warning("no web secret key configured (MAJOBS_SECRET_KEY or [web] secret_key): "
                "using a random one; sessions end when the server restarts")
    return secrets.token_urlsafe(32)


def create_app(db_url: str, secret_key: str | None = None, *,
               engine: Engine | None = None) -> FastAPI:
    """The ASGI app over the database at ``db_url`` (its schema must exist: ``majobs
    init`` or ``serve`` create it)."""
    app = FastAPI(title="majobs", docs_url=None, redoc_url=None, openapi_url=None,
                  dependencies=[Depends(check_csrf)])
    state = WebState(engine=engine or make_engine(db_url), templates=make_templates(),
                     db_url=db_url)
    app.state.web = state
    app.state.index_cache = IndexCache(state.engine)
    for module in (auth, review, sources, candidates, seeker, market, users):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_exception_handler(auth.NotLoggedIn, _not_logged_in)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    # add_middleware wraps: the last one added runs first.
    app.add_middleware(LoginRequiredMiddleware, public_prefixes=PUBLIC_PREFIXES)
    app.add_middleware(SessionMiddleware, secret_key=resolve_secret_key(secret_key),
                       session_cookie=SESSION_COOKIE, max_age=SESSION_MAX_AGE,
                       same_site="lax")
    app.add_middleware(SecurityHeadersMiddleware)
    return app


async def _not_logged_in(request: Request, _exc: Exception) -> Response:
    return login_redirect(request.scope)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else "Something went wrong."
    if request.headers.get("hx-request") == "true" or exc.status_code == 405:
        return PlainTextResponse(detail, status_code=exc.status_code)
    templates = request.app.state.web.templates
    return templates.TemplateResponse(request, "error.html",
                                      {"status": exc.status_code, "detail": detail},
                                      status_code=exc.status_code)


class RedactSeekerTokens(logging.Filter):
    """Access logs show /s/<redacted>: a private link must not end up in log files."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_SEEKER_PATH.sub("/s/<redacted>", a) if isinstance(a, str)
                                else a for a in record.args)
        return True


_SEEKER_PATH = re.compile(r"/s/[^/?\s\"]+")


def serve(db_url: str, host: str = "127.0.0.1", port: int = 8000,
          secret_key: str | None = None) -> None:
    """Create or upgrade the schema, then serve the UI with uvicorn until interrupted."""
    import uvicorn

    from majobs.db import init_db

    init_db(db_url)
    logging.getLogger("uvicorn.access").addFilter(RedactSeekerTokens())
    uvicorn.run(create_app(db_url, secret_key), host=host, port=port, server_header=False,
                proxy_headers=True, log_level="info")
