"""The memory store: every port on dicts in this process, for tests and demos (not durable).

Transactions are real: a unit of work writes copies of the tables it touches and publishes
them all at once when its block ends, or drops them on an exception. Writers take turns
on one lock, as SQLite's single writer does; readers see the snapshot committed when they
began and never wait.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property

from zorders.service.jobs import JobOutcome, JobStatus
from zorders.store.memory_jobs import (
    MemoryIdempotency,
    MemoryJobs,
    MemoryLimitCounters,
    RunQueue,
)
from zorders.store.memory_repositories import MemoryTenants, MemoryTenantScope, MemoryTokens
from zorders.store.memory_tables import Tables, Transaction
from zorders.store.wakeups import Wakeups
from zorders.types import JobId, TenantId


class MemoryUnitOfWork:
    def __init__(self, tx: Transaction, queue: RunQueue) -> None:
        self._tx = tx
        self._queue = queue

    def _job_added(self) -> None:
        self._tx.jobs_added = True

    @cached_property
    def tenants(self) -> MemoryTenants:
        return MemoryTenants(self._tx)

    @cached_property
    def tokens(self) -> MemoryTokens:
        return MemoryTokens(self._tx)

    @cached_property
    def jobs(self) -> MemoryJobs:
        return MemoryJobs(self._tx, self._queue, self._job_added)

    @cached_property
    def idempotency(self) -> MemoryIdempotency:
        return MemoryIdempotency(self._tx)

    @cached_property
    def limits(self) -> MemoryLimitCounters:
        return MemoryLimitCounters(self._tx)

    def tenant(self, tenant_id: TenantId) -> MemoryTenantScope:
        return MemoryTenantScope(self._tx, tenant_id)


class MemoryStore:
    """Dicts behind the store ports; its data lives and dies with the process."""

    def __init__(self) -> None:
        self._committed = Tables()
        self._writer = threading.Lock()
        self._writing = threading.local()
        self._seq = itertools.count(1)
        self._queue = RunQueue()
        self._wakeups = Wakeups()

    @property
    def local_reads(self) -> bool:
        return True

    @contextmanager
    def begin(self, *, write: bool = True) -> Iterator[MemoryUnitOfWork]:
        if not write:
            # Committed tables are never changed in place: this reference is the snapshot.
            tx = Transaction(self._committed, write=False, next_seq=self._seq)
            try:
                yield MemoryUnitOfWork(tx, self._queue)
            finally:
                tx.close()
            return
        if getattr(self._writing, "active", False):
            # The SQLite store would wait for itself here forever; say so instead.
            raise RuntimeError("a write transaction inside another on the same thread")
        with self._writer:
            self._writing.active = True
            try:
                tx = Transaction(self._committed, write=True, next_seq=self._seq)
                try:
                    yield MemoryUnitOfWork(tx, self._queue)
                except BaseException:
                    tx.close()
                    raise
                self._committed = tx.close()
                self._queue.committed(self._committed, tx.touched_jobs)
            finally:
                self._writing.active = False
        if tx.jobs_added:
            self.wake_workers()

    def job_outcome(self, tenant_id: TenantId, job_id: JobId) -> JobOutcome | None:
        row = self._committed.jobs.get(job_id)
        if row is None or row.job.tenant_id != tenant_id:
            return None
        return JobOutcome.of(row.job)

    def queue_depth(self) -> dict[str, int]:
        tables = self._committed
        counts = {JobStatus.PENDING.value: 0, JobStatus.PROCESSING.value: 0}
        for job_id in tables.unfinished:
            counts[tables.jobs[job_id].job.status.value] += 1
        return counts

    def ping(self) -> None:
        """Always reachable: the data is in this process."""

    def wake_workers(self) -> None:
        self._wakeups.signal()

    def nudge_waiters(self) -> None:
        self._wakeups.nudge()

    def wait_for_jobs(self, timeout: float, ready: Callable[[], bool] | None = None) -> None:
        self._wakeups.wait(timeout, ready)

    def close(self) -> None:
        self.wake_workers()
