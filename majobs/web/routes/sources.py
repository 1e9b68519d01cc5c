"""Sources and crawl runs: health, the enabled switch, and the run history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from majobs.db.web_queries import sources as source_queries
from majobs.web.auth import AdminUser
from majobs.web.state import web

router = APIRouter()


def _id(value: str) -> int | None:
    """A run id from the query string; anything else means "from the newest"."""
    return int(value) if value.isdigit() and len(value) < 12 else None


@router.get("/sources")
def sources_page(request: Request, user: AdminUser) -> Response:
    state = web(request)
    with state.read() as session:
        health = source_queries.source_health(session)
        recent, _ = source_queries.run_page(session, limit=20)
    return state.templates.TemplateResponse(request, "sources.html",
                                            {"health": health, "runs": recent})


@router.get("/sources/{name}")
def source_page(request: Request, name: str, user: AdminUser, before: str = "") -> Response:
    state = web(request)
    with state.read() as session:
        source = source_queries.source_config(session, name)
        if source is None:
            raise HTTPException(status_code=404, detail=f"There is no source '{name}'.")
        runs, next_before = source_queries.run_page(session, name, _id(before))
    return state.templates.TemplateResponse(request, "source_runs.html", {
        "source": source, "runs": runs, "next_before": next_before})


@router.get("/runs")
def runs_page(request: Request, user: AdminUser, before: str = "") -> Response:
    state = web(request)
    with state.read() as session:
        runs, next_before = source_queries.run_page(session, None, _id(before))
    return state.templates.TemplateResponse(request, "source_runs.html", {
        "source": None, "runs": runs, "next_before": next_before})


@router.post("/sources/{name}/enabled")
def set_enabled(request: Request, name: str, user: AdminUser,
                enabled: Annotated[str, Form()] = "") -> Response:
    with web(request).write() as session:
        found = source_queries.set_source_enabled(session, name, enabled == "1")
    if not found:
        raise HTTPException(status_code=404, detail=f"There is no source '{name}'.")
    return RedirectResponse("/sources", status_code=303)
