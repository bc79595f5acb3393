"""The memory store's job queue, idempotency keys and limit counters (store/jobs.py's rules)."""

from __future__ import annotations

import dataclasses
import heapq
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from zorders.service.idempotency import IdempotencyRecord, StoredResponse
from zorders.service.jobs import Job, JobResult, JobStatus
from zorders.service.limits import PeerCounts
from zorders.store.memory_tables import (
    JobRow,
    LimitRow,
    Tables,
    Transaction,
    opt_utc,
    unique,
    utc,
)
from zorders.types import JobId, TenantId


def _pending_at(tables: Tables, job_id: JobId) -> datetime | None:
    row = tables.jobs.get(job_id)
    return row.run_at if row is not None and row.job.status is JobStatus.PENDING else None


class RunQueue:
    """The committed pending jobs by (run_at, id), so a claim need not scan the backlog.

    A heap that only writers touch, under the store's writer lock: a commit pushes the jobs
    it left pending; an entry whose job has since been claimed, moved or deleted no longer
    matches its row and is dropped when it comes to the top.
    """

    def __init__(self) -> None:
        self._heap: list[tuple[datetime, JobId]] = []

    def committed(self, tables: Tables, touched: Iterable[JobId]) -> None:
        for job_id in touched:
            run_at = _pending_at(tables, job_id)
            if run_at is not None:
                heapq.heappush(self._heap, (run_at, job_id))

    def oldest(self, tx: Transaction) -> tuple[datetime, JobId] | None:
        """The oldest pending job as ``tx`` sees it: the committed ones it has not written,
        and the ones it has written itself."""
        heap, skipped = self._heap, []
        best: tuple[datetime, JobId] | None = None
        try:
            while heap:
                run_at, job_id = heap[0]
                if _pending_at(tx.base, job_id) != run_at:
                    heapq.heappop(heap)  # stale for good: committed rows change under our lock
                elif job_id in tx.touched_jobs:
                    skipped.append(heapq.heappop(heap))  # this transaction's view decides
                else:
                    best = heap[0]
                    break
        finally:
            for entry in skipped:
                heapq.heappush(heap, entry)
        tables = tx.read
        for job_id in tx.touched_jobs:
            due = _pending_at(tables, job_id)
            if due is not None and (best is None or (due, job_id) < best):
                best = (due, job_id)
        return best


