"""CLI commands of the matcher: ``match``, ``candidates``, ``track``, ``block``, ``index``.

Thin: parse arguments, call the matcher and the match store, print. ``register(app)``
adds them to the main ``majobs`` app.
"""

from __future__ import annotations

import time
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

candidates_app = typer.Typer(help="Manage the cohort of candidates.", no_args_is_help=True)
block_app = typer.Typer(help="Hide employers or title words from matches.",
                        no_args_is_help=True)
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


@contextmanager
def _setup(config: Path | None, db: str | None) -> Iterator[tuple[Any, dict[str, Any]]]:
    """The migrated engine (disposed afterwards) and the matcher settings."""
    from majobs.config import load_config
    from majobs.db.engine import init_db

    cfg = load_config(config)
    engine = init_db(db or cfg["database_url"])
    try:
        yield engine, cfg.get("matcher", {})
    finally:
        engine.dispose()


def _weights(settings: dict[str, Any]) -> Any:
    from majobs.matcher.weights import Weights

    return Weights.from_mapping(settings.get("weights"))


def _emit(records: list[dict[str, Any]], fmt: str, title: str | None = None) -> None:
    from majobs.matcher import output

    if fmt == "json":
        typer.echo(output.to_json(records))
    elif fmt == "csv":
        typer.echo(output.to_csv(records), nl=False)
    else:
        typer.echo(output.render_table(records, title), nl=False)


def _check_format(fmt: str) -> None:
    from majobs.matcher.output import FORMATS

    if fmt not in FORMATS:
        raise InputError(None, "--format", f"must be one of {', '.join(FORMATS)}, got {fmt!r}")


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

    _check_format(fmt)
    if sum((profile is not None, candidate is not None, all_candidates)) != 1:
        raise InputError(None, "match", "give exactly one of --profile, --candidate, "
                                        "--all-candidates")
    if limit is not None and limit < 1:
        raise InputError(None, "--limit", "must be at least 1")
    prof = load_profile(profile) if profile is not None else None  # bad input before work
    with _setup(config, db) as (engine, settings):
        limit = limit or int(settings.get("limit", 20))
        weights = _weights(settings)
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
        _emit(output.match_records(results, described, extra), fmt, title)


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


