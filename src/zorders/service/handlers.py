"""The job dispatch table: job kind → the function that runs it."""

from __future__ import annotations

from collections.abc import Callable

from zorders.service.jobs import Job, JobKind, JobResult
from zorders.service.orders import run_create_order, run_preview_order
from zorders.service.ports import Clock, IdFactory, UnitOfWork

JobHandler = Callable[[Job, UnitOfWork, Clock, IdFactory], JobResult]

JOB_HANDLERS: dict[JobKind, JobHandler] = {
    JobKind.CREATE_ORDER: run_create_order,
    JobKind.PREVIEW_ORDER: run_preview_order,
}
