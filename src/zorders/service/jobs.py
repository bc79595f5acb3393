"""The async job value: what was asked, where it stands, what came of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from zorders.domain.order_actions import OrderRequest
from zorders.service.results import (
    CreateOrderFields,
    CreateOrderResult,
    PreviewOrderResult,
    create_order_fields,
)
from zorders.types import JobId, TenantId


class JobKind(Enum):
    #: The value is Zuora's ``jobType`` in a job's result.
    CREATE_ORDER = "AsyncCreateOrder"
    PREVIEW_ORDER = "AsyncPreviewOrder"

    #: Members are singletons, equal only to themselves: the identity hash spares the
    #: Python call of ``Enum.__hash__`` in every table keyed by them (a poll reads two).
    __hash__ = object.__hash__


class JobStatus(Enum):
    #: Committed, waiting for a worker; clients see ``Processing`` (Zuora has no queued state).
    PENDING = "pending"
    #: Claimed by a worker that holds its lease.
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"

    __hash__ = object.__hash__  # as JobKind's

    @property
    def zuora(self) -> str:
        """The status as ``GET /v1/async-jobs/{jobId}`` reports it (facts §1)."""
        if self is JobStatus.COMPLETED:
            return "Completed"
        if self is JobStatus.FAILED:
            return "Failed"
        return "Processing"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.COMPLETED, JobStatus.FAILED)


JobResult = CreateOrderResult | PreviewOrderResult


class WorkerCrash(Exception):
    """Raised by a handler to end its run as a crashed worker would: nothing the run wrote
    is committed, the job is neither completed nor failed, and it keeps its lease until
    the rescuer gives it to another worker (the emulator's ``crash-once``)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Job:
    id: JobId
    tenant_id: TenantId
    kind: JobKind
    status: JobStatus
    request: OrderRequest
    created_at: datetime
    updated_at: datetime
    attempts: int = 0
    track_id: str | None = None
    result: JobResult | None = None
    #: ``[<8-digit code>]: <message>`` once Failed, as Zuora reports job failures.
    error: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    locked_by: str | None = None
    locked_until: datetime | None = None
    #: The client's Idempotency-Key, if it sent one: at most one job per key and tenant.
    idempotency_key: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class JobOutcome:
    """What a poll shows of a job (``GET /v1/async-jobs/{jobId}``): where it stands and what
    came of it, without the request it carries (the poll route must not pay for that)."""

    id: JobId
    kind: JobKind
    status: JobStatus
    #: A create-order job's result as plain fields: the store's document as read. The poll
    #: renders it without building the dataclasses, which cost more than the rendering.
    order: CreateOrderFields | None = None
    #: A preview job's result.
    preview: PreviewOrderResult | None = None
    error: str | None = None

    @classmethod
    def of(cls, job: Job) -> JobOutcome:
        result = job.result
        return cls(
            id=job.id,
            kind=job.kind,
            status=job.status,
            order=create_order_fields(result) if isinstance(result, CreateOrderResult) else None,
            preview=result if isinstance(result, PreviewOrderResult) else None,
            error=job.error,
        )


@dataclass(frozen=True, slots=True)
class Lease:
    """A worker's exclusive hold on a job until ``until`` (``locked_by``, ``locked_until``)."""

    worker_id: str
    until: datetime

    def claimed(self, job: Job) -> bool:
        """True if ``job`` was claimed with this very lease (not an earlier job returned
        for the same Idempotency-Key)."""
        return job.locked_by == self.worker_id and job.locked_until == self.until


def job_error_text(code: int, message: str) -> str:
    return f"[{code}]: {message}"
