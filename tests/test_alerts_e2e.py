"""End to end: the demo board, `schedule --run-now nightly` (crawl child, index, match,
alerts) twice with the board changed in between, digests by SMTP to a local server.

Expected digests come from the matcher run directly on the stored profiles (not from the
alerts code or the matches table): the first run sends each subscriber every match at or
above their threshold; after the board changes exactly the subscribers with new matching
postings get one digest each, listing only those postings, and the posting the board added
near a candidate reaches that candidate.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select
from test_alerts_smtp import smtp_server

from majobs.db import match_store
from majobs.db.engine import init_db, session_factory
from majobs.db.models import Posting
from majobs.dedup import canonical_url
from majobs.demoboard.generator import generate_market
from majobs.demoboard.server import DemoBoardServer
from majobs.matcher.cohort import match_profile
from majobs.matcher.profile import parse_profile
from majobs.normalize.geocode import lookup_zip

pytestmark = pytest.mark.slow
NEEDS_KEYS = {"usajobs", "careeronestop"}     # real credentials: not part of this board run
LIMIT = 100                                   # every posting in reach is a match


def miles(a: str, b: str) -> float:
    pa, pb = lookup_zip(a), lookup_zip(b)
    assert pa is not None and pb is not None
    lat1, lon1, lat2, lon2 = map(math.radians, (pa.lat, pa.lon, pb.lat, pb.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + \
        math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 3958.8 * math.asin(math.sqrt(h))


def choose_world() -> tuple[Any, Any, Any, str, str]:
    """A market, its next state with an MA posting added at a known ZIP, that ZIP and a
    market ZIP far from every added posting (deterministic search, not hand-picked)."""
    market = generate_market(postings=60, seed=21)
    for seed in range(1, 40):
        evolved, changes = market.evolve(seed)
        truth = {t.key: t for t in evolved.truth("")}
        added = [truth[k] for k in changes.added]
        near = next((t for t in added if t.is_ma and t.postal_code), None)
        if near is None or any(t.postal_code is None for t in added):
            continue
        far = next((t.postal_code for t in market.truth("") if t.is_ma and t.postal_code
                    and all(miles(t.postal_code, a.postal_code) > 150 for a in added)), None)
        if far is not None:
            return market, evolved, near, near.postal_code, far
    raise AssertionError("no evolve seed adds an MA posting at a known ZIP")


PROFILES = {
    "Nia Near": ("{near}", 15, {"email": "nia@example.org", "min_score": 0.0}),
    "Fay Far": ("{far}", 20, {"email": "fay@example.org", "min_score": 0.0}),
    "Quinn Quiet": ("{near}", 15, {"email": "quinn@example.org", "min_score": 0.99}),
    "Otto Off": ("{near}", 15, None),
}


def run_now(work: Path, db: str, port: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MAJOBS_SMTP_HOST": "127.0.0.1", "MAJOBS_SMTP_PORT": str(port),
           "MAJOBS_SMTP_STARTTLS": "false", "COLUMNS": "200"}
    env.pop("MAJOBS_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "majobs.scheduling", "schedule", "--sources",
         str(work / "sources.yaml"), "--db", db, "--run-now", "nightly"],
        cwd=work, env=env, capture_output=True, text=True, timeout=600)


def expected(engine: Any, profiles: dict[str, dict[str, Any]]) -> dict[str, set[int]]:
    """Per subscriber: postings the matcher ranks for them at or above their threshold."""
    out = {}
    for name, data in profiles.items():
        if not data.get("alerts"):
            continue
        profile = parse_profile(data, name)
        out[name] = {r.posting_id for r in match_profile(engine, profile, LIMIT)
                     if r.score >= data["alerts"]["min_score"]}
    return out


def received(inbox: Any, engine: Any, start: int) -> dict[str, list[int]]:
    """Recipient name -> posting ids listed in their digest (messages from ``start`` on)."""
    with session_factory(engine).begin() as s:
        by_url = dict(s.execute(select(Posting.canonical_url, Posting.id)).all())
    out: dict[str, list[int]] = {}
    for _, _, msg in inbox.messages[start:]:
        name = msg["To"].addresses[0].display_name
        assert name not in out, f"two digests for {name} in one run"
        urls = re.findall(r"^   (https?://\S+)\r?$", msg.get_content(), flags=re.M)
        out[name] = [by_url[u] for u in urls]
    return out


def test_digests_after_the_board_changes(tmp_path: Path) -> None:
    market, evolved, added, near_zip, far_zip = choose_world()
    work = tmp_path
    (work / "majobs.toml").write_text(
        "[crawl]\nautothrottle = false\nconcurrent_requests_per_domain = 16\n"
        f"[matcher]\nlimit = {LIMIT}\n[alerts]\nmin_score = 0.6\n")
    db = f"sqlite:///{work / 'majobs.db'}"
    engine = init_db(db)
    profiles = {}
    with session_factory(engine).begin() as s:
        for name, (zip_, radius, alerts) in PROFILES.items():
            data = {"name": name, "location": zip_.format(near=near_zip, far=far_zip),
                    "radius_miles": radius, "certifications": ["CCMA", "BLS"],
                    "skills": ["phlebotomy", "vital signs", "EKG"]}
            if alerts:
                data["alerts"] = alerts
            profiles[name] = data
            match_store.save_candidate(s, name, data, alerts["email"] if alerts else None)

    with DemoBoardServer(market) as server, smtp_server() as (inbox, port):
        sources = [s for s in market.sources(server.base_url) if s["kind"] not in NEEDS_KEYS]
        (work / "sources.yaml").write_text(yaml.safe_dump({"sources": sources}))

        first = run_now(work, db, port)
        assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
        assert "nightly: success" in first.stdout
        before = expected(engine, profiles)
        got = received(inbox, engine, 0)
        assert {n: set(ids) for n, ids in got.items()} == \
            {n: ids for n, ids in before.items() if ids}
        assert before["Nia Near"] and before["Fay Far"] and not before["Quinn Quiet"]
        sent_first = len(inbox.messages)

        server.set_market(evolved)
        second = run_now(work, db, port)
        assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
        after = expected(engine, profiles)
        new = {n: after[n] - before[n] for n in after}
        got = received(inbox, engine, sent_first)
        assert {n: set(ids) for n, ids in got.items()} == {n: v for n, v in new.items() if v}
        assert all(len(ids) == len(set(ids)) for ids in got.values())

        with session_factory(engine).begin() as s:
            by_url = dict(s.execute(select(Posting.canonical_url, Posting.id)).all())
        [added_url] = [canonical_url(t.urls[0]) for t in evolved.truth(server.base_url)
                       if t.key == added.key]
        assert by_url[added_url] in got["Nia Near"]     # the board's new posting near her
        assert "Fay Far" not in got and "Quinn Quiet" not in got and "Otto Off" not in got
    engine.dispose()
