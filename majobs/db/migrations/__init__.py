"""Alembic migrations, run in code by ``majobs.db.migrate`` (no alembic.ini needed)."""
