"""A job seeker's private page ``/s/{token}``: their matches, nobody else's.

No login: the unguessable token is the key. A revoked or unknown token is a plain 404,
the same for both, so a page never tells whether a link once existed.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from majobs.db.web_queries import candidates as cand_queries
from majobs.web.routes.candidates import matches_or_error
from majobs.web.state import web

router = APIRouter()


@router.get("/s/{token}")
def seeker_page(request: Request, token: str) -> Response:
    with web(request).read() as session:
        cand = cand_queries.candidate_by_token(session, token)
    if cand is None:
        raise HTTPException(status_code=404, detail="This link does not exist or was revoked.")
    views, problem = matches_or_error(request, cand)
    return web(request).templates.TemplateResponse(
        request, "seeker.html", {"c": cand, "matches": views, "problem": problem},
        headers={"cache-control": "no-store", "x-robots-tag": "noindex, nofollow"})
