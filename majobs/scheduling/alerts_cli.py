"""``majobs alerts``: opt candidates in or out, and send (or preview) pending digests."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from majobs.errors import InputError

alerts_app = typer.Typer(help="Candidate alerts: digests of new matches by e-mail.",
                         no_args_is_help=True)
DbOption = Annotated[str | None, typer.Option(
    "--db", help="Database URL (default: MAJOBS_DATABASE_URL or sqlite:///majobs.db).")]
ConfigOption = Annotated[Path | None, typer.Option(
    "--config", help="Settings file (default: ./majobs.toml when present).")]


@alerts_app.command("subscribe")
def subscribe(
    candidate: Annotated[str, typer.Argument(help="Candidate name or id.")],
    email: Annotated[str, typer.Option("--email", help="Where digests go.")],
    min_score: Annotated[float | None, typer.Option(
        "--min-score", help="Only matches scoring at least this (0-1; default from config).")]
    = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Send a candidate digests of their new matches (same as the profile's `alerts`)."""
    from majobs.db import alerts_store, match_store
    from majobs.db.engine import session_factory
    from majobs.matcher.profile import EMAIL_RE
    from majobs.scheduling.cli import open_runtime

    email = email.strip()
    if not EMAIL_RE.match(email):
        raise InputError(None, "--email", f"'{email}' is not an e-mail address")
    if min_score is not None and not 0 <= min_score <= 1:
        raise InputError(None, "--min-score", f"must be between 0 and 1, got {min_score}")
    with open_runtime(config, db) as rt, session_factory(rt.engine).begin() as session:
        cand = match_store.find_candidate(session, candidate)
        if cand is None:
            raise InputError(None, "candidate", f"no candidate named '{candidate}'")
        alerts_store.set_subscription(session, cand, email, min_score)
        typer.echo(f"alerts on for {cand.name}: {email}")


@alerts_app.command("unsubscribe")
def unsubscribe(
    candidate: Annotated[str, typer.Argument(help="Candidate name or id.")],
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Stop a candidate's digests."""
    from majobs.db import alerts_store, match_store
    from majobs.db.engine import session_factory
    from majobs.scheduling.cli import open_runtime

    with open_runtime(config, db) as rt, session_factory(rt.engine).begin() as session:
        cand = match_store.find_candidate(session, candidate)
        if cand is None:
            raise InputError(None, "candidate", f"no candidate named '{candidate}'")
        alerts_store.set_subscription(session, cand, None)
        typer.echo(f"alerts off for {cand.name}")


@alerts_app.command("send")
def send(
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Only show who would get which postings.")] = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Send pending digests now (the scheduler does this after each pipeline run).
    Refused while a scheduler runs on this database. Exit 1 when a digest failed."""
    from majobs.scheduling.alerts import plan_digests, send_digests
    from majobs.scheduling.cli import open_runtime
    from majobs.scheduling.lock import acquire_lock

    with open_runtime(config, db) as rt:
        alerts_cfg = rt.cfg.get("alerts", {})
        if dry_run:
            for d in plan_digests(rt.engine, float(alerts_cfg.get("min_score", 0.6))):
                ids = ", ".join(str(m.posting_id) for m, _ in d.items)
                typer.echo(f"{d.subscriber.name} <{d.subscriber.email}>: {ids}")
            return
        lock = acquire_lock(rt.db_url)
        try:
            report = send_digests(rt.engine, alerts_cfg)
        finally:
            lock.release()
    for s in report.sent:
        typer.echo(f"sent {len(s['postings'])} posting(s) to {s['candidate']}: {s['where']}")
    for f in report.failed:
        typer.echo(f"not sent to {f['candidate']}: {f['error']}", err=True)
    if not report.sent and not report.failed:
        typer.echo("no new matches to send")
    raise typer.Exit(1 if report.failed else 0)
