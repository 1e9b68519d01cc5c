"""Fault rows about the process and its inputs, with the real ``majobs`` CLI in children:
a crawl killed with SIGKILL mid-run and run again, the web UI's reads during a crawl's
writes on SQLite, and bad files from users (exit 2, one clear line, nothing written)."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from faults_support import run_majobs, run_majobs_each
from sqlalchemy import select

from majobs.db import queries, runs
from majobs.db.engine import init_db, make_engine, session_factory
from majobs.db.models import CrawlRun, Posting, Sighting
from majobs.db.web_queries.review_queue import QueueFilters, queue_page
from majobs.dedup import canonical_url
from majobs.demoboard.generator import generate_market
from majobs.demoboard.server import DemoBoardServer

SIMPLE = ("greenhouse", "lever", "jsonld", "feed")


def sqlite_count(path: Path, sql: str) -> int:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute(sql).fetchone()[0])
    except sqlite3.Error:
        return 0                                     # no schema yet


# --- SIGKILL mid-run, then again, with readers --------------------------------------------------

@pytest.fixture(scope="module")
def killed(tmp_path_factory: pytest.TempPathFactory) -> Any:
    work = tmp_path_factory.mktemp("killed")
    (work / "majobs.toml").write_text("[crawl]\nautothrottle = false\nbatch_size = 4\n"
                                      "concurrent_requests_per_domain = 2\n")
    db_path = work / "killed.db"
    db = f"sqlite:///{db_path}"
    market = generate_market(postings=60, seed=41)
    with DemoBoardServer(market) as server:
        entries = [e for e in market.sources(server.base_url) if e["kind"] in SIMPLE]
        sources = work / "sources.yaml"
        sources.write_text(yaml.safe_dump({"sources": entries}))
        env = {**os.environ, "COLUMNS": "200"}
        env.pop("MAJOBS_DATABASE_URL", None)
        child = subprocess.Popen([sys.executable, "-m", "majobs.cli", "crawl", "--sources",
                                  str(sources), "--db", db, "-q"], cwd=work, env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while sqlite_count(db_path, "SELECT count(*) FROM postings") < 8:
            assert child.poll() is None, "the crawl ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        at_kill = snapshot(db_path)

        # A later board that removed postings the killed crawl had stored.
        stored = stored_urls(db_path)
        evolved, changes = next(
            (m, c) for m, c in map(market.evolve, range(1, 200)) if any(
                canonical_url(u) in stored for t in market.truth(server.base_url)
                if t.key in c.removed for u in t.urls))
        server.set_market(evolved)
        started = time.monotonic()
        server.faults.clear()
        reads: Counter[str] = Counter()
        stop = threading.Event()
        readers = [threading.Thread(target=read_like_the_web, args=(db, stop, reads))
                   for _ in range(2)]
        for reader in readers:
            reader.start()
        try:
            again = run_majobs("crawl", "--sources", str(sources), "--db", db, "-q", cwd=work)
        finally:
            stop.set()
            for reader in readers:
                reader.join(timeout=60)
        yield {"db": db, "db_path": db_path, "at_kill": at_kill, "again": again,
               "reads": reads, "truth": evolved.truth(server.base_url), "changes": changes,
               "old_truth": market.truth(server.base_url),
               "sources": {e["name"] for e in entries}, "code": child.returncode,
               "seconds": time.monotonic() - started}


def stored_urls(path: Path) -> set[str]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return {u for (u,) in conn.execute("SELECT canonical_url FROM sightings")}


def snapshot(path: Path) -> dict[str, Any]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return {
            "integrity": conn.execute("PRAGMA integrity_check").fetchone()[0],
            "fk": conn.execute("PRAGMA foreign_key_check").fetchall(),
            "postings": conn.execute("SELECT count(*) FROM postings").fetchone()[0],
            "orphans": conn.execute("SELECT count(*) FROM postings p WHERE NOT EXISTS "
                                    "(SELECT 1 FROM sightings s WHERE s.posting_id = p.id)"
                                    ).fetchone()[0],
            "running": conn.execute("SELECT count(*) FROM crawl_runs WHERE outcome = "
                                    "'running'").fetchone()[0],
        }


def read_like_the_web(db: str, stop: threading.Event, reads: Counter[str]) -> None:
    """What the admin pages read (as majobs.web.state does), in a loop, until the crawl
    is over."""
    Session = session_factory(make_engine(db), readonly=True)
    while not stop.is_set():
        try:
            with Session.begin() as session:
                runs.source_health(session)
                queries.posting_counts(session)
                queue_page(session, QueueFilters(statuses=()))
            reads["ok"] += 1
        except Exception as exc:  # the test reports every kind of failure
            reads[f"{type(exc).__name__}: {exc}"[:200]] += 1
        time.sleep(0.1)        # a busy admin, not a benchmark: leave the board some CPU


def test_killed_crawl_left_whole_batches(killed: dict[str, Any]) -> None:
    assert killed["code"] == -signal.SIGKILL
    at_kill = killed["at_kill"]
    assert at_kill["integrity"] == "ok" and at_kill["fk"] == []
    assert at_kill["postings"] >= 8 and at_kill["orphans"] == 0     # no half-written batch
    assert at_kill["running"] >= 1                 # the killed process never closed its runs


def test_the_next_crawl_completes_without_duplicates(killed: dict[str, Any]) -> None:
    again = killed["again"]
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    expected = {t.key: {canonical_url(u) for u in t.urls} for t in killed["truth"]
                if set(t.sources) & killed["sources"]}
    with session_factory(make_engine(killed["db"])).begin() as session:
        urls = session.execute(select(Sighting.posting_id, Sighting.canonical_url)).all()
        statuses = dict(session.execute(select(Posting.id, Posting.status)).all())
    posting_of = {url: pid for pid, url in urls}
    problems = []
    for key, key_urls in expected.items():
        found = {posting_of[u] for u in key_urls if u in posting_of}
        if len(found) != 1:
            problems.append(f"{key}: {len(found)} postings for {sorted(key_urls)}")
    assert not problems, problems
    active = {pid for pid, status in statuses.items() if status == "active"}
    live = {posting_of[u] for t in killed["truth"] if not t.expired
            and set(t.sources) & killed["sources"] for u in expected[t.key] if u in posting_of}
    assert live <= active
    # ... and it closed the runs the killed crawl left open, saying why
    with session_factory(make_engine(killed["db"])).begin() as session:
        runs = session.scalars(select(CrawlRun)).all()
        assert not [r.id for r in runs if r.outcome == "running"]
        assert any("ended without closing" in (r.error or "") for r in runs)


def test_the_next_crawl_expires_what_is_gone(killed: dict[str, Any]) -> None:
    removed = set(killed["changes"].removed)
    urls = {t.key: {canonical_url(u) for u in t.urls} for t in killed["old_truth"]
            if t.key in removed and set(t.sources) & killed["sources"]}
    with session_factory(make_engine(killed["db"])).begin() as session:
        finished = [r for r in session.scalars(select(CrawlRun))  # the second crawl's runs
                    if "ended without closing" not in (r.error or "")]
        stored = dict(session.execute(
            select(Sighting.canonical_url, Posting.status)
            .join(Posting, Posting.id == Sighting.posting_id)).all())
    assert finished and all(r.outcome == "success" and r.complete for r in finished)
    gone = {key: {stored[u] for u in key_urls if u in stored} for key, key_urls in urls.items()}
    assert all(statuses <= {"expired"} for statuses in gone.values()), gone
    assert any(gone.values())


def test_web_reads_during_the_crawl_never_see_a_locked_database(killed: dict[str, Any]) -> None:
    reads = killed["reads"]
    assert reads["ok"] >= 5, reads
    assert set(reads) == {"ok"}, reads


# --- bad files from users ----------------------------------------------------------------------

SOURCE = {"name": "valley", "kind": "greenhouse", "board": "valley",
          "api_url": "http://127.0.0.1:9"}
BAD_FILES: dict[str, tuple[tuple[str, ...], str, str]] = {
    # case: (command, file contents or "" for a missing file, what the line must name)
    "sources-unknown-key": (("crawl", "--sources"), yaml.safe_dump(
        {"sources": [{**SOURCE, "bord": "x"}]}), "unknown key"),
    "sources-wrong-type": (("crawl", "--sources"), yaml.safe_dump(
        {"sources": [{**SOURCE, "allow_local": "yes"}]}), "allow_local"),
    "sources-duplicate-name": (("crawl", "--sources"), yaml.safe_dump(
        {"sources": [SOURCE, SOURCE]}), "duplicate source name"),
    "sources-missing": (("crawl", "--sources"), "", "file not found"),
    "profile-unknown-key": (("match", "--profile"), "name: Jo\nlocation: '78701'\n"
                            "certifications: [CCMA]\nfavourite_colour: blue\n",
                            "favourite_colour"),
    "profile-wrong-type": (("match", "--profile"), "name: Jo\nradius_miles: far\n",
                           "radius_miles"),
    "profile-missing": (("match", "--profile"), "", "not found"),
}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def bad_inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("bad-input")
    existing = work / "existing.db"
    init_db(f"sqlite:///{existing}").dispose()
    before = digest(existing)
    commands, fresh = [], {}
    for case, (command, text, _) in BAD_FILES.items():
        given = work / f"{case}.yaml"
        if text:
            given.write_text(text)
        fresh[case] = work / f"{case}.db"
        db = existing if command[0] == "match" else fresh[case]
        commands.append(([*command, str(given), "--db", f"sqlite:///{db}"], work))
    settings = work / "settings"
    settings.mkdir()
    (settings / "majobs.toml").write_text("[crawl]\ndownload_timout = 3\n")
    (settings / "sources.yaml").write_text(yaml.safe_dump({"sources": [SOURCE]}))
    commands.append((["crawl", "--sources", "sources.yaml", "--db",
                      f"sqlite:///{settings / 'x.db'}"], settings))
    done = run_majobs_each(commands)
    return {"results": dict(zip(BAD_FILES, done, strict=False)), "fresh": fresh,
            "existing": existing, "before": before, "settings": (done[-1], settings)}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_exit_2_with_one_clear_line(bad_inputs: dict[str, Any], case: str) -> None:
    done = bad_inputs["results"][case]
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 2, done.stderr[-2000:]
    assert len(lines) == 1, lines
    (line,) = lines
    assert line.startswith("majobs: ") and f"{case}.yaml" in line
    assert BAD_FILES[case][2] in line, line
    assert done.stdout.strip() == ""
    assert not bad_inputs["fresh"][case].exists()                # nothing created
    assert digest(bad_inputs["existing"]) == bad_inputs["before"]  # nothing written


def test_bad_settings_file_exits_2_before_anything(bad_inputs: dict[str, Any]) -> None:
    done, where = bad_inputs["settings"]
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 2 and len(lines) == 1, done.stderr
    assert "majobs.toml" in lines[0] and "download_timout" in lines[0]
    assert not (where / "x.db").exists()
