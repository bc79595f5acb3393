"""The SQL store: engine set-up per dialect, transactions, and worker wake-ups."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

from zorders.service.jobs import JobOutcome
from zorders.store import health
from zorders.store.idempotency import SqlIdempotency
from zorders.store.invoicing import SqlBillingState, SqlInvoices, SqlPayments
from zorders.store.jobs import OUTCOME_SELECT, OUTCOME_SQL, SqlJobs, outcome_from_row
from zorders.store.limits import SqlLimitCounters
from zorders.store.repositories import (
    SqlAccounts,
    SqlCatalog,
    SqlCounters,
    SqlNumbers,
    SqlOrders,
    SqlSubscriptions,
    SqlTenants,
    SqlTokens,
    erase_tenant,
)
from zorders.store.wakeups import Wakeups
from zorders.types import JobId, TenantId

log = logging.getLogger("zorders.store")


def sqlalchemy_url(database_url: str) -> str:
    """Accept plain ``postgresql://`` URLs and use psycopg 3 for them."""
    if database_url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + database_url.split("://", 1)[1]
    return database_url


def make_engine(database_url: str) -> Engine:
    url = make_url(sqlalchemy_url(database_url))
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        # Room for every thread that may hold a connection at once (the server's thread
        # pool, workers, maintenance) so none is opened and closed per request: a new
        # connection costs its PRAGMAs (SQLAlchemy's default keeps 5).
        pool_size=20,
        max_overflow=40,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below decide how transactions start; pysqlite's
        # own implicit BEGIN would be DEFERRED and deadlock-prone for writers.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the write lock up front (BEGIN IMMEDIATE), so two writers never
        # both read and then fail to upgrade; readers use WAL snapshots and never block.
        mode = "IMMEDIATE" if conn.get_execution_options().get("zorders_write") else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


class SqlTenantScope:
    def __init__(self, conn: Connection, tenant_id: TenantId) -> None:
        self._conn = conn
        self._tenant = tenant_id

    @cached_property
    def catalog(self) -> SqlCatalog:
        return SqlCatalog(self._conn, self._tenant)

    @cached_property
    def accounts(self) -> SqlAccounts:
        return SqlAccounts(self._conn, self._tenant)

    @cached_property
    def subscriptions(self) -> SqlSubscriptions:
        return SqlSubscriptions(self._conn, self._tenant)

    @cached_property
    def orders(self) -> SqlOrders:
        return SqlOrders(self._conn, self._tenant)

    @cached_property
    def counters(self) -> SqlCounters:
        return SqlCounters(self._conn, self._tenant)

    @cached_property
    def numbers(self) -> SqlNumbers:
        return SqlNumbers(self._conn, self._tenant)

    @cached_property
    def invoices(self) -> SqlInvoices:
        return SqlInvoices(self._conn, self._tenant)

    @cached_property
    def payments(self) -> SqlPayments:
        return SqlPayments(self._conn, self._tenant)

    @cached_property
    def billing(self) -> SqlBillingState:
        return SqlBillingState(self._conn, self._tenant)

    def erase(self, *, catalog: bool) -> None:
        erase_tenant(self._conn, self._tenant, catalog=catalog)


class SqlUnitOfWork:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self.jobs_added = False

    def _job_added(self) -> None:
        self.jobs_added = True

    @cached_property
    def tenants(self) -> SqlTenants:
        return SqlTenants(self._conn)

    @cached_property
    def tokens(self) -> SqlTokens:
        return SqlTokens(self._conn)

    @cached_property
    def jobs(self) -> SqlJobs:
        return SqlJobs(self._conn, self._job_added)

    @cached_property
    def idempotency(self) -> SqlIdempotency:
        return SqlIdempotency(self._conn)

    @cached_property
    def limits(self) -> SqlLimitCounters:
        return SqlLimitCounters(self._conn)

    def tenant(self, tenant_id: TenantId) -> SqlTenantScope:
        return SqlTenantScope(self._conn, tenant_id)


