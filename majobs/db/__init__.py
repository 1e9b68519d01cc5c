"""The database layer: models, engines and sessions, migrations, and the store."""

from majobs.db.engine import default_url, init_db, make_engine, session_factory

__all__ = ["default_url", "init_db", "make_engine", "session_factory"]
