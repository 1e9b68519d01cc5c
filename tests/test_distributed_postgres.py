"""The crawl end-to-end tests once more on PostgreSQL, the database of a deployment on
several hosts: the tests of ``test_e2e_crawl.py`` are imported here, so pytest runs them
again against this module's ``board`` fixture (same board, a PostgreSQL database). Then
the other commands through ``MAJOBS_DATABASE_URL`` alone, as a deployment sets it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import test_e2e_crawl
from sqlalchemy import Engine
from test_e2e_crawl import (  # noqa: F401 (the test_* functions are collected again here)
    export,
    majobs,
    test_classification_and_fields_equal_the_truth,
    test_every_posting_once_with_every_url,
    test_first_crawl_succeeds,
    test_recrawl_unchanged_then_changed,
)

from majobs.db.engine import make_engine
from majobs.demoboard import DEMO_CREDENTIALS
from majobs.demoboard.generator import generate_market
from majobs.demoboard.server import DemoBoardServer

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
SAMPLE_PROFILE = Path(__file__).resolve().parent.parent / "majobs" / "data" / "sample_profile.yaml"


@pytest.fixture(autouse=True)
def disposed_engines(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The imported tests make engines and leave them: on PostgreSQL the garbage collector
    would close their pooled connections (a ResourceWarning). Close them after each test."""
    made: list[Engine] = []

    def tracked(url: str, **kw: Any) -> Engine:
        made.append(make_engine(url, **kw))
        return made[-1]

    monkeypatch.setattr(test_e2e_crawl, "make_engine", tracked)
    yield
    for engine in made:
        engine.dispose()


@pytest.fixture(scope="module")
def board(tmp_path_factory, new_database):
    """``test_e2e_crawl.board``, on PostgreSQL."""
    work = tmp_path_factory.mktemp("e2e-pg")
    (work / "majobs.toml").write_text(
        "[crawl]\nautothrottle = false\nconcurrent_requests_per_domain = 16\n")
    market = generate_market(postings=120, seed=11)
    with DemoBoardServer(market) as server:
        sources = work / "sources.yaml"
        sources.write_text(market.sources_yaml(server.base_url))
        db = new_database("postgresql")
        first = majobs("crawl", "--sources", str(sources), "--db", db, "-q", cwd=work)
        yield {"market": market, "server": server, "sources": sources, "db": db,
               "work": work, "first": first, "rows": export(db, work)}


def with_env_database(*args: str, db: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **DEMO_CREDENTIALS, "COLUMNS": "200", "MAJOBS_DATABASE_URL": db}
    return subprocess.run([sys.executable, "-m", "majobs.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_commands_read_the_database_from_the_environment(board) -> None:
    db, work = board["db"], board["work"]
    rows = export(db, work)
    ma_active = {r["id"] for r in rows if r["is_ma"] and r["status"] == "active"}
    exported = with_env_database("export", "postings", db=db, cwd=work)
    assert exported.returncode == 0, exported.stderr
    assert {json.loads(line)["id"] for line in exported.stdout.splitlines()} == ma_active
    runs = with_env_database("runs", "--limit", "500", db=db, cwd=work)
    assert runs.returncode == 0, runs.stderr
    assert all(s["name"] in runs.stdout for s in board["market"].sources(""))
    matched = with_env_database("match", "--profile", str(SAMPLE_PROFILE), "--format", "json",
                                "--limit", "5", db=db, cwd=work)
    assert matched.returncode == 0, matched.stderr
    found = json.loads(matched.stdout)
    assert found and {m["posting_id"] for m in found} <= ma_active
