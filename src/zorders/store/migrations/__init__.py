"""Alembic migrations of the zorders schema (both dialects)."""
