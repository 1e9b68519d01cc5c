"""``majobs users`` add / list / remove (the web package's typer app)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner
from web_support import use_fast_hasher

from majobs.db.engine import make_engine, session_factory
from majobs.web.auth import verify_password
from majobs.web.cli import app

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    use_fast_hasher(monkeypatch)
    monkeypatch.chdir(tmp_path)  # no majobs.toml around
    return f"sqlite:///{tmp_path / 'web.db'}"


def _hash_of(db: str, name: str) -> str:
    from majobs.db.web_queries.users import credentials

    engine = make_engine(db)
    with session_factory(engine).begin() as session:
        found = credentials(session, name)
    engine.dispose()
    assert found is not None
    return found[1]


def test_add_list_remove(db: str) -> None:
    added = runner.invoke(app, ["users", "add", "ada", "--role", "admin", "--password-stdin",
                                "--db", db], input="a long password\n")
    assert added.exit_code == 0, added.output
    assert verify_password(_hash_of(db, "ada"), "a long password")
    assert not verify_password(_hash_of(db, "ada"), "a long password\n")
    prompted = runner.invoke(app, ["users", "add", "sam", "--db", db],
                             input="staff secret 1\nstaff secret 1\n")
    assert prompted.exit_code == 0, prompted.output
    listed = runner.invoke(app, ["users", "list", "--db", db])
    lines = [line.split("\t")[:2] for line in listed.output.splitlines()]
    assert lines == [["ada", "admin"], ["sam", "staff"]]
    removed = runner.invoke(app, ["users", "remove", "sam", "--db", db])
    assert removed.exit_code == 0
    again = runner.invoke(app, ["users", "remove", "sam", "--db", db])
    assert again.exit_code == 2 and "no user named 'sam'" in again.output


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (["users", "add", "bob", "--role", "root", "--password-stdin"], "long enough 1\n",
     "role: must be one of admin, staff"),
    (["users", "add", "bob", "--password-stdin"], "short\n", "at least 8 characters"),
    (["users", "add", "  ", "--password-stdin"], "long enough 1\n", "name: is required"),
    (["users", "add", "bob", "--password-stdin"], "", "at least 8 characters"),
])
def test_bad_input_exits_2_with_one_line(db: str, args: list[str], stdin: str,
                                         message: str) -> None:
    result = runner.invoke(app, [*args, "--db", db], input=stdin)
    assert result.exit_code == 2
    assert message in result.output


def test_duplicate_name_is_refused(db: str) -> None:
    for _ in range(2):
        result = runner.invoke(app, ["users", "add", "ada", "--password-stdin", "--db", db],
                               input="long enough 1\n")
    assert result.exit_code == 2 and "already exists" in result.output


def test_register_adds_serve_and_users_to_a_cli() -> None:
    import typer

    from majobs.web.cli import register

    main = typer.Typer()
    register(main)
    help_text = runner.invoke(main, ["--help"]).output
    assert "serve" in help_text and "users" in help_text
    serve_help = runner.invoke(main, ["serve", "--help"]).output
    assert "--host" in serve_help and "--port" in serve_help and "--db" in serve_help
