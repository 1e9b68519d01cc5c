"""What every request handler reaches through ``request.app.state.web``: the database
sessions and the templates. One object, built once by ``create_app``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from fastapi import Request
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from majobs.db.engine import session_factory


@dataclass
class WebState:
    engine: Engine
    templates: Jinja2Templates
    db_url: str
    _write: sessionmaker[Session] = field(init=False, repr=False)
    _read: sessionmaker[Session] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._write = session_factory(self.engine)
        self._read = session_factory(self.engine, readonly=True)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only transaction (SQLite: DEFERRED, never waits for the write lock)."""
        with self._read.begin() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: commits at the end of the block, rolls back on error."""
        with self._write.begin() as session:
            yield session


def web(request: Request) -> WebState:
    return request.app.state.web