class MemoryJobs:
    def __init__(self, tx: Transaction, queue: RunQueue, on_added: Callable[[], None]) -> None:
        self._tx = tx
        self._queue = queue
        self._on_added = on_added

    def add(self, job: Job) -> None:
        tables = self._tx.write("jobs", "unfinished", "job_keys")
        unique(tables.jobs, job.id, "jobs", "id")
        if job.idempotency_key is not None:
            key = (job.tenant_id, job.idempotency_key)
            unique(tables.job_keys, key, "jobs", "tenant_id", "idempotency_key")
            tables.job_keys[key] = job.id
        # What the SQL insert keeps of a new job: no outcome, due at creation; a lease only
        # when it is inserted claimed, handed to a local worker (service.ports.Handoff).
        claimed = job.status is JobStatus.PROCESSING
        stored = dataclasses.replace(
            job,
            created_at=utc(job.created_at),
            updated_at=utc(job.updated_at),
            result=None,
            error=None,
            started_at=opt_utc(job.started_at) if claimed else None,
            finished_at=None,
            locked_by=job.locked_by if claimed else None,
            locked_until=opt_utc(job.locked_until) if claimed else None,
        )
        self._put(tables, stored, stored.created_at)
        if job.status is JobStatus.PENDING:
            self._on_added()

    def _put(self, tables: Tables, job: Job, run_at: datetime) -> None:
        self._tx.touched_jobs.add(job.id)
        tables.jobs[job.id] = JobRow(job, run_at)
        if job.status.finished:
            tables.unfinished.pop(job.id)
        else:
            tables.unfinished[job.id] = None

    def get(self, tenant_id: TenantId, job_id: JobId) -> Job | None:
        row = self._tx.read.jobs.get(job_id)
        return None if row is None or row.job.tenant_id != tenant_id else row.job

    def by_idempotency_key(self, tenant_id: TenantId, key: str) -> Job | None:
        job_id = self._tx.read.job_keys.get((tenant_id, key))
        return None if job_id is None else self.get(tenant_id, job_id)

    def list(
        self, tenant_id: TenantId, *, status: str | None, limit: int, offset: int
    ) -> Sequence[Job]:
        jobs = [
            row.job
            for row in self._tx.read.jobs.values()
            if row.job.tenant_id == tenant_id and (status is None or row.job.status.value == status)
        ]
        # Newest first, then by id ascending: the SQL store's ORDER BY created_at DESC, id.
        jobs.sort(key=lambda j: j.id)
        jobs.sort(key=lambda j: j.created_at, reverse=True)
        return jobs[offset : offset + limit]

    def _unfinished(self) -> Iterator[JobRow]:
        tables = self._tx.read
        return (tables.jobs[job_id] for job_id in tables.unfinished)

    def claim(self, *, worker_id: str, now: datetime, lease_until: datetime) -> Job | None:
        # Writers take turns (MemoryStore.begin), so finding the oldest and taking it cannot
        # interleave with another claim: the SQLite store's single writer, in effect.
        self._tx.writable()  # the run queue is the writers' (claims from a reader fail here)
        oldest = self._queue.oldest(self._tx)
        if oldest is None or oldest[0] > now:
            return None
        run_at, job_id = oldest
        tables = self._tx.write("jobs", "unfinished")
        job = dataclasses.replace(
            tables.jobs[job_id].job,
            status=JobStatus.PROCESSING,
            locked_by=worker_id,
            locked_until=utc(lease_until),
            attempts=tables.jobs[job_id].job.attempts + 1,
            started_at=utc(now),
            updated_at=utc(now),
        )
        self._put(tables, job, run_at)
        return job

    def _held(self, job_id: JobId, worker_id: str) -> JobRow | None:
        row = self._tx.read.jobs.get(job_id)
        if row is None or row.job.locked_by != worker_id:
            return None
        return row if row.job.status is JobStatus.PROCESSING else None

    def _update(self, row: JobRow, *, run_at: datetime | None = None, **changes: Any) -> None:
        tables = self._tx.write("jobs", "unfinished")
        job = dataclasses.replace(row.job, **changes)
        self._put(tables, job, row.run_at if run_at is None else run_at)

    def extend_lease(self, job_id: JobId, *, worker_id: str, lease_until: datetime) -> bool:
        row = self._held(job_id, worker_id)
        if row is not None:
            self._update(row, locked_until=utc(lease_until))
        return row is not None

    def complete(self, job_id: JobId, *, worker_id: str, result: JobResult, now: datetime) -> bool:
        return self._finish(job_id, worker_id, now, status=JobStatus.COMPLETED, result=result)

    def fail(self, job_id: JobId, *, worker_id: str, error: str, now: datetime) -> bool:
        return self._finish(job_id, worker_id, now, status=JobStatus.FAILED, error=error)

    def _finish(self, job_id: JobId, worker_id: str, now: datetime, **outcome: Any) -> bool:
        row = self._held(job_id, worker_id)
        if row is not None:
            self._update(
                row,
                locked_by=None,
                locked_until=None,
                finished_at=utc(now),
                updated_at=utc(now),
                **outcome,
            )
        return row is not None

    def retry(self, job_id: JobId, *, worker_id: str, run_at: datetime, now: datetime) -> bool:
        row = self._held(job_id, worker_id)
        if row is not None:
            self._update(
                row,
                run_at=utc(run_at),
                status=JobStatus.PENDING,
                locked_by=None,
                locked_until=None,
                updated_at=utc(now),
            )
        return row is not None

    def rescue_expired(self, now: datetime) -> int:
        expired = [
            row
            for row in self._unfinished()
            if row.job.status is JobStatus.PROCESSING
            and row.job.locked_until is not None
            and row.job.locked_until < now
        ]
        for row in expired:
            self._update(
                row,
                status=JobStatus.PENDING,
                locked_by=None,
                locked_until=None,
                updated_at=utc(now),
            )
        if expired:
            self._on_added()
        return len(expired)

    def prune_finished(self, before: datetime) -> int:
        old = [
            row.job
            for row in self._tx.read.jobs.values()
            if row.job.status.finished
            and row.job.finished_at is not None
            and row.job.finished_at < before
        ]
        if old:
            self._delete(old)
        return len(old)

    def shift_schedule(self, tenant_id: TenantId, by: timedelta) -> int:
        # Every unfinished job moves, a running one's run_at too: the rescuer hands a job
        # back with the run_at it had, so its place in the queue must move with the clock.
        mine = [row for row in self._unfinished() if row.job.tenant_id == tenant_id]
        for row in mine:
            locked_until = row.job.locked_until
            self._update(
                row,
                run_at=row.run_at - by,
                locked_until=None if locked_until is None else locked_until - by,
            )
        if mine:
            self._on_added()  # an earlier run_at may be due now
        return len(mine)

    def busy(self, tenant_id: TenantId, now: datetime) -> int:
        return sum(
            1
            for row in self._unfinished()
            if row.job.tenant_id == tenant_id
            and (row.job.status is JobStatus.PROCESSING or row.run_at <= now)
        )

    def delete_tenant(self, tenant_id: TenantId) -> int:
        jobs = [row.job for row in self._tx.read.jobs.values() if row.job.tenant_id == tenant_id]
        if jobs:
            self._delete(jobs)
        return len(jobs)

    def _delete(self, jobs: Sequence[Job]) -> None:
        tables = self._tx.write("jobs", "unfinished", "job_keys")
        for job in jobs:
            del tables.jobs[job.id]
            tables.unfinished.pop(job.id)
            if job.idempotency_key is not None:
                del tables.job_keys[(job.tenant_id, job.idempotency_key)]


