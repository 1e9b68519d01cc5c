"""CLI commands of the matcher: ``match``, ``track``, ``index rebuild``, and the cohort
sub-apps ``candidates`` and ``block`` (in :mod:`majobs.matcher.cohort_commands`).

Thin: parse arguments, call the matcher and the match store, print. ``register(app)``
adds them to the main ``majobs`` app.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer

from majobs.errors import InputError
from majobs.matcher.cli_common import (
    ConfigOption,
    DbOption,
    FormatOption,
    check_format,
    emit,
    find_or_fail,
    setup,
    weights_from,
)
from majobs.matcher.cohort_commands import block_app, candidates_app

index_app = typer.Typer(help="The match index.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the matcher's commands to ``app`` (once, however often it is called)."""
    if any(c.name == "match" for c in app.registered_commands):
        return
    app.command("match")(match)
    app.command("track")(track)
    app.add_typer(candidates_app, name="candidates")
    app.add_typer(block_app, name="block")
    app.add_typer(index_app, name="index")


def match(
    profile: Annotated[Path | None, typer.Option("--profile", help="Profile file (YAML).")]
    = None,
    candidate: Annotated[str | None, typer.Option(
        "--candidate", help="A stored candidate (name or id); the run is stored.")] = None,
    all_candidates: Annotated[bool, typer.Option(
        "--all-candidates", help="Match and store every candidate.")] = False,
    limit: Annotated[int | None, typer.Option("--limit", help="How many matches.")] = None,
    fmt: FormatOption = "table",
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Rank active MA postings for a profile, a candidate, or the whole cohort."""
    from majobs.db import match_store
    from majobs.db.engine import session_factory
    from majobs.matcher import cohort, output
    from majobs.matcher.profile import load_profile

    check_format(fmt)
    if sum((profile is not None, candidate is not None, all_candidates)) != 1:
        raise InputError(None, "match", "give exactly one of --profile, --candidate, "
                                        "--all-candidates")
    if limit is not None and limit < 1:
        raise InputError(None, "--limit", "must be at least 1")
    prof = load_profile(profile) if profile is not None else None  # bad input before work
    with setup(config, db) as (engine, settings):
        limit = limit or int(settings.get("limit", 20))
        weights = weights_from(settings)
        if all_candidates:
            runs = cohort.match_all_candidates(engine, limit, weights=weights)
            _emit_cohort(runs, fmt)
            raise typer.Exit(1 if any(r.error for r in runs) else 0)
        extra: dict[int, dict[str, Any]] = {}
        if prof is not None:
            results = cohort.match_profile(engine, prof, limit, weights=weights)
            title = f"matches for {prof.name}"
        else:
            run = cohort.match_candidate(engine, str(candidate), limit, weights=weights)
            results, title = run.results, f"matches for {run.name}"
            with session_factory(engine, readonly=True).begin() as session:
                states = match_store.states_for(session, run.candidate_id)
            extra = {r.posting_id: {"is_new": r.posting_id in run.new,
                                    "application_state": states.get(r.posting_id)}
                     for r in results}
        with session_factory(engine, readonly=True).begin() as session:
            described = match_store.describe_postings(session, [r.posting_id for r in results])
        emit(output.match_records(results, described, extra), fmt, title)


def _emit_cohort(runs: list[Any], fmt: str) -> None:
    rows = [{"candidate": r.name, "matches": len(r.results), "new": len(r.new),
             "error": r.error} for r in runs]
    if fmt == "json":
        import json

        typer.echo(json.dumps(rows, indent=2))
        return
    for r in rows:
        status = f"error: {r['error']}" if r["error"] else \
            f"{r['matches']} matches, {r['new']} new"
        typer.echo(f"{r['candidate']}: {status}")


def track(
    candidate: Annotated[str, typer.Argument(help="Candidate name or id.")],
    posting_id: Annotated[int, typer.Argument(help="Posting id.")],
    state: Annotated[str, typer.Argument(
        help="saved, applied, interviewing, offer, rejected or not_interested.")],
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Record an application state (not_interested hides the posting from matches)."""
    from majobs.db import match_store
    from majobs.db.engine import session_factory

    with setup(config, db) as (engine, _), session_factory(engine).begin() as session:
        cand = find_or_fail(session, candidate)
        match_store.track(session, cand.id, posting_id, state.strip().lower())
        typer.echo(f"{cand.name}: posting {posting_id} is {state}")


@index_app.command("rebuild")
def index_rebuild(db: DbOption = None, config: ConfigOption = None) -> None:
    """Rebuild the match index now (it also rebuilds itself when postings change)."""
    from majobs.matcher.index import index_dir_for, load_or_build

    with setup(config, db) as (engine, _):
        start = time.perf_counter()
        index = load_or_build(engine, rebuild=True)
        where = index_dir_for(engine.url.render_as_string(hide_password=False))
        typer.echo(f"indexed {len(index)} postings in {time.perf_counter() - start:.1f} s "
                   f"({where})")
