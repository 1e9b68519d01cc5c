"""Managing web accounts: admins only (staff get 403)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from majobs.db.web_queries import users as user_queries
from majobs.errors import InputError
from majobs.web.auth import AdminUser, hash_password
from majobs.web.state import web

router = APIRouter()


def _page(request: Request, error: str | None = None, status: int = 200,
          form: dict[str, str] | None = None) -> Response:
    state = web(request)
    with state.read() as session:
        users = user_queries.list_users(session)
    return state.templates.TemplateResponse(
        request, "users.html", {"users": users, "error": error, "form": form or {}},
        status_code=status)


@router.get("/users")
def users_page(request: Request, user: AdminUser) -> Response:
    return _page(request)


@router.post("/users")
def add_user(request: Request, user: AdminUser, name: Annotated[str, Form()] = "",
             role: Annotated[str, Form()] = "staff",
             password: Annotated[str, Form()] = "") -> Response:
    form = {"name": name, "role": role}
    try:
        password_hash = hash_password(password)
    except ValueError as exc:
        return _page(request, str(exc), 400, form)
    try:
        with web(request).write() as session:
            user_queries.add_user(session, name, role, password_hash)
    except InputError as exc:
        return _page(request, f"{exc.field}: {exc.reason}", 400, form)
    return RedirectResponse("/users", status_code=303)


@router.post("/users/{name}/remove")
def remove_user(request: Request, name: str, user: AdminUser) -> Response:
    if name == user.name:
        return _page(request, "You cannot remove your own account.", 400)
    with web(request).write() as session:
        user_queries.remove_user(session, name)
    return RedirectResponse("/users", status_code=303)
