"""Repositories over one SQLAlchemy connection (one transaction): rows ↔ domain values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    Connection,
    TextClause,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.sql.elements import BindParameter

from zorders.domain.accounts import Account
from zorders.domain.catalog import Product, ProductRatePlan, ProductRatePlanCharge
from zorders.domain.numbering import CATALOG_KINDS, NumberKind
from zorders.domain.orders import Order
from zorders.domain.subscriptions import Subscription
from zorders.service.tenants import Tenant, TenantSettings
from zorders.store import schema as t
from zorders.store.codec import dumps, loads
from zorders.types import TenantId

# Statements an order job runs are built once and executed with parameters: building one
# per call (values(), where(), or_()) cost several times what SQLite takes to run it
# (docs/performance.md). Bound names start with ``p_``: SQLAlchemy reserves column names.
_TENANT: BindParameter[str] = bindparam("p_tenant")
_KEY: BindParameter[str] = bindparam("p_key")
_pc = t.products.c
_PRODUCT = select(_pc.data).where(
    _pc.tenant_id == _TENANT, or_(_pc.id == _KEY, _pc.sku == _KEY, _pc.product_number == _KEY)
)
_rc = t.product_rate_plans.c
_RATE_PLAN = select(_rc.data).where(
    _rc.tenant_id == _TENANT, or_(_rc.id == _KEY, _rc.number == _KEY)
)
_cc = t.product_rate_plan_charges.c
_CHARGES_OF = (
    select(_cc.data).where(_cc.tenant_id == _TENANT, _cc.rate_plan_id == _KEY).order_by(_cc.seq)
)
_ac = t.accounts.c
_ACCOUNT = select(_ac.data).where(_ac.tenant_id == _TENANT, or_(_ac.number == _KEY, _ac.id == _KEY))
_UPDATE_ACCOUNT = (
    update(t.accounts)
    .where(_ac.tenant_id == _TENANT, _ac.id == _KEY)
    .values(number=bindparam("p_number"), data=bindparam("p_data"))
)
_sc = t.subscriptions.c
_NOT_LATEST = (
    update(t.subscriptions)
    .where(_sc.tenant_id == _TENANT, _sc.number == _KEY)
    .values(is_latest=False)
)
_SUBSCRIPTION_NUMBER = select(_sc.number).where(
    _sc.tenant_id == _TENANT, or_(_sc.number == _KEY, _sc.id == _KEY)
)
_LATEST_SUBSCRIPTION = select(_sc.data).where(
    _sc.tenant_id == _TENANT, _sc.number == _KEY, _sc.is_latest
)
_TAKEN = {
    table.name: select(table.c.number).where(
        table.c.tenant_id == _TENANT, table.c.number.in_(bindparam("p_numbers", expanding=True))
    )
    for table in (t.accounts, t.subscriptions, t.orders)
}


@cache
def _take(kinds: int) -> TextClause:
    """One upsert for ``kinds`` sequences: rows ``p_kind_i`` advanced by ``p_count_i``
    (the same SQL on SQLite and PostgreSQL; text, so it is compiled once)."""
    rows = ", ".join(f"(:p_tenant, :p_kind_{i}, :p_count_{i})" for i in range(kinds))
    return text(
        f"INSERT INTO counters (tenant_id, kind, value) VALUES {rows} "
        "ON CONFLICT (tenant_id, kind) DO UPDATE SET value = counters.value + excluded.value "
        "RETURNING kind, value"
    )


def to_db_time(value: datetime) -> datetime:
    """Columns hold naive UTC (portable between SQLite and PostgreSQL)."""
    return value.astimezone(UTC).replace(tzinfo=None)


def from_db_time(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC)


class SqlTenants:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, tenant: Tenant) -> None:
        self._conn.execute(insert(t.tenants).values(**self._row(tenant)))

    def update(self, tenant: Tenant) -> None:
        self._conn.execute(
            update(t.tenants).where(t.tenants.c.id == tenant.id).values(**self._row(tenant))
        )

    def get(self, tenant_id: TenantId) -> Tenant | None:
        return self._one(t.tenants.c.id == tenant_id)

    def by_client_id(self, client_id: str) -> Tenant | None:
        return self._one(t.tenants.c.client_id == client_id)

    def by_name(self, name: str) -> Tenant | None:
        return self._one(t.tenants.c.name == name)

    def list(self) -> Sequence[Tenant]:
        rows = self._conn.execute(select(t.tenants).order_by(t.tenants.c.created_at)).all()
        return [self._tenant(r._mapping) for r in rows]

    def _one(self, where: Any) -> Tenant | None:
        row = self._conn.execute(select(t.tenants).where(where)).first()
        return None if row is None else self._tenant(row._mapping)

    @staticmethod
    def _row(tenant: Tenant) -> dict[str, Any]:
        return {
            "id": tenant.id,
            "name": tenant.name,
            "client_id": tenant.client_id,
            "secret_hash": tenant.secret_hash,
            "settings": dumps(tenant.settings),
            "created_at": to_db_time(tenant.created_at),
        }

    @staticmethod
    def _tenant(row: Any) -> Tenant:
        return Tenant(
            id=TenantId(row["id"]),
            name=row["name"],
            client_id=row["client_id"],
            secret_hash=row["secret_hash"],
            settings=loads(row["settings"], TenantSettings),
            created_at=from_db_time(row["created_at"]),
        )


class SqlTokens:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, token_hash: str, tenant_id: TenantId, expires_at: datetime) -> None:
        self._conn.execute(
            insert(t.tokens).values(
                token_hash=token_hash, tenant_id=tenant_id, expires_at=to_db_time(expires_at)
            )
        )

    def get(self, token_hash: str) -> tuple[TenantId, datetime] | None:
        row = self._conn.execute(
            select(t.tokens.c.tenant_id, t.tokens.c.expires_at).where(
                t.tokens.c.token_hash == token_hash
            )
        ).first()
        return None if row is None else (TenantId(row[0]), from_db_time(row[1]))

    def delete_expired(self, now: datetime) -> int:
        result = self._conn.execute(
            delete(t.tokens).where(t.tokens.c.expires_at <= to_db_time(now))
        )
        return result.rowcount


class SqlCatalog:
    def __init__(self, conn: Connection, tenant_id: TenantId) -> None:
        self._conn = conn
        self._tenant = tenant_id

    def add_product(self, product: Product) -> None:
        self._conn.execute(
            insert(t.products),
            {
                "tenant_id": self._tenant,
                "id": product.id,
                "sku": product.sku,
                "product_number": product.product_number,
                "data": dumps(product),
            },
        )

    def add_rate_plan(self, plan: ProductRatePlan) -> None:
        self._conn.execute(
            insert(t.product_rate_plans),
            {
                "tenant_id": self._tenant,
                "id": plan.id,
                "product_id": plan.product_id,
                "number": plan.product_rate_plan_number,
                "data": dumps(plan),
            },
        )

    def add_charge(self, charge: ProductRatePlanCharge) -> None:
        self._conn.execute(
            insert(t.product_rate_plan_charges),
            {
                "tenant_id": self._tenant,
                "id": charge.id,
                "rate_plan_id": charge.product_rate_plan_id,
                "data": dumps(charge),
            },
        )

    def product(self, key: str) -> Product | None:
        row = self._conn.execute(_PRODUCT, {"p_tenant": self._tenant, "p_key": key}).first()
        return None if row is None else loads(row[0], Product)

    def products(self, *, offset: int, limit: int) -> Sequence[Product]:
        c = t.products.c
        rows = self._conn.execute(
            select(c.data)
            .where(c.tenant_id == self._tenant)
            .order_by(c.seq.desc())
            .offset(offset)
            .limit(limit)
        ).all()
        return [loads(r[0], Product) for r in rows]

    def rate_plan(self, key: str) -> ProductRatePlan | None:
        row = self._conn.execute(_RATE_PLAN, {"p_tenant": self._tenant, "p_key": key}).first()
        return None if row is None else loads(row[0], ProductRatePlan)

    def rate_plans_of(self, product_id: str) -> Sequence[ProductRatePlan]:
        c = t.product_rate_plans.c
        rows = self._conn.execute(
            select(c.data)
            .where(c.tenant_id == self._tenant, c.product_id == product_id)
            .order_by(c.seq)
        ).all()
        return [loads(r[0], ProductRatePlan) for r in rows]

    def charge(self, charge_id: str) -> ProductRatePlanCharge | None:
        c = t.product_rate_plan_charges.c
        row = self._conn.execute(
            select(c.data).where(c.tenant_id == self._tenant, c.id == charge_id)
        ).first()
        return None if row is None else loads(row[0], ProductRatePlanCharge)

    def charges_of(self, rate_plan_id: str) -> Sequence[ProductRatePlanCharge]:
        rows = self._conn.execute(
            _CHARGES_OF, {"p_tenant": self._tenant, "p_key": rate_plan_id}
        ).all()
        return [loads(r[0], ProductRatePlanCharge) for r in rows]


class SqlAccounts:
    def __init__(self, conn: Connection, tenant_id: TenantId) -> None:
        self._conn = conn
        self._tenant = tenant_id

    def add(self, account: Account) -> None:
        self._conn.execute(
            insert(t.accounts),
            {
                "tenant_id": self._tenant,
                "id": account.id,
                "number": account.number,
                "data": dumps(account),
            },
        )

    def update(self, account: Account) -> None:
        self._conn.execute(
            _UPDATE_ACCOUNT,
            {
                "p_tenant": self._tenant,
                "p_key": account.id,
                "p_number": account.number,
                "p_data": dumps(account),
            },
        )

    def get(self, key: str) -> Account | None:
        row = self._conn.execute(_ACCOUNT, {"p_tenant": self._tenant, "p_key": key}).first()
        return None if row is None else loads(row[0], Account)


class SqlSubscriptions:
    def __init__(self, conn: Connection, tenant_id: TenantId) -> None:
        self._conn = conn
        self._tenant = tenant_id

    def add_version(self, subscription: Subscription) -> None:
        if subscription.version > 1:  # a first version has no earlier one to supersede
            self._conn.execute(
                _NOT_LATEST, {"p_tenant": self._tenant, "p_key": subscription.number}
            )
        self._conn.execute(
            insert(t.subscriptions),
            {
                "tenant_id": self._tenant,
                "id": subscription.id,
                "number": subscription.number,
                "version": subscription.version,
                "is_latest": True,
                "data": dumps(subscription),
            },
        )

    def update_version(self, subscription: Subscription) -> None:
        c = t.subscriptions.c
        self._conn.execute(
            update(t.subscriptions)
            .where(
                c.tenant_id == self._tenant,
                c.number == subscription.number,
                c.version == subscription.version,
            )
            .values(data=dumps(subscription))
        )

    def latest(self, key: str) -> Subscription | None:
        number = self._conn.execute(
            _SUBSCRIPTION_NUMBER, {"p_tenant": self._tenant, "p_key": key}
        ).scalar()
        if number is None:
            return None
        row = self._conn.execute(
            _LATEST_SUBSCRIPTION, {"p_tenant": self._tenant, "p_key": number}
        ).first()
        return None if row is None else loads(row[0], Subscription)

    def version(self, number: str, version: int) -> Subscription | None:
        c = t.subscriptions.c
        row = self._conn.execute(
            select(c.data).where(
                c.tenant_id == self._tenant, c.number == number, c.version == version
            )
        ).first()
        return None if row is None else loads(row[0], Subscription)

    def versions(self, number: str) -> Sequence[Subscription]:
        c = t.subscriptions.c
        rows = self._conn.execute(
            select(c.data)
            .where(c.tenant_id == self._tenant, c.number == number)
            .order_by(c.version)
        ).all()
        return [loads(r[0], Subscription) for r in rows]


class SqlOrders:
    def __init__(self, conn: Connection, tenant_id: TenantId) -> None:
        self._conn = conn
        self._tenant = tenant_id

    def add(self, order: Order) -> None:
        row: dict[str, Any] = {"tenant_id": self._tenant, "id": order.id, "number": order.number}
        if order.created_at:
            row["created_at"] = datetime.fromisoformat(order.created_at)
            self._conn.execute(insert(t.orders), {**row, "data": dumps(order)})
            return
        self._conn.execute(
            insert(t.orders).values(**row, created_at=func.current_timestamp(), data=dumps(order))
        )

    def update(self, order: Order) -> None:
        c = t.orders.c
        self._conn.execute(
            update(t.orders)
            .where(c.tenant_id == self._tenant, c.id == order.id)
            .values(data=dumps(order))
        )

    def get(self, number: str) -> Order | None:
        c = t.orders.c
        row = self._conn.execute(
            select(c.data).where(
                c.tenant_id == self._tenant, or_(c.number == number, c.id == number)
            )
        ).first()
        return None if row is None else loads(row[0], Order)

    def list(self, *, offset: int, limit: int) -> Sequence[Order]:
        c = t.orders.c
        rows = self._conn.execute(
            select(c.data)
            .where(c.tenant_id == self._tenant)
            # created_at has second resolution; the id breaks ties so pages never overlap.
            .order_by(c.created_at.desc(), c.id.desc())
            .offset(offset)
            .limit(limit)
        ).all()
        return [loads(r[0], Order) for r in rows]

    def many(self, numbers: Sequence[str]) -> Sequence[Order]:
        if not numbers:
            return []
        c = t.orders.c
        rows = self._conn.execute(
            select(c.data)
            .where(c.tenant_id == self._tenant, c.number.in_(list(numbers)))
            .order_by(c.created_at.desc(), c.id.desc())
        ).all()
        return [loads(r[0], Order) for r in rows]


class SqlNumbers:
    def __init__(self, conn: Connection, tenant_id: TenantId) -> None:
        self._conn = conn
        self._tenant = tenant_id

    def taken(self, numbers: Sequence[str]) -> frozenset[str]:
        found: set[str] = set()
        for statement in _TAKEN.values():
            rows = self._conn.execute(
                statement, {"p_tenant": self._tenant, "p_numbers": list(numbers)}
            ).all()
            found.update(r[0] for r in rows)
        return frozenset(found)


class SqlCounters:
    def __init__(self, conn: Connection, tenant_id: TenantId) -> None:
        self._conn = conn
        self._tenant = tenant_id

    def next_value(self, kind: NumberKind) -> int:
        return self.take({kind: 1})[kind]

    def take(self, counts: Mapping[NumberKind, int]) -> dict[NumberKind, int]:
        # One upsert: concurrent first uses of a sequence cannot both insert (PostgreSQL
        # would fail one of them), and the row locks it takes serialise the tenant's
        # numbering until commit, so numbers are gap-free. The rows are locked in the
        # kinds' order, the same in every transaction, so two cannot deadlock here.
        kinds = sorted(counts, key=lambda kind: kind.name)
        params: dict[str, object] = {"p_tenant": self._tenant}
        for i, kind in enumerate(kinds):
            params[f"p_kind_{i}"] = kind.name
            params[f"p_count_{i}"] = counts[kind]
        rows = self._conn.execute(_take(len(kinds)), params).all()
        return {NumberKind[name]: int(value) for name, value in rows}


def erase_tenant(conn: Connection, tenant_id: TenantId, *, catalog: bool) -> None:
    """A tenant's data reset (``TenantScope.erase``)."""
    tables = [t.accounts, t.subscriptions, t.orders, t.invoices, t.payments, t.billing_state]
    if catalog:
        tables += [t.products, t.product_rate_plans, t.product_rate_plan_charges]
    for table in tables:
        conn.execute(delete(table).where(table.c.tenant_id == tenant_id))
    counters = delete(t.counters).where(t.counters.c.tenant_id == tenant_id)
    if not catalog:
        counters = counters.where(t.counters.c.kind.not_in([k.name for k in CATALOG_KINDS]))
    conn.execute(counters)
