"""Candidates (staff and admins): list, add, edit, ranked matches with their reasons,
the cohort CSV export, and each candidate's private link."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from majobs.db.web_queries import candidates as cand_queries
from majobs.errors import InputError
from majobs.web.auth import CurrentUser
from majobs.web.matching import MatchView, candidate_matches, profile_of
from majobs.web.profile_form import (
    EMPLOYMENT_CHOICES,
    field_of_error,
    form_to_profile,
    profile_to_form,
)
from majobs.web.state import web

router = APIRouter()
CSV_COLUMNS = ("candidate", "rank", "score", "posting_id", "title", "employer", "city",
               "state", "pay_hourly_min", "pay_hourly_max", "distance_miles", "matched",
               "missing", "url", "application_state")


def _form_page(request: Request, form: dict[str, Any], candidate_id: int | None,
               error: InputError | None = None) -> Response:
    field = field_of_error(error.field) if error else None
    return web(request).templates.TemplateResponse(request, "candidate_form.html", {
        "form": form, "candidate_id": candidate_id, "error_field": field,
        "error": error.reason if error else None, "types": EMPLOYMENT_CHOICES,
    }, status_code=400 if error else 200)


def _candidate_or_404(request: Request, candidate_id: int) -> cand_queries.CandidateRow:
    with web(request).read() as session:
        found = cand_queries.candidate(session, candidate_id)
    if found is None:
        raise HTTPException(status_code=404, detail=f"There is no candidate #{candidate_id}.")
    return found


def matches_or_error(request: Request, cand: cand_queries.CandidateRow
                     ) -> tuple[list[MatchView], str | None]:
    """The candidate's live matches, or why there are none (a profile that no longer
    validates, e.g. after a taxonomy change)."""
    try:
        profile = profile_of(cand.id, cand.profile)
    except InputError as exc:
        return [], str(exc)
    return candidate_matches(web(request), request.app.state.index_cache, cand.id, profile), None


@router.get("/candidates")
def candidates_page(request: Request, user: CurrentUser) -> Response:
    with web(request).read() as session:
        rows = cand_queries.candidate_rows(session)
    return web(request).templates.TemplateResponse(request, "candidates.html",
                                                   {"candidates": rows})


@router.get("/candidates/new")
def new_candidate_page(request: Request, user: CurrentUser) -> Response:
    return _form_page(request, profile_to_form({}), None)


def _save(request: Request, data: dict[str, Any], candidate_id: int | None) -> Response:
    """Validate like a profile file, then add or update; the form again on an error."""
    try:
        profile_of(candidate_id or 0, data)
        with web(request).write() as session:
            if candidate_id is None:
                candidate_id = cand_queries.add_candidate(session, data.get("name", ""), data)
            else:
                cand_queries.update_candidate(session, candidate_id, data.get("name", ""), data)
    except InputError as exc:
        return _form_page(request, profile_to_form(data), candidate_id, exc)
    return RedirectResponse(f"/candidates/{candidate_id}", status_code=303)


@router.post("/candidates/new")
async def add_candidate(request: Request, user: CurrentUser) -> Response:
    data = form_to_profile(await request.form())
    return await run_in_threadpool(_save, request, data, None)


@router.get("/candidates/export.csv")
def export_csv(request: Request, user: CurrentUser) -> Response:
    """The matches of the chosen candidates (all when none is chosen) as CSV."""
    chosen = {int(v) for v in request.query_params.getlist("id") if v.isdigit()}
    with web(request).read() as session:
        rows = [c for c in cand_queries.candidate_rows(session) if not chosen or c.id in chosen]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for cand in rows:
        views, _ = matches_or_error(request, cand)
        for v in views:
            writer.writerow([_cell(x) for x in _csv_row(cand.name, v)])
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers={
        "content-disposition": 'attachment; filename="majobs-matches.csv"'})


def _csv_row(name: str, v: MatchView) -> list[Any]:
    r, p = v.result, v.posting
    loc = p.get("location") or {}
    urls = p.get("urls") or []
    return [name, v.rank, f"{r.score:.3f}", r.posting_id, p.get("title"), p.get("employer"),
            loc.get("city"), loc.get("state"), r.pay.get("hourly_min"), r.pay.get("hourly_max"),
            r.distance_miles, " ".join(r.matched), " ".join(r.missing),
            urls[0] if urls else "", v.state or ""]


def _cell(value: Any) -> str:
    """Text for a spreadsheet: scraped titles starting with = + - @ would be formulas."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@router.get("/candidates/{candidate_id}")
def candidate_page(request: Request, candidate_id: int, user: CurrentUser) -> Response:
    cand = _candidate_or_404(request, candidate_id)
    views, problem = matches_or_error(request, cand)
    return web(request).templates.TemplateResponse(request, "candidate.html", {
        "c": cand, "matches": views, "problem": problem,
        "link": str(request.base_url).rstrip("/") + f"/s/{cand.token}" if cand.token else None})


@router.get("/candidates/{candidate_id}/edit")
def edit_candidate_page(request: Request, candidate_id: int, user: CurrentUser) -> Response:
    cand = _candidate_or_404(request, candidate_id)
    return _form_page(request, profile_to_form({"name": cand.name, **cand.profile}), cand.id)


@router.post("/candidates/{candidate_id}/edit")
async def edit_candidate(request: Request, candidate_id: int, user: CurrentUser) -> Response:
    data = form_to_profile(await request.form())
    await run_in_threadpool(_candidate_or_404, request, candidate_id)
    return await run_in_threadpool(_save, request, data, candidate_id)


@router.post("/candidates/{candidate_id}/link")
def create_link(request: Request, candidate_id: int, user: CurrentUser) -> Response:
    with web(request).write() as session:
        token = cand_queries.create_link(session, candidate_id)
    if token is None:
        raise HTTPException(status_code=404, detail=f"There is no candidate #{candidate_id}.")
    return RedirectResponse(f"/candidates/{candidate_id}", status_code=303)


@router.post("/candidates/{candidate_id}/link/revoke")
def revoke_link(request: Request, candidate_id: int, user: CurrentUser) -> Response:
    with web(request).write() as session:
        cand_queries.revoke_link(session, candidate_id)
    return RedirectResponse(f"/candidates/{candidate_id}", status_code=303)


@router.post("/candidates/{candidate_id}/remove")
def remove(request: Request, candidate_id: int, user: CurrentUser) -> Response:
    with web(request).write() as session:
        cand_queries.remove_candidate(session, candidate_id)
    return RedirectResponse("/candidates", status_code=303)
