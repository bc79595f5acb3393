"""Migrations produce exactly the schema the code declares, on every dialect."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from zorders.store.migrate import alembic_config, upgrade
from zorders.store.schema import metadata
from zorders.store.sql import make_engine


def test_migrated_schema_matches_the_declared_one(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert diff == []


def test_upgrade_is_idempotent(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    upgrade(engine)
    with engine.connect() as conn:
        version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    engine.dispose()
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    assert version == head
