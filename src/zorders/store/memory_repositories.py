"""The memory store's repositories of tenants, tokens and each tenant's documents."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from functools import cached_property
from typing import Any, TypeVar

from zorders.domain.accounts import Account
from zorders.domain.catalog import Product, ProductRatePlan, ProductRatePlanCharge
from zorders.domain.invoicing import Invoice, Payment
from zorders.domain.numbering import CATALOG_KINDS, NumberKind
from zorders.domain.orders import Order
from zorders.domain.subscriptions import Subscription
from zorders.service.tenants import Tenant
from zorders.store.memory_tables import (
    ConstraintViolation,
    Doc,
    OrderRow,
    Table,
    Tables,
    Transaction,
    unique,
    utc,
)
from zorders.types import TenantId

T = TypeVar("T")


def _docs(
    table: Table[str, Doc[T]], tenant: TenantId, where: Callable[[T], bool] = lambda _: True
) -> list[T]:
    """The tenant's documents that match ``where``, in insertion order (the SQL ``seq``)."""
    rows = [d for d in table.values() if d.tenant == tenant and where(d.value)]
    return [d.value for d in sorted(rows, key=lambda d: d.seq)]


def _owned(table: Table[str, Doc[T]], tenant: TenantId, key: str) -> T | None:
    doc = table.get(key)
    return None if doc is None or doc.tenant != tenant else doc.value


class MemoryTenants:
    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    def add(self, tenant: Tenant) -> None:
        tables = self._tx.write("tenants")
        unique(tables.tenants, tenant.id, "tenants", "id")
        self._put(tables, tenant)

    def update(self, tenant: Tenant) -> None:
        tables = self._tx.write("tenants")
        if tenant.id in tables.tenants:
            self._put(tables, tenant)

    @staticmethod
    def _put(tables: Tables, tenant: Tenant) -> None:
        for other in tables.tenants.values():
            if other.id != tenant.id and other.name == tenant.name:
                raise ConstraintViolation("tenants", "name")
            if other.id != tenant.id and other.client_id == tenant.client_id:
                raise ConstraintViolation("tenants", "client_id")
        tables.tenants[tenant.id] = dataclasses.replace(tenant, created_at=utc(tenant.created_at))

    def get(self, tenant_id: TenantId) -> Tenant | None:
        return self._tx.read.tenants.get(tenant_id)

    def by_client_id(self, client_id: str) -> Tenant | None:
        return next((t for t in self.list() if t.client_id == client_id), None)

    def by_name(self, name: str) -> Tenant | None:
        return next((t for t in self.list() if t.name == name), None)

    def list(self) -> Sequence[Tenant]:
        return sorted(self._tx.read.tenants.values(), key=lambda t: t.created_at)


class MemoryTokens:
    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    def add(self, token_hash: str, tenant_id: TenantId, expires_at: datetime) -> None:
        tables = self._tx.write("tokens")
        unique(tables.tokens, token_hash, "tokens", "token_hash")
        tables.tokens[token_hash] = (tenant_id, utc(expires_at))

    def get(self, token_hash: str) -> tuple[TenantId, datetime] | None:
        return self._tx.read.tokens.get(token_hash)

    def delete_expired(self, now: datetime) -> int:
        expired = [h for h, (_, expires) in self._tx.read.tokens.items() if expires <= now]
        if expired:
            tokens = self._tx.write("tokens").tokens
            for token_hash in expired:
                del tokens[token_hash]
        return len(expired)


