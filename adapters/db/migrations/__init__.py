"""Alembic migrations of the MEMS schema; run them with adapters.db.migrate.upgrade."""
