"""A candidate's ranked matches for the web, computed by the matcher on request.

Live ranking (not the stored matches of the last nightly run): a posting an admin has
just rejected or expired leaves every candidate's list at once. The index is kept in
memory and rebuilt only when the postings' fingerprint changes (the matcher saves it
on disk as well).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from majobs.db import match_store
from majobs.matcher.explain import MatchResult
from majobs.matcher.index import MatchIndex, load_or_build
from majobs.matcher.profile import Profile, parse_profile
from majobs.matcher.rank import rank
from majobs.web.state import WebState

MATCH_LIMIT = 20


@dataclass
class MatchView:
    rank: int
    result: MatchResult
    posting: dict[str, Any]     # match_store.describe_postings shape (urls canonical first)
    state: str | None           # the candidate's application state, if any


class IndexCache:
    """The match index for one database, rebuilt when the postings change."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._index: MatchIndex | None = None
        self._lock = threading.Lock()

    def get(self, web: WebState) -> MatchIndex:
        with web.read() as session:
            fingerprint = match_store.postings_fingerprint(session)
        with self._lock:
            index = self._index
            if index is None or not str(index.fingerprint).endswith(fingerprint):
                index = load_or_build(self.engine)
                self._index = index
            return index


def profile_of(candidate_id: int, data: dict[str, Any]) -> Profile:
    """The stored profile, validated as the YAML file would be (InputError if not)."""
    return parse_profile(dict(data), f"candidate #{candidate_id}")


def candidate_matches(web: WebState, cache: IndexCache, candidate_id: int, profile: Profile,
                      limit: int = MATCH_LIMIT) -> list[MatchView]:
    index = cache.get(web)
    with web.read() as session:
        blocks = match_store.blocks_for(session, candidate_id)
    results = rank(index, profile, limit=limit, blocked=blocks) if len(index) else []
    ids = [r.posting_id for r in results]
    with web.read() as session:
        postings = match_store.describe_postings(session, ids)
        states = match_store.states_for(session, candidate_id)
    views = []
    for result in results:
        posting = postings.get(result.posting_id)
        if posting is None or posting.get("status") != "active":
            continue  # changed since the index was read
        views.append(MatchView(rank=len(views) + 1, result=result, posting=posting,
                               state=states.get(result.posting_id)))
    return views