class MemoryCatalog:
    def __init__(self, tx: Transaction, tenant_id: TenantId) -> None:
        self._tx = tx
        self._tenant = tenant_id

    def add_product(self, product: Product) -> None:
        products = self._tx.write("products").products
        unique(products, product.id, "products", "id")
        if _docs(products, self._tenant, lambda p: p.sku == product.sku):
            raise ConstraintViolation("products", "tenant_id", "sku")
        if _docs(products, self._tenant, lambda p: p.product_number == product.product_number):
            raise ConstraintViolation("products", "tenant_id", "product_number")
        products[product.id] = Doc(self._tenant, self._tx.seq(), product)

    def add_rate_plan(self, plan: ProductRatePlan) -> None:
        plans = self._tx.write("rate_plans").rate_plans
        unique(plans, plan.id, "product_rate_plans", "id")
        number = plan.product_rate_plan_number
        if _docs(plans, self._tenant, lambda p: p.product_rate_plan_number == number):
            raise ConstraintViolation("product_rate_plans", "tenant_id", "number")
        plans[plan.id] = Doc(self._tenant, self._tx.seq(), plan)

    def add_charge(self, charge: ProductRatePlanCharge) -> None:
        charges = self._tx.write("charges").charges
        unique(charges, charge.id, "product_rate_plan_charges", "id")
        charges[charge.id] = Doc(self._tenant, self._tx.seq(), charge)

    def product(self, key: str) -> Product | None:
        found = _docs(
            self._tx.read.products, self._tenant, lambda p: key in (p.id, p.sku, p.product_number)
        )
        return found[0] if found else None

    def products(self, *, offset: int, limit: int) -> Sequence[Product]:
        newest_first = _docs(self._tx.read.products, self._tenant)[::-1]
        return newest_first[offset : offset + limit]

    def rate_plan(self, key: str) -> ProductRatePlan | None:
        plans = self._tx.read.rate_plans
        by_id = _owned(plans, self._tenant, key)
        if by_id is not None:
            return by_id
        found = _docs(plans, self._tenant, lambda p: p.product_rate_plan_number == key)
        return found[0] if found else None

    def rate_plans_of(self, product_id: str) -> Sequence[ProductRatePlan]:
        return _docs(self._tx.read.rate_plans, self._tenant, lambda p: p.product_id == product_id)

    def charge(self, charge_id: str) -> ProductRatePlanCharge | None:
        return _owned(self._tx.read.charges, self._tenant, charge_id)

    def charges_of(self, rate_plan_id: str) -> Sequence[ProductRatePlanCharge]:
        return _docs(
            self._tx.read.charges, self._tenant, lambda c: c.product_rate_plan_id == rate_plan_id
        )


class _Numbered:
    """A tenant's documents with a number unique in the tenant: got by number or by id."""

    _table: str
    _index: str

    def __init__(self, tx: Transaction, tenant_id: TenantId) -> None:
        self._tx = tx
        self._tenant = tenant_id

    def _add(self, id_: str, number: str, value: Any) -> None:
        tables = self._tx.write(self._table, self._index)
        docs: Table[str, Doc[Any]] = getattr(tables, self._table)
        numbers: Table[tuple[TenantId, str], str] = getattr(tables, self._index)
        unique(docs, id_, self._table, "id")
        unique(numbers, (self._tenant, number), self._table, "tenant_id", "number")
        docs[id_] = Doc(self._tenant, self._tx.seq(), value)
        numbers[(self._tenant, number)] = id_

    def _get(self, key: str) -> Any:
        tables = self._tx.read
        docs: Table[str, Doc[Any]] = getattr(tables, self._table)
        numbers: Table[tuple[TenantId, str], str] = getattr(tables, self._index)
        found = numbers.get((self._tenant, key))
        return _owned(docs, self._tenant, key if found is None else found)


class MemoryAccounts(_Numbered):
    _table = "accounts"
    _index = "account_numbers"

    def add(self, account: Account) -> None:
        self._add(account.id, account.number, account)

    def update(self, account: Account) -> None:
        tables = self._tx.write("accounts", "account_numbers")
        old = _owned(tables.accounts, self._tenant, account.id)
        if old is None:
            return
        if account.number != old.number:
            unique(
                tables.account_numbers,
                (self._tenant, account.number),
                "accounts",
                "tenant_id",
                "number",
            )
            del tables.account_numbers[(self._tenant, old.number)]
            tables.account_numbers[(self._tenant, account.number)] = account.id
        seq = tables.accounts[account.id].seq
        tables.accounts[account.id] = Doc(self._tenant, seq, account)

    def get(self, key: str) -> Account | None:
        found: Account | None = self._get(key)
        return found


class MemoryInvoices(_Numbered):
    _table = "invoices"
    _index = "invoice_numbers"

    def add(self, invoice: Invoice) -> None:
        self._add(invoice.id, invoice.number, invoice)

    def get(self, key: str) -> Invoice | None:
        found: Invoice | None = self._get(key)
        return found


