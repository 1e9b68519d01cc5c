"""CLI sub-apps for the cohort: ``candidates`` (add, list, show, remove) and ``block``
(add, list, remove). Thin: parse, call the match store, print."""

from __future__ import annotations

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
)

candidates_app = typer.Typer(help="Manage the cohort of candidates.", no_args_is_help=True)
block_app = typer.Typer(help="Hide employers or title words from matches.",
                        no_args_is_help=True)


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
    with setup(config, db) as (engine, _):
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

    with setup(config, db) as (engine, _), \
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

    check_format(fmt)
    with setup(config, db) as (engine, _):
        with session_factory(engine, readonly=True).begin() as session:
            cand = find_or_fail(session, name)
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
        emit(records, fmt, f"stored matches for {cand.name}")


def _stored(expl: dict[str, Any] | None) -> dict[str, Any]:
    expl = dict(expl or {})
    return {"matched": expl.pop("matched", []), "missing": expl.pop("missing", []),
            "distance_miles": expl.pop("distance_miles", None), "pay": expl.pop("pay", {}),
            "explanation": expl}


@candidates_app.command("remove")
def candidates_remove(
    name: Annotated[str, typer.Argument(help="Candidate name or id.")],
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Delete a candidate with their matches, application states and block rules."""
    from majobs.db import match_store
    from majobs.db.engine import session_factory

    with setup(config, db) as (engine, _):
        with session_factory(engine).begin() as session:
            cand = find_or_fail(session, name)
            label = cand.name
            match_store.remove_candidate(session, cand)
        typer.echo(f"removed candidate {label} and their matches")


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
    with setup(config, db) as (engine, _), session_factory(engine).begin() as session:
        cand_id = find_or_fail(session, candidate).id if candidate else None
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

    with setup(config, db) as (engine, _), \
            session_factory(engine, readonly=True).begin() as session:
        cand_id = find_or_fail(session, candidate).id if candidate else None
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

    with setup(config, db) as (engine, _):
        with session_factory(engine).begin() as session:
            if not match_store.remove_block_rule(session, rule_id):
                raise InputError(None, "rule", f"no block rule with id {rule_id}")
        typer.echo(f"removed rule {rule_id}")
