"""The matcher's CLI commands through ``majobs.cli.main``: outputs, exit codes, messages.
SQLite only: the SQL underneath runs on both backends in test_matcher_store."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys
from pathlib import Path

import pytest
from test_matcher_store import add_posting

from majobs.cli import main
from majobs.db.engine import init_db, session_factory

PROFILE_YAML = """\
name: Jordan Rivera
location: "78701"
radius_miles: 25
certifications: [CCMA, BLS]
skills: [phlebotomy, vital signs, EKG, forklift operation]
specializations: [pediatrics]
employment_types: [full_time]
min_pay_hourly: 18
"""


def run(args: list[str], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["majobs", *args])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty migrated SQLite file, copied for each test (migrating once is enough)."""
    path = tmp_path_factory.mktemp("template") / "majobs.db"
    init_db(f"sqlite:///{path}").dispose()
    return path


@pytest.fixture
def setup(migrated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    monkeypatch.setenv("MAJOBS_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("MAJOBS_CONFIG", str(tmp_path / "none.toml"))
    shutil.copy(migrated, tmp_path / "majobs.db")
    db_url = f"sqlite:///{tmp_path / 'majobs.db'}"
    engine = init_db(db_url)
    with session_factory(engine).begin() as s:
        near = add_posting(s, title="Pediatric Medical Assistant with a very long title "
                                    "that has to wrap inside eighty columns",
                           required_certifications=["CET"])
        good = add_posting(s, "roundrock")
        add_posting(s, "seattle")
    engine.dispose()
    profile = tmp_path / "jordan.yaml"
    profile.write_text(PROFILE_YAML, encoding="utf-8")
    return {"db": db_url, "profile": str(profile), "near": near, "good": good,
            "tmp": tmp_path}


def test_match_profile_json_fields(setup: dict, capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run(["match", "--profile", setup["profile"], "--format", "json",
                        "--db", setup["db"]], capsys, monkeypatch)
    assert code == 0
    records = json.loads(out)
    assert [r["posting_id"] for r in records] == [setup["good"], setup["near"]]
    first = records[0]
    for key in ("posting_id", "urls", "title", "employer", "location", "score", "matched",
                "missing", "pay", "distance_miles", "explanation"):
        assert key in first
    assert first["urls"][0].startswith("https://jobs.example.org/p/")
    assert "utm_source" not in first["urls"][0] and len(first["urls"]) == 2
    assert 0 < first["score"] <= 1 and 15 < first["distance_miles"] < 20
    assert first["pay"]["min"] == 19.0 and first["location"]["city"] == "Round Rock"
    assert records[1]["missing"] == ["CET"]


def test_match_table_fits_80_columns_and_csv(setup: dict, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run(["match", "--profile", setup["profile"], "--db", setup["db"]],
                       capsys, monkeypatch)
    assert code == 0 and "Round Rock" in out and "CET" in out
    assert max(len(line) for line in out.splitlines()) <= 80
    code, out, _ = run(["match", "--profile", setup["profile"], "--format", "csv",
                        "--limit", "1", "--db", setup["db"]], capsys, monkeypatch)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 1 and rows[0]["posting_id"] == str(setup["good"])


@pytest.mark.parametrize(("args", "message"), [
    (["match"], "exactly one of --profile"),
    (["match", "--profile", "{profile}", "--format", "xml"], "--format: must be one of"),
    (["match", "--profile", "{profile}", "--limit", "0"], "--limit: must be at least 1"),
    (["match", "--profile", "{tmp}/missing.yaml"], "missing.yaml: file not found"),
    (["match", "--profile", "{tmp}/bad.yaml"], "bad.yaml: certifications[0]: unknown"),
    (["match", "--candidate", "Nobody"], "candidate: no candidate named 'Nobody'"),
    (["track", "Nobody", "1", "applied"], "no candidate named"),
    (["block", "add"], "exactly one of --employer"),
    (["block", "remove", "999999"], "no block rule with id 999999"),
])
def test_bad_input_exits_2_with_one_line(setup: dict, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch, args: list[str],
                                         message: str) -> None:
    (Path(setup["tmp"]) / "bad.yaml").write_text("certifications: [Wizard]\n", "utf-8")
    args = [a.format(**setup) for a in args] + ["--db", setup["db"]]
    code, _, err = run(args, capsys, monkeypatch)
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1


def test_candidates_track_block_and_cohort(setup: dict, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    db = ["--db", setup["db"]]
    code, out, _ = run(["candidates", "add", setup["profile"], *db], capsys, monkeypatch)
    assert code == 0 and "added candidate Jordan Rivera" in out and "forklift operation" in out
    code, out, _ = run(["match", "--all-candidates", *db], capsys, monkeypatch)
    assert code == 0 and "Jordan Rivera: 2 matches, 2 new" in out
    code, out, _ = run(["track", "Jordan Rivera", str(setup["near"]), "not_interested", *db],
                       capsys, monkeypatch)
    assert code == 0
    code, out, _ = run(["match", "--candidate", "jordan rivera", "--format", "json", *db],
                       capsys, monkeypatch)
    records = json.loads(out)
    assert [r["posting_id"] for r in records] == [setup["good"]]
    assert records[0]["is_new"] is False
    code, out, _ = run(["block", "add", "--employer", records[0]["employer"], *db],
                       capsys, monkeypatch)
    assert code == 0 and "for everyone" in out
    code, out, _ = run(["match", "--profile", setup["profile"], "--format", "json", *db],
                       capsys, monkeypatch)
    assert setup["good"] not in [r["posting_id"] for r in json.loads(out)]
    code, out, _ = run(["candidates", "show", "Jordan Rivera", "--format", "json", *db],
                       capsys, monkeypatch)
    shown = json.loads(out)[0]
    assert shown["profile"]["name"] == "Jordan Rivera"
    assert [m["posting_id"] for m in shown["matches"]] == [setup["good"]]
    code, out, _ = run(["candidates", "list", *db], capsys, monkeypatch)
    assert "Jordan Rivera" in out
    code, out, _ = run(["index", "rebuild", *db], capsys, monkeypatch)
    assert code == 0 and "indexed 3 postings" in out
    code, out, _ = run(["candidates", "remove", "Jordan Rivera", *db], capsys, monkeypatch)
    assert code == 0
    code, out, _ = run(["candidates", "list", *db], capsys, monkeypatch)
    assert "Jordan" not in out
