"""End to end: one night of `majobs schedule` as its own process, with the demo board, a
cohort of candidates and a local SMTP server (one scenario, several checks).

Cron every 4 s; the greenhouse API is made slow (demo-board fault), so the first run
outlasts several slots, which are recorded as skipped, not started alongside. The
scheduler is killed with SIGKILL during the second crawl: its crawl child dies with it.
The board changes; restarted, the scheduler keeps its job, marks the killed run
interrupted, runs the slot it missed (a second recorded run) and runs no slot twice.

Digests are checked against the matcher run directly on the stored profiles (not against
the alerts code or the matches table): the first run sends each subscriber every match at
or above their threshold; after the board changed exactly the subscribers with new
matching postings get one digest each, listing only those postings.
"""

from __future__ import annotations

import itertools
import math
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select
from test_alerts_smtp import smtp_server

from majobs.db import match_store
from majobs.db.engine import init_db, make_engine, session_factory
from majobs.db.models import CrawlRun, Posting, ScheduleEvent, SchedulerJob
from majobs.dedup import canonical_url
from majobs.demoboard.generator import generate_market
from majobs.demoboard.server import DemoBoardServer, Request
from majobs.matcher.cohort import match_profile
from majobs.matcher.profile import parse_profile
from majobs.normalize.geocode import lookup_zip

pytestmark = pytest.mark.slow
WAIT_S = 240        # a busy 2-core machine: generous ceilings, nothing is timed
SLOW_S = 6          # the slowed greenhouse answer
LIMIT = 100         # matcher limit: every posting in reach is a match
NEEDS_KEYS = {"usajobs", "careeronestop"}     # real credentials: not crawled here
PROFILES = {        # name: (where, radius, alerts)
    "Nia Near": ("near", 15, {"email": "nia@example.org", "min_score": 0.0}),
    "Fay Far": ("far", 20, {"email": "fay@example.org", "min_score": 0.0}),
    "Quinn Quiet": ("near", 15, {"email": "quinn@example.org", "min_score": 0.99}),
    "Otto Off": ("near", 15, None),
}


# --- the world ------------------------------------------------------------------------------

