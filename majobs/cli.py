"""The ``majobs`` command line: one entry point, thin commands.

Exit codes (DESIGN.md): 0 all good; 1 some work failed, the rest is kept; 2 bad input.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from majobs.errors import InputError, MajobsError

app = typer.Typer(
    help="majobs: find Medical Assistant jobs. Crawl public job sources, clean, classify, "
         "de-duplicate and store postings, then rank them for job seekers.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
export_app = typer.Typer(help="Export stored data.", no_args_is_help=True)
app.add_typer(export_app, name="export")

DbOption = Annotated[str | None, typer.Option(
    "--db", help="Database URL (default: MAJOBS_DATABASE_URL or sqlite:///majobs.db).")]
ConfigOption = Annotated[Path | None, typer.Option(
    "--config", help="Settings file (default: ./majobs.toml when present).")]


def _settings(config: Path | None, db: str | None) -> tuple[dict, str]:
    from majobs.config import load_config

    cfg = load_config(config)
    return cfg, db or cfg["database_url"]


@app.command()
def init(db: DbOption = None, config: ConfigOption = None) -> None:
    """Create the database schema, or upgrade it to the latest version."""
    from majobs.db.engine import init_db

    _, url = _settings(config, db)
    init_db(url)
    typer.echo(f"database ready: {url}")


@app.command()
def crawl(
    sources: Annotated[Path | None, typer.Option(
        "--sources", help="Sources file (YAML, see README).")] = None,
    source: Annotated[list[str] | None, typer.Option(
        "--source", help="Crawl only this source (repeatable).")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
    log_level: Annotated[str, typer.Option(help="Scrapy log level.")] = "WARNING",
    distributed: Annotated[bool, typer.Option(
        "--distributed", help="Queue the crawl in Redis (MAJOBS_REDIS_URL) for `majobs "
                              "worker` processes; print its id.")] = False,
    wait: Annotated[bool, typer.Option(
        "--wait", help="With --distributed: wait for the workers, print the summary.")] = False,
    status: Annotated[str | None, typer.Option(
        "--status", metavar="CRAWL_ID", help="Show a distributed crawl's progress.")] = None,
) -> None:
    """Crawl the sources into the database and print a per-source summary.

    Exit 1 when any source failed or was only partly crawled (the others are kept).
    """
    from majobs.commands import worker
    from majobs.commands.crawl import crawl_command

    cfg, url = _settings(config, db)
    if status is not None:
        raise typer.Exit(worker.status_command(status, cfg))
    if distributed:
        raise typer.Exit(worker.seed_command(sources, source or [], url, cfg, wait, quiet))
    if sources is None:
        raise InputError(None, "--sources", "is required")
    code = crawl_command(sources, source or [], url, cfg, quiet=quiet, log_level=log_level)
    raise typer.Exit(code)


@export_app.command("postings")
def export_postings(
    fmt: Annotated[str, typer.Option("--format", help="jsonl or csv.")] = "jsonl",
    all_: Annotated[bool, typer.Option(
        "--all", help="Every posting, not only active MA postings.")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File (default: stdout).")]
    = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Export postings as JSON Lines or CSV (fields in DESIGN.md)."""
    from majobs.commands.export import export_command

    _, url = _settings(config, db)
    export_command(url, fmt, all_, output)


@app.command()
def runs(
    source: Annotated[str | None, typer.Option(help="Only this source.")] = None,
    limit: Annotated[int, typer.Option(help="How many runs.")] = 20,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """List recent crawl runs with their outcome and counts."""
    from majobs.commands.crawl import runs_command

    _, url = _settings(config, db)
    runs_command(url, source, limit)


@app.command()
def demo(
    postings: Annotated[int, typer.Option(help="Postings on the demo board.")] = 200,
    db: Annotated[str, typer.Option("--db", help="Database URL for the demo.")]
    = "sqlite:///majobs-demo.db",
    seed: Annotated[int, typer.Option(help="Seed of the demo market.")] = 7,
) -> None:
    """Serve a demo job board on 127.0.0.1, crawl it, and show what majobs found.

    Needs nothing configured and no network: the board is generated locally.
    """
    from majobs.commands.demo import demo_command

    raise typer.Exit(demo_command(postings, db, seed))


def _register_subapps() -> None:
    """Each part of majobs brings its own thin commands; this is the one place they meet."""
    if any(group.name == "demoboard" for group in app.registered_groups):
        return  # main() may run many times in one process (tests)
    from majobs.commands import worker
    from majobs.demoboard.cli import app as demoboard_app
    from majobs.matcher import commands as matcher_commands
    from majobs.scheduling.cli import register as register_scheduling
    from majobs.web import cli as web_cli

    app.add_typer(demoboard_app, name="demoboard", help="The bundled demo job board.")
    matcher_commands.register(app)
    web_cli.register(app)
    worker.register(app)
    register_scheduling(app)


def main() -> None:
    try:
        _register_subapps()
        app()
    except MajobsError as exc:
        typer.echo(f"majobs: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("majobs: interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
