"""The store suite's repositories: lookups, orderings, tenant isolation and unique keys.

Parametrised over the memory store, SQLite and PostgreSQL (tests/stores.py); what the
SQL stores do is the contract the memory store is held to.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from tests.stores import CONSTRAINT_ERRORS, stored_order
from tests.unit.domain.builders import BASIC, PRODUCT, SEATS, account, create
from zorders.domain.catalog import Product
from zorders.domain.invoicing import Invoice, Payment
from zorders.domain.numbering import NumberKind
from zorders.domain.orders import OrderStatus
from zorders.service.idempotency import IdempotencyRecord, RequestFingerprint, StoredResponse
from zorders.service.limits import PeerCounts
from zorders.service.ports import Store
from zorders.service.tenants import Tenant, TenantSettings
from zorders.types import TenantId

TENANT = TenantId("t" * 32)
OTHER = TenantId("o" * 32)
NOW = datetime(2027, 1, 1, 12, 0, tzinfo=UTC)


def _tenant(n: int, name: str, created_at: datetime = NOW) -> Tenant:
    return Tenant(
        id=TenantId(f"{n:032x}"),
        name=name,
        client_id=f"{n:036d}",
        secret_hash=f"hash-{n}",
        settings=TenantSettings(),
        created_at=created_at,
    )


def _product(n: int) -> Product:
    return replace(PRODUCT, id=f"p-{n}", sku=f"SKU-{n}", product_number=f"PC-{n}", name=f"P{n}")


_order = stored_order


def _invoice(n: int) -> Invoice:
    return Invoice(
        id=f"inv-{n}",
        number=f"INV{n:08d}",
        account_id="id-A00000001",
        account_number="A00000001",
        currency="USD",
        invoice_date=date(2027, 1, 1),
        target_date=date(2027, 1, 1),
        due_date=date(2027, 1, 1),
        amount=Decimal("100.00"),
        balance=Decimal("100.00"),
        lines=(),
    )


def _payment(n: int) -> Payment:
    return Payment(
        id=f"pay-{n}",
        number=f"P-{n:08d}",
        account_id="id-A00000001",
        account_number="A00000001",
        currency="USD",
        amount=Decimal("100.00"),
        effective_date=date(2027, 1, 1),
        applications=(),
    )


def _key(
    key: str, tenant: TenantId = TENANT, expires: timedelta = timedelta(days=1)
) -> IdempotencyRecord:
    return IdempotencyRecord(
        fingerprint=RequestFingerprint(
            key=key, tenant_id=tenant, method="POST", path="/v1/async/orders", body_hash="b" * 64
        ),
        response=None,
        locked_until=NOW + timedelta(minutes=2),
        created_at=NOW,
        expires_at=NOW + expires,
    )


def test_tenants_by_id_client_id_and_name_oldest_first(store: Store) -> None:
    later = _tenant(1, "later", NOW + timedelta(seconds=1))
    earlier = _tenant(2, "earlier")
    with store.begin() as uow:
        uow.tenants.add(later)
        uow.tenants.add(earlier)
    renamed = replace(later, name="renamed", settings=TenantSettings(async_create_status=202))
    with store.begin() as uow:
        uow.tenants.update(renamed)
        uow.tenants.update(_tenant(9, "never added"))  # nothing to update
    with store.begin(write=False) as uow:
        assert uow.tenants.get(later.id) == renamed
        assert uow.tenants.by_client_id(earlier.client_id) == earlier
        assert uow.tenants.by_name("renamed") == renamed
        assert uow.tenants.by_name("later") is None
        assert uow.tenants.get(TenantId("9" * 32)) is None
        assert uow.tenants.list() == [earlier, renamed]
    for clash in (
        replace(_tenant(3, "x"), name="earlier"),
        replace(_tenant(3, "x"), client_id=earlier.client_id),
    ):
        with pytest.raises(CONSTRAINT_ERRORS), store.begin() as uow:
            uow.tenants.add(clash)


def test_tokens_resolve_to_their_tenant_until_they_expire(store: Store) -> None:
    with store.begin() as uow:
        uow.tokens.add("a" * 64, TENANT, NOW)
        uow.tokens.add("b" * 64, OTHER, NOW + timedelta(seconds=1))
    with store.begin() as uow:
        assert uow.tokens.get("a" * 64) == (TENANT, NOW)
        assert uow.tokens.get("c" * 64) is None
        assert uow.tokens.delete_expired(NOW) == 1  # expiring at ``now`` counts as expired
    with store.begin(write=False) as uow:
        assert uow.tokens.get("a" * 64) is None
        assert uow.tokens.get("b" * 64) == (OTHER, NOW + timedelta(seconds=1))
    with pytest.raises(CONSTRAINT_ERRORS), store.begin() as uow:
        uow.tokens.add("b" * 64, TENANT, NOW)


def test_catalog_lookups_by_any_key_newest_products_first(store: Store) -> None:
    with store.begin() as uow:
        catalog = uow.tenant(TENANT).catalog
        for n in (1, 2, 3):
            catalog.add_product(_product(n))
        for offer in (SEATS, BASIC):  # added in this order
            catalog.add_rate_plan(replace(offer.plan, product_id="p-1"))
            for charge in offer.charges:
                catalog.add_charge(charge)
        catalog.add_charge(replace(SEATS.charges[0], id="prpc-2b", number="PRPC-2b"))
    with store.begin(write=False) as uow:
        catalog = uow.tenant(TENANT).catalog
        assert [catalog.product(k) for k in ("p-2", "SKU-2", "PC-2")] == [_product(2)] * 3
        assert catalog.product("nope") is None
        assert [p.id for p in catalog.products(offset=0, limit=2)] == ["p-3", "p-2"]
        assert [p.id for p in catalog.products(offset=2, limit=2)] == ["p-1"]
        assert (
            catalog.rate_plan("prp-1")
            == catalog.rate_plan("PRP-1")
            == replace(BASIC.plan, product_id="p-1")
        )
        assert [p.id for p in catalog.rate_plans_of("p-1")] == ["prp-2", "prp-1"]
        assert catalog.rate_plans_of("p-2") == []
        assert catalog.charge("prpc-1") == BASIC.charges[0]
        assert [c.id for c in catalog.charges_of("prp-2")] == ["prpc-2", "prpc-2b"]
        theirs = uow.tenant(OTHER).catalog
        assert theirs.product("p-1") is None and theirs.products(offset=0, limit=9) == []
        assert theirs.rate_plan("prp-1") is None and theirs.charge("prpc-1") is None
        assert theirs.charges_of("prp-2") == [] and theirs.rate_plans_of("p-1") == []
    with store.begin() as uow:
        # Keys are unique per tenant: another tenant may use the same SKU and number.
        uow.tenant(OTHER).catalog.add_product(replace(_product(1), id="o"))
    for clash in (
        replace(_product(9), id="p-1"),
        replace(_product(9), sku="SKU-1"),
        replace(_product(9), product_number="PC-1"),
    ):
        with pytest.raises(CONSTRAINT_ERRORS), store.begin() as uow:
            uow.tenant(TENANT).catalog.add_product(clash)
    with pytest.raises(CONSTRAINT_ERRORS), store.begin() as uow:
        uow.tenant(TENANT).catalog.add_rate_plan(replace(BASIC.plan, id="prp-9"))


def test_accounts_by_number_or_id_within_their_tenant(store: Store) -> None:
    acme = account()
    with store.begin() as uow:
        uow.tenant(TENANT).accounts.add(acme)
        uow.tenant(OTHER).accounts.add(replace(account(), id="other-id"))  # same number
    moved = replace(acme, number="A00000002", name="Moved")
    with store.begin() as uow:
        uow.tenant(TENANT).accounts.update(moved)
        uow.tenant(OTHER).accounts.update(replace(acme, name="not theirs"))
    with store.begin(write=False) as uow:
        accounts = uow.tenant(TENANT).accounts
        assert accounts.get("A00000002") == accounts.get(acme.id) == moved
        assert accounts.get("A00000001") is None
        theirs = uow.tenant(OTHER).accounts
        assert theirs.get("A00000001") == replace(account(), id="other-id")
        assert theirs.get(acme.id) is None
    with pytest.raises(CONSTRAINT_ERRORS), store.begin() as uow:
        uow.tenant(TENANT).accounts.add(replace(account("A00000002"), id="new-id"))
    with pytest.raises(CONSTRAINT_ERRORS), store.begin() as uow:
        uow.tenant(TENANT).accounts.add(replace(account("A00000003"), id=acme.id))
    with store.begin() as uow:  # the old number is free again
        uow.tenant(TENANT).accounts.add(replace(account("A00000001"), id="third-id"))


def test_subscription_versions_latest_by_number_or_any_versions_id(store: Store) -> None:
    first = create()
    second = first.next_version(id="v2", order_number="O-00000002")
    with store.begin() as uow:
        subscriptions = uow.tenant(TENANT).subscriptions
        subscriptions.add_version(first)
        subscriptions.add_version(second)
    with store.begin(write=False) as uow:
        subscriptions = uow.tenant(TENANT).subscriptions
        assert subscriptions.latest(first.number) == second
        assert subscriptions.latest(first.id) == subscriptions.latest("v2") == second
        assert subscriptions.latest("S-404") is None
        assert subscriptions.version(first.number, 1) == first
        assert subscriptions.version(first.number, 3) is None
        assert uow.tenant(OTHER).subscriptions.latest(first.id) is None
        assert uow.tenant(OTHER).subscriptions.version(first.number, 1) is None
    with pytest.raises(CONSTRAINT_ERRORS), store.begin() as uow:
        uow.tenant(TENANT).subscriptions.add_version(replace(second, id="v2b"))


def test_orders_by_number_or_id_and_unique_numbers(store: Store) -> None:
    with store.begin() as uow:
        uow.tenant(TENANT).orders.add(_order(1))
    with store.begin(write=False) as uow:
        orders = uow.tenant(TENANT).orders
        assert orders.get("O-00000001") == orders.get(f"{1:032x}") == _order(1)
        assert orders.get("O-404") is None
        assert uow.tenant(OTHER).orders.get("O-00000001") is None
        assert uow.tenant(OTHER).orders.list(offset=0, limit=9) == []
        assert orders.many([]) == []
    with pytest.raises(CONSTRAINT_ERRORS), store.begin() as uow:
        uow.tenant(TENANT).orders.add(replace(_order(2), number="O-00000001"))
    with store.begin() as uow:
        uow.tenant(OTHER).orders.add(replace(_order(2), number="O-00000001"))


def test_a_version_and_an_order_are_rewritten_in_place(store: Store) -> None:
    """A Pending order activated: its own subscription version and the order change."""
    first = create()
    second = first.next_version(id="v2", order_number="O-00000002")
    with store.begin() as uow:
        scope = uow.tenant(TENANT)
        scope.subscriptions.add_version(first)
        scope.subscriptions.add_version(second)
        scope.orders.add(replace(_order(1), status=OrderStatus.PENDING))
    activated = replace(first, notes="activated")
    completed = replace(_order(1), status=OrderStatus.COMPLETED, description="done")
    with store.begin() as uow:
        scope = uow.tenant(TENANT)
        scope.subscriptions.update_version(activated)
        scope.orders.update(completed)
        uow.tenant(OTHER).orders.update(replace(completed, description="not theirs"))
    with store.begin(write=False) as uow:
        scope = uow.tenant(TENANT)
        assert scope.subscriptions.version(first.number, 1) == activated
        assert scope.subscriptions.latest(first.number) == second  # still the latest
        assert [s.version for s in scope.subscriptions.versions(first.number)] == [1, 2]
        assert scope.orders.get("O-00000001") == completed
        assert scope.orders.list(offset=0, limit=9) == [completed]
    # Rolled back with its transaction like any write.
    with pytest.raises(RuntimeError), store.begin() as uow:
        uow.tenant(TENANT).orders.update(replace(completed, description="lost"))
        raise RuntimeError
    with store.begin(write=False) as uow:
        assert uow.tenant(TENANT).orders.get("O-00000001") == completed


def test_numbers_taken_by_accounts_subscriptions_and_orders_of_the_tenant(store: Store) -> None:
    sub = create()
    with store.begin() as uow:
        scope = uow.tenant(TENANT)
        scope.accounts.add(account())
        scope.subscriptions.add_version(sub)
        scope.orders.add(_order(7))
        uow.tenant(OTHER).accounts.add(replace(account("A00000009"), id="x"))
    wanted = ["A00000001", sub.number, "O-00000007", "A00000009", "INV00000001"]
    with store.begin(write=False) as uow:
        assert uow.tenant(TENANT).numbers.taken(wanted) == {"A00000001", sub.number, "O-00000007"}
        assert uow.tenant(OTHER).numbers.taken(wanted) == {"A00000009"}
        assert uow.tenant(TENANT).numbers.taken([]) == frozenset()


def test_invoices_and_payments_by_number_or_id(store: Store) -> None:
    with store.begin() as uow:
        uow.tenant(TENANT).invoices.add(_invoice(1))
        uow.tenant(TENANT).payments.add(_payment(1))
    with store.begin(write=False) as uow:
        scope = uow.tenant(TENANT)
        assert scope.invoices.get("INV00000001") == scope.invoices.get("inv-1") == _invoice(1)
        assert scope.payments.get("P-00000001") == scope.payments.get("pay-1") == _payment(1)
        assert scope.invoices.get("inv-2") is None and scope.payments.get("pay-2") is None
        assert uow.tenant(OTHER).invoices.get("inv-1") is None
        assert uow.tenant(OTHER).payments.get("P-00000001") is None
    with pytest.raises(CONSTRAINT_ERRORS), store.begin() as uow:
        uow.tenant(TENANT).invoices.add(replace(_invoice(2), number="INV00000001"))
    with pytest.raises(CONSTRAINT_ERRORS), store.begin() as uow:
        uow.tenant(TENANT).payments.add(replace(_payment(2), id="pay-1"))


def test_billing_state_is_replaced_per_subscription(store: Store) -> None:
    with store.begin() as uow:
        billing = uow.tenant(TENANT).billing
        assert billing.billed_through("S-1") == {}
        billing.set_billed_through("S-1", {"C-1": date(2027, 2, 1), "C-2": date(2027, 3, 1)})
        billing.set_billed_through("S-2", {"C-9": date(2027, 2, 1)})
    with store.begin() as uow:
        uow.tenant(TENANT).billing.set_billed_through("S-1", {"C-1": date(2027, 3, 1)})
    with store.begin(write=False) as uow:
        assert uow.tenant(TENANT).billing.billed_through("S-1") == {"C-1": date(2027, 3, 1)}
        assert uow.tenant(TENANT).billing.billed_through("S-2") == {"C-9": date(2027, 2, 1)}
        assert uow.tenant(OTHER).billing.billed_through("S-1") == {}


def test_idempotency_keys_first_use_wins_then_the_response_is_kept(store: Store) -> None:
    first = _key("k1")
    with store.begin() as uow:
        assert uow.idempotency.add(
            replace(first, response=StoredResponse(status=1, headers=(), body=b""))
        )
        assert not uow.idempotency.add(_key("k1", tenant=OTHER))
        assert uow.idempotency.add(_key("k2", expires=timedelta(hours=1)))
        assert uow.idempotency.add(_key("k3", tenant=OTHER))
    with store.begin(write=False) as uow:
        assert uow.idempotency.get("k1") == first  # no response until one is stored
        assert uow.idempotency.get("k4") is None
    response = StoredResponse(
        status=200, headers=(("content-type", "application/json"),), body=b"{}"
    )
    with store.begin() as uow:
        uow.idempotency.relock("k2", NOW + timedelta(minutes=5))
        uow.idempotency.store_response("k1", response)
        uow.idempotency.relock("k404", NOW)  # nothing to change
    with store.begin(write=False) as uow:
        assert uow.idempotency.get("k1") == replace(first, response=response, locked_until=None)
        k2 = uow.idempotency.get("k2")
        assert k2 is not None and k2.locked_until == NOW + timedelta(minutes=5)
    with store.begin() as uow:
        assert uow.idempotency.delete_expired(NOW + timedelta(hours=1)) == 1  # k2, at expiry
        assert uow.idempotency.delete_tenant(OTHER) == 1  # k3
        uow.idempotency.delete("k404")
    with store.begin() as uow:
        assert [uow.idempotency.get(k) is not None for k in ("k1", "k2", "k3")] == [
            True,
            False,
            False,
        ]
        uow.idempotency.delete("k1")
        assert uow.idempotency.get("k1") is None
        assert uow.idempotency.add(_key("k3"))  # a deleted key may be used again


def test_limit_counters_sum_the_other_fresh_processes(store: Store) -> None:
    window = NOW.replace(second=0)
    earlier = window - timedelta(minutes=1)
    with store.begin() as uow:
        publish = uow.limits.publish
        publish(
            TENANT,
            process_id="me",
            window=window,
            requests=50,
            in_flight=5,
            in_flight_high_volume=1,
            now=NOW,
        )
        publish(
            TENANT,
            process_id="p1",
            window=window,
            requests=7,
            in_flight=1,
            in_flight_high_volume=0,
            now=NOW,
        )
        publish(
            TENANT,
            process_id="p2",
            window=window,
            requests=1,
            in_flight=1,
            in_flight_high_volume=1,
            now=NOW,
        )
        publish(
            TENANT,
            process_id="p2",
            window=earlier,
            requests=3,
            in_flight=2,
            in_flight_high_volume=2,
            now=NOW,
        )  # replaces p2's counts
        publish(
            OTHER,
            process_id="p1",
            window=window,
            requests=4,
            in_flight=0,
            in_flight_high_volume=0,
            now=NOW,
        )
        publish(
            OTHER,
            process_id="dead",
            window=window,
            requests=100,
            in_flight=9,
            in_flight_high_volume=9,
            now=NOW - timedelta(seconds=11),
        )
    with store.begin(write=False) as uow:
        peers = uow.limits.peers(
            process_id="me", window=window, fresh_since=NOW - timedelta(seconds=10)
        )
        fresh_only = uow.limits.peers(
            process_id="me", window=window, fresh_since=NOW + timedelta(seconds=1)
        )
    assert peers == {
        # p2's requests belong to an earlier window: only its in-flight calls count now.
        TENANT: PeerCounts(requests=7, in_flight=3, in_flight_high_volume=2),
        OTHER: PeerCounts(requests=4, in_flight=0, in_flight_high_volume=0),
    }
    assert fresh_only == {}


def test_erase_deletes_a_tenants_data_and_keeps_the_rest(store: Store) -> None:
    sub = create()
    tenant = replace(_tenant(1, "acme"), id=TENANT)
    with store.begin() as uow:
        uow.tenants.add(tenant)
        uow.tokens.add("a" * 64, TENANT, NOW)
        uow.idempotency.add(_key("k"))
        for tenant_id in (TENANT, OTHER):
            scope = uow.tenant(tenant_id)
            scope.catalog.add_product(replace(_product(1), id=f"p-{tenant_id[0]}"))
            scope.accounts.add(replace(account(), id=f"a-{tenant_id[0]}"))
            scope.counters.next_value(NumberKind.ORDER)
            scope.counters.next_value(NumberKind.PRODUCT)
        scope = uow.tenant(TENANT)
        scope.catalog.add_rate_plan(BASIC.plan)
        scope.catalog.add_charge(BASIC.charges[0])
        scope.subscriptions.add_version(sub)
        scope.orders.add(_order(1))
        scope.invoices.add(_invoice(1))
        scope.payments.add(_payment(1))
        scope.billing.set_billed_through(sub.number, {"C-1": date(2027, 2, 1)})
    with store.begin() as uow:
        uow.tenant(TENANT).erase(catalog=False)
    with store.begin() as uow:
        scope = uow.tenant(TENANT)
        assert scope.accounts.get("A00000001") is None
        assert scope.subscriptions.latest(sub.number) is None
        assert scope.subscriptions.latest(sub.id) is None
        assert scope.orders.get("O-00000001") is None and scope.orders.list(offset=0, limit=9) == []
        assert scope.invoices.get("inv-1") is None and scope.payments.get("pay-1") is None
        assert scope.billing.billed_through(sub.number) == {}
        assert scope.numbers.taken(["A00000001", sub.number, "O-00000001"]) == frozenset()
        assert scope.counters.next_value(NumberKind.ORDER) == 1  # numbering starts again
        # The catalog stays, and so does its numbering.
        assert scope.catalog.product("SKU-1") is not None
        assert scope.catalog.rate_plan("PRP-1") is not None
        assert scope.catalog.charge("prpc-1") is not None
        assert scope.counters.next_value(NumberKind.PRODUCT) == 2
        # The tenant, its credentials and keys stay; another tenant's data is untouched.
        assert uow.tenants.get(TENANT) == tenant and uow.tokens.get("a" * 64) is not None
        assert uow.idempotency.get("k") is not None
        assert uow.tenant(OTHER).accounts.get("A00000001") is not None
        assert uow.tenant(OTHER).counters.next_value(NumberKind.ORDER) == 2
        # Numbers and ids in use before are free again.
        scope.accounts.add(account())
        scope.orders.add(_order(1))
        scope.subscriptions.add_version(sub)
    with store.begin() as uow:
        uow.tenant(TENANT).erase(catalog=True)
    with store.begin(write=False) as uow:
        catalog = uow.tenant(TENANT).catalog
        assert catalog.products(offset=0, limit=9) == [] and catalog.rate_plan("prp-1") is None
        assert (
            catalog.charges_of("prp-1") == []
            and uow.tenant(TENANT).accounts.get("A00000001") is None
        )
        assert uow.tenant(OTHER).catalog.product("SKU-1") is not None
    with store.begin() as uow:
        assert uow.tenant(TENANT).counters.next_value(NumberKind.PRODUCT) == 1
