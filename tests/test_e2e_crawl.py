"""End to end: demo board served on 127.0.0.1 -> ``majobs crawl`` -> ``majobs export``.

Checked against the generator's ground truth: every MA posting once, with every URL it was
served at; look-alikes stored with is_ma false; fields equal the truth. Then a re-crawl of
the unchanged board changes nothing, and after the board changes exactly the added, edited
and removed postings show as new, updated and expired.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from majobs.db.engine import make_engine, session_factory
from majobs.db.models import CrawlRun, Posting, Sighting
from majobs.dedup import canonical_url
from majobs.demoboard import DEMO_CREDENTIALS
from majobs.demoboard.generator import generate_market
from majobs.demoboard.server import DemoBoardServer

pytestmark = pytest.mark.slow


def majobs(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **DEMO_CREDENTIALS, "COLUMNS": "200"}
    env.pop("MAJOBS_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "majobs.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def export(db: str, cwd: Path) -> list[dict]:
    out = majobs("export", "postings", "--all", "--format", "jsonl", "--db", db, cwd=cwd)
    assert out.returncode == 0, out.stderr
    return [json.loads(line) for line in out.stdout.splitlines()]


def posting_snapshot(db: str) -> dict[int, tuple]:
    Session = session_factory(make_engine(db))
    with Session() as s:
        return {p.id: (p.updated_at, p.content_hash, p.status, p.last_seen)
                for p in s.scalars(select(Posting))}


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    work = tmp_path_factory.mktemp("e2e")
    (work / "majobs.toml").write_text(  # a local board: no politeness delays needed
        "[crawl]\nautothrottle = false\nconcurrent_requests_per_domain = 16\n")
    market = generate_market(postings=120, seed=11)
    with DemoBoardServer(market) as server:
        sources = work / "sources.yaml"
        sources.write_text(market.sources_yaml(server.base_url))
        db = f"sqlite:///{work / 'e2e.db'}"
        first = majobs("crawl", "--sources", str(sources), "--db", db, "-q", cwd=work)
        yield {"market": market, "server": server, "sources": sources, "db": db,
               "work": work, "first": first, "rows": export(db, work)}


def by_url(rows: list[dict]) -> dict[str, dict]:
    return {u: row for row in rows for u in row["urls"]}


def test_first_crawl_succeeds(board):
    first = board["first"]
    assert first.returncode == 0, first.stdout + first.stderr
    assert "crawl summary" in first.stdout
    assert "failed" not in first.stdout


def test_every_posting_once_with_every_url(board):
    rows, truth = board["rows"], board["market"].truth(board["server"].base_url)
    index = by_url(rows)
    problems = []
    for t in truth:
        urls = [canonical_url(u) for u in t.urls]
        found = {id(index[u]) for u in urls if u in index}
        if len(found) != 1:
            problems.append(f"{t.key} {t.title!r}: {len(found)} postings for {urls}")
            continue
        row = index[urls[0]]
        missing = set(urls) - set(row["urls"])
        if missing:
            problems.append(f"{t.key} {t.title!r}: URLs not merged: {sorted(missing)}")
        if row["urls"][0] != urls[0]:
            problems.append(f"{t.key}: canonical URL {row['urls'][0]} != {urls[0]}")
    assert not problems, "\n".join(problems)
    assert len(rows) == len(truth), "postings stored that the board does not have"


def test_classification_and_fields_equal_the_truth(board):
    index, truth = by_url(board["rows"]), board["market"].truth(board["server"].base_url)
    problems = []
    for t in truth:
        row = index.get(canonical_url(t.urls[0]))
        if row is None:
            continue  # reported by the test above
        want = {
            "is_ma": t.is_ma, "title": t.title, "employer": t.employer,
            "city": t.city, "state": t.state, "postal_code": t.postal_code,
            "employment_type": t.employment_type, "date_posted": t.date_posted.isoformat(),
            "pay": t.pay.as_dict() if t.pay else None,
            "status": "expired" if t.expired else "active",
        }
        got = {
            "is_ma": row["is_ma"], "title": row["title"], "employer": row["employer"],
            "city": row["location"]["city"], "state": row["location"]["state"],
            "postal_code": row["location"]["postal_code"],
            "employment_type": row["employment_type"], "date_posted": row["date_posted"],
            "pay": row["pay"], "status": row["status"],
        }
        if t.is_ma:
            want["required"] = sorted(t.required_certifications)
            got["required"] = sorted(row["required_certifications"])
        diff = {k: (want[k], got[k]) for k in want if want[k] != got[k]}
        if diff:
            problems.append(f"{t.key} {t.title!r} ({t.role}): {diff}")
    assert not problems, f"{len(problems)} postings differ:\n" + "\n".join(problems)


def test_recrawl_unchanged_then_changed(board):
    db, work = board["db"], board["work"]
    before = posting_snapshot(db)
    again = majobs("crawl", "--sources", str(board["sources"]), "--db", db, "-q", cwd=work)
    assert again.returncode == 0, again.stdout + again.stderr
    after = posting_snapshot(db)
    assert after.keys() == before.keys(), "a re-crawl of an unchanged board added postings"
    rewritten = [pid for pid in before if before[pid][:3] != after[pid][:3]]
    assert not rewritten, f"unchanged postings rewritten: {rewritten}"
    assert all(after[pid][3] >= before[pid][3] for pid in before), "last_seen must move on"
    Session = session_factory(make_engine(db))
    with Session() as s:
        last = s.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())
                         .limit(len(board["market"].sources("")))).all()
        assert all(r.counts["new"] == 0 and r.counts["updated"] == 0 for r in last)

    evolved, changes = board["market"].evolve(seed=5)
    board["server"].set_market(evolved)
    third = majobs("crawl", "--sources", str(board["sources"]), "--db", db, "-q", cwd=work)
    assert third.returncode == 0, third.stdout + third.stderr
    final = posting_snapshot(db)
    base = board["server"].base_url
    key_of = {canonical_url(u): t.key for t in evolved.truth(base) for u in t.urls}
    key_of.update({canonical_url(u): t.key for t in board["market"].truth(base) for u in t.urls})
    with Session() as s:
        keys = {}
        for sighting in s.scalars(select(Sighting)):
            keys.setdefault(sighting.posting_id, key_of.get(sighting.canonical_url))
    new = {keys[pid] for pid in final if pid not in before}
    newly_expired = {pid for pid in before
                     if final[pid][2] == "expired" and after[pid][2] != "expired"}
    # expiry stamps updated_at too; an edit of an already-expired posting is an update
    updated = {keys[pid] for pid in before
               if final[pid][0] != after[pid][0] and pid not in newly_expired}
    expired = {keys[pid] for pid in newly_expired}
    assert new == set(changes.added)
    assert updated == set(changes.edited)
    assert expired == set(changes.removed)