class MemoryPayments(_Numbered):
    _table = "payments"
    _index = "payment_numbers"

    def add(self, payment: Payment) -> None:
        self._add(payment.id, payment.number, payment)

    def get(self, key: str) -> Payment | None:
        found: Payment | None = self._get(key)
        return found


class MemorySubscriptions:
    def __init__(self, tx: Transaction, tenant_id: TenantId) -> None:
        self._tx = tx
        self._tenant = tenant_id

    def add_version(self, subscription: Subscription) -> None:
        tables = self._tx.write("subscriptions", "subscription_numbers")
        unique(tables.subscriptions, subscription.id, "subscriptions", "id")
        key = (self._tenant, subscription.number)
        ids = tables.subscription_numbers.get(key, ())
        if any(tables.subscriptions[i].value.version == subscription.version for i in ids):
            raise ConstraintViolation("subscriptions", "tenant_id", "number", "version")
        tables.subscriptions[subscription.id] = Doc(self._tenant, self._tx.seq(), subscription)
        tables.subscription_numbers[key] = (*ids, subscription.id)

    def update_version(self, subscription: Subscription) -> None:
        tables = self._tx.write("subscriptions")
        for i in self._ids(subscription.number):
            stored = tables.subscriptions[i]
            if stored.value.version == subscription.version:
                tables.subscriptions[i] = stored._replace(value=subscription)

    def _ids(self, number: str) -> tuple[str, ...]:
        return self._tx.read.subscription_numbers.get((self._tenant, number), ())

    def latest(self, key: str) -> Subscription | None:
        ids = self._ids(key)
        if not ids:
            by_id = _owned(self._tx.read.subscriptions, self._tenant, key)
            ids = () if by_id is None else self._ids(by_id.number)
        return self._tx.read.subscriptions[ids[-1]].value if ids else None

    def version(self, number: str, version: int) -> Subscription | None:
        return next((s for s in self.versions(number) if s.version == version), None)

    def versions(self, number: str) -> Sequence[Subscription]:
        subscriptions = self._tx.read.subscriptions
        found = [subscriptions[i].value for i in self._ids(number)]
        return sorted(found, key=lambda s: s.version)


def _order_time(order: Order) -> datetime:
    if not order.created_at:
        # The SQL tables default the column to the database's CURRENT_TIMESTAMP: the wall
        # clock, not the service's Clock, which a database cannot see either.
        now = datetime.now(UTC)  # noqa: TID251
        return now.replace(tzinfo=None, microsecond=0)
    value = datetime.fromisoformat(order.created_at)
    return value if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)


def _newest_first(rows: Iterable[OrderRow]) -> list[Order]:
    # created_at has second resolution; the id breaks ties so pages never overlap.
    return [r.value for r in sorted(rows, key=lambda r: (r.created_at, r.value.id), reverse=True)]


class MemoryOrders:
    def __init__(self, tx: Transaction, tenant_id: TenantId) -> None:
        self._tx = tx
        self._tenant = tenant_id

    def add(self, order: Order) -> None:
        tables = self._tx.write("orders", "order_numbers")
        unique(tables.orders, order.id, "orders", "id")
        key = (self._tenant, order.number)
        unique(tables.order_numbers, key, "orders", "tenant_id", "number")
        tables.orders[order.id] = OrderRow(self._tenant, _order_time(order), order)
        tables.order_numbers[key] = order.id

    def update(self, order: Order) -> None:
        tables = self._tx.write("orders")
        row = tables.orders.get(order.id)
        if row is not None and row.tenant == self._tenant:
            tables.orders[order.id] = row._replace(value=order)

    def get(self, number: str) -> Order | None:
        tables = self._tx.read
        row = tables.orders.get(tables.order_numbers.get((self._tenant, number), number))
        return None if row is None or row.tenant != self._tenant else row.value

    def list(self, *, offset: int, limit: int) -> Sequence[Order]:
        rows = (r for r in self._tx.read.orders.values() if r.tenant == self._tenant)
        return _newest_first(rows)[offset : offset + limit]

    def many(self, numbers: Sequence[str]) -> Sequence[Order]:
        tables = self._tx.read
        ids = {tables.order_numbers.get((self._tenant, n)) for n in numbers}
        return _newest_first(tables.orders[i] for i in ids if i is not None)


