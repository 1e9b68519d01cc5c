"""Shared pieces of the matcher's CLI commands: options, settings, engine, output."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from majobs.errors import InputError

DbOption = Annotated[str | None, typer.Option(
    "--db", help="Database URL (default: MAJOBS_DATABASE_URL or sqlite:///majobs.db).")]
ConfigOption = Annotated[Path | None, typer.Option(
    "--config", help="Settings file (default: ./majobs.toml when present).")]
FormatOption = Annotated[str, typer.Option("--format", help="table, json or csv.")]


@contextmanager
def setup(config: Path | None, db: str | None) -> Iterator[tuple[Any, dict[str, Any]]]:
    """The migrated engine (disposed afterwards) and the matcher settings."""
    from majobs.config import load_config
    from majobs.db.engine import init_db

    cfg = load_config(config)
    engine = init_db(db or cfg["database_url"])
    try:
        yield engine, cfg.get("matcher", {})
    finally:
        engine.dispose()


def weights_from(settings: dict[str, Any]) -> Any:
    """Signal weights: the defaults overridden by ``[matcher.weights]``."""
    from majobs.matcher.weights import Weights

    return Weights.from_mapping(settings.get("weights"))


def emit(records: list[dict[str, Any]], fmt: str, title: str | None = None) -> None:
    """Print match records as json, csv or an 80-column table."""
    from majobs.matcher import output

    if fmt == "json":
        typer.echo(output.to_json(records))
    elif fmt == "csv":
        typer.echo(output.to_csv(records), nl=False)
    else:
        typer.echo(output.render_table(records, title), nl=False)


def check_format(fmt: str) -> None:
    from majobs.matcher.output import FORMATS

    if fmt not in FORMATS:
        raise InputError(None, "--format", f"must be one of {', '.join(FORMATS)}, got {fmt!r}")


def find_or_fail(session: Any, name: str) -> Any:
    """The stored candidate by name or id, else an InputError (exit 2)."""
    from majobs.db import match_store

    cand = match_store.find_candidate(session, name)
    if cand is None:
        raise InputError(None, "candidate", f"no candidate named '{name}'")
    return cand
