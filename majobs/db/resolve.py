"""Which posting is each item? The store's lookups, in the order it tries them:
this source's own sighting, any sighting with the same canonical URL, an active posting
of another source with the same ``dedup_key`` and similar text; what is left becomes new
postings, grouped so that one URL listed twice in a batch is created once."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from majobs import dedup
from majobs.db.batching import chunks
from majobs.db.models import Posting, Sighting
from majobs.db.rows import Entry


def match_own_sightings(session: Session, source_id: int, entries: dict[str, Entry]) -> None:
    """Also locks those sightings (PostgreSQL), in key order, bytewise like Python's sort:
    concurrent writers then take row locks in one order and cannot deadlock."""
    order = Sighting.external_key
    if session.get_bind().dialect.name == "postgresql":
        order = order.collate("C")
    for keys in chunks(sorted(entries)):
        rows = session.execute(
            select(Sighting.external_key, Sighting.id, Sighting.posting_id,
                   Sighting.content_hash)
            .where(Sighting.source_id == source_id, Sighting.external_key.in_(keys))
            .order_by(order).with_for_update(key_share=True))
        for key, sid, pid, old_hash in rows:
            e = entries[key]
            e.sighting_id, e.posting_id, e.old_hash = sid, pid, old_hash


def match_by_url(session: Session, todo: list[Entry]) -> None:
    urls = {e.canonical_url for e in todo if e.canonical_url}
    found: dict[str, int] = {}
    for batch in chunks(sorted(urls)):
        rows = session.execute(
            select(Sighting.canonical_url, Sighting.posting_id)
            .where(Sighting.canonical_url.in_(batch))
            .order_by(Sighting.first_seen, Sighting.id))
        for url, pid in rows:
            found.setdefault(url, pid)  # the earliest sighting's posting
    for e in todo:
        if e.canonical_url in found:
            e.posting_id = found[e.canonical_url]


def match_near_duplicates(session: Session, source_id: int, todo: list[Entry]) -> None:
    """Same key, similar text -> same posting; but never one this source lists live
    already: a source that lists two items at once means two openings (two shifts at one
    clinic share nearly all their text), so near-duplicates only join across sources."""
    keys = {e.values["dedup_key"] for e in todo if e.values["dedup_key"]}
    listed_here = select(Sighting.id).where(
        Sighting.posting_id == Posting.id, Sighting.source_id == source_id,
        Sighting.gone_at.is_(None)).exists()
    candidates: dict[str, list[tuple[int, str]]] = {}
    for batch in chunks(sorted(keys)):
        rows = session.execute(
            select(Posting.dedup_key, Posting.id,
                   func.substr(Posting.description_text, 1, dedup.MAX_TEXT_CHARS))
            .where(Posting.dedup_key.in_(batch), Posting.status == "active", ~listed_here)
            .order_by(Posting.id))
        for key, pid, text in rows:
            candidates.setdefault(key, []).append((pid, text or ""))
    # One posting per item and one item per posting: this batch's items are one source's
    # listings too, so two of them (two shifts) never join the same posting. The most
    # similar pairs are matched first (two shifts differ in a sentence).
    pairs = []
    for n, e in enumerate(todo):
        text = e.values["description_text"]
        for pid, other in candidates.get(e.values["dedup_key"], ()):
            score = dedup.containment(text, other)
            if score >= dedup.SIMILAR_THRESHOLD:
                pairs.append((-score, pid, n))
    taken: set[int] = set()
    for _, pid, n in sorted(pairs):
        if pid not in taken and todo[n].posting_id is None:
            todo[n].posting_id = pid
            taken.add(pid)


def group_new(todo: list[Entry]) -> list[tuple[Entry, list[Entry]]]:
    """New postings: (leader, followers). Items of the batch with one canonical URL are
    one posting (all come from one source: similar text alone does not join them)."""
    groups: list[tuple[Entry, list[Entry]]] = []
    by_url: dict[str, int] = {}
    for e in todo:
        url = e.canonical_url
        g = by_url.get(url) if url else None
        if g is None:
            g = len(groups)
            groups.append((e, []))
            if url:
                by_url[url] = g
        else:
            groups[g][1].append(e)
    return groups
