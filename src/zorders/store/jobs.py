"""The job queue table: insert, exclusive claim with a lease, guarded completion, rescue, prune."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import orjson
from sqlalchemy import Connection, and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.sql.elements import BindParameter

from zorders.domain.order_actions import OrderRequest
from zorders.service.jobs import Job, JobKind, JobOutcome, JobResult, JobStatus
from zorders.service.results import CreateOrderResult
from zorders.store import schema as t
from zorders.store.codec import Decoder, constructor, decoder, dumps, loads, tag
from zorders.store.repositories import from_db_time, to_db_time
from zorders.types import JobId, TenantId

_c = t.jobs.c


def _opt_time(value: datetime | None) -> datetime | None:
    return None if value is None else from_db_time(value)


def _claim_columns(job: Job) -> dict[str, Any]:
    """A new job's claim: none when it is pending; its worker's lease when it is inserted
    already claimed, handed to a worker of the submitting process (ports.Handoff)."""
    if job.status is not JobStatus.PROCESSING:
        return {}
    assert job.started_at is not None and job.locked_until is not None
    return {
        "started_at": to_db_time(job.started_at),
        "locked_by": job.locked_by,
        "locked_until": to_db_time(job.locked_until),
    }


def job_from_row(row: Any) -> Job:
    return Job(
        id=JobId(row["id"]),
        tenant_id=TenantId(row["tenant_id"]),
        kind=JobKind(row["kind"]),
        status=JobStatus(row["status"]),
        request=loads(row["request"], OrderRequest),
        created_at=from_db_time(row["created_at"]),
        updated_at=from_db_time(row["updated_at"]),
        attempts=row["attempts"],
        track_id=row["track_id"],
        result=None if row["result"] is None else loads(row["result"], JobResult),
        error=row["error"],
        started_at=_opt_time(row["started_at"]),
        finished_at=_opt_time(row["finished_at"]),
        locked_by=row["locked_by"],
        locked_until=_opt_time(row["locked_until"]),
        idempotency_key=row["idempotency_key"],
    )


#: The poll's read, by primary key: what a poll shows and nothing more (not the request,
#: which an order of 300 subscriptions makes hundreds of kilobytes long). Plain SQL for the
#: SQLite fast path (sql.SqlStore.job_outcome), the same as a statement for other dialects.
OUTCOME_SQL = "SELECT kind, status, error, result FROM jobs WHERE id = ? AND tenant_id = ?"
OUTCOME_SELECT = select(_c.kind, _c.status, _c.error, _c.result).where(
    _c.id == bindparam("job_id"), _c.tenant_id == bindparam("tenant_id")
)


#: The poll decodes a row per request: dict lookups and a decoder looked up once cost
#: a fraction of calling the Enum classes and finding the union's decoder each time.
_KINDS = {kind.value: kind for kind in JobKind}
_STATUSES = {status.value: status for status in JobStatus}


_outcome = constructor(JobOutcome)
_ORDER = CreateOrderResult.__name__


@cache
def _result_decoder() -> Decoder:
    return decoder(JobResult)


def outcome_from_row(
    job_id: JobId, kind: str, status: str, error: str | None, result: str | None
) -> JobOutcome:
    order = preview = None
    if result is not None:
        document = orjson.loads(result)
        # A create-order result stays the document it was stored as (CreateOrderFields):
        # the poll renders it as read, without building its dataclasses.
        if tag(document) == _ORDER:
            order = document
        else:
            preview = _result_decoder()(document)
    outcome: JobOutcome = _outcome(
        id=job_id,
        kind=_KINDS.get(kind) or JobKind(kind),
        status=_STATUSES.get(status) or JobStatus(status),
        order=order,
        preview=preview,
        error=error,
    )
    return outcome


# Built once, executed with parameters (see repositories.py): a job's life runs these.
_BY_ID = select(t.jobs).where(_c.id == bindparam("p_id"), _c.tenant_id == bindparam("p_tenant"))
_NOW: BindParameter[datetime] = bindparam("p_now")
# PostgreSQL: FOR UPDATE SKIP LOCKED lets concurrent workers pass each other. SQLite
# renders no FOR UPDATE; the write transaction (BEGIN IMMEDIATE) is the single writer,
# so the sub-select and the update cannot interleave.
_OLDEST = (
    select(_c.id)
    .where(_c.status == JobStatus.PENDING.value, _c.run_at <= _NOW)
    .order_by(_c.run_at, _c.id)
    .limit(1)
    .with_for_update(skip_locked=True)
    .scalar_subquery()
)
_CLAIM = (
    update(t.jobs)
    .where(_c.id == _OLDEST, _c.status == JobStatus.PENDING.value)
    .values(
        status=JobStatus.PROCESSING.value,
        locked_by=bindparam("p_worker"),
        locked_until=bindparam("p_lease"),
        attempts=_c.attempts + 1,
        started_at=_NOW,
        updated_at=_NOW,
    )
    .returning(*t.jobs.c)
)
_HELD = and_(
    _c.id == bindparam("p_id"),
    _c.locked_by == bindparam("p_worker"),
    _c.status == JobStatus.PROCESSING.value,
)
_EXTEND = update(t.jobs).where(_HELD).values(locked_until=bindparam("p_lease"))
_FINISH = {
    column: update(t.jobs)
    .where(_HELD)
    .values(
        {
            "status": bindparam("p_status"),
            column: bindparam("p_outcome"),
            "locked_by": None,
            "locked_until": None,
            "finished_at": _NOW,
            "updated_at": _NOW,
        }
    )
    for column in ("result", "error")
}


class SqlJobs:
    def __init__(self, conn: Connection, on_added: Callable[[], None]) -> None:
        self._conn = conn
        self._on_added = on_added

    def add(self, job: Job) -> None:
        self._conn.execute(
            insert(t.jobs),
            {
                "id": job.id,
                "tenant_id": job.tenant_id,
                "kind": job.kind.value,
                "status": job.status.value,
                "request": dumps(job.request),
                "attempts": job.attempts,
                "track_id": job.track_id,
                "run_at": to_db_time(job.created_at),
                "created_at": to_db_time(job.created_at),
                "updated_at": to_db_time(job.updated_at),
                "idempotency_key": job.idempotency_key,
                **_claim_columns(job),
            },
        )
        if job.status is JobStatus.PENDING:
            self._on_added()

    def get(self, tenant_id: TenantId, job_id: JobId) -> Job | None:
        row = self._conn.execute(_BY_ID, {"p_id": job_id, "p_tenant": tenant_id}).first()
        return None if row is None else job_from_row(row._mapping)

    def by_idempotency_key(self, tenant_id: TenantId, key: str) -> Job | None:
        row = self._conn.execute(
            select(t.jobs).where(_c.tenant_id == tenant_id, _c.idempotency_key == key)
        ).first()
        return None if row is None else job_from_row(row._mapping)

    def list(
        self, tenant_id: TenantId, *, status: str | None, limit: int, offset: int
    ) -> Sequence[Job]:
        query = select(t.jobs).where(_c.tenant_id == tenant_id)
        if status is not None:
            query = query.where(_c.status == status)
        rows = self._conn.execute(
            query.order_by(_c.created_at.desc(), _c.id).limit(limit).offset(offset)
        ).all()
        return [job_from_row(r._mapping) for r in rows]

    def claim(self, *, worker_id: str, now: datetime, lease_until: datetime) -> Job | None:
        row = self._conn.execute(
            _CLAIM,
            {"p_now": to_db_time(now), "p_worker": worker_id, "p_lease": to_db_time(lease_until)},
        ).first()
        return None if row is None else job_from_row(row._mapping)

    def _held(self, job_id: JobId, worker_id: str) -> Any:
        return and_(
            _c.id == job_id,
            _c.locked_by == worker_id,
            _c.status == JobStatus.PROCESSING.value,
        )

    def extend_lease(self, job_id: JobId, *, worker_id: str, lease_until: datetime) -> bool:
        result = self._conn.execute(
            _EXTEND, {"p_id": job_id, "p_worker": worker_id, "p_lease": to_db_time(lease_until)}
        )
        return result.rowcount == 1

    def complete(self, job_id: JobId, *, worker_id: str, result: JobResult, now: datetime) -> bool:
        return self._finish(job_id, worker_id, now, JobStatus.COMPLETED, "result", dumps(result))

    def fail(self, job_id: JobId, *, worker_id: str, error: str, now: datetime) -> bool:
        return self._finish(job_id, worker_id, now, JobStatus.FAILED, "error", error)

    def _finish(
        self,
        job_id: JobId,
        worker_id: str,
        now: datetime,
        status: JobStatus,
        column: str,
        outcome: str,
    ) -> bool:
        """Completed with a result or Failed with an error, if ``worker_id`` holds the lease."""
        result = self._conn.execute(
            _FINISH[column],
            {
                "p_id": job_id,
                "p_worker": worker_id,
                "p_status": status.value,
                "p_outcome": outcome,
                "p_now": to_db_time(now),
            },
        )
        return result.rowcount == 1

    def retry(self, job_id: JobId, *, worker_id: str, run_at: datetime, now: datetime) -> bool:
        result = self._conn.execute(
            update(t.jobs)
            .where(self._held(job_id, worker_id))
            .values(
                status=JobStatus.PENDING.value,
                locked_by=None,
                locked_until=None,
                run_at=to_db_time(run_at),
                updated_at=to_db_time(now),
            )
        )
        return result.rowcount == 1

    def rescue_expired(self, now: datetime) -> int:
        result = self._conn.execute(
            update(t.jobs)
            .where(
                _c.status == JobStatus.PROCESSING.value,
                _c.locked_until < to_db_time(now),
            )
            .values(
                status=JobStatus.PENDING.value,
                locked_by=None,
                locked_until=None,
                updated_at=to_db_time(now),
            )
        )
        if result.rowcount:
            self._on_added()
        return result.rowcount

    def shift_schedule(self, tenant_id: TenantId, by: timedelta) -> int:
        # Row by row in Python: date arithmetic in SQL differs per dialect, and a tenant's
        # unfinished jobs are few.
        rows = self._conn.execute(
            select(_c.id, _c.run_at, _c.locked_until).where(
                _c.tenant_id == tenant_id,
                _c.status.in_([JobStatus.PENDING.value, JobStatus.PROCESSING.value]),
            )
        ).all()
        for job_id, run_at, locked_until in rows:
            self._conn.execute(
                update(t.jobs)
                .where(_c.id == job_id)
                .values(
                    run_at=run_at - by,
                    locked_until=None if locked_until is None else locked_until - by,
                )
            )
        if rows:
            self._on_added()
        return len(rows)

    def busy(self, tenant_id: TenantId, now: datetime) -> int:
        count = self._conn.execute(
            select(func.count()).where(
                _c.tenant_id == tenant_id,
                or_(
                    _c.status == JobStatus.PROCESSING.value,
                    and_(_c.status == JobStatus.PENDING.value, _c.run_at <= to_db_time(now)),
                ),
            )
        ).scalar_one()
        return int(count)

    def delete_tenant(self, tenant_id: TenantId) -> int:
        return self._conn.execute(delete(t.jobs).where(_c.tenant_id == tenant_id)).rowcount

    def prune_finished(self, before: datetime) -> int:
        result = self._conn.execute(
            delete(t.jobs).where(
                _c.status.in_([JobStatus.COMPLETED.value, JobStatus.FAILED.value]),
                _c.finished_at < to_db_time(before),
            )
        )
        return result.rowcount