class MemoryIdempotency:
    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    def get(self, key: str) -> IdempotencyRecord | None:
        return self._tx.read.idempotency.get(key)

    def add(self, record: IdempotencyRecord) -> bool:
        records = self._tx.write("idempotency").idempotency
        if record.fingerprint.key in records:
            return False
        # The SQL insert stores the request's fingerprint and lock; the response comes later.
        records[record.fingerprint.key] = dataclasses.replace(
            record,
            response=None,
            locked_until=opt_utc(record.locked_until),
            created_at=utc(record.created_at),
            expires_at=utc(record.expires_at),
        )
        return True

    def _change(self, key: str, **changes: Any) -> None:
        record = self._tx.read.idempotency.get(key)
        if record is not None:
            records = self._tx.write("idempotency").idempotency
            records[key] = dataclasses.replace(record, **changes)

    def relock(self, key: str, locked_until: datetime) -> None:
        self._change(key, locked_until=utc(locked_until))

    def store_response(self, key: str, response: StoredResponse) -> None:
        self._change(key, response=response, locked_until=None)

    def delete(self, key: str) -> None:
        if key in self._tx.read.idempotency:
            del self._tx.write("idempotency").idempotency[key]

    def _delete_where(self, doomed: Callable[[IdempotencyRecord], bool]) -> int:
        keys = [k for k, record in self._tx.read.idempotency.items() if doomed(record)]
        if keys:
            records = self._tx.write("idempotency").idempotency
            for key in keys:
                del records[key]
        return len(keys)

    def delete_expired(self, now: datetime) -> int:
        return self._delete_where(lambda record: record.expires_at <= now)

    def delete_tenant(self, tenant_id: TenantId) -> int:
        return self._delete_where(lambda record: record.fingerprint.tenant_id == tenant_id)


class MemoryLimitCounters:
    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    def publish(
        self,
        tenant_id: TenantId,
        *,
        process_id: str,
        window: datetime,
        requests: int,
        in_flight: int,
        in_flight_high_volume: int,
        now: datetime,
    ) -> None:
        limits = self._tx.write("limits").limits
        limits[(tenant_id, process_id)] = LimitRow(
            window=utc(window),
            requests=requests,
            in_flight=in_flight,
            in_flight_high_volume=in_flight_high_volume,
            updated_at=utc(now),
        )

    def peers(
        self, *, process_id: str, window: datetime, fresh_since: datetime
    ) -> Mapping[TenantId, PeerCounts]:
        sums: dict[TenantId, tuple[int, int, int]] = {}
        for (tenant_id, process), row in self._tx.read.limits.items():
            if process == process_id or row.updated_at < fresh_since:
                continue
            requests, in_flight, high = sums.get(tenant_id, (0, 0, 0))
            sums[tenant_id] = (
                requests + (row.requests if row.window == window else 0),
                in_flight + row.in_flight,
                high + row.in_flight_high_volume,
            )
        return {
            tenant_id: PeerCounts(requests=r, in_flight=f, in_flight_high_volume=h)
            for tenant_id, (r, f, h) in sums.items()
        }