@candidates_app.command("add")
def candidates_add(
    profile: Annotated[Path, typer.Argument(help="Profile file (YAML).")],
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Add a candidate from a profile file (same name: replace the profile)."""
    import yaml

    from majobs.db import match_store
    from majobs.db.engine import session_factory
    from majobs.matcher.profile import load_profile

    prof = load_profile(profile)
    data = yaml.safe_load(profile.read_text(encoding="utf-8"))
    data.setdefault("name", prof.name)
    with _setup(config, db) as (engine, _):
        with session_factory(engine).begin() as session:
            email = prof.alerts.email if prof.alerts else None
            cand, created = match_store.save_candidate(session, prof.name, data, email)
            typer.echo(f"{'added' if created else 'updated'} candidate {cand.name} (id {cand.id})")
        for note in prof.notes:
            typer.echo(f"note: {note}")


@candidates_app.command("list")
def candidates_list(db: DbOption = None, config: ConfigOption = None) -> None:
    """List candidates with their last match run."""
    from majobs.db import match_store
    from majobs.db.engine import session_factory

    with _setup(config, db) as (engine, _), \
            session_factory(engine, readonly=True).begin() as session:
        for c in match_store.list_candidates(session):
            when = c.last_matched_at.strftime("%Y-%m-%d %H:%M") if c.last_matched_at \
                else "never matched"
            typer.echo(f"{c.id}\t{c.name}\t{when}")


@candidates_app.command("show")
def candidates_show(
    name: Annotated[str, typer.Argument(help="Candidate name or id.")],
    fmt: FormatOption = "table",
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Show a candidate's profile and latest stored matches."""
    import yaml

    from majobs.db import match_store
    from majobs.db.engine import session_factory
    from majobs.matcher import output
    from majobs.matcher.explain import MatchResult

    _check_format(fmt)
    with _setup(config, db) as (engine, _):
        with session_factory(engine, readonly=True).begin() as session:
            cand = _candidate(session, name)
            matches = match_store.current_matches(session, cand.id)
            states = match_store.states_for(session, cand.id)
            described = match_store.describe_postings(session, [m.posting_id for m in matches])
            profile = dict(cand.profile or {})
        results = [MatchResult(m.posting_id, m.score, **_stored(m.explanation)) for m in matches]
        extra = {m.posting_id: {"is_new": m.is_new, "application_state": states.get(m.posting_id)}
                 for m in matches}
        records = output.match_records(results, described, extra)
        if fmt == "json":
            typer.echo(output.to_json([{"profile": profile, "matches": records}]))
            return
        if fmt == "table":
            typer.echo(yaml.safe_dump(profile, sort_keys=False, allow_unicode=True))
        _emit(records, fmt, f"stored matches for {cand.name}")


def _stored(expl: dict[str, Any] | None) -> dict[str, Any]:
    expl = dict(expl or {})
    return {"matched": expl.pop("matched", []), "missing": expl.pop("missing", []),
            "distance_miles": expl.pop("distance_miles", None), "pay": expl.pop("pay", {}),
            "explanation": expl}


def _candidate(session: Any, name: str) -> Any:
    from majobs.db import match_store

    cand = match_store.find_candidate(session, name)
    if cand is None:
        raise InputError(None, "candidate", f"no candidate named '{name}'")
    return cand


@candidates_app.command("remove")
def candidates_remove(
    name: Annotated[str, typer.Argument(help="Candidate name or id.")],
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Delete a candidate with their matches, application states and block rules."""
    from majobs.db import match_store
    from majobs.db.engine import session_factory

    with _setup(config, db) as (engine, _):
        with session_factory(engine).begin() as session:
            cand = _candidate(session, name)
            label = cand.name
            match_store.remove_candidate(session, cand)
        typer.echo(f"removed candidate {label} and their matches")


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

    with _setup(config, db) as (engine, _), session_factory(engine).begin() as session:
        cand = _candidate(session, candidate)
        match_store.track(session, cand.id, posting_id, state.strip().lower())
        typer.echo(f"{cand.name}: posting {posting_id} is {state}")


@block_app.command("add")
def block_add(
    employer: Annotated[str | None, typer.Option("--employer", help="Employer name.")] = None,
    title_word: Annotated[str | None, typer.Option(
        "--title-word", help="A word or phrase in the title.")] = None,
    candidate: Annotated[str | None, typer.Option(
        "--candidate", help="Only for this candidate (default: everyone).")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Block an employer (e.g. a staffing agency) or a title word."""
    from majobs.db import match_store
    from majobs.db.engine import session_factory

    if (employer is None) == (title_word is None):
        raise InputError(None, "block", "give exactly one of --employer, --title-word")
    kind, value = ("employer", employer) if employer is not None else ("title_word", title_word)
    with _setup(config, db) as (engine, _), session_factory(engine).begin() as session:
        cand_id = _candidate(session, candidate).id if candidate else None
        rule = match_store.add_block_rule(session, kind, str(value), cand_id)
        typer.echo(f"rule {rule.id}: {kind} '{rule.value}'"
                   f"{f' for {candidate}' if candidate else ' for everyone'}")


@block_app.command("list")
def block_list(
    candidate: Annotated[str | None, typer.Option(
        "--candidate", help="Also this candidate's own rules.")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """List block rules (global, and a candidate's own)."""
    from majobs.db import match_store
    from majobs.db.engine import session_factory

    with _setup(config, db) as (engine, _), \
            session_factory(engine, readonly=True).begin() as session:
        cand_id = _candidate(session, candidate).id if candidate else None
        for r in match_store.list_block_rules(session, cand_id):
            who = "everyone" if r.candidate_id is None else f"candidate {r.candidate_id}"
            typer.echo(f"{r.id}\t{r.kind}\t{r.value}\t{who}")


@block_app.command("remove")
def block_remove(
    rule_id: Annotated[int, typer.Argument(help="Rule id (see block list).")],
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Remove a block rule."""
    from majobs.db import match_store
    from majobs.db.engine import session_factory

    with _setup(config, db) as (engine, _):
        with session_factory(engine).begin() as session:
            if not match_store.remove_block_rule(session, rule_id):
                raise InputError(None, "rule", f"no block rule with id {rule_id}")
        typer.echo(f"removed rule {rule_id}")


@index_app.command("rebuild")
def index_rebuild(db: DbOption = None, config: ConfigOption = None) -> None:
    """Rebuild the match index now (it also rebuilds itself when postings change)."""
    from majobs.matcher.index import index_dir_for, load_or_build

    with _setup(config, db) as (engine, _):
        start = time.perf_counter()
        index = load_or_build(engine, rebuild=True)
        where = index_dir_for(engine.url.render_as_string(hide_password=False))
        typer.echo(f"indexed {len(index)} postings in {time.perf_counter() - start:.1f} s "
                   f"({where})")
