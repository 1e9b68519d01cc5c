"""``majobs schedule`` and ``majobs alerts``: thin commands over the scheduling package.

``register(app)`` adds both to the main ``majobs`` app; ``python -m majobs.scheduling``
runs them on their own.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from majobs.errors import InputError
from majobs.scheduling.alerts_cli import alerts_app

DbOption = Annotated[str | None, typer.Option(
    "--db", help="Database URL (default: MAJOBS_DATABASE_URL or sqlite:///majobs.db).")]
ConfigOption = Annotated[Path | None, typer.Option(
    "--config", help="Settings file (default: ./majobs.toml when present).")]


@contextmanager
def open_runtime(config: Path | None, db: str | None) -> Iterator[Any]:
    """A runtime on the migrated database (engine disposed afterwards)."""
    from majobs.config import load_config
    from majobs.db.engine import init_db
    from majobs.scheduling.runtime import Runtime

    cfg = load_config(config)
    url = db or cfg["database_url"]
    engine = init_db(url)
    try:
        yield Runtime(url, engine, cfg, config_path=config.resolve() if config else None)
    finally:
        engine.dispose()


def install_stop_handlers(rt: Any, stop: threading.Event) -> None:
    """SIGTERM / Ctrl-C: stop cleanly. A second one: also SIGKILL the crawl child."""
    def handler(signum: int, _frame: Any) -> None:
        if stop.is_set():
            logging.getLogger(__name__).warning("second signal: killing the crawl child")
            rt.force.set()
        stop.set()
        rt.stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def _find_spec(specs: list[Any], name: str) -> Any:
    from majobs.schedules import SOURCE_JOB_PREFIX

    for spec in specs:
        if name in (spec.id, spec.id.removeprefix(SOURCE_JOB_PREFIX)):
            return spec
    known = ", ".join(s.id for s in specs) or "none configured"
    raise InputError(None, "--run-now", f"no job named {name!r} (jobs: {known})")


def run_now(rt: Any, spec: Any) -> int:
    """Run one job here and now, holding the scheduler lock (refused while a scheduler
    runs: it owns the jobs). 0 when the run succeeded, else 1."""
    from apscheduler.util import ref_to_obj

    from majobs.scheduling.lock import SchedulerBusy, acquire_lock
    from majobs.scheduling.runtime import set_runtime

    try:
        lock = acquire_lock(rt.db_url)
    except SchedulerBusy as exc:
        raise SchedulerBusy(f"{exc}: it runs the jobs on this database; stop it to run "
                            f"{spec.id} by hand") from None
    set_runtime(rt)
    try:
        status = ref_to_obj(spec.func)(**spec.kwargs)
    finally:
        set_runtime(None)
        lock.release()
    typer.echo(f"{spec.id}: {status}")
    return 0 if status == "success" else 1


def schedule(
    sources: Annotated[Path | None, typer.Option(
        "--sources", help="Sources file (YAML); a source's `schedule:` cron gives it a job "
                          "of its own.")] = None,
    list_: Annotated[bool, typer.Option("--list", help="Show jobs and next run times.")]
    = False,
    run_now_job: Annotated[str | None, typer.Option(
        "--run-now", metavar="JOB", help="Run one job now (nightly, or a source name).")]
    = None,
    history: Annotated[bool, typer.Option("--history", help="Show past runs and skips.")]
    = False,
    limit: Annotated[int, typer.Option(help="Rows of --history.")] = 30,
    db: DbOption = None,
    config: ConfigOption = None,
    log_level: Annotated[str, typer.Option(help="Log level of the scheduler.")] = "INFO",
) -> None:
    """Run the nightly pipeline on a schedule (crawl -> index -> match -> alerts), in the
    foreground until SIGTERM or Ctrl-C. One scheduler per database: a second one exits 1."""
    from rich.console import Console
    from tzlocal import get_localzone

    from majobs.db import schedule_store
    from majobs.db.engine import session_factory
    from majobs.db.types import utcnow
    from majobs.scheduling import tables
    from majobs.scheduling.jobs import job_specs
    from majobs.scheduling.service import serve
    from majobs.sources import load_sources

    if sum((list_, run_now_job is not None, history)) > 1:
        raise InputError(None, "schedule", "give at most one of --list, --run-now, --history")
    level = logging.getLevelName(log_level.upper())
    if not isinstance(level, int):
        raise InputError(None, "--log-level", f"unknown level {log_level!r}")
    config_file = str(config or "majobs.toml")
    with open_runtime(config, db) as rt:
        if history:
            with session_factory(rt.engine, readonly=True).begin() as session:
                rows = schedule_store.history(session, limit)
            Console().print(tables.history_table(rows, get_localzone()))
            return
        if sources is None:
            raise InputError(None, "--sources", "required: the sources file to crawl")
        specs = job_specs(rt.cfg, load_sources(sources), sources, config_file)
        if list_:
            with session_factory(rt.engine, readonly=True).begin() as session:
                stored = schedule_store.stored_next_runs(session)
                last = schedule_store.last_events(session)
            tz = specs[0].trigger.timezone if specs else get_localzone()
            Console().print(tables.jobs_table(specs, stored, last, tz, utcnow()))
            return
        logging.basicConfig(level=level,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        logging.getLogger("alembic").setLevel(logging.WARNING)
        stop = threading.Event()
        install_stop_handlers(rt, stop)
        if run_now_job is not None:
            raise typer.Exit(run_now(rt, _find_spec(specs, run_now_job)))
        raise typer.Exit(serve(rt, specs, stop, config_file))


def register(app: typer.Typer) -> None:
    """Add ``schedule`` and ``alerts`` to the main app (once)."""
    if any(c.name == "schedule" for c in app.registered_commands):
        return
    app.command("schedule")(schedule)
    app.add_typer(alerts_app, name="alerts")


app = typer.Typer(help="majobs nightly operation: the scheduler and candidate alerts.",
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
register(app)


def main() -> None:
    import sys

    from majobs.errors import MajobsError

    try:
        app()
    except MajobsError as exc:
        typer.echo(f"majobs: {exc}", err=True)
        sys.exit(exc.exit_code)
