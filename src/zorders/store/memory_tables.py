"""The memory store's tables and transactions: copy-on-write maps of immutable rows."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Container, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Generic, NamedTuple, TypeVar, overload

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
K = TypeVar("K")
V = TypeVar("V")


#: Shards of a ``Table``: a write copies 1/64 of the table, and 64 references.
_SHARDS = 64


class Table(Generic[K, V]):
    """A dict in shards, copied on write shard by shard.

    A transaction's first write to a table forks it (a new list of the same shards) and its
    first write to a shard copies that shard only: the cost of a write stays small however
    large the table grows (the job history is kept for days).
    """

    __slots__ = ("_owned", "_shards")

    def __init__(self, shards: list[dict[K, V]] | None = None) -> None:
        self._shards = shards if shards is not None else [{} for _ in range(_SHARDS)]
        self._owned: set[int] = set()

    def fork(self) -> Table[K, V]:
        """A table to write: the same rows, sharing every shard until it writes one."""
        return Table(list(self._shards))

    def _writable(self, key: K) -> dict[K, V]:
        index = hash(key) % _SHARDS
        if index not in self._owned:
            self._shards[index] = dict(self._shards[index])
            self._owned.add(index)
        return self._shards[index]

    @overload
    def get(self, key: K) -> V | None: ...

    @overload
    def get(self, key: K, default: V) -> V: ...

    def get(self, key: K, default: V | None = None) -> V | None:
        return self._shards[hash(key) % _SHARDS].get(key, default)

    def __getitem__(self, key: K) -> V:
        return self._shards[hash(key) % _SHARDS][key]

    def __contains__(self, key: object) -> bool:
        return key in self._shards[hash(key) % _SHARDS]

    def __setitem__(self, key: K, value: V) -> None:
        self._writable(key)[key] = value

    def __delitem__(self, key: K) -> None:
        del self._writable(key)[key]

    def pop(self, key: K) -> None:
        if key in self:
            del self[key]

    def __iter__(self) -> Iterator[K]:
        return itertools.chain.from_iterable(self._shards)

    def values(self) -> Iterator[V]:
        return itertools.chain.from_iterable(s.values() for s in self._shards)

    def items(self) -> Iterator[tuple[K, V]]:
        return itertools.chain.from_iterable(s.items() for s in self._shards)


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

    Rows are immutable (frozen dataclasses, tuples): a transaction copies what it writes
    (a ``Table`` shard by shard, the few small ones whole) and never changes a map it did
    not copy, so a committed ``Tables`` is a consistent snapshot that readers may hold as
    long as they like.
    """

    tenants: dict[TenantId, Tenant] = field(default_factory=dict)
    tokens: Table[str, tuple[TenantId, datetime]] = field(default_factory=Table)
    products: Table[str, Doc[Product]] = field(default_factory=Table)
    rate_plans: Table[str, Doc[ProductRatePlan]] = field(default_factory=Table)
    charges: Table[str, Doc[ProductRatePlanCharge]] = field(default_factory=Table)
    accounts: Table[str, Doc[Account]] = field(default_factory=Table)
    account_numbers: Table[tuple[TenantId, str], str] = field(default_factory=Table)
    subscriptions: Table[str, Doc[Subscription]] = field(default_factory=Table)
    #: (tenant, number) → the ids of its versions in the order they were added; the last
    #: one added is the latest (the SQL ``is_latest``), whatever its version number.
    subscription_numbers: Table[tuple[TenantId, str], tuple[str, ...]] = field(
        default_factory=Table
    )
    orders: Table[str, OrderRow] = field(default_factory=Table)
    order_numbers: Table[tuple[TenantId, str], str] = field(default_factory=Table)
    counters: dict[tuple[TenantId, str], int] = field(default_factory=dict)
    jobs: Table[JobId, JobRow] = field(default_factory=Table)
    #: Pending and processing jobs (a set, as dict keys): claims, rescues and the queue
    #: depth read these rather than the whole history.
    unfinished: Table[JobId, None] = field(default_factory=Table)
    job_keys: Table[tuple[TenantId, str], JobId] = field(default_factory=Table)
    idempotency: Table[str, IdempotencyRecord] = field(default_factory=Table)
    limits: dict[tuple[TenantId, str], LimitRow] = field(default_factory=dict)
    invoices: Table[str, Doc[Invoice]] = field(default_factory=Table)
    invoice_numbers: Table[tuple[TenantId, str], str] = field(default_factory=Table)
    payments: Table[str, Doc[Payment]] = field(default_factory=Table)
    payment_numbers: Table[tuple[TenantId, str], str] = field(default_factory=Table)
    billing: Table[tuple[TenantId, str], tuple[tuple[str, date], ...]] = field(
        default_factory=Table
    )


class Transaction:
    """One unit of work's view of the tables: the snapshot it began on plus its own copies."""

    def __init__(self, base: Tables, *, write: bool, next_seq: Iterator[int]) -> None:
        #: The committed tables this transaction began on (the latest, for a writer).
        self.base = base
        self._tables = dataclasses.replace(base)  # a new holder of the same maps
        self._copied: set[str] = set()
        self._write = write
        self._open = True
        self._next_seq = next_seq
        self.jobs_added = False
        #: Jobs this transaction wrote (their place in the run queue may have changed).
        self.touched_jobs: set[JobId] = set()

    def writable(self) -> Tables:
        """The tables, refusing a read-only or ended transaction (before a write)."""
        tables = self.read
        if not self._write:
            raise ClosedTransaction("a read-only unit of work (begin(write=False)) cannot write")
        return tables

    @property
    def read(self) -> Tables:
        if not self._open:
            raise ClosedTransaction("the unit of work has ended")
        return self._tables

    def write(self, *names: str) -> Tables:
        """The tables, with ``names`` made this transaction's own to change."""
        tables = self.writable()
        for name in names:
            if name not in self._copied:
                table = getattr(tables, name)
                setattr(tables, name, table.fork() if isinstance(table, Table) else dict(table))
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


def unique(table: Container[Any], key: Any, name: str, *columns: str) -> None:
    if key in table:
        raise ConstraintViolation(name, *columns)
