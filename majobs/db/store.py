"""What the ingest pipeline calls: sources, runs, batched posting upserts, expiry.

``upsert_postings`` finds each item's posting in a few queries per batch:
1. this source's sighting with the same external key;
2. any source's sighting with the same canonical URL (same posting, another source);
3. an active posting with the same ``dedup_key`` and similar text (``dedup.similar``)
   that this source does not list already (one source listing two items = two openings);
4. else a new posting.
Sightings are written with dialect upserts on UNIQUE(source_id, external_key), so
concurrent writers never create two sightings for one key.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, case, delete, func, insert, null, select, text, update
from sqlalchemy.orm import Session

from majobs.db import resolve
from majobs.db.batching import chunks, dialect_insert
from majobs.db.models import CrawlRun, Posting, Sighting, Source
from majobs.db.queries import export_postings, posting_counts
from majobs.db.rows import Entry, make_entry
from majobs.db.runs import finish_run, run_history, source_health, start_run
from majobs.db.types import utcnow
from majobs.items import JobPostingItem
from majobs.sources import SourceConfig

__all__ = [  # the store's whole surface: callers need no other db module
    "UpsertResult", "chunks", "disabled_sources", "ensure_source", "expire_missing",
    "expire_past_valid_through", "export_postings", "finish_run", "posting_counts",
    "run_history", "source_health", "start_run", "upsert_postings",
]


@dataclass
class UpsertResult:
    new: int = 0          # postings created
    updated: int = 0      # content changed, a new sighting of a known posting, or revived
    unchanged: int = 0    # seen again as it was: only last-seen marks moved
    merged: int = 0       # of `updated`: first sighting here of a posting known elsewhere
    dropped: dict[str, int] = field(default_factory=dict)  # reason -> items not stored
    posting_ids: list[int | None] = field(default_factory=list)  # in item order


def ensure_source(session: Session, cfg: SourceConfig) -> int:
    """Insert or update the source row named ``cfg.name``; returns its id.

    ``Source.enabled`` is the admins' switch (web UI), not the sources file's
    ``enabled``: a crawl never overwrites it."""
    ins = dialect_insert(session, Source)
    stmt = ins.values(name=cfg.name, kind=cfg.kind, config=cfg.as_dict(),
                      enabled=True, created_at=utcnow()).on_conflict_do_update(
        index_elements=[Source.name],
        set_={"kind": ins.excluded.kind, "config": ins.excluded.config},
    ).returning(Source.id)
    return int(session.execute(stmt).scalar_one())


def disabled_sources(session: Session, names: Sequence[str]) -> set[str]:
    """Which of ``names`` an admin has switched off."""
    rows = session.scalars(select(Source.name).where(
        Source.name.in_(list(names)), Source.enabled.is_(False)))
    return set(rows)


# ---------------------------------------------------------------------------------------
# writing

def _new_posting_ids(session: Session, n: int) -> list[int]:
    """Ids for n new postings, handed out before the INSERT. Then the INSERT needs no
    RETURNING and runs as one executemany: psycopg pipelines it, while a multi-row
    INSERT ... RETURNING of a few thousand parameters costs more to parse than to run."""
    if session.get_bind().dialect.name == "postgresql":
        rows = session.execute(text(
            "SELECT nextval(pg_get_serial_sequence('postings', 'id')) "
            "FROM generate_series(1, :n)"), {"n": n})
        return [int(r[0]) for r in rows]
    # SQLite: this transaction holds the write lock (BEGIN IMMEDIATE): the next ids are ours.
    top = session.scalar(select(func.max(Posting.id))) or 0
    return list(range(top + 1, top + 1 + n))


def _insert_postings(session: Session, leaders: Sequence[Entry], now: datetime) -> None:
    if not leaders:
        return
    ids = _new_posting_ids(session, len(leaders))
    rows = [{**e.values, "id": pid, "is_ma": e.is_ma, "status": "active", "first_seen": now,
             "last_seen": now, "updated_at": now} for e, pid in zip(leaders, ids, strict=True)]
    session.execute(insert(Posting.__table__), rows)  # Core: the ORM bulk layer costs more
    for e, pid in zip(leaders, ids, strict=True):
        e.posting_id = pid


def _upsert_sightings(session: Session, source_id: int, run_id: int | None,
                      entries: list[Entry], now: datetime) -> None:
    """New or changed sightings, then read back which posting each key belongs to: on a
    key another writer inserted meanwhile, the ON CONFLICT branch keeps its posting_id,
    and we adopt that posting."""
    if not entries:
        return
    table = Sighting.__table__
    ins = dialect_insert(session, table)
    stmt = ins.on_conflict_do_update(
        index_elements=["source_id", "external_key"],
        set_={c: ins.excluded[c] for c in ("url", "canonical_url", "apply_url",
                                           "content_hash", "last_seen", "last_run_id")}
        | {"gone_at": null()},
    )
    rows = [{"source_id": source_id, "external_key": e.key, "posting_id": e.posting_id,
             "url": e.url, "canonical_url": e.canonical_url, "apply_url": e.apply_url,
             "content_hash": e.content_hash, "first_seen": now, "last_seen": now,
             "last_run_id": run_id, "gone_at": None}
            for e in sorted(entries, key=lambda e: e.key)]  # one lock order for all writers
    for batch in chunks(rows):
        session.execute(stmt, batch)
    by_key = {e.key: e for e in entries}
    for keys in chunks(sorted(by_key)):
        for key, sid, pid in session.execute(
                select(table.c.external_key, table.c.id, table.c.posting_id)
                .where(table.c.source_id == source_id, table.c.external_key.in_(keys))):
            by_key[key].sighting_id, by_key[key].posting_id = sid, pid


def _touch_unchanged(session: Session, run_id: int | None, ids: list[int],
                     now: datetime) -> None:
    for batch in chunks(sorted(ids)):
        session.execute(
            update(Sighting).where(Sighting.id.in_(batch))
            .values(last_seen=now, last_run_id=run_id, gone_at=None)
            .execution_options(synchronize_session=False))


# Whose copy of a posting is the reference (its text, its canonical URL): the employer's
# own applicant-tracking system first, then career pages, then re-publishers (feeds,
# job banks). Among equals, the earliest live sighting, so a posting does not flip
# between two sources' slightly different texts from one crawl to the next.
SOURCE_KIND_RANK = {"greenhouse": 0, "lever": 0, "ashby": 0, "smartrecruiters": 0,
                    "workday": 0, "usajobs": 0, "jsonld": 1, "feed": 2, "careeronestop": 2}
OTHER_KIND_RANK = 1


def _primary_sightings(session: Session, posting_ids: set[int]) -> dict[int, int]:
    """posting id -> its primary sighting (see SOURCE_KIND_RANK) among the live ones."""
    rank = case(SOURCE_KIND_RANK, value=Source.kind, else_=OTHER_KIND_RANK)
    primary: dict[int, int] = {}
    for batch in chunks(sorted(posting_ids)):
        rows = session.execute(
            select(Sighting.posting_id, Sighting.id)
            .join(Source, Source.id == Sighting.source_id)
            .where(Sighting.posting_id.in_(batch), Sighting.gone_at.is_(None))
            .order_by(rank, Sighting.first_seen, Sighting.id))
        for pid, sid in rows:
            primary.setdefault(pid, sid)
    return primary


def _update_postings(session: Session, entries: list[Entry], created: set[int | None],
                     now: datetime, result: UpsertResult) -> None:
    """Existing postings: rewrite from the primary source when its content changed,
    revive expired ones, move last_seen on all. Counts each entry."""
    ids = {e.posting_id for e in entries if e.posting_id is not None}
    if not ids:
        return
    state: dict[int, tuple[str, bool | None, datetime | None]] = {}
    for batch in chunks(sorted(ids)):
        for pid, status, review, valid in session.execute(  # lock in id order, see above
                select(Posting.id, Posting.status, Posting.review_is_ma, Posting.valid_through)
                .where(Posting.id.in_(batch))
                .order_by(Posting.id).with_for_update(key_share=True)):
            state[pid] = (status, review, valid)
    primary = _primary_sightings(session, ids)
    rewrites: dict[int, dict[str, Any]] = {}
    revive: set[int] = set()
    for e in entries:
        pid = e.posting_id
        if pid not in state:  # deleted meanwhile by an admin: nothing to update
            continue
        status, review, valid = state[pid]
        changed = e.old_hash != e.content_hash
        if changed and pid not in created and primary.get(pid) == e.sighting_id:
            valid = e.values["valid_through"]
            rewrites[pid] = {"id": pid, **e.values, "updated_at": now,
                             "is_ma": e.is_ma if review is None else review}
        live = valid is None or valid > now
        if status == "expired" and live:
            revive.add(pid)
        if e.old_hash is None:
            result.merged += 1
        if changed or (status == "expired" and live):
            result.updated += 1
        else:
            result.unchanged += 1
    if rewrites:
        table = Posting.__table__
        first = next(iter(rewrites.values()))
        stmt = (update(table).where(table.c.id == bindparam("pid"))
                .values({c: bindparam(c) for c in first if c != "id"}))
        session.execute(stmt, [{**{k: v for k, v in r.items() if k != "id"}, "pid": r["id"]}
                               for _, r in sorted(rewrites.items())])
    for batch in chunks(sorted(revive)):
        session.execute(
            update(Posting).where(Posting.id.in_(batch), Posting.status == "expired")
            .values(status="active", expired_at=None, updated_at=now)
            .execution_options(synchronize_session=False))
    for batch in chunks(sorted(ids)):
        session.execute(
            update(Posting).where(Posting.id.in_(batch)).values(last_seen=now)
            .execution_options(synchronize_session=False))


def upsert_postings(session: Session, source_id: int, run_id: int | None,
                    items: Sequence[JobPostingItem], now: datetime) -> UpsertResult:
    """Store a batch of normalized items seen now by one source (see module doc)."""
    result = UpsertResult(posting_ids=[None] * len(items))
    entries: dict[str, Entry] = {}
    slots: list[str | None] = []
    dropped: Counter[str] = Counter()
    for i, item in enumerate(items):
        entry = make_entry(i, item)
        if entry is None:
            dropped["no_key"] += 1
            slots.append(None)
            continue
        if entry.key in entries:  # one posting twice in a batch: stored once, last copy wins
            entry.index = entries[entry.key].index
        entries[entry.key] = entry
        slots.append(entry.key)
    result.dropped = dict(dropped)

    resolve.match_own_sightings(session, source_id, entries)
    todo = [e for e in entries.values() if e.posting_id is None]
    resolve.match_by_url(session, todo)
    todo = [e for e in todo if e.posting_id is None]
    resolve.match_near_duplicates(session, source_id, todo)
    todo = [e for e in todo if e.posting_id is None]
    groups = resolve.group_new(todo)
    leaders = [g[0] for g in groups]
    _insert_postings(session, leaders, now)
    for leader, followers in groups:
        for f in followers:
            f.posting_id = leader.posting_id
    created = {e.posting_id for e in leaders}

    changed = [e for e in entries.values()
               if e.sighting_id is None or e.old_hash != e.content_hash]
    _upsert_sightings(session, source_id, run_id, changed, now)
    _touch_unchanged(session, run_id, [e.sighting_id for e in entries.values()
                                       if e.old_hash == e.content_hash and e.sighting_id], now)

    # A concurrent writer won a key: its posting holds the sighting, ours may be empty.
    orphans = created - {e.posting_id for e in entries.values()}
    for batch in chunks(sorted(o for o in orphans if o is not None)):
        session.execute(delete(Posting).where(
            Posting.id.in_(batch), ~select(Sighting.id).where(
                Sighting.posting_id == Posting.id).exists())
            .execution_options(synchronize_session=False))
    fresh = {e.key for e in leaders if e.posting_id in created}
    result.new = len(fresh)
    _update_postings(session, [e for e in entries.values() if e.key not in fresh], created,
                     now, result)
    result.posting_ids = [entries[k].posting_id if k else None for k in slots]
    return result


# ---------------------------------------------------------------------------------------
# expiry

def expire_missing(session: Session, source_id: int, run_id: int, now: datetime) -> int:
    """After a successful, complete run (the caller's judgement): this source's live
    sightings the run did not see are gone; postings left with no live sighting expire
    (rejected ones stay rejected). Returns the number of postings expired.

    "Not seen" = not marked by this run, and not seen since it started either: several
    worker processes crawling one source may each hold a run of their own."""
    started = session.scalar(select(CrawlRun.started_at).where(CrawlRun.id == run_id))
    not_seen = (Sighting.last_run_id != run_id) | Sighting.last_run_id.is_(None)
    if started is not None:
        not_seen = not_seen & (Sighting.last_seen < started)
    session.execute(
        update(Sighting)
        .where(Sighting.source_id == source_id, Sighting.gone_at.is_(None), not_seen)
        .values(gone_at=now).execution_options(synchronize_session=False))
    just_gone = select(Sighting.id).where(Sighting.posting_id == Posting.id,
                                          Sighting.source_id == source_id,
                                          Sighting.gone_at == now).exists()
    live = select(Sighting.id).where(Sighting.posting_id == Posting.id,
                                     Sighting.gone_at.is_(None)).exists()
    res = session.execute(
        update(Posting).where(Posting.status == "active", just_gone, ~live)
        .values(status="expired", expired_at=now, updated_at=now)
        .execution_options(synchronize_session=False))
    return int(res.rowcount or 0)


def expire_past_valid_through(session: Session, now: datetime) -> int:
    """Active postings whose ``valid_through`` has passed expire. Returns how many."""
    res = session.execute(
        update(Posting).where(Posting.status == "active", Posting.valid_through.is_not(None),
                              Posting.valid_through < now)
        .values(status="expired", expired_at=now, updated_at=now)
        .execution_options(synchronize_session=False))
    return int(res.rowcount or 0)