class MemoryCounters:
    def __init__(self, tx: Transaction, tenant_id: TenantId) -> None:
        self._tx = tx
        self._tenant = tenant_id

    def next_value(self, kind: NumberKind) -> int:
        return self.take({kind: 1})[kind]

    def take(self, counts: Mapping[NumberKind, int]) -> dict[NumberKind, int]:
        # Gap-free like the SQL upsert: the values are this transaction's until it commits,
        # and writers take turns (MemoryStore.begin), so no one else can take them.
        counters = self._tx.write("counters").counters
        last = {}
        for kind, count in counts.items():
            key = (self._tenant, kind.name)
            counters[key] = last[kind] = counters.get(key, 0) + count
        return last


class MemoryNumbers:
    def __init__(self, tx: Transaction, tenant_id: TenantId) -> None:
        self._tx = tx
        self._tenant = tenant_id

    def taken(self, numbers: Sequence[str]) -> frozenset[str]:
        tables = self._tx.read
        indexes = (tables.account_numbers, tables.subscription_numbers, tables.order_numbers)
        return frozenset(n for n in numbers if any((self._tenant, n) in i for i in indexes))


class MemoryBillingState:
    def __init__(self, tx: Transaction, tenant_id: TenantId) -> None:
        self._tx = tx
        self._tenant = tenant_id

    def billed_through(self, subscription_number: str) -> Mapping[str, date]:
        return dict(self._tx.read.billing.get((self._tenant, subscription_number), ()))

    def set_billed_through(self, subscription_number: str, dates: Mapping[str, date]) -> None:
        billing = self._tx.write("billing").billing
        billing[(self._tenant, subscription_number)] = tuple(dates.items())


#: What ``TenantScope.erase`` deletes: tables whose rows carry their tenant, and the
#: tables keyed (tenant, …).
_DOCUMENTS = ("accounts", "subscriptions", "orders", "invoices", "payments")
_CATALOG = ("products", "rate_plans", "charges")
_BY_TENANT_KEY = (
    "account_numbers",
    "subscription_numbers",
    "order_numbers",
    "invoice_numbers",
    "payment_numbers",
    "billing",
)


class MemoryTenantScope:
    def __init__(self, tx: Transaction, tenant_id: TenantId) -> None:
        self._tx = tx
        self._tenant = tenant_id

    @cached_property
    def catalog(self) -> MemoryCatalog:
        return MemoryCatalog(self._tx, self._tenant)

    @cached_property
    def accounts(self) -> MemoryAccounts:
        return MemoryAccounts(self._tx, self._tenant)

    @cached_property
    def subscriptions(self) -> MemorySubscriptions:
        return MemorySubscriptions(self._tx, self._tenant)

    @cached_property
    def orders(self) -> MemoryOrders:
        return MemoryOrders(self._tx, self._tenant)

    @cached_property
    def counters(self) -> MemoryCounters:
        return MemoryCounters(self._tx, self._tenant)

    @cached_property
    def numbers(self) -> MemoryNumbers:
        return MemoryNumbers(self._tx, self._tenant)

    @cached_property
    def invoices(self) -> MemoryInvoices:
        return MemoryInvoices(self._tx, self._tenant)

    @cached_property
    def payments(self) -> MemoryPayments:
        return MemoryPayments(self._tx, self._tenant)

    @cached_property
    def billing(self) -> MemoryBillingState:
        return MemoryBillingState(self._tx, self._tenant)

    def erase(self, *, catalog: bool) -> None:
        documents = _DOCUMENTS + (_CATALOG if catalog else ())
        tables = self._tx.write(*documents, *_BY_TENANT_KEY, "counters")
        for name in documents:
            rows: Table[str, Any] = getattr(tables, name)
            for doc_id in [k for k, row in rows.items() if row.tenant == self._tenant]:
                del rows[doc_id]
        for name in _BY_TENANT_KEY:
            keyed: Table[tuple[TenantId, str], Any] = getattr(tables, name)
            for key in [k for k in keyed if k[0] == self._tenant]:
                del keyed[key]
        # A reset that keeps the catalog keeps its numbering too (PRD-, PRP-, PRPC-).
        kept = set() if catalog else {kind.name for kind in CATALOG_KINDS}
        for counter in [k for k in tables.counters if k[0] == self._tenant and k[1] not in kept]:
            del tables.counters[counter]
