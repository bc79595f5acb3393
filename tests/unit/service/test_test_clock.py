"""The test clock service on the memory store: offsets, queue moves, the wait for quiet."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.support import StubClock
from zorders.domain.errors import InvalidValue, NotFound
from zorders.domain.order_actions import OrderRequest
from zorders.service.jobs import Job, JobKind, JobStatus
from zorders.service.tenants import Tenant, TenantSettings
from zorders.service.test_clock import OffsetClock, QueueNotQuiet, TestClocks, tenant_clock
from zorders.store.memory import MemoryStore
from zorders.types import JobId, TenantId

TENANT = TenantId("t" * 32)
OTHER = TenantId("o" * 32)
LEASE = timedelta(seconds=30)


@pytest.fixture
def clock() -> StubClock:
    return StubClock(datetime(2027, 1, 1, 12, 0, tzinfo=UTC))


@pytest.fixture
def store(clock: StubClock) -> Iterator[MemoryStore]:
    s = MemoryStore()
    with s.begin() as uow:
        for tenant_id, name in ((TENANT, "t"), (OTHER, "o")):
            uow.tenants.add(
                Tenant(
                    id=tenant_id,
                    name=name,
                    client_id=name * 36,
                    secret_hash="x",
                    settings=TenantSettings(),
                    created_at=clock.now(),
                )
            )
    yield s
    s.close()


@pytest.fixture
def clocks(store: MemoryStore, clock: StubClock) -> TestClocks:
    return TestClocks(store, clock, poll_interval=0.001)


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


def _claim(store: MemoryStore, clock: StubClock) -> Job:
    with store.begin() as uow:
        job = uow.jobs.claim(worker_id="w", now=clock.now(), lease_until=clock.now() + LEASE)
    assert job is not None
    return job


def test_the_offset_moves_the_tenants_now_and_no_one_elses(
    store: MemoryStore, clock: StubClock, clocks: TestClocks
) -> None:
    advanced = clocks.advance(TENANT, by=timedelta(days=31), wait=timedelta(0))
    assert advanced.state.now == datetime(2027, 2, 1, 12, 0, tzinfo=UTC)
    assert advanced.state.offset == timedelta(days=31)
    clock.advance(hours=1)
    assert clocks.state(TENANT).now == datetime(2027, 2, 1, 13, 0, tzinfo=UTC)
    with store.begin(write=False) as uow:
        theirs = tenant_clock(uow, TENANT, clock)
        assert isinstance(theirs, OffsetClock)
        assert theirs.now() == datetime(2027, 2, 1, 13, 0, tzinfo=UTC)
        assert tenant_clock(uow, OTHER, clock) is clock  # untouched: the plain clock
    reached = clocks.advance(TENANT, to=datetime(2027, 3, 1, tzinfo=UTC), wait=timedelta(0))
    assert reached.state.now == datetime(2027, 3, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("by", "to", "message"),
    [
        (None, None, "either"),
        (timedelta(1), datetime(2028, 1, 1, tzinfo=UTC), "either"),
        (timedelta(seconds=-1), None, "only moves forward"),
        (None, datetime(2026, 1, 1, tzinfo=UTC), "only moves forward"),
        (None, datetime(2028, 1, 1), "time zone"),
        (timedelta(days=366 * 20 + 1), None, "20 years"),
    ],
)
def test_refusals(
    clocks: TestClocks, by: timedelta | None, to: datetime | None, message: str
) -> None:
    with pytest.raises(InvalidValue, match=message):
        clocks.advance(TENANT, by=by, to=to, wait=timedelta(0))
    assert clocks.state(TENANT).offset == timedelta(0)


def test_an_unknown_tenant_has_no_clock(clocks: TestClocks) -> None:
    with pytest.raises(NotFound):
        clocks.state(TenantId("x" * 32))


def test_advancing_brings_the_tenants_queue_forward_and_rescues_expired_leases(
    store: MemoryStore, clock: StubClock, clocks: TestClocks
) -> None:
    with store.begin() as uow:
        for n, tenant in ((1, TENANT), (2, TENANT), (3, OTHER)):
            uow.jobs.add(_job(clock, n, tenant))
    crashed = _claim(store, clock)  # job 1: its worker will never finish it
    with store.begin() as uow:  # job 2 waits for a retry in 10 minutes
        job2 = uow.jobs.claim(worker_id="w2", now=clock.now(), lease_until=clock.now() + LEASE)
        assert job2 is not None and job2.id == JobId(f"{2:032x}")
        uow.jobs.retry(
            job2.id, worker_id="w2", run_at=clock.now() + timedelta(minutes=10), now=clock.now()
        )
    with store.begin(write=False) as uow:
        assert uow.jobs.busy(TENANT, clock.now()) == 1  # the crashed one: still leased

    short = clocks.advance(TENANT, by=timedelta(seconds=29), wait=timedelta(0))
    assert (short.jobs_moved, short.jobs_rescued, short.busy) == (2, 0, 1)
    # 31 s in all: the lease has run out in the tenant's time, the retry is not due yet.
    past = clocks.advance(TENANT, by=timedelta(seconds=2), wait=timedelta(0))
    assert (past.jobs_moved, past.jobs_rescued, past.busy) == (2, 1, 1)
    with store.begin(write=False) as uow:
        rescued = uow.jobs.get(TENANT, crashed.id)
        assert rescued is not None and rescued.status is JobStatus.PENDING
    # Ten minutes on, the retry is due too; another tenant's job never moved.
    clocks.advance(TENANT, by=timedelta(minutes=10), wait=timedelta(0))
    with store.begin() as uow:
        claimed = [
            uow.jobs.claim(worker_id="w3", now=clock.now(), lease_until=clock.now() + LEASE)
            for _ in range(3)
        ]
    assert {j.id for j in claimed if j is not None} == {JobId(f"{n:032x}") for n in (1, 2, 3)}


def test_waiting_for_a_busy_queue_ends_in_an_error(
    store: MemoryStore, clock: StubClock, clocks: TestClocks
) -> None:
    with store.begin() as uow:
        uow.jobs.add(_job(clock, 1))
    with pytest.raises(QueueNotQuiet, match="1 of the tenant's jobs"):
        clocks.advance(TENANT, by=timedelta(0), wait=timedelta(milliseconds=20))
    # Once a worker finished it, the same call returns at once.
    job = _claim(store, clock)
    with store.begin() as uow:
        uow.jobs.fail(job.id, worker_id="w", error="[40000020]: no", now=clock.now())
    assert clocks.advance(TENANT, by=timedelta(0), wait=timedelta(seconds=5)).busy == 0


def test_the_wait_is_bounded(clocks: TestClocks) -> None:
    with pytest.raises(InvalidValue, match="Wait"):
        clocks.advance(TENANT, by=timedelta(0), wait=timedelta(minutes=6))


def test_listeners_hear_of_each_move(store: MemoryStore, clock: StubClock) -> None:
    heard: list[tuple[TenantId, timedelta]] = []
    clocks = TestClocks(store, clock, on_advance=lambda t, by: heard.append((t, by)))
    clocks.advance(TENANT, by=timedelta(hours=2), wait=timedelta(0))
    clocks.advance(TENANT, to=datetime(2027, 1, 2, 12, 0, tzinfo=UTC), wait=timedelta(0))
    assert heard == [(TENANT, timedelta(hours=2)), (TENANT, timedelta(hours=22))]
