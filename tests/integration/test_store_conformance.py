"""One behavioural suite for every store: the job queue's guarantees.

Parametrised over the memory store, SQLite and PostgreSQL by the ``store`` fixture
(tests/conftest.py, tests/stores.py); the repositories and transactions have their own
modules of the suite beside this one.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.stores import CONSTRAINT_ERRORS
from tests.support import CountingIds, StubClock, untagged
from zorders.domain.errors import InvalidValue
from zorders.domain.numbering import NumberKind
from zorders.domain.order_actions import OrderRequest
from zorders.service.jobs import Job, JobKind, JobStatus
from zorders.service.ports import Store
from zorders.service.results import (
    CreateOrderResult,
    PreviewOrderResult,
    SubscriptionOutcome,
    create_order_fields,
)
from zorders.types import JobId, TenantId
from zorders.worker.runner import Worker

TENANT = TenantId("t" * 32)
OTHER = TenantId("o" * 32)


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


def _add(store: Store, *jobs: Job) -> None:
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
        subscriptions=(
            SubscriptionOutcome(
                number="A-S1", id="3", status="Active", owner_account_id="2",
                owner_account_number="A-1",
            ),
        ),
        paid_amount=Decimal("10.50"),
    )  # fmt: skip


def test_job_round_trips(store: Store) -> None:
    clock = StubClock()
    job = _job(clock, 1)
    _add(store, job)
    with store.begin(write=False) as uow:
        assert uow.jobs.get(TENANT, job.id) == job
        assert uow.jobs.get(OTHER, job.id) is None


def test_job_outcome_is_the_polls_view_of_a_job(store: Store) -> None:
    clock = StubClock()
    job = _job(clock, 1)
    _add(store, job)
    pending = store.job_outcome(TENANT, job.id)
    assert pending is not None
    assert (pending.id, pending.kind, pending.status) == (job.id, job.kind, JobStatus.PENDING)
    assert pending.order is None and pending.preview is None and pending.error is None
    assert store.job_outcome(OTHER, job.id) is None
    assert store.job_outcome(TENANT, JobId("f" * 32)) is None
    lease = clock.now() + timedelta(seconds=30)
    with store.begin() as uow:
        assert uow.jobs.claim(worker_id="w", now=clock.now(), lease_until=lease) is not None
        assert uow.jobs.complete(job.id, worker_id="w", result=_result(), now=clock.now())
    done = store.job_outcome(TENANT, job.id)
    assert done is not None
    assert (done.status, done.preview, done.error) == (JobStatus.COMPLETED, None, None)
    # A create-order result is read as plain fields; a stored document keeps its union tags.
    assert done.order is not None
    assert untagged(done.order) == create_order_fields(_result())
    preview = _job(clock, 2)
    _add(store, preview)
    previewed = PreviewOrderResult(charge_metrics=None, invoices=(), not_previewed=("Usage",))
    with store.begin() as uow:
        assert uow.jobs.claim(worker_id="w", now=clock.now(), lease_until=lease) is not None
        assert uow.jobs.complete(preview.id, worker_id="w", result=previewed, now=clock.now())
    shown = store.job_outcome(TENANT, preview.id)
    assert shown is not None and (shown.preview, shown.order) == (previewed, None)


def test_claim_takes_the_oldest_and_is_exclusive(store: Store) -> None:
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


def test_concurrent_claims_never_share_a_job(store: Store) -> None:
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


def test_expired_lease_is_rescued_and_the_old_holder_cannot_finish(store: Store) -> None:
    clock = StubClock()
    _add(store, _job(clock, 1))
    with store.begin() as uow:
        job = uow.jobs.claim(
            worker_id="dead", now=clock.now(), lease_until=clock.now() + timedelta(seconds=30)
        )
    assert job is not None
    with store.begin() as uow:
        assert uow.jobs.rescue_expired(clock.now()) == 0  # lease still valid
        assert uow.jobs.rescue_expired(clock.now() + timedelta(seconds=30)) == 0  # ends now
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


def test_extend_lease_keeps_the_job(store: Store) -> None:
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


def test_retry_runs_the_job_again_later(store: Store) -> None:
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


def test_prune_deletes_only_old_finished_jobs(store: Store) -> None:
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


def test_a_failed_handler_leaves_no_effects_and_fails_the_job(store: Store) -> None:
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


def test_effects_commit_with_completion_only_while_the_lease_is_held(store: Store) -> None:
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


def test_counters_are_per_tenant_and_kind(store: Store) -> None:
    with store.begin() as uow:
        values = [uow.tenant(TENANT).counters.next_value(NumberKind.ORDER) for _ in range(3)]
        other = uow.tenant(OTHER).counters.next_value(NumberKind.ORDER)
        account = uow.tenant(TENANT).counters.next_value(NumberKind.ACCOUNT)
    assert (values, other, account) == ([1, 2, 3], 1, 1)


def test_counters_take_runs_of_several_kinds_in_one_call(store: Store) -> None:
    with store.begin() as uow:
        counters = uow.tenant(TENANT).counters
        counters.next_value(NumberKind.ORDER)
        first = counters.take({NumberKind.ORDER: 3, NumberKind.CHARGE: 20})
        after = counters.next_value(NumberKind.ORDER)
    with store.begin() as uow:
        second = uow.tenant(TENANT).counters.take({NumberKind.CHARGE: 1, NumberKind.ACCOUNT: 2})
    assert first == {NumberKind.ORDER: 4, NumberKind.CHARGE: 20}
    assert after == 5
    assert second == {NumberKind.CHARGE: 21, NumberKind.ACCOUNT: 2}


def test_list_jobs_newest_first_with_status_filter(store: Store) -> None:
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


def _claim(store: Store, clock: StubClock, worker: str = "w", seconds: int = 30) -> Job | None:
    with store.begin() as uow:
        return uow.jobs.claim(
            worker_id=worker, now=clock.now(), lease_until=clock.now() + timedelta(seconds=seconds)
        )


def test_a_new_job_is_stored_pending_without_outcome_or_lease(store: Store) -> None:
    clock = StubClock()
    plain = replace(_job(clock, 1), attempts=2, track_id="track-1", idempotency_key="k")
    _add(
        store,
        replace(
            plain,
            result=_result(),
            error="[40000020]: no",
            started_at=clock.now(),
            finished_at=clock.now(),
            locked_by="w",
            locked_until=clock.now(),
        ),
    )
    with store.begin(write=False) as uow:
        assert uow.jobs.get(TENANT, plain.id) == plain
    claimed = _claim(store, clock)  # runnable from its creation
    assert claimed is not None and claimed.attempts == 3


def _handed(clock: StubClock, n: int, worker: str = "local", seconds: int = 30) -> Job:
    """A job as a submission inserts it for an idle worker of its process (Handoff)."""
    return replace(
        _job(clock, n),
        status=JobStatus.PROCESSING,
        attempts=1,
        started_at=clock.now(),
        locked_by=worker,
        locked_until=clock.now() + timedelta(seconds=seconds),
    )


def test_a_job_inserted_claimed_keeps_its_lease_and_no_other_worker_claims_it(
    store: Store,
) -> None:
    clock = StubClock()
    handed = _handed(clock, 1)
    _add(store, handed)
    with store.begin(write=False) as uow:
        assert uow.jobs.get(TENANT, handed.id) == handed
    assert store.queue_depth() == {"pending": 0, "processing": 1}
    assert _claim(store, clock, worker="other") is None
    with store.begin() as uow:
        assert not uow.jobs.complete(
            handed.id, worker_id="other", result=_result(), now=clock.now()
        )
        assert uow.jobs.complete(handed.id, worker_id="local", result=_result(), now=clock.now())
    outcome = store.job_outcome(TENANT, handed.id)
    assert outcome is not None and outcome.status is JobStatus.COMPLETED


def test_a_job_inserted_claimed_is_rescued_when_its_worker_dies(store: Store) -> None:
    clock = StubClock()
    handed = _handed(clock, 1, seconds=30)
    _add(store, handed)
    clock.advance(seconds=29)
    with store.begin() as uow:
        assert uow.jobs.rescue_expired(clock.now()) == 0
    clock.advance(seconds=2)
    with store.begin() as uow:
        assert uow.jobs.rescue_expired(clock.now()) == 1
    again = _claim(store, clock, worker="other")
    assert again is not None and again.id == handed.id and again.attempts == 2
    with store.begin() as uow:  # the dead worker's lease is gone: its late commit is refused
        assert not uow.jobs.complete(
            handed.id, worker_id="local", result=_result(), now=clock.now()
        )
        assert uow.jobs.complete(handed.id, worker_id="other", result=_result(), now=clock.now())


def test_a_job_is_found_by_its_idempotency_key_at_most_once_per_tenant(store: Store) -> None:
    clock = StubClock()
    mine = replace(_job(clock, 1), idempotency_key="k-1")
    theirs = replace(_job(clock, 2, tenant=OTHER), idempotency_key="k-1")
    _add(store, mine, theirs)
    with store.begin(write=False) as uow:
        assert uow.jobs.by_idempotency_key(TENANT, "k-1") == mine
        assert uow.jobs.by_idempotency_key(OTHER, "k-1") == theirs
        assert uow.jobs.by_idempotency_key(TENANT, "k-2") is None
    with pytest.raises(CONSTRAINT_ERRORS):
        _add(store, replace(_job(clock, 3), idempotency_key="k-1"))
    with store.begin(write=False) as uow:
        assert uow.jobs.get(TENANT, JobId(f"{3:032x}")) is None


def test_list_jobs_pages_newest_first_then_by_id(store: Store) -> None:
    clock = StubClock()
    first = _job(clock, 1)
    clock.advance(seconds=1)
    tied = [_job(clock, 3), _job(clock, 2)]
    clock.advance(seconds=1)
    _add(store, first, *tied, _job(clock, 4))
    with store.begin(write=False) as uow:
        pages = [
            [int(j.id, 16) for j in uow.jobs.list(TENANT, status=None, limit=2, offset=offset)]
            for offset in (0, 2, 4)
        ]
        pending = uow.jobs.list(TENANT, status="pending", limit=10, offset=0)
        completed = uow.jobs.list(TENANT, status="completed", limit=10, offset=0)
    assert pages == [[4, 2], [3, 1], []]
    assert len(pending) == 4 and completed == []


def test_claim_takes_jobs_by_run_at_then_id_and_a_retry_waits_its_turn(store: Store) -> None:
    clock = StubClock()
    start = clock.now()
    _add(store, _job(clock, 2), _job(clock, 1))
    clock.advance(seconds=1)
    _add(store, _job(clock, 3))
    clock.current = start
    one = _claim(store, clock)
    assert one is not None and int(one.id, 16) == 1
    with store.begin() as uow:
        assert uow.jobs.retry(
            one.id, worker_id="w", run_at=start + timedelta(seconds=5), now=clock.now()
        )
    order = []
    for _ in range(4):
        claimed = _claim(store, clock)
        order.append(None if claimed is None else int(claimed.id, 16))
        clock.advance(seconds=1)
    clock.advance(seconds=2)
    again = _claim(store, clock)
    assert order == [2, 3, None, None]
    assert again is not None and (int(again.id, 16), again.attempts) == (1, 2)


def test_only_the_lease_holder_finishes_a_job_and_only_once(store: Store) -> None:
    clock = StubClock()
    _add(store, _job(clock, 1))
    clock.advance(seconds=1)
    claimed = _claim(store, clock, worker="a")
    assert claimed is not None
    assert (claimed.started_at, claimed.updated_at) == (clock.now(), clock.now())
    assert claimed.locked_until == clock.now() + timedelta(seconds=30)
    clock.advance(seconds=1)
    with store.begin() as uow:
        assert not uow.jobs.fail(claimed.id, worker_id="b", error="[40000020]: no", now=clock.now())
        assert uow.jobs.fail(claimed.id, worker_id="a", error="[40000020]: no", now=clock.now())
    with store.begin() as uow:
        late = clock.now() + timedelta(seconds=30)
        assert not uow.jobs.extend_lease(claimed.id, worker_id="a", lease_until=late)
        assert not uow.jobs.retry(claimed.id, worker_id="a", run_at=late, now=clock.now())
        assert not uow.jobs.complete(claimed.id, worker_id="a", result=_result(), now=clock.now())
        assert uow.jobs.rescue_expired(clock.now() + timedelta(days=1)) == 0
    with store.begin(write=False) as uow:
        failed = uow.jobs.get(TENANT, claimed.id)
    assert failed is not None
    assert (failed.status, failed.error, failed.result) == (
        JobStatus.FAILED,
        "[40000020]: no",
        None,
    )
    assert (failed.finished_at, failed.locked_by, failed.locked_until) == (clock.now(), None, None)
    outcome = store.job_outcome(TENANT, claimed.id)
    assert outcome is not None and (outcome.status, outcome.error) == (
        JobStatus.FAILED,
        "[40000020]: no",
    )


def test_shift_schedule_moves_a_tenants_waiting_and_running_jobs(store: Store) -> None:
    clock = StubClock()
    start = clock.now()
    _add(store, _job(clock, 1), _job(clock, 2), _job(clock, 3), _job(clock, 9, tenant=OTHER))
    done = _claim(store, clock)
    waiting = _claim(store, clock)
    running = _claim(store, clock)
    assert done is not None and waiting is not None and running is not None
    with store.begin() as uow:
        assert uow.jobs.complete(done.id, worker_id="w", result=_result(), now=clock.now())
        assert uow.jobs.retry(
            waiting.id, worker_id="w", run_at=start + timedelta(seconds=60), now=clock.now()
        )
    with store.begin() as uow:
        assert uow.jobs.shift_schedule(TENANT, timedelta(seconds=60)) == 2
    with store.begin() as uow:
        # The running job's lease (start + 30 s) now ended 30 s ago.
        assert uow.jobs.rescue_expired(start) == 1
    with store.begin(write=False) as uow:
        assert uow.jobs.busy(TENANT, start) == 2
        assert uow.jobs.busy(TENANT, start - timedelta(seconds=61)) == 0
        assert uow.jobs.busy(OTHER, start) == 1
    claims = [_claim(store, clock) for _ in range(4)]
    # The rescued job kept its (moved) run_at, start - 60 s: it is now the oldest.
    assert [None if j is None else int(j.id, 16) for j in claims] == [3, 2, 9, None]


def test_busy_counts_the_tenants_running_and_due_jobs(store: Store) -> None:
    clock = StubClock()
    start = clock.now()
    _add(store, _job(clock, 1), _job(clock, 9, tenant=OTHER))
    clock.advance(seconds=10)
    _add(store, _job(clock, 2))
    with store.begin(write=False) as uow:
        assert [uow.jobs.busy(TENANT, start + timedelta(seconds=s)) for s in (-1, 0, 10)] == [
            0,
            1,
            2,
        ]
    clock.current = start
    claimed = _claim(store, clock)
    assert claimed is not None and int(claimed.id, 16) == 1
    with store.begin(write=False) as uow:
        assert uow.jobs.busy(TENANT, start) == 1  # running now
        assert uow.jobs.busy(TENANT, start - timedelta(seconds=1)) == 1  # due or not
    with store.begin() as uow:
        assert uow.jobs.complete(claimed.id, worker_id="w", result=_result(), now=start)
        assert uow.jobs.busy(TENANT, start) == 0  # its own write, before the commit


def test_delete_tenant_deletes_only_that_tenants_jobs(store: Store) -> None:
    clock = StubClock()
    keyed = replace(_job(clock, 1), idempotency_key="k")
    _add(store, keyed, _job(clock, 2), _job(clock, 9, tenant=OTHER))
    assert _claim(store, clock) is not None
    with store.begin() as uow:
        assert uow.jobs.delete_tenant(TENANT) == 2
    with store.begin(write=False) as uow:
        assert uow.jobs.list(TENANT, status=None, limit=10, offset=0) == []
        assert uow.jobs.by_idempotency_key(TENANT, "k") is None
        assert uow.jobs.get(OTHER, JobId(f"{9:032x}")) is not None
    assert store.job_outcome(TENANT, keyed.id) is None
    assert store.queue_depth() == {"pending": 1, "processing": 0}
    _add(store, replace(_job(clock, 1), idempotency_key="k"))  # id and key are free again


def test_queue_depth_counts_unfinished_jobs_by_status(store: Store) -> None:
    store.ping()
    assert store.queue_depth() == {"pending": 0, "processing": 0}
    clock = StubClock()
    _add(store, *(_job(clock, n) for n in range(1, 5)))
    finished = _claim(store, clock)
    assert finished is not None and _claim(store, clock) is not None
    with store.begin() as uow:
        assert uow.jobs.complete(finished.id, worker_id="w", result=_result(), now=clock.now())
    assert store.queue_depth() == {"pending": 2, "processing": 1}


def test_a_committed_job_wakes_a_waiting_worker(store: Store) -> None:
    woke = threading.Event()

    def wait() -> None:
        store.wait_for_jobs(30)
        woke.set()

    waiter = threading.Thread(target=wait)
    waiter.start()
    try:
        with store.begin() as uow:
            uow.jobs.add(_job(StubClock(), 1))
        assert woke.wait(10), "wait_for_jobs slept through the commit"
    finally:
        store.wake_workers()
        waiter.join(10)


def test_a_job_inserted_claimed_wakes_no_worker_and_a_nudge_wakes_the_ready(
    store: Store,
) -> None:
    woke = threading.Event()
    ready = threading.Event()
    waiting = threading.Event()

    def wait() -> None:
        # PostgreSQL's listener, started by the first wait, wakes it once as it connects
        # (for what was committed before it listened): let that pass first.
        store.wait_for_jobs(0.5)
        waiting.set()
        store.wait_for_jobs(30, ready=ready.is_set)
        woke.set()

    waiter = threading.Thread(target=wait)
    waiter.start()
    try:
        assert waiting.wait(10)
        _add(store, _handed(StubClock(), 1))  # its worker is handed the job, nobody else
        assert not woke.wait(0.3), "a claimed job woke the waiting workers"
        store.nudge_waiters()  # nudged, but not ready: waits on
        assert not woke.wait(0.3), "a nudge woke a waiter whose ready() was false"
        ready.set()
        store.nudge_waiters()
        assert woke.wait(10), "a nudge did not wake a waiter whose ready() held"
    finally:
        store.wake_workers()
        waiter.join(10)


def test_a_claim_sees_its_own_transactions_writes_and_a_rollback_returns_the_job(
    store: Store,
) -> None:
    clock = StubClock()
    lease = clock.now() + timedelta(seconds=30)
    _add(store, _job(clock, 1))
    with store.begin() as uow:
        first = uow.jobs.claim(worker_id="w", now=clock.now(), lease_until=lease)
        assert first is not None and int(first.id, 16) == 1
        assert uow.jobs.claim(worker_id="w", now=clock.now(), lease_until=lease) is None
        uow.jobs.add(_job(clock, 2))  # not committed yet
        second = uow.jobs.claim(worker_id="w", now=clock.now(), lease_until=lease)
        assert second is not None and int(second.id, 16) == 2
        assert uow.jobs.retry(first.id, worker_id="w", run_at=clock.now(), now=clock.now())
        again = uow.jobs.claim(worker_id="v", now=clock.now(), lease_until=lease)
        assert again is not None and (again.id, again.attempts) == (first.id, 2)
    assert store.queue_depth() == {"pending": 0, "processing": 2}
    _add(store, _job(clock, 3))
    with pytest.raises(RuntimeError), store.begin() as uow:
        taken = uow.jobs.claim(worker_id="w", now=clock.now(), lease_until=lease)
        assert taken is not None and int(taken.id, 16) == 3
        raise RuntimeError("the worker died before its commit")
    retaken = _claim(store, clock)
    assert retaken is not None and (int(retaken.id, 16), retaken.attempts) == (3, 1)


def test_a_rolled_back_schedule_move_leaves_the_queue_as_it_was(store: Store) -> None:
    clock = StubClock()
    _add(store, _job(clock, 1))
    with pytest.raises(RuntimeError), store.begin() as uow:
        assert uow.jobs.shift_schedule(TENANT, timedelta(seconds=-60)) == 1  # 60 s later
        lease = clock.now() + timedelta(seconds=30)
        assert uow.jobs.claim(worker_id="w", now=clock.now(), lease_until=lease) is None
        raise RuntimeError("rolled back")
    claimed = _claim(store, clock)
    assert claimed is not None and int(claimed.id, 16) == 1
