"""Shared fixtures: databases on both backends, and a factory of normalized items.

``db_url`` runs a test module once on SQLite (a temporary file) and once on PostgreSQL
(a fresh database per module on MAJOBS_TEST_PG_URL, default
``postgresql+psycopg://postgres@127.0.0.1:5432/``, dropped afterwards). Without a
reachable PostgreSQL the ``postgres`` cases skip, or fail when CI=true.

``MAJOBS_TEST_DATABASE`` picks the backends: ``sqlite``, ``postgresql`` or both (comma
separated; default both for ``db_url``). ``new_database(backend=None)`` makes a fresh
empty database for tests that need one of their own (end-to-end crawls, CLI runs); by
default on the first backend of MAJOBS_TEST_DATABASE (SQLite when unset), so
``MAJOBS_TEST_DATABASE=postgresql pytest`` runs them on PostgreSQL.
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
BACKENDS = ("sqlite", "postgresql")


def selected_backends() -> list[str]:
    """MAJOBS_TEST_DATABASE as a list of backends (default: both)."""
    raw = os.environ.get("MAJOBS_TEST_DATABASE", "").replace(" ", "").lower()
    chosen = [b for b in BACKENDS if b in raw.split(",")] if raw not in ("", "both") \
        else list(BACKENDS)
    if not chosen:
        raise pytest.UsageError(f"MAJOBS_TEST_DATABASE={raw!r}: use sqlite, postgresql or both")
    return chosen


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


def _create_pg_database(server: URL) -> str:
    import psycopg

    name = f"majobs_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_libpq(server), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def _drop_pg_database(server: URL, name: str) -> None:
    import psycopg

    with psycopg.connect(_libpq(server), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module", params=[
    pytest.param(b, marks=[pytest.mark.postgres] if b == "postgresql" else [])
    for b in selected_backends()])
def db_url(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a fresh, empty database for this test module (no schema yet)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'majobs.db'}"
        return
    server: URL = request.getfixturevalue("pg_server_url")
    name = _create_pg_database(server)
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        _drop_pg_database(server, name)


@pytest.fixture(scope="session")
def new_database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[Callable[..., str]]:
    """``new_database(backend=None)``: the URL of a fresh, empty database (no schema),
    dropped at the end of the session; backend "sqlite" or "postgresql", default the
    first of MAJOBS_TEST_DATABASE (SQLite when unset)."""
    made: list[tuple[URL, str]] = []

    def make(backend: str | None = None) -> str:
        backend = backend or selected_backends()[0]
        if backend == "sqlite":
            return f"sqlite:///{tmp_path_factory.mktemp('db') / 'majobs.db'}"
        if backend != "postgresql":
            raise ValueError(f"backend must be sqlite or postgresql, got {backend!r}")
        server: URL = request.getfixturevalue("pg_server_url")
        made.append((server, _create_pg_database(server)))
        return server.set(database=made[-1][1]).render_as_string(hide_password=False)

    yield make
    for server, name in made:
        _drop_pg_database(server, name)


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The Redis server for tests (MAJOBS_TEST_REDIS_URL, default 127.0.0.1:6379 db 0);
    skips when unreachable, fails when CI=true. Keep to your own ``redis_prefix``."""
    import redis

    url = os.environ.get("MAJOBS_TEST_REDIS_URL") or "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=5).ping()
    except redis.RedisError as exc:
        reason = f"Redis unreachable at {url}: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: the redis tests must run)", pytrace=False)
        pytest.skip(reason)
    return url


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    """A key prefix of this test's own; its keys are deleted afterwards."""
    import redis

    prefix = f"majobs-test-{uuid.uuid4().hex[:10]}"
    yield prefix
    server = redis.Redis.from_url(redis_url)
    keys = list(server.scan_iter(match=f"{prefix}:*", count=1000))
    for i in range(0, len(keys), 500):
        server.delete(*keys[i:i + 500])


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
