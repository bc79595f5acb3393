"""Repositories over one SQLAlchemy connection (one transaction): rows ↔ domain values."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from zorders.domain.accounts import Account
from zorders.domain.catalog import Product, ProductRatePlan, ProductRatePlanCharge
from zorders.domain.numbering import NumberKind
from zorders.domain.orders import Order
from zorders.domain.subscriptions import Subscription
from zorders.service.tenants import Tenant, TenantSettings
from zorders.store import schema as t
from zorders.store.codec import dumps, loads
from zorders.types import TenantId


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
            insert(t.products).values(
                tenant_id=self._tenant,
                id=product.id,
                sku=product.sku,
                product_number=product.product_number,
                data=dumps(product),
            )
        )

    def add_rate_plan(self, plan: ProductRatePlan) -> None:
        self._conn.execute(
            insert(t.product_rate_plans).values(
                tenant_id=self._tenant,
                id=plan.id,
                product_id=plan.product_id,
                number=plan.product_rate_plan_number,
                data=dumps(plan),
            )
        )

    def add_charge(self, charge: ProductRatePlanCharge) -> None:
        self._conn.execute(
            insert(t.product_rate_plan_charges).values(
                tenant_id=self._tenant,
                id=charge.id,
                rate_plan_id=charge.product_rate_plan_id,
                data=dumps(charge),
            )
        )

    def product(self, key: str) -> Product | None:
        c = t.products.c
        row = self._conn.execute(
            select(c.data).where(
                c.tenant_id == self._tenant,
                or_(c.id == key, c.sku == key, c.product_number == key),
            )
        ).first()
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
        c = t.product_rate_plans.c
        row = self._conn.execute(
            select(c.data).where(c.tenant_id == self._tenant, or_(c.id == key, c.number == key))
        ).first()
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
        c = t.product_rate_plan_charges.c
        rows = self._conn.execute(
            select(c.data)
            .where(c.tenant_id == self._tenant, c.rate_plan_id == rate_plan_id)
            .order_by(c.seq)
        ).all()
        return [loads(r[0], ProductRatePlanCharge) for r in rows]


class SqlAccounts:
    def __init__(self, conn: Connection, tenant_id: TenantId) -> None:
        self._conn = conn
        self._tenant = tenant_id

    def add(self, account: Account) -> None:
        self._conn.execute(
            insert(t.accounts).values(
                tenant_id=self._tenant, id=account.id, number=account.number, data=dumps(account)
            )
        )

    def update(self, account: Account) -> None:
        c = t.accounts.c
        self._conn.execute(
            update(t.accounts)
            .where(c.tenant_id == self._tenant, c.id == account.id)
            .values(number=account.number, data=dumps(account))
        )

    def get(self, key: str) -> Account | None:
        c = t.accounts.c
        row = self._conn.execute(
            select(c.data).where(c.tenant_id == self._tenant, or_(c.number == key, c.id == key))
        ).first()
        return None if row is None else loads(row[0], Account)


class SqlSubscriptions:
    def __init__(self, conn: Connection, tenant_id: TenantId) -> None:
        self._conn = conn
        self._tenant = tenant_id

    def add_version(self, subscription: Subscription) -> None:
        c = t.subscriptions.c
        self._conn.execute(
            update(t.subscriptions)
            .where(c.tenant_id == self._tenant, c.number == subscription.number)
            .values(is_latest=False)
        )
        self._conn.execute(
            insert(t.subscriptions).values(
                tenant_id=self._tenant,
                id=subscription.id,
                number=subscription.number,
                version=subscription.version,
                is_latest=True,
                data=dumps(subscription),
            )
        )

    def latest(self, key: str) -> Subscription | None:
        c = t.subscriptions.c
        number = self._conn.execute(
            select(c.number).where(c.tenant_id == self._tenant, or_(c.number == key, c.id == key))
        ).scalar()
        if number is None:
            return None
        row = self._conn.execute(
            select(c.data).where(c.tenant_id == self._tenant, c.number == number, c.is_latest)
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
        self._conn.execute(
            insert(t.orders).values(
                tenant_id=self._tenant,
                id=order.id,
                number=order.number,
                created_at=datetime.fromisoformat(order.created_at)
                if order.created_at
                else func.current_timestamp(),
                data=dumps(order),
            )
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
        for table in (t.accounts, t.subscriptions, t.orders):
            rows = self._conn.execute(
                select(table.c.number).where(
                    table.c.tenant_id == self._tenant, table.c.number.in_(list(numbers))
                )
            ).all()
            found.update(r[0] for r in rows)
        return frozenset(found)


class SqlCounters:
    def __init__(self, conn: Connection, tenant_id: TenantId) -> None:
        self._conn = conn
        self._tenant = tenant_id

    def next_value(self, kind: NumberKind) -> int:
        # One upsert: concurrent first uses of a sequence cannot both insert (PostgreSQL
        # would fail one of them), and the row lock it takes serialises the tenant's
        # numbering until commit, so numbers are gap-free.
        c = t.counters.c
        dialect = self._conn.dialect.name
        statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(t.counters)
        value = self._conn.execute(
            statement.values(tenant_id=self._tenant, kind=kind.name, value=1)
            .on_conflict_do_update(
                index_elements=["tenant_id", "kind"], set_={"value": c.value + 1}
            )
            .returning(c.value)
        ).scalar_one()
        return int(value)
