"""Settings precedence and the CSV flattening of export rows."""

from __future__ import annotations

import io

import pytest

from majobs.commands.export import flatten, write_csv, write_jsonl
from majobs.config import load_config
from majobs.errors import InputError


def test_defaults_then_file_then_environment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MAJOBS_DATABASE_URL", raising=False)
    monkeypatch.delenv("MAJOBS_CONFIG", raising=False)
    assert load_config()["database_url"] == "sqlite:///majobs.db"
    (tmp_path / "majobs.toml").write_text(
        'database_url = "sqlite:///x.db"\n[crawl]\nbatch_size = 50\n')
    cfg = load_config()
    assert cfg["database_url"] == "sqlite:///x.db"
    assert cfg["crawl"]["batch_size"] == 50
    assert cfg["crawl"]["retry_times"] == 2  # untouched defaults stay
    monkeypatch.setenv("MAJOBS_DATABASE_URL", "postgresql+psycopg://h/db")
    assert load_config()["database_url"] == "postgresql+psycopg://h/db"


@pytest.mark.parametrize(
    ("toml", "says"),
    [("[crawl]\nbatch_sise = 5\n", "crawl.batch_sise: unknown setting"),
     ("crawl = 5\n", "crawl: must be a table"),
     ("[crawl\n", "not valid TOML")],
)
def test_bad_settings_files(tmp_path, toml, says):
    f = tmp_path / "m.toml"
    f.write_text(toml)
    with pytest.raises(InputError, match=says.replace("[", r"\[")):
        load_config(f)


def test_flatten_and_writers():
    row = {"id": 1, "location": {"city": "Austin", "lat": 30.2}, "urls": ["a", "b"], "pay": None}
    assert flatten(row) == {"id": 1, "location.city": "Austin", "location.lat": 30.2,
                            "urls": "a|b", "pay": None}
    out = io.StringIO()
    assert write_csv([row, row], out) == 2
    lines = out.getvalue().splitlines()
    assert lines[0] == "id,location.city,location.lat,urls,pay"
    assert lines[1] == "1,Austin,30.2,a|b,"
    out = io.StringIO()
    assert write_jsonl([row], out) == 1
    assert out.getvalue().startswith('{"id": 1, "location": {"city": "Austin"')


def test_api_credentials_from_the_settings_file_reach_the_spiders(tmp_path):
    from majobs.crawl.runner import build_settings

    f = tmp_path / "m.toml"
    f.write_text('[usajobs]\nkey = "k-123"\nemail = "me@example.org"\n'
                 '[careeronestop]\ntoken = "t-9"\nuser_id = "u-1"\n')
    settings = build_settings("sqlite:///x.db", load_config(f))
    assert (settings["MAJOBS_USAJOBS_KEY"], settings["MAJOBS_USAJOBS_EMAIL"]) == (
        "k-123", "me@example.org")
    assert (settings["MAJOBS_CAREERONESTOP_TOKEN"], settings["MAJOBS_CAREERONESTOP_USERID"]) == (
        "t-9", "u-1")
    assert "MAJOBS_USAJOBS_KEY" not in build_settings("sqlite:///x.db", load_config())
