"""Engines and sessions: one code path for SQLite (one machine) and PostgreSQL (many)."""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_URL = "sqlite:///majobs.db"
SQLITE_BUSY_TIMEOUT_S = 30
# SQLite: how a transaction starts. IMMEDIATE takes the write lock at BEGIN, so a write
# transaction never has to upgrade a read lock mid-way (which fails at once with
# "database is locked", whatever the busy timeout). Readers may ask for DEFERRED.
SQLITE_BEGIN_OPTION = "majobs_sqlite_begin"
SQLITE_BEGIN_MODES = ("DEFERRED", "IMMEDIATE", "EXCLUSIVE")


def default_url() -> str:
    """``MAJOBS_DATABASE_URL``, else a SQLite file in the working directory."""
    return os.environ.get("MAJOBS_DATABASE_URL", "").strip() or DEFAULT_URL


def normalize_url(url: str | URL) -> URL:
    """``postgres://`` and ``postgresql://`` mean psycopg 3 (the driver we install)."""
    u = make_url(url)
    if u.drivername in ("postgres", "postgresql"):
        u = u.set(drivername="postgresql+psycopg")
    return u


def is_sqlite(engine_or_url: Engine | str | URL) -> bool:
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else make_url(engine_or_url)
    return url.get_backend_name() == "sqlite"


def _sqlite_engine(url: URL, foreign_keys: bool, **kw: Any) -> Engine:
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S}, **kw)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # SQLAlchemy's documented pysqlite recipe: the driver stops emitting BEGIN
        # itself (it skips it for SELECT and DDL), and the "begin" hook below does it.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
        cur.execute("PRAGMA synchronous=NORMAL")  # safe with WAL, far fewer fsyncs
        cur.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get(SQLITE_BEGIN_OPTION, "IMMEDIATE")
        if mode not in SQLITE_BEGIN_MODES:
            raise ValueError(f"{SQLITE_BEGIN_OPTION} must be one of {SQLITE_BEGIN_MODES}")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def make_engine(url: str | URL, *, foreign_keys: bool = True, **kw: Any) -> Engine:
    """An engine for ``url``. SQLite: WAL, foreign keys on (``foreign_keys=False`` only for
    migrations that rebuild tables), 30 s busy timeout, BEGIN IMMEDIATE.
    PostgreSQL: psycopg 3 with pool pre-ping (a server restart costs no failed request)."""
    u = normalize_url(url)
    if u.get_backend_name() == "sqlite":
        return _sqlite_engine(u, foreign_keys, **kw)
    kw.setdefault("pool_pre_ping", True)
    return create_engine(u, **kw)


def session_factory(engine: Engine, *, readonly: bool = False) -> sessionmaker[Session]:
    """Sessions for ``with Session.begin() as session:``. ``readonly=True`` starts SQLite
    transactions DEFERRED, so a long read never waits for the write lock."""
    bind = engine.execution_options(**{SQLITE_BEGIN_OPTION: "DEFERRED"}) if readonly else engine
    return sessionmaker(bind, expire_on_commit=False)


def init_db(url: str | URL) -> Engine:
    """Create the schema or upgrade it to the latest migration (idempotent); the engine."""
    from majobs.db.migrate import upgrade  # migrate imports this module

    upgrade(str(normalize_url(url).render_as_string(hide_password=False)))
    return make_engine(url)
