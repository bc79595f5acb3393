"""A running job's lease is extended while it runs (one heartbeat thread per process)."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

from tests.stores import SINGLE_WRITER
from tests.support import CountingIds, StubClock
from zorders.domain.order_actions import OrderRequest
from zorders.service.jobs import Job, JobKind, JobResult, JobStatus
from zorders.service.ports import Clock, IdFactory, Store, UnitOfWork
from zorders.service.results import CreateOrderResult
from zorders.types import JobId, TenantId
from zorders.worker.runner import Worker, WorkerOptions


class CountingWorker(Worker):
    beats = 0

    def extend_lease(self, job: Job) -> None:
        self.beats += 1
        super().extend_lease(job)


def test_a_long_job_is_beaten_for_and_a_finished_one_is_not(store: Store, store_kind: str) -> None:
    clock = StubClock()
    now = clock.now()
    with store.begin() as uow:
        uow.jobs.add(
            Job(
                id=JobId("1" * 32),
                tenant_id=TenantId("t" * 32),
                kind=JobKind.CREATE_ORDER,
                status=JobStatus.PENDING,
                request=OrderRequest(order_date=date(2027, 1, 1), subscriptions=()),
                created_at=now,
                updated_at=now,
            )
        )
    running = threading.Event()

    def slow(job: Job, uow: UnitOfWork, clock: Clock, ids: IdFactory) -> JobResult:
        running.set()
        time.sleep(0.5)  # the lease is 0.15 s: a beat every 0.05 s keeps it
        return CreateOrderResult(
            order_number="O-1",
            order_id="1",
            account_number="A-1",
            account_id="2",
            status="Completed",
            subscriptions=(),
        )

    worker = CountingWorker(
        store,
        clock,
        CountingIds(),
        name="w",
        options=WorkerOptions(lease=timedelta(seconds=0.15)),
        handlers={JobKind.CREATE_ORDER: slow},
    )
    assert worker.run_once()
    assert running.is_set()
    beats = worker.beats
    # With one writer at a time (SQLite, memory) the job's own write transaction holds the
    # lock: the first beat waits for it to end (a no-op then), so one beat is all there can be.
    assert beats >= (1 if store_kind in SINGLE_WRITER else 3)
    time.sleep(0.3)
    assert worker.beats == beats
    outcome = store.job_outcome(TenantId("t" * 32), JobId("1" * 32))
    assert outcome is not None and outcome.status is JobStatus.COMPLETED
