"""Applying the Alembic migrations to a store's database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

_SCRIPTS = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``; safe to run at every start and from many processes."""
    config = alembic_config(engine)
    with engine.connect() as conn:
        # Take the write lock first (BEGIN IMMEDIATE on SQLite, an advisory lock on
        # PostgreSQL) so processes starting together migrate one after another.
        conn = conn.execution_options(zorders_write=True)
        with conn.begin():
            if engine.dialect.name == "postgresql":
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7290172001)")
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
