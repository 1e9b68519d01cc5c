"""Accounts: argon2 password hashes, login and logout, and the per-request user.

Sessions are signed cookies (Starlette's SessionMiddleware): the cookie holds only the
user id and the CSRF token. Each request loads the user again, so removing a user ends
their sessions at once.
"""

from __future__ import annotations

from typing import Annotated

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from majobs.db.web_queries import users as user_queries
from majobs.db.web_queries.users import UserRow
from majobs.web.security import SESSION_USER_KEY, csrf_token, safe_next
from majobs.web.state import web

HASHER = PasswordHasher()  # argon2id with the library's (RFC 9106 low-memory) defaults
PASSWORD_MIN = 8
_dummy: dict[tuple[int, int, int], str] = {}

router = APIRouter()


class NotLoggedIn(Exception):
    """Raised by the user dependency; ``app.py`` turns it into the login redirect."""


def hash_password(password: str) -> str:
    if len(password) < PASSWORD_MIN:
        raise ValueError(f"a password needs at least {PASSWORD_MIN} characters")
    return HASHER.hash(password)


def _dummy_hash() -> str:
    """Verified when the name is unknown, so a wrong name costs as long as a wrong
    password (made once per hasher setting)."""
    key = (HASHER.time_cost, HASHER.memory_cost, HASHER.parallelism)
    if key not in _dummy:
        _dummy[key] = HASHER.hash("majobs: no such user")
    return _dummy[key]


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(request: Request, name: str, password: str) -> int | None:
    """The user id when name and password match, else None (same cost either way)."""
    with web(request).read() as session:
        found = user_queries.credentials(session, name)
    if found is None:
        verify_password(_dummy_hash(), password)
        return None
    user_id, stored = found
    if not verify_password(stored, password):
        return None
    if HASHER.check_needs_rehash(stored):
        with web(request).write() as session:
            user_queries.set_password_hash(session, user_id, HASHER.hash(password))
    return user_id


def current_user(request: Request) -> UserRow:
    uid = request.session.get(SESSION_USER_KEY)
    user = None
    if isinstance(uid, int):
        with web(request).read() as session:
            user = user_queries.user_by_id(session, uid)
    if user is None:
        request.session.pop(SESSION_USER_KEY, None)
        raise NotLoggedIn()
    request.state.user = user
    return user


def require_admin(user: Annotated[UserRow, Depends(current_user)]) -> UserRow:
    if user.role != "admin":
        raise HTTPException(status_code=403, detail="only admins may do this")
    return user


CurrentUser = Annotated[UserRow, Depends(current_user)]
AdminUser = Annotated[UserRow, Depends(require_admin)]


@router.get("/login")
def login_page(request: Request, next_: Annotated[str, Query(alias="next")] = "/"
               ) -> Response:
    if isinstance(request.session.get(SESSION_USER_KEY), int):
        return RedirectResponse(safe_next(next_), status_code=303)
    return web(request).templates.TemplateResponse(
        request, "login.html", {"next": safe_next(next_), "error": None})


@router.post("/login")
def login(request: Request, name: Annotated[str, Form()] = "",
          password: Annotated[str, Form()] = "",
          next_: Annotated[str, Form(alias="next")] = "/") -> Response:
    user_id = authenticate(request, name, password) if name and password else None
    if user_id is None:
        return web(request).templates.TemplateResponse(
            request, "login.html",
            {"next": safe_next(next_), "error": "Wrong name or password.", "name": name},
            status_code=401)
    # A fresh session: nothing from before the login (fixation) survives, new CSRF token.
    request.session.clear()
    request.session[SESSION_USER_KEY] = user_id
    csrf_token(request.session)
    return RedirectResponse(safe_next(next_), status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