class SqlStore:
    """SQLite or PostgreSQL, by URL. Thread-safe: each transaction has its own connection."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.engine = make_engine(database_url)
        self._wakeups = Wakeups()
        self._listener_lock = threading.Lock()
        self._listener: PgListener | None = None
        database = self.engine.url.database
        #: SQLite file reads outside SQLAlchemy (the poll's fast path); None otherwise.
        self._sqlite_path = (
            database
            if self.dialect == "sqlite" and database not in (None, "", ":memory:")
            else None
        )
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._sqlite_writer = self.dialect == "sqlite"
        self._writer = threading.Lock()
        self._reader = threading.local()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def local_reads(self) -> bool:
        return self.dialect == "sqlite"

    def job_outcome(self, tenant_id: TenantId, job_id: JobId) -> JobOutcome | None:
        if self._sqlite_path is not None:
            # One statement in autocommit mode is its own read transaction (a WAL snapshot);
            # a per-thread connection spares the pool check-out, BEGIN and COMMIT.
            found = self._sqlite_reader().execute(OUTCOME_SQL, (job_id, tenant_id)).fetchone()
        else:
            with self.engine.connect() as conn:
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
                found = conn.execute(
                    OUTCOME_SELECT, {"job_id": job_id, "tenant_id": tenant_id}
                ).first()
        return None if found is None else outcome_from_row(job_id, *found)

    def queue_depth(self) -> dict[str, int]:
        return health.queue_depth(self.engine)

    def ping(self) -> None:
        health.ping(self.engine)

    def _sqlite_reader(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._reader, "conn", None)
        if conn is None:
            assert self._sqlite_path is not None
            conn = sqlite3.connect(
                self._sqlite_path, timeout=30, isolation_level=None, check_same_thread=False
            )
            conn.execute("PRAGMA query_only=ON")
            with self._readers_lock:
                self._readers.append(conn)
            self._reader.conn = conn
        return conn

    @contextmanager
    def begin(self, *, write: bool = True) -> Iterator[SqlUnitOfWork]:
        # SQLite has one writer at a time. Threads of this process queue for it here, and
        # each gets it as soon as the last one commits; left to SQLite, they would wait in
        # its busy handler, which sleeps in steps of up to 100 ms (submissions under load
        # saw p99 latencies of 600 ms). Other processes still meet SQLite's busy handler.
        with self._writer if write and self._sqlite_writer else nullcontext():
            with self.engine.connect() as conn:
                conn = conn.execution_options(zorders_write=write)
                with conn.begin():
                    uow = SqlUnitOfWork(conn)
                    yield uow
                    if uow.jobs_added and self.dialect == "postgresql":
                        # Delivered at commit to every listening process (workers elsewhere).
                        conn.exec_driver_sql(f"NOTIFY {JOBS_CHANNEL}")
        if uow.jobs_added:
            self.wake_workers()

    def wake_workers(self) -> None:
        self._wakeups.signal()

    def nudge_waiters(self) -> None:
        self._wakeups.nudge()

    def wait_for_jobs(self, timeout: float, ready: Callable[[], bool] | None = None) -> None:
        if self.dialect == "postgresql" and self._listener is None:
            with self._listener_lock:
                if self._listener is None:
                    self._listener = PgListener(self.engine, JOBS_CHANNEL, self.wake_workers)
                    self._listener.start()
        self._wakeups.wait(timeout, ready)

    def close(self) -> None:
        if self._listener is not None:
            self._listener.stop()
        self.wake_workers()
        with self._readers_lock:
            readers, self._readers = self._readers, []
        for reader in readers:
            reader.close()
        self.engine.dispose()


JOBS_CHANNEL = "zorders_jobs"


class PgListener:
    """LISTEN on PostgreSQL in a thread: a job committed by any process wakes our workers
    within milliseconds. Reconnects after errors; the workers' slow poll covers the gaps."""

    def __init__(self, engine: Engine, channel: str, on_notify: Callable[[], None]) -> None:
        url = engine.url.set(drivername="postgresql")
        self._conninfo = url.render_as_string(hide_password=False)
        self._channel = channel
        self._on_notify = on_notify
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pg-listener", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(5)

    def _run(self) -> None:
        import psycopg

        while not self._stopping.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True) as conn:
                    conn.execute(f"LISTEN {self._channel}")
                    self._on_notify()  # anything committed while we were not listening
                    while not self._stopping.is_set():
                        for _ in conn.notifies(timeout=0.5):
                            self._on_notify()
            except psycopg.Error:
                log.warning("LISTEN connection lost; reconnecting", exc_info=True)
                self._stopping.wait(1.0)
