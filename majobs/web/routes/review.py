"""The admin review queue and a posting's review page with its actions."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import QueryParams

from majobs.db.web_queries import review_actions
from majobs.db.web_queries.posting_detail import posting_detail
from majobs.db.web_queries.review_queue import (
    SORTS,
    QueueFilters,
    parse_statuses,
    queue_count,
    queue_page,
    queue_row,
)
from majobs.db.web_queries.sources import source_choices
from majobs.errors import InputError
from majobs.web.auth import AdminUser, CurrentUser
from majobs.web.state import web

router = APIRouter()
PAGE_SIZE = 50
ACTION_LABELS = {
    "confirm_ma": "Confirmed as an MA job",
    "reject_not_ma": "Rejected: not an MA job",
    "reject_spam": "Rejected as spam",
    "expire": "Marked expired",
}


@router.get("/")
def home(user: CurrentUser) -> Response:
    return RedirectResponse("/review" if user.role == "admin" else "/candidates",
                            status_code=303)


def _float(value: str | None, low: float = 0.0, high: float = 1.0) -> float | None:
    try:
        number = float(value) if value not in (None, "") else None
    except ValueError:
        return None
    return min(max(number, low), high) if number is not None else None


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 12 else None


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def parse_filters(q: QueryParams) -> QueueFilters:
    """Query string -> filters; anything unreadable is ignored, never an error page.
    Without ``f`` (the form was never submitted): active postings no admin judged yet."""
    defaults = "f" not in q
    statuses = ("active",) if defaults else parse_statuses(q.getlist("status"))
    is_ma = {"yes": True, "no": False}.get(q.get("is_ma", ""))
    sort = q.get("sort") if q.get("sort") in SORTS else "uncertain"
    return QueueFilters(
        statuses=statuses, is_ma=is_ma, source_id=_int(q.get("source")),
        confidence_min=_float(q.get("cmin")), confidence_max=_float(q.get("cmax")),
        seen_from=_date(q.get("from")), seen_to=_date(q.get("to")),
        text=(q.get("q") or "").strip() or None,
        unreviewed=defaults or q.get("unreviewed") == "1", sort=sort or "uncertain")


def filter_query(q: QueryParams) -> str:
    """The filter part of the query string, without the cursor (for paging links)."""
    return urlencode([(k, v) for k, v in q.multi_items() if k != "cursor"])


@router.get("/review")
def review_queue(request: Request, user: AdminUser) -> Response:
    filters = parse_filters(request.query_params)
    cursor = request.query_params.get("cursor")
    state = web(request)
    with state.read() as session:
        page = queue_page(session, filters, cursor, PAGE_SIZE)
        total = queue_count(session, filters)
        sources = source_choices(session)
    return state.templates.TemplateResponse(request, "review_queue.html", {
        "page": page, "f": filters, "total": total, "sources": sources,
        "filter_query": filter_query(request.query_params), "at_start": not cursor,
        "raw": request.query_params})


@router.get("/review/{posting_id}")
def review_posting(request: Request, posting_id: int, user: AdminUser) -> Response:
    state = web(request)
    with state.read() as session:
        detail = posting_detail(session, posting_id)
    if detail is None:
        raise HTTPException(status_code=404, detail=f"There is no posting #{posting_id}.")
    done = request.query_params.get("done")
    return state.templates.TemplateResponse(request, "review_posting.html", {
        "d": detail, "p": detail.posting, "message": ACTION_LABELS.get(done or "") or
        {"merged": "Merged.", "split": "Split off into this new posting."}.get(done or ""),
        "error": request.query_params.get("error")})


def _back(posting_id: int, **params: str) -> RedirectResponse:
    return RedirectResponse(f"/review/{posting_id}?{urlencode(params)}", status_code=303)


@router.post("/review/{posting_id}/action")
def review_action(request: Request, posting_id: int, user: AdminUser,
                  action: Annotated[str, Form()]) -> Response:
    if action not in review_actions.SIMPLE_ACTIONS:
        raise HTTPException(status_code=400, detail=f"Unknown action '{action}'.")
    state = web(request)
    try:
        with state.write() as session:
            review_actions.review_posting(session, posting_id, action, user.id)
    except InputError as exc:
        raise HTTPException(status_code=404, detail=exc.reason) from None
    if request.headers.get("hx-request") == "true":  # a quick review from the queue
        with state.read() as session:
            row = queue_row(session, posting_id)
        return state.templates.TemplateResponse(request, "partials/queue_row.html", {"r": row})
    return _back(posting_id, done=action)


@router.post("/review/{posting_id}/merge")
def merge(request: Request, posting_id: int, user: AdminUser,
          into: Annotated[str, Form()] = "") -> Response:
    target = _int(into.strip().lstrip("#"))
    if target is None:
        return _back(posting_id, error="Give the number of the posting to merge into.")
    try:
        with web(request).write() as session:
            review_actions.merge_postings(session, posting_id, target, user.id)
    except InputError as exc:
        return _back(posting_id, error=exc.reason)
    return _back(target, done="merged")


@router.post("/review/{posting_id}/split")
def split(request: Request, posting_id: int, user: AdminUser,
          sighting: Annotated[str, Form()] = "") -> Response:
    sighting_id = _int(sighting)
    if sighting_id is None:
        return _back(posting_id, error="Choose a sighting to split off.")
    try:
        with web(request).write() as session:
            new_id, _ = review_actions.split_sighting(session, posting_id, sighting_id, user.id)
    except InputError as exc:
        return _back(posting_id, error=exc.reason)
    return _back(new_id, done="split")
