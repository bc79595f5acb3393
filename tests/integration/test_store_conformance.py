"""One behavioural suite for every store: the job queue's guarantees and the repositories.

Parametrised over SQLite and PostgreSQL by the ``database_url`` fixture (tests/conftest.py).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from tests.support import CountingIds, StubClock
from zorders.domain.errors import InvalidValue
from zorders.domain.numbering import NumberKind
from zorders.domain.order_actions import OrderRequest
from zorders.service.jobs import Job, JobKind, JobStatus
from zorders.service.results import CreateOrderResult
from zorders.store.migrate import upgrade
from zorders.store.sql import SqlStore
from zorders.types import JobId, TenantId
from zorders.worker.runner import Worker

TENANT = TenantId("t" * 32)
OTHER = TenantId("o" * 32)


@pytest.fixture
def store(database_url: str) -> Iterator[SqlStore]:
    s = SqlStore(database_url)
    upgrade(s.engine)
    yield s
    s.close()


def _job(clock: StubClock, n: int, tenant: TenantId = TENANT) -> Job:
    return Job(
        id=JobId(f"{n:032x}"),
        tenant_id=tenant,
        kind=JobKind.CREATE_ORDER,
        status=JobStatus.PENDING,
        request=OrderRequest(order_date=date(2027, 1, 1), subscriptions=()),
        created_at=clock.now(),
        updated_at=clock.now(),
    )


def _add(store: SqlStore, *jobs: Job) -> None:
    with store.begin() as uow:
        for job in jobs:
            uow.jobs.add(job)


def _result() -> CreateOrderResult:
    return CreateOrderResult(
        order_number="O-1",
        order_id="1",
        account_number="A-1",
        account_id="2",
        status="Completed",
        subscriptions=(),
    )


def test_job_round_trips(store: SqlStore) -> None:
    clock = StubClock()
    job = _job(clock, 1)
    _add(store, job)
    with store.begin(write=False) as uow:
        assert uow.jobs.get(TENANT, job.id) == job
        assert uow.jobs.get(OTHER, job.id) is None


def test_job_outcome_is_the_polls_view_of_a_job(store: SqlStore) -> None:
    clock = StubClock()
    job = _job(clock, 1)
    _add(store, job)
    pending = store.job_outcome(TENANT, job.id)
    assert pending is not None
    assert (pending.id, pending.kind, pending.status) == (job.id, job.kind, JobStatus.PENDING)
    assert pending.result is None and pending.error is None
    assert store.job_outcome(OTHER, job.id) is None
    assert store.job_outcome(TENANT, JobId("f" * 32)) is None
    lease = clock.now() + timedelta(seconds=30)
    with store.begin() as uow:
        assert uow.jobs.claim(worker_id="w", now=clock.now(), lease_until=lease) is not None
        assert uow.jobs.complete(job.id, worker_id="w", result=_result(), now=clock.now())
    done = store.job_outcome(TENANT, job.id)
    assert done is not None
    assert (done.status, done.result, done.error) == (JobStatus.COMPLETED, _result(), None)


def test_claim_takes_the_oldest_and_is_exclusive(store: SqlStore) -> None:
    clock = StubClock()
    first = _job(clock, 1)
    clock.advance(seconds=1)
    _add(store, first, _job(clock, 2))
    lease = clock.now() + timedelta(seconds=30)
    with store.begin() as uow:
        a = uow.jobs.claim(worker_id="a", now=clock.now(), lease_until=lease)
    with store.begin() as uow:
        b = uow.jobs.claim(worker_id="b", now=clock.now(), lease_until=lease)
    with store.begin() as uow:
        none = uow.jobs.claim(worker_id="c", now=clock.now(), lease_until=lease)
    assert a is not None and b is not None
    assert (a.id, a.locked_by, a.attempts, a.status) == (first.id, "a", 1, JobStatus.PROCESSING)
    assert b.id != a.id
    assert none is None


def test_concurrent_claims_never_share_a_job(store: SqlStore) -> None:
    clock = StubClock()
    _add(store, *(_job(clock, n) for n in range(1, 41)))
    claimed: list[str] = []
    lock = threading.Lock()

    def claim_all(name: str) -> None:
        while True:
            with store.begin() as uow:
                job = uow.jobs.claim(
                    worker_id=name, now=clock.now(), lease_until=clock.now() + timedelta(minutes=1)
                )
            if job is None:
                return
            with lock:
                claimed.append(job.id)

    threads = [threading.Thread(target=claim_all, args=(f"w{n}",)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(claimed) == sorted(f"{n:032x}" for n in range(1, 41))


def test_expired_lease_is_rescued_and_the_old_holder_cannot_finish(store: SqlStore) -> None:
    clock = StubClock()
    _add(store, _job(clock, 1))
    with store.begin() as uow:
        job = uow.jobs.claim(
            worker_id="dead", now=clock.now(), lease_until=clock.now() + timedelta(seconds=30)
        )
    assert job is not None
    with store.begin() as uow:
        assert uow.jobs.rescue_expired(clock.now()) == 0  # lease still valid
    clock.advance(seconds=31)
    with store.begin() as uow:
        assert uow.jobs.rescue_expired(clock.now()) == 1
    with store.begin() as uow:
        again = uow.jobs.claim(
            worker_id="alive", now=clock.now(), lease_until=clock.now() + timedelta(seconds=30)
        )
    assert again is not None and again.attempts == 2
    with store.begin() as uow:
        assert not uow.jobs.complete(job.id, worker_id="dead", result=_result(), now=clock.now())
        assert uow.jobs.complete(job.id, worker_id="alive", result=_result(), now=clock.now())
    with store.begin(write=False) as uow:
        done = uow.jobs.get(TENANT, job.id)
    assert done is not None
    assert (done.status, done.result, done.locked_by) == (JobStatus.COMPLETED, _result(), None)


def test_extend_lease_keeps_the_job(store: SqlStore) -> None:
    clock = StubClock()
    _add(store, _job(clock, 1))
    with store.begin() as uow:
        job = uow.jobs.claim(
            worker_id="w", now=clock.now(), lease_until=clock.now() + timedelta(seconds=30)
        )
    assert job is not None
    clock.advance(seconds=20)
    with store.begin() as uow:
        assert uow.jobs.extend_lease(
            job.id, worker_id="w", lease_until=clock.now() + timedelta(seconds=30)
        )
    clock.advance(seconds=20)
    with store.begin() as uow:
        assert uow.jobs.rescue_expired(clock.now()) == 0


def test_retry_runs_the_job_again_later(store: SqlStore) -> None:
    clock = StubClock()
    _add(store, _job(clock, 1))
    lease = clock.now() + timedelta(seconds=30)
    with store.begin() as uow:
        job = uow.jobs.claim(worker_id="w", now=clock.now(), lease_until=lease)
    assert job is not None
    with store.begin() as uow:
        assert uow.jobs.retry(
            job.id, worker_id="w", run_at=clock.now() + timedelta(seconds=5), now=clock.now()
        )
    with store.begin() as uow:
        assert uow.jobs.claim(worker_id="w", now=clock.now(), lease_until=lease) is None
    clock.advance(seconds=5)
    with store.begin() as uow:
        assert uow.jobs.claim(worker_id="w", now=clock.now(), lease_until=lease) is not None


def test_prune_deletes_only_old_finished_jobs(store: SqlStore) -> None:
    clock = StubClock()
    _add(store, _job(clock, 1), _job(clock, 2))
    with store.begin() as uow:
        job = uow.jobs.claim(
            worker_id="w", now=clock.now(), lease_until=clock.now() + timedelta(seconds=30)
        )
        assert job is not None
        uow.jobs.fail(job.id, worker_id="w", error="[40000020]: no", now=clock.now())
    clock.advance(days=8)
    with store.begin() as uow:
        assert uow.jobs.prune_finished(clock.now() - timedelta(days=7)) == 1
    with store.begin(write=False) as uow:
        assert uow.jobs.get(TENANT, job.id) is None
        assert uow.jobs.get(TENANT, JobId(f"{2:032x}")) is not None


def test_a_failed_handler_leaves_no_effects_and_fails_the_job(store: SqlStore) -> None:
    clock = StubClock()
    _add(store, _job(clock, 1))

    def handler(job: Job, uow: object, clock: object, ids: object) -> CreateOrderResult:
        uow.tenant(job.tenant_id).counters.next_value(NumberKind.ORDER)  # type: ignore[attr-defined]
        raise InvalidValue("nope")

    worker = Worker(store, clock, CountingIds(), name="w", handlers={JobKind.CREATE_ORDER: handler})
    assert worker.run_until_idle() == 1
    with store.begin() as uow:
        assert uow.tenant(TENANT).counters.next_value(NumberKind.ORDER) == 1  # rolled back
        job = uow.jobs.get(TENANT, JobId(f"{1:032x}"))
    assert job is not None
    assert (job.status, job.error) == (JobStatus.FAILED, "[40000020]: nope")


def test_effects_commit_with_completion_only_while_the_lease_is_held(store: SqlStore) -> None:
    clock = StubClock()
    _add(store, _job(clock, 1))

    def handler_that_loses_its_lease(
        job: Job, uow: object, clock_: object, ids: object
    ) -> CreateOrderResult:
        uow.tenant(job.tenant_id).counters.next_value(NumberKind.ORDER)  # type: ignore[attr-defined]
        # The lease runs out mid-job and the job goes back to the queue (done in the
        # handler's own transaction: SQLite has one writer, so a second one would wait).
        clock.advance(seconds=60)
        uow.jobs.rescue_expired(clock.now())  # type: ignore[attr-defined]
        return _result()

    worker = Worker(
        store,
        clock,
        CountingIds(),
        name="w",
        handlers={JobKind.CREATE_ORDER: handler_that_loses_its_lease},
    )
    worker.run_once()
    with store.begin() as uow:
        assert uow.tenant(TENANT).counters.next_value(NumberKind.ORDER) == 1  # nothing kept
        job = uow.jobs.get(TENANT, JobId(f"{1:032x}"))
    assert job is not None
    assert job.status is JobStatus.PROCESSING and job.result is None  # not completed by "w"


def test_counters_are_per_tenant_and_kind(store: SqlStore) -> None:
    with store.begin() as uow:
        values = [uow.tenant(TENANT).counters.next_value(NumberKind.ORDER) for _ in range(3)]
        other = uow.tenant(OTHER).counters.next_value(NumberKind.ORDER)
        account = uow.tenant(TENANT).counters.next_value(NumberKind.ACCOUNT)
    assert (values, other, account) == ([1, 2, 3], 1, 1)


def test_list_jobs_newest_first_with_status_filter(store: SqlStore) -> None:
    clock = StubClock()
    jobs = []
    for n in range(1, 4):
        jobs.append(_job(clock, n))
        clock.advance(seconds=1)
    _add(store, *jobs, _job(clock, 9, tenant=OTHER))
    with store.begin() as uow:
        claimed = uow.jobs.claim(
            worker_id="w", now=clock.now(), lease_until=clock.now() + timedelta(seconds=9)
        )
    assert claimed is not None
    with store.begin(write=False) as uow:
        listed = uow.jobs.list(TENANT, status=None, limit=10, offset=0)
        processing = uow.jobs.list(TENANT, status="processing", limit=10, offset=0)
    assert [j.id for j in listed] == [jobs[2].id, jobs[1].id, jobs[0].id]
    assert [j.id for j in processing] == [jobs[0].id]