def miles(a: str, b: str) -> float:
    pa, pb = lookup_zip(a), lookup_zip(b)
    assert pa is not None and pb is not None
    lat1, lon1, lat2, lon2 = map(math.radians, (pa.lat, pa.lon, pb.lat, pb.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + \
        math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 3958.8 * math.asin(math.sqrt(h))


def choose_world() -> tuple[Any, Any, Any, dict[str, str]]:
    """A market; its next state, which adds an MA posting at a known ZIP crawled here; that
    ZIP and a market ZIP far from every added posting (a deterministic search)."""
    market = generate_market(postings=60, seed=21)
    crawled = {s["name"] for s in market.sources("") if s["kind"] not in NEEDS_KEYS}
    for seed in range(1, 40):
        evolved, changes = market.evolve(seed)
        truth = {t.key: t for t in evolved.truth("")}
        added = [truth[k] for k in changes.added]
        near = next((t for t in added if t.is_ma and t.postal_code
                     and crawled & set(t.sources)), None)
        if near is None or any(t.postal_code is None for t in added):
            continue
        far = next((t.postal_code for t in market.truth("") if t.is_ma and t.postal_code
                    and all(miles(t.postal_code, a.postal_code) > 150 for a in added)), None)
        if far is not None:
            return market, evolved, near, {"near": near.postal_code, "far": far}
    raise AssertionError("no evolve seed adds an MA posting at a known ZIP")


def add_candidates(db: str, zips: dict[str, str]) -> dict[str, dict[str, Any]]:
    engine = init_db(db)
    profiles = {}
    with session_factory(engine).begin() as s:
        for name, (where, radius, alerts) in PROFILES.items():
            data: dict[str, Any] = {"name": name, "location": zips[where],
                                    "radius_miles": radius, "certifications": ["CCMA", "BLS"],
                                    "skills": ["phlebotomy", "vital signs", "EKG"]}
            if alerts:
                data["alerts"] = alerts
            profiles[name] = data
            match_store.save_candidate(s, name, data, alerts["email"] if alerts else None)
    engine.dispose()
    return profiles


# --- watching the scheduler ---------------------------------------------------------------

def scheduler(work: Path, db: str, smtp_port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "COLUMNS": "200", "MAJOBS_SMTP_HOST": "127.0.0.1",
           "MAJOBS_SMTP_PORT": str(smtp_port), "MAJOBS_SMTP_STARTTLS": "false"}
    env.pop("MAJOBS_DATABASE_URL", None)
    with open(work / "scheduler.log", "ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "majobs.scheduling", "schedule", "--sources",
             str(work / "sources.yaml"), "--db", db], cwd=work, env=env, stdout=out,
            stderr=subprocess.STDOUT)


def cli(work: Path, db: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "250"}
    return subprocess.run([sys.executable, "-m", "majobs.scheduling", "schedule", "--db", db,
                           *args], cwd=work, env=env, capture_output=True, text=True,
                          timeout=120)


def read(db: str) -> tuple[list[ScheduleEvent], list[CrawlRun]]:
    engine = make_engine(db)
    try:
        with session_factory(engine).begin() as s:
            return (list(s.scalars(select(ScheduleEvent).order_by(ScheduleEvent.slot))),
                    list(s.scalars(select(CrawlRun).order_by(CrawlRun.id))))
    finally:
        engine.dispose()


def wait_until(db: str, test: Callable[[list[ScheduleEvent], list[CrawlRun]], bool],
               what: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if test(*read(db)):
            return
        if proc.poll() is not None:
            raise AssertionError(f"scheduler exited {proc.returncode} waiting for {what}")
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(") ", 1)[1][0] != "Z"    # a zombie has died
    except FileNotFoundError:
        return False


def successes(events: list[ScheduleEvent]) -> list[ScheduleEvent]:
    return [e for e in events if e.status == "success"]


def slow(req: Request) -> None:
    time.sleep(SLOW_S)


# --- digests ------------------------------------------------------------------------------

def expected(db: str, profiles: dict[str, dict[str, Any]]) -> dict[str, set[int]]:
    """Per subscriber: postings the matcher ranks for them at or above their threshold."""
    engine = make_engine(db)
    try:
        return {name: {r.posting_id for r in match_profile(engine, parse_profile(data, name),
                                                           LIMIT)
                       if r.score >= data["alerts"]["min_score"]}
                for name, data in profiles.items() if data.get("alerts")}
    finally:
        engine.dispose()


def digests(db: str, messages: list[Any]) -> dict[str, list[int]]:
    """Recipient name -> posting ids listed in their digest."""
    engine = make_engine(db)
    with session_factory(engine).begin() as s:
        by_url = dict(s.execute(select(Posting.canonical_url, Posting.id)).all())
    engine.dispose()
    out: dict[str, list[int]] = {}
    for _, _, msg in messages:
        name = msg["To"].addresses[0].display_name
        assert name not in out, f"two digests for {name} in one run"
        urls = re.findall(r"^   (https?://\S+)\r?$", msg.get_content(), flags=re.M)
        out[name] = [by_url[u] for u in urls]
    return out


# --- the night ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    market, evolved, added, zips = choose_world()
    work = tmp_path_factory.mktemp("night")
    (work / "majobs.toml").write_text(
        "[crawl]\nautothrottle = false\nconcurrent_requests_per_domain = 16\n"
        "[schedule]\nnightly = \"*/4 * * * * *\"\njitter_seconds = 0\n"
        "misfire_grace_seconds = 3600\nlock_check_seconds = 1\nstop_grace_seconds = 30\n"
        f"[matcher]\nlimit = {LIMIT}\n[alerts]\nmin_score = 0.6\n")
    db = f"sqlite:///{work / 'majobs.db'}"
    profiles = add_candidates(db, zips)
    out: dict[str, Any] = {"work": work, "db": db, "profiles": profiles}
    with DemoBoardServer(market) as server, smtp_server() as (inbox, port):
        sources = [s for s in market.sources(server.base_url) if s["kind"] not in NEEDS_KEYS]
        (work / "sources.yaml").write_text(yaml.safe_dump({"sources": sources}))
        server.faults["/v1/boards/"] = slow
        first = scheduler(work, db, port)
        try:
            wait_until(db, lambda ev, _: len(successes(ev)) >= 1, "a first run", first)
            out["first_digests"] = digests(db, inbox.messages)
            out["before"] = expected(db, profiles)
            sent_first = len(inbox.messages)

            def second_crawl_running(ev: list[ScheduleEvent], runs: list[CrawlRun]) -> bool:
                started = [e for e in ev if e.started_at]
                return len(started) == 2 and started[-1].status == "running" and \
                    any(r.outcome == "running" for r in runs)

            wait_until(db, second_crawl_running, "the second crawl under way", first)
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(30)
        out["killed_at"] = time.time()
        out["at_kill"] = read(db)
        child = next(e for e in out["at_kill"][0] if e.status == "running").steps["crawl"]["pid"]
        deadline = time.monotonic() + WAIT_S
        while alive(child) and time.monotonic() < deadline:
            time.sleep(0.2)
        out["child"], out["child_alive"] = child, alive(child)
        engine = make_engine(db)
        with engine.connect() as conn:
            out["jobs_after_kill"] = conn.execute(select(SchedulerJob.id)).scalars().all()
        engine.dispose()

        server.faults.clear()
        server.set_market(evolved)
        second = scheduler(work, db, port)
        try:
            wait_until(db, lambda ev, _: any(
                e.status == "success" and e.started_at.timestamp() > out["killed_at"]
                for e in ev), "a run after the restart", second)
        finally:
            second.send_signal(signal.SIGTERM)
            out["second_exit"] = second.wait(WAIT_S)
        out["second_digests"] = digests(db, inbox.messages[sent_first:])
        out["after"] = expected(db, profiles)
        [out["added_url"]] = [canonical_url(t.urls[0]) for t in evolved.truth(server.base_url)
                              if t.key == added.key]
    out["events"], out["runs"] = read(db)
    yield out


def test_slow_first_run_was_not_overlapped(night: dict[str, Any]) -> None:
    events = night["events"]
    slowed = successes(events)[0]
    assert slowed.steps["crawl"]["seconds"] >= SLOW_S
    skipped = [e for e in events if e.status == "skipped"
               and slowed.started_at < e.slot < slowed.finished_at]
    assert skipped and all("still going" in e.error for e in skipped)
    ran = sorted((e for e in events if e.started_at is not None), key=lambda e: e.started_at)
    for a, b in itertools.pairwise(ran):
        assert a.finished_at is not None and a.finished_at <= b.started_at, (a.id, b.id)


def test_killed_scheduler_restarts_and_runs_no_slot_twice(night: dict[str, Any]) -> None:
    events, runs = night["events"], night["runs"]
    assert not night["child_alive"], "the crawl child outlived its scheduler"
    assert night["jobs_after_kill"] == ["nightly"]
    assert night["second_exit"] == 0
    assert "scheduler stopped" in (night["work"] / "scheduler.log").read_text()
    [killed] = [e for e in night["at_kill"][0] if e.status == "running"]
    assert killed.steps["crawl"] == {"sources": killed.steps["crawl"]["sources"],
                                     "pid": night["child"], "running": True}
    final = {e.id: e for e in events}[killed.id]
    assert final.status == "interrupted" and "ended before this run finished" in final.error
    assert len(successes(events)) >= 2
    assert len({e.slot for e in events}) == len(events)
    ran = [e for e in events if e.started_at is not None]
    for run in runs:            # every crawl run inside exactly one recorded slot's run
        owners = [e for e in ran if e.started_at <= run.started_at <= e.finished_at]
        assert len(owners) == 1, (run.id, [o.id for o in owners])
    spans: dict[int, list[float]] = {}
    for run in runs:            # crawl children never overlap
        end = (run.finished_at or run.started_at).timestamp()
        span = spans.setdefault(run.pid, [run.started_at.timestamp(), end])
        span[0], span[1] = min(span[0], run.started_at.timestamp()), max(span[1], end)
    for a, b in itertools.pairwise(sorted(spans.values())):
        assert a[1] <= b[0]
    # Scrapy closes them on SIGTERM ("stopped early (shutdown)"), except when the signal
    # comes while its spiders are still opening: then the restarted scheduler does.
    killed_runs = [r for r in runs if r.pid == night["child"]]
    assert killed_runs and all(r.outcome in ("partial", "failed") for r in killed_runs)
    assert all("stopped early (shutdown)" in r.error or "without closing this run" in r.error
               for r in killed_runs)
    assert not any(r.outcome == "running" for r in runs)


def test_first_digests_hold_every_match_above_the_threshold(night: dict[str, Any]) -> None:
    before, got = night["before"], night["first_digests"]
    assert {n: set(ids) for n, ids in got.items()} == {n: v for n, v in before.items() if v}
    assert before["Nia Near"] and before["Fay Far"] and not before["Quinn Quiet"]


def test_after_the_board_changed_only_new_postings_are_sent(night: dict[str, Any]) -> None:
    before, after, got = night["before"], night["after"], night["second_digests"]
    new = {n: after[n] - before[n] for n in after}
    assert {n: set(ids) for n, ids in got.items()} == {n: v for n, v in new.items() if v}
    assert all(len(ids) == len(set(ids)) for ids in got.values())
    engine = make_engine(night["db"])
    with session_factory(engine).begin() as s:
        added = s.scalars(select(Posting.id).where(
            Posting.canonical_url == night["added_url"])).one()
    engine.dispose()
    assert added in got["Nia Near"]            # the board's new posting near her
    assert set(got) == {"Nia Near"}            # far away, above 0.99 or opted out: nothing


def test_history_and_list(night: dict[str, Any]) -> None:
    work, db = night["work"], night["db"]
    history = cli(work, db, "--history", "--limit", "100")
    assert history.returncode == 0, history.stderr
    for word in ("nightly", "success", "skipped", "interrupted"):
        assert word in history.stdout
    listing = cli(work, db, "--sources", str(work / "sources.yaml"), "--list")
    assert listing.returncode == 0, listing.stderr
    assert "nightly" in listing.stdout and "*/4 * * * * *" in listing.stdout
