"""Invoices, payments and how far each subscription has been billed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import orjson
from sqlalchemy import Connection, delete, insert, or_, select

from zorders.domain.invoicing import Invoice, Payment
from zorders.store import schema as t
from zorders.store.codec import dumps, loads
from zorders.types import TenantId


class SqlInvoices:
    def __init__(self, conn: Connection, tenant_id: TenantId) -> None:
        self._conn = conn
        self._tenant = tenant_id

    def add(self, invoice: Invoice) -> None:
        self._conn.execute(
            insert(t.invoices).values(
                tenant_id=self._tenant,
                id=invoice.id,
                number=invoice.number,
                account_id=invoice.account_id,
                data=dumps(invoice),
            )
        )

    def get(self, key: str) -> Invoice | None:
        c = t.invoices.c
        row = self._conn.execute(
            select(c.data).where(c.tenant_id == self._tenant, or_(c.number == key, c.id == key))
        ).first()
        return None if row is None else loads(row[0], Invoice)


class SqlPayments:
    def __init__(self, conn: Connection, tenant_id: TenantId) -> None:
        self._conn = conn
        self._tenant = tenant_id

    def add(self, payment: Payment) -> None:
        self._conn.execute(
            insert(t.payments).values(
                tenant_id=self._tenant,
                id=payment.id,
                number=payment.number,
                account_id=payment.account_id,
                data=dumps(payment),
            )
        )

    def get(self, key: str) -> Payment | None:
        c = t.payments.c
        row = self._conn.execute(
            select(c.data).where(c.tenant_id == self._tenant, or_(c.number == key, c.id == key))
        ).first()
        return None if row is None else loads(row[0], Payment)


class SqlBillingState:
    def __init__(self, conn: Connection, tenant_id: TenantId) -> None:
        self._conn = conn
        self._tenant = tenant_id

    def billed_through(self, subscription_number: str) -> Mapping[str, date]:
        c = t.billing_state.c
        text = self._conn.execute(
            select(c.billed_through).where(
                c.tenant_id == self._tenant, c.subscription_number == subscription_number
            )
        ).scalar()
        if text is None:
            return {}
        return {number: date.fromisoformat(day) for number, day in orjson.loads(text).items()}

    def set_billed_through(self, subscription_number: str, dates: Mapping[str, date]) -> None:
        c = t.billing_state.c
        self._conn.execute(
            delete(t.billing_state).where(
                c.tenant_id == self._tenant, c.subscription_number == subscription_number
            )
        )
        self._conn.execute(
            insert(t.billing_state).values(
                tenant_id=self._tenant,
                subscription_number=subscription_number,
                billed_through=orjson.dumps({k: v.isoformat() for k, v in dates.items()}).decode(),
            )
        )
