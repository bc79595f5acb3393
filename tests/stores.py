"""Every store the product has, for tests that run once per store: memory, SQLite, PostgreSQL.

The ``store`` fixture (tests/conftest.py) opens each in turn; ``database_url`` keeps meaning
the databases (SQLite, PostgreSQL) for the tiers that need a file or a server.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from zorders.config import MEMORY_URL
from zorders.domain.orders import Order, OrderStatus
from zorders.store.memory_tables import ConstraintViolation

STORE_KINDS = ("memory", "sqlite", "postgres")
DATABASE_KINDS = ("sqlite", "postgres")

#: Stores whose writers take turns (one write transaction at a time in this process).
SINGLE_WRITER = frozenset({"memory", "sqlite"})

#: What a store raises for a write that breaks a unique key of the schema.
CONSTRAINT_ERRORS = (IntegrityError, ConstraintViolation)


def store_url(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a fresh, migrated store of ``kind`` for one test; PostgreSQL needs a server
    (the test is skipped without one, unless CI requires it)."""
    if kind == "memory":
        return MEMORY_URL
    if kind == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        shutil.copyfile(template, tmp_path / "zorders.db")
        return f"sqlite:///{tmp_path / 'zorders.db'}"
    assert kind == "postgres", kind
    url: str = request.getfixturevalue("postgres_url")
    return url


def stored_order(n: int, created_at: str = "2027-01-01 10:00:00") -> Order:
    """A bare order to store (``O-0000000n``), created at ``created_at``."""
    return Order(
        id=f"{n:032x}",
        number=f"O-{n:08d}",
        order_date=date(2027, 1, 1),
        account_id="a",
        account_number="A00000001",
        currency="USD",
        category="NewSales",
        status=OrderStatus.COMPLETED,
        subscriptions=(),
        created_at=created_at,
    )
