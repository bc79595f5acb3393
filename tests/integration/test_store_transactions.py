"""The store suite's transactions: all of a unit of work commits, or none of it; uncommitted
writes are the writer's alone; concurrent writers never interleave their numbering.

Parametrised over the memory store, SQLite and PostgreSQL (tests/stores.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta
from typing import TypeVar

import pytest

from tests.support import StubClock
from tests.unit.domain.builders import account
from zorders.domain.numbering import NumberKind
from zorders.domain.order_actions import OrderRequest
from zorders.service.idempotency import IdempotencyRecord, RequestFingerprint
from zorders.service.jobs import Job, JobKind, JobStatus
from zorders.service.ports import Store, UnitOfWork
from zorders.service.tenants import Tenant, TenantSettings
from zorders.types import JobId, TenantId

TENANT = TenantId("t" * 32)
R = TypeVar("R")


class Boom(Exception):
    pass


def _write_everything(uow: UnitOfWork, clock: StubClock) -> None:
    now = clock.now()
    uow.tenants.add(
        Tenant(
            id=TENANT,
            name="acme",
            client_id="c" * 36,
            secret_hash="x",
            settings=TenantSettings(),
            created_at=now,
        )
    )
    uow.tokens.add("h" * 64, TENANT, now + timedelta(hours=1))
    uow.jobs.add(
        Job(
            id=JobId("1" * 32),
            tenant_id=TENANT,
            kind=JobKind.CREATE_ORDER,
            status=JobStatus.PENDING,
            request=OrderRequest(order_date=date(2027, 1, 1), subscriptions=()),
            created_at=now,
            updated_at=now,
        )
    )
    uow.idempotency.add(
        IdempotencyRecord(
            fingerprint=RequestFingerprint(
                key="k", tenant_id=TENANT, method="POST", path="/v1/x", body_hash="b"
            ),
            response=None,
            locked_until=now,
            created_at=now,
            expires_at=now + timedelta(days=1),
        )
    )
    scope = uow.tenant(TENANT)
    scope.accounts.add(account())
    scope.counters.next_value(NumberKind.ORDER)
    scope.billing.set_billed_through("S-1", {"C-1": date(2027, 2, 1)})


def _nothing_of_it(store: Store) -> list[object]:
    """Whatever ``_write_everything`` left behind (empty when nothing)."""
    with store.begin(write=False) as uow:
        scope = uow.tenant(TENANT)
        found = [
            uow.tenants.get(TENANT),
            uow.tokens.get("h" * 64),
            uow.jobs.get(TENANT, JobId("1" * 32)),
            uow.idempotency.get("k"),
            scope.accounts.get("A00000001"),
            scope.billing.billed_through("S-1") or None,
        ]
    return [f for f in found if f is not None]


def test_an_exception_rolls_back_every_write_of_the_unit_of_work(store: Store) -> None:
    clock = StubClock()
    with pytest.raises(Boom), store.begin() as uow:
        _write_everything(uow, clock)
        raise Boom
    assert _nothing_of_it(store) == []
    assert store.job_outcome(TENANT, JobId("1" * 32)) is None
    assert store.queue_depth() == {"pending": 0, "processing": 0}
    with store.begin() as uow:
        # Gap-free: the rolled-back transaction's number is taken again.
        assert uow.tenant(TENANT).counters.next_value(NumberKind.ORDER) == 1
        _write_everything(uow, clock)  # every key is free: nothing half-written remains
    assert len(_nothing_of_it(store)) == 6


def test_uncommitted_writes_are_seen_by_their_own_transaction_only(store: Store) -> None:
    clock = StubClock()
    with store.begin() as uow:
        _write_everything(uow, clock)
        assert uow.tenants.get(TENANT) is not None
        assert uow.tenant(TENANT).accounts.get("A00000001") == account()
        assert _nothing_of_it(store) == []  # another transaction: nothing yet
        assert store.job_outcome(TENANT, JobId("1" * 32)) is None
    assert len(_nothing_of_it(store)) == 6
    outcome = store.job_outcome(TENANT, JobId("1" * 32))
    assert outcome is not None and outcome.status is JobStatus.PENDING


def _concurrently(
    store: Store,
    writers: list[Callable[[UnitOfWork, int], R]],
    *,
    rounds: int,
    fails: Callable[[int, int], bool],
) -> list[R]:
    """Each writer runs ``rounds`` units of work in a thread of its own; round ``n`` of
    writer ``w`` is rolled back when ``fails(w, n)``. Returns what the committed rounds
    returned."""
    taken: list[R] = []
    lock = threading.Lock()
    failed = threading.Event()

    def run(w: int, write: Callable[[UnitOfWork, int], R]) -> None:
        for n in range(rounds):
            try:
                with store.begin() as uow:
                    value = write(uow, n)
                    if fails(w, n):
                        raise Boom  # what it took goes back to the sequences
            except Boom:
                continue
            except Exception:
                failed.set()
                raise
            with lock:
                taken.append(value)

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failed.is_set()
    return taken


def test_concurrent_writers_number_without_gaps_or_repeats(store: Store) -> None:
    def next_order(uow: UnitOfWork, n: int) -> int:
        return uow.tenant(TENANT).counters.next_value(NumberKind.ORDER)

    taken = _concurrently(store, [next_order] * 4, rounds=12, fails=lambda w, n: n % (3 + w) == 0)
    assert sorted(taken) == list(range(1, len(taken) + 1))
    assert len(taken) == 48 - sum(len(range(0, 12, 3 + w)) for w in range(4))


def test_concurrent_runs_of_several_kinds_neither_deadlock_nor_repeat(store: Store) -> None:
    """Each writer takes its kinds in another order: the store locks them in one order."""
    kinds = [NumberKind.ORDER, NumberKind.SUBSCRIPTION, NumberKind.CHARGE]

    def taking(
        order: list[NumberKind],
    ) -> Callable[[UnitOfWork, int], list[tuple[NumberKind, int]]]:
        def take(uow: UnitOfWork, n: int) -> list[tuple[NumberKind, int]]:
            counts = {kind: 1 + (n + i) % 3 for i, kind in enumerate(order)}
            last = uow.tenant(TENANT).counters.take(counts)
            return [
                (kind, value)
                for kind, count in counts.items()
                for value in range(last[kind] - count + 1, last[kind] + 1)
            ]

        return take

    orders = [kinds, kinds[::-1], kinds[1:] + kinds[:1], kinds[2:] + kinds[:2]]
    rounds = _concurrently(
        store, [taking(order) for order in orders], rounds=12, fails=lambda w, n: n % 4 == 3
    )
    for kind in kinds:
        values = sorted(value for taken in rounds for k, value in taken if k is kind)
        assert values == list(range(1, len(values) + 1))
