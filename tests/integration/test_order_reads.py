"""The order and subscription-version reads of every store (memory, SQLite, PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace

from tests.stores import stored_order
from tests.unit.domain.builders import create
from zorders.service.ports import Store
from zorders.types import TenantId

TENANT = TenantId("t" * 32)
OTHER = TenantId("o" * 32)


def test_orders_list_newest_first_with_ties_broken_by_id(store: Store) -> None:
    with store.begin() as uow:
        orders = uow.tenant(TENANT).orders
        orders.add(stored_order(1, "2027-01-01 10:00:00"))
        orders.add(stored_order(3, "2027-01-01 10:00:01"))
        orders.add(stored_order(2, "2027-01-01 10:00:01"))  # same second as 3, smaller id
        uow.tenant(OTHER).orders.add(stored_order(9, "2027-01-01 11:00:00"))
    with store.begin(write=False) as uow:
        orders = uow.tenant(TENANT).orders
        first = orders.list(offset=0, limit=2)
        rest = orders.list(offset=2, limit=2)
        picked = orders.many(["O-00000001", "O-00000002", "O-00000009", "O-404"])
    assert [o.number for o in first] == ["O-00000003", "O-00000002"]
    assert [o.number for o in rest] == ["O-00000001"]
    assert [o.number for o in picked] == ["O-00000002", "O-00000001"]  # not another tenant's


def test_every_version_of_a_subscription_oldest_first(store: Store) -> None:
    first = create()
    second = first.next_version(id="v2", order_number="O-00000002")
    third = replace(second.next_version(id="v3", order_number="O-00000003"), notes="third")
    with store.begin() as uow:
        subscriptions = uow.tenant(TENANT).subscriptions
        for version in (first, second, third):
            subscriptions.add_version(version)
    with store.begin(write=False) as uow:
        versions = uow.tenant(TENANT).subscriptions.versions(first.number)
        latest = uow.tenant(TENANT).subscriptions.latest(first.number)
        elsewhere = uow.tenant(OTHER).subscriptions.versions(first.number)
    assert [(v.version, v.order_number) for v in versions] == [
        (1, "O-00000001"),
        (2, "O-00000002"),
        (3, "O-00000003"),
    ]
    assert versions[0] == first and latest == third
    assert elsewhere == []
