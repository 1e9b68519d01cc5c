"""Batching helpers for the store's SQL: bounded IN lists and dialect upserts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

CHUNK = 500  # ids per IN (...) list: well under SQLite's bound-parameter limit
T = TypeVar("T")


def chunks(values: Iterable[T], size: int | None = None) -> Iterator[list[T]]:
    size = size or CHUNK
    batch: list[T] = []
    for v in values:
        batch.append(v)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def dialect_insert(session: Session, model: Any) -> Any:
    """``INSERT`` that knows ``ON CONFLICT`` for this session's backend."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(model)
    if name == "sqlite":
        return sqlite.insert(model)
    raise NotImplementedError(f"no upsert for database {name!r}")
