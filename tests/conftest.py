"""Shared fixtures: databases on both backends, and a factory of normalized items.

``db_url`` runs a test module once on SQLite (a temporary file) and once on PostgreSQL
(a fresh database per module on MAJOBS_TEST_PG_URL, default
``postgresql+psycopg://postgres@127.0.0.1:5432/``, dropped afterwards). Without a
reachable PostgreSQL the ``postgres`` cases skip, or fail when CI=true.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest
from item_factory import build_item  # re-exported: older tests import it from here
from sqlalchemy import Engine, delete
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from majobs.db.engine import init_db, normalize_url, session_factory
from majobs.db.models import Base
from majobs.items import JobPostingItem

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/"


def _libpq(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_server_url() -> URL:
    """The PostgreSQL server to create test databases on (its maintenance database)."""
    import psycopg

    url = normalize_url(os.environ.get("MAJOBS_TEST_PG_URL") or PG_DEFAULT)
    url = url.set(database=url.database or "postgres")
    try:
        with psycopg.connect(_libpq(url), connect_timeout=5):
            pass
    except psycopg.Error as exc:
        reason = f"PostgreSQL unreachable at {url.render_as_string()}: {exc}".strip()
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: the postgres tests must run)", pytrace=False)
        pytest.skip(reason)
    return url


@pytest.fixture(scope="module", params=[
    "sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a fresh, empty database for this test module (no schema yet)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'majobs.db'}"
        return
    import psycopg

    server: URL = request.getfixturevalue("pg_server_url")
    name = f"majobs_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_libpq(server), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_libpq(server), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def migrated_engine(db_url: str) -> Iterator[Engine]:
    engine = init_db(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def db_engine(migrated_engine: Engine) -> Iterator[Engine]:
    """An engine on the migrated test database; every table is emptied after the test."""
    yield migrated_engine
    with migrated_engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(delete(table))


@pytest.fixture
def db_sessions(db_engine: Engine) -> sessionmaker[Session]:
    """Use as ``with db_sessions.begin() as session:``."""
    return session_factory(db_engine)


@pytest.fixture
def make_item() -> Callable[..., JobPostingItem]:
    """``make_item(n, **fields)``: see ``item_factory.build_item``."""
    return build_item
