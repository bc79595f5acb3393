"""The memory store's tables and transactions: copy-on-write dicts of immutable rows."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Generic, NamedTuple, TypeVar

from zorders.domain.accounts import Account
from zorders.domain.catalog import Product, ProductRatePlan, ProductRatePlanCharge
from zorders.domain.invoicing import Invoice, Payment
from zorders.domain.orders import Order
from zorders.domain.subscriptions import Subscription
from zorders.service.idempotency import IdempotencyRecord
from zorders.service.jobs import Job
from zorders.service.tenants import Tenant
from zorders.types import JobId, TenantId


class ConstraintViolation(Exception):
    """A write that breaks a key of the schema (store/schema.py), as the SQL stores refuse it.

    The message reads like SQLite's ("UNIQUE constraint failed: …"): the worker treats that
    text as a race to retry (worker/runner.py), so both stores are handled alike.
    """

    def __init__(self, table: str, *columns: str) -> None:
        super().__init__("UNIQUE constraint failed: " + ", ".join(f"{table}.{c}" for c in columns))


class ClosedTransaction(RuntimeError):
    """A repository used outside its unit of work (after commit or rollback), or written in
    a read-only one: its changes would otherwise be lost without a word."""


T = TypeVar("T")


class Doc(NamedTuple, Generic[T]):
    """A tenant's document; ``seq`` is its insertion rank (the SQL tables' ``seq``)."""

    tenant: TenantId
    seq: int
    value: T


class OrderRow(NamedTuple):
    tenant: TenantId
    #: Naive UTC, second resolution: the SQL column the list is sorted on.
    created_at: datetime
    value: Order


class JobRow(NamedTuple):
    job: Job
    run_at: datetime


class LimitRow(NamedTuple):
    window: datetime
    requests: int
    in_flight: int
    in_flight_high_volume: int
    updated_at: datetime


@dataclass(slots=True)
class Tables:
    """Every table, by primary key, plus the unique and lookup indexes the schema has.

    Rows are immutable (frozen dataclasses, tuples): a transaction copies a table the first
    time it writes it and never changes a dict it did not copy, so a committed ``Tables``
    is a consistent snapshot that readers may hold as long as they like.
    """

    tenants: dict[TenantId, Tenant] = field(default_factory=dict)
    tokens: dict[str, tuple[TenantId, datetime]] = field(default_factory=dict)
    products: dict[str, Doc[Product]] = field(default_factory=dict)
    rate_plans: dict[str, Doc[ProductRatePlan]] = field(default_factory=dict)
    charges: dict[str, Doc[ProductRatePlanCharge]] = field(default_factory=dict)
    accounts: dict[str, Doc[Account]] = field(default_factory=dict)
    account_numbers: dict[tuple[TenantId, str], str] = field(default_factory=dict)
    subscriptions: dict[str, Doc[Subscription]] = field(default_factory=dict)
    #: (tenant, number) → the ids of its versions in the order they were added; the last
    #: one added is the latest (the SQL ``is_latest``), whatever its version number.
    subscription_numbers: dict[tuple[TenantId, str], tuple[str, ...]] = field(default_factory=dict)
    orders: dict[str, OrderRow] = field(default_factory=dict)
    order_numbers: dict[tuple[TenantId, str], str] = field(default_factory=dict)
    counters: dict[tuple[TenantId, str], int] = field(default_factory=dict)
    jobs: dict[JobId, JobRow] = field(default_factory=dict)
    #: Pending and processing jobs (a set, as dict keys): claims, rescues and the queue
    #: depth read these rather than the whole history.
    unfinished: dict[JobId, None] = field(default_factory=dict)
    job_keys: dict[tuple[TenantId, str], JobId] = field(default_factory=dict)
    idempotency: dict[str, IdempotencyRecord] = field(default_factory=dict)
    limits: dict[tuple[TenantId, str], LimitRow] = field(default_factory=dict)
    invoices: dict[str, Doc[Invoice]] = field(default_factory=dict)
    invoice_numbers: dict[tuple[TenantId, str], str] = field(default_factory=dict)
    payments: dict[str, Doc[Payment]] = field(default_factory=dict)
    payment_numbers: dict[tuple[TenantId, str], str] = field(default_factory=dict)
    billing: dict[tuple[TenantId, str], tuple[tuple[str, date], ...]] = field(default_factory=dict)


class Transaction:
    """One unit of work's view of the tables: the snapshot it began on plus its own copies."""

    def __init__(self, base: Tables, *, write: bool, next_seq: Iterator[int]) -> None:
        self._tables = dataclasses.replace(base)  # a new holder of the same dicts
        self._copied: set[str] = set()
        self._write = write
        self._open = True
        self._next_seq = next_seq
        self.jobs_added = False

    @property
    def read(self) -> Tables:
        if not self._open:
            raise ClosedTransaction("the unit of work has ended")
        return self._tables

    def write(self, *names: str) -> Tables:
        """The tables, with ``names`` made this transaction's own to change."""
        tables = self.read
        if not self._write:
            raise ClosedTransaction("a read-only unit of work (begin(write=False)) cannot write")
        for name in names:
            if name not in self._copied:
                setattr(tables, name, dict(getattr(tables, name)))
                self._copied.add(name)
        return tables

    def seq(self) -> int:
        return next(self._next_seq)

    def close(self) -> Tables:
        """End the transaction; what it leaves is the next committed state (if it commits)."""
        self._open = False
        return self._tables


def utc(value: datetime) -> datetime:
    """As the SQL stores hand times back: converted to UTC (their columns hold naive UTC)."""
    return value.astimezone(UTC)


def opt_utc(value: datetime | None) -> datetime | None:
    return None if value is None else utc(value)


def unique(table: dict[Any, Any], key: Any, name: str, *columns: str) -> None:
    if key in table:
        raise ConstraintViolation(name, *columns)
