"""Alembic environment: migrate the connection ``majobs.db.migrate`` hands over."""

from __future__ import annotations

from typing import Any

from alembic import context

from majobs.db.models import Base
from majobs.db.types import UTCDateTime


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    # Migrations spell our column types in plain SQLAlchemy terms (stable if ours move).
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through majobs.db.migrate (it passes a connection)")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER much
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
