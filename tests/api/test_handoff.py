"""A new job goes straight to an idle in-process worker (worker/handoff.py).

The server's own workers run here, on the real clock: a job handed over is inserted
already claimed, so its ``started_at`` is its ``created_at`` to the microsecond, while a
job a worker claimed from the queue started later.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import ApiClient
from tests.support import FLAT, create_subscription, order
from zorders.bootstrap import Runtime, build, ensure_demo
from zorders.config import Settings
from zorders.http.app import create_app
from zorders.service.jobs import Job, JobStatus
from zorders.service.orders import SubmitOrder
from zorders.types import JobId, TenantId


@dataclass
class Served:
    client: ApiClient
    runtime: Runtime
    tenant_id: TenantId

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Until the worker waits for work: after a job, it first looks for queued ones."""
        deadline = time.monotonic() + timeout
        while self.runtime.handoff.idle() != 1:
            assert time.monotonic() < deadline, "the worker never became idle"
            time.sleep(0.005)

    def submit(self, body: dict[str, Any] | None = None, **kwargs: Any) -> JobId:
        response = self.client.post(
            "/v1/async/orders", json=body or order(create_subscription(FLAT)), **kwargs
        )
        assert response.status_code == 200, response.text
        return JobId(response.json()["jobId"])

    def job(self, job_id: JobId) -> Job:
        with self.runtime.store.begin(write=False) as uow:
            job = uow.jobs.get(self.tenant_id, job_id)
        assert job is not None
        return job

    def finished(self, job_id: JobId, timeout: float = 10.0) -> Job:
        deadline = time.monotonic() + timeout
        while not (job := self.job(job_id)).status.finished:
            assert time.monotonic() < deadline, f"job {job_id} still {job.status.value}"
            time.sleep(0.01)
        return job


@pytest.fixture
def served(database_url: str) -> Iterator[Served]:
    """An app with one in-process worker, as ``zorders serve --workers 1`` runs."""
    runtime = build(Settings(database_url=database_url, workers=1))
    tenant = ensure_demo(runtime)
    runtime.start_background(1)
    try:
        with ApiClient(create_app(runtime.api_context())) as client:
            client.login()
            yield Served(client, runtime, tenant.id)
    finally:
        runtime.close()


def _handed_over(job: Job) -> bool:
    return job.started_at == job.created_at


def test_an_idle_worker_runs_a_new_job_without_claiming_it(served: Served) -> None:
    served.wait_idle()
    job_id = served.submit()
    job = served.finished(job_id)
    assert job.status is JobStatus.COMPLETED
    assert _handed_over(job) and job.attempts == 1
    polled = served.client.get(f"/v1/async-jobs/{job_id}").json()
    assert polled["status"] == "Completed"
    assert polled["result"]["orderNumber"] == "O-00000001"
    metrics = served.client.get("/metrics").text
    assert 'zorders_job_queue_wait_seconds_count{kind="AsyncCreateOrder"} 1' in metrics
    assert 'zorders_jobs_handed_over_total{kind="AsyncCreateOrder"} 1' in metrics


def test_while_the_worker_is_reserved_a_new_job_waits_in_the_queue(served: Served) -> None:
    # Another submission's transaction under way holds the only worker.
    served.wait_idle()
    lease = served.runtime.handoff.reserve(served.runtime.clock.now())
    assert lease is not None
    assert served.runtime.handoff.reserve(served.runtime.clock.now()) is None
    job_id = served.submit()
    time.sleep(0.2)
    assert served.job(job_id).status is JobStatus.PENDING
    served.runtime.handoff.release(lease)
    job = served.finished(job_id)
    assert job.status is JobStatus.COMPLETED
    assert not _handed_over(job) and job.attempts == 1
    metrics = served.client.get("/metrics").text
    assert 'zorders_jobs_submitted_total{kind="AsyncCreateOrder"} 1' in metrics
    assert 'zorders_jobs_handed_over_total{kind="AsyncCreateOrder"} 0' in metrics


def test_a_refused_submission_gives_the_worker_back(served: Served) -> None:
    refused = served.client.post("/v1/async/orders", json=order())
    assert refused.status_code == 400, refused.text
    # Refused by the submission itself, inside its transaction (service.orders).
    assert "must not be empty" in refused.text
    served.wait_idle()
    job = served.finished(served.submit())
    assert job.status is JobStatus.COMPLETED and _handed_over(job)


def test_a_retried_idempotency_key_hands_over_nothing_new(served: Served) -> None:
    served.wait_idle()
    first = served.finished(served.submit(headers={"Idempotency-Key": "k-1"}))
    served.wait_idle()
    # The service itself, as a retry that reaches it would (the HTTP layer usually replays
    # the stored answer before that): the earlier job, and the worker is free again.
    again = served.runtime.api_context().orders.submit(
        SubmitOrder(
            tenant_id=served.tenant_id,
            kind=first.kind,
            request=first.request,
            idempotency_key="k-1",
        )
    )
    assert again == first.id
    served.wait_idle()  # not left reserved by the retry
    job = served.finished(served.submit())
    assert job.status is JobStatus.COMPLETED and _handed_over(job)


def test_a_stopped_worker_is_handed_nothing(served: Served) -> None:
    served.runtime.stop_background()
    assert served.runtime.handoff.reserve(served.runtime.clock.now()) is None
    job_id = served.submit()
    assert served.job(job_id).status is JobStatus.PENDING


def test_a_worker_outlives_a_handed_over_job_that_could_not_start(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = served.runtime.telemetry.job_started
    calls = []

    def fails_once(kind: str, waited_seconds: float) -> None:
        calls.append(kind)
        if len(calls) == 1:
            raise RuntimeError("metrics broke")
        started(kind, waited_seconds)

    monkeypatch.setattr(served.runtime.telemetry, "job_started", fails_once)
    served.wait_idle()
    stuck = served.submit()
    served.wait_idle()  # the worker logged the failure and waits for work again
    assert len(calls) == 1
    # Its job keeps the lease it was inserted with: the rescuer returns it when it ends.
    job = served.job(stuck)
    assert job.status is JobStatus.PROCESSING and job.locked_until is not None
    done = served.finished(served.submit())
    assert done.status is JobStatus.COMPLETED and _handed_over(done)
