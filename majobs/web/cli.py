"""``majobs serve`` and ``majobs users``: thin commands over the web package.

    from majobs.web import cli as web_cli
    web_cli.register(app)          # adds `serve` and the `users` group to majobs' CLI
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from majobs.errors import InputError

app = typer.Typer(help="The web UI.", no_args_is_help=True, add_completion=False,
                  pretty_exceptions_enable=False)
users_app = typer.Typer(help="Web accounts (admin or staff).", no_args_is_help=True,
                        add_completion=False, pretty_exceptions_enable=False)
app.add_typer(users_app, name="users")

DbOption = Annotated[str | None, typer.Option(
    "--db", help="Database URL (default: MAJOBS_DATABASE_URL or sqlite:///majobs.db).")]


def _config() -> dict:
    from majobs.config import load_config

    return load_config()


def _fail(exc: InputError) -> typer.Exit:
    typer.echo(f"majobs: {exc}", err=True)
    return typer.Exit(exc.exit_code)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(
        help="Address to listen on (default: [web] host in majobs.toml, else 127.0.0.1).")]
    = None,
    port: Annotated[int | None, typer.Option(
        help="Port to listen on (default: [web] port, else 8000).")] = None,
    db: DbOption = None,
) -> None:
    """Serve the web UI (review, sources, candidates, market) until Ctrl-C."""
    from majobs.web.app import serve as serve_app

    cfg = _config()
    web_cfg = cfg.get("web") or {}
    host = host or web_cfg.get("host") or "127.0.0.1"
    port = port or int(web_cfg.get("port") or 8000)
    typer.echo(f"majobs web UI on http://{host}:{port}/ (Ctrl-C stops)")
    serve_app(db or cfg["database_url"], host, port, secret_key=web_cfg.get("secret_key"))


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(help="admin or staff.")] = "staff",
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from the first line of stdin.")] = False,
    db: DbOption = None,
) -> None:
    """Add a web user; the password comes from a prompt (or stdin)."""
    from majobs.db import init_db
    from majobs.db.web_queries import users
    from majobs.web.auth import hash_password

    try:
        users.clean_user_name(name)
        users.check_role(role)
        try:
            password_hash = hash_password(_read_password(password_stdin))
        except ValueError as exc:
            raise InputError(None, "password", str(exc)) from None
        engine = init_db(db or _config()["database_url"])
        try:
            from majobs.db.engine import session_factory

            with session_factory(engine).begin() as session:
                row = users.add_user(session, name, role, password_hash)
        finally:
            engine.dispose()
    except InputError as exc:
        raise _fail(exc) from None
    typer.echo(f"added {row.role} '{row.name}'")


@users_app.command("list")
def users_list(db: DbOption = None) -> None:
    """List web users."""
    from majobs.db.engine import make_engine, session_factory
    from majobs.db.web_queries import users

    engine = make_engine(db or _config()["database_url"])
    try:
        with session_factory(engine, readonly=True).begin() as session:
            rows = users.list_users(session)
    finally:
        engine.dispose()
    for row in rows:
        typer.echo(f"{row.name}\t{row.role}\t{row.created_at:%Y-%m-%d}")
    if not rows:
        typer.echo("no users yet: majobs users add NAME --role admin", err=True)


@users_app.command("remove")
def users_remove(name: Annotated[str, typer.Argument(help="Login name.")],
                 db: DbOption = None) -> None:
    """Remove a web user (their review history stays, without their name)."""
    from majobs.db.engine import make_engine, session_factory
    from majobs.db.web_queries import users

    engine = make_engine(db or _config()["database_url"])
    try:
        with session_factory(engine).begin() as session:
            removed = users.remove_user(session, name)
    finally:
        engine.dispose()
    if not removed:
        raise _fail(InputError(None, "name", f"no user named '{name}'"))
    typer.echo(f"removed '{name}'")


def register(main: typer.Typer) -> None:
    """Add ``serve`` and ``users`` to the majobs command line."""
    main.command("serve")(serve)
    main.add_typer(users_app, name="users")


if __name__ == "__main__":
    app()
