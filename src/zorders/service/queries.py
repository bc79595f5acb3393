"""The read side: jobs, orders, subscriptions, accounts and the catalog of one tenant."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from zorders.domain.accounts import Account
from zorders.domain.billing import BillingRules, ChargeMetrics, charge_metrics
from zorders.domain.catalog import Product, ProductRatePlan, ProductRatePlanCharge
from zorders.domain.dates import add_months
from zorders.domain.errors import NotFound, Resource
from zorders.domain.orders import Order
from zorders.domain.subscriptions import Subscription
from zorders.service.jobs import Job
from zorders.service.ports import CatalogRepository, Store
from zorders.types import JobId, TenantId


@dataclass(frozen=True, kw_only=True, slots=True)
class PlanWithCharges:
    plan: ProductRatePlan
    charges: tuple[ProductRatePlanCharge, ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class SubscriptionView:
    subscription: Subscription
    is_latest: bool
    account_name: str | None
    #: Charge number → its metrics (mrr, tcv) over the current term.
    metrics: Mapping[str, ChargeMetrics]

    @property
    def contracted_mrr(self) -> Decimal:
        return sum((m.cmrr + m.cmrr_discount for m in self.metrics.values()), Decimal(0))

    @property
    def total_contracted_value(self) -> Decimal:
        return sum((m.tcv + m.tcv_discount for m in self.metrics.values()), Decimal(0))


#: An evergreen subscription has no term end; its TCV is measured over this many months.
EVERGREEN_TCV_MONTHS = 12


def subscription_view(
    subscription: Subscription, *, is_latest: bool, account: Account | None
) -> SubscriptionView:
    thru = subscription.term_end_date or add_months(
        subscription.term_start_date, EVERGREEN_TCV_MONTHS
    )
    metrics = charge_metrics(
        subscription,
        account_bill_cycle_day=account.bill_cycle_day if account else 0,
        thru_date=thru,
        rules=BillingRules(),
    )
    return SubscriptionView(
        subscription=subscription,
        is_latest=is_latest,
        account_name=account.name if account else None,
        metrics={m.charge_number: m for m in metrics},
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class ProductPage:
    products: tuple[tuple[Product, tuple[PlanWithCharges, ...]], ...]
    has_more: bool


class Queries:
    """Reads of one store; another tenant's object is "not found", like a missing one."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def job(self, tenant_id: TenantId, job_id: str) -> Job:
        with self._store.begin(write=False) as uow:
            job = uow.jobs.get(tenant_id, JobId(job_id))
        if job is None:
            raise NotFound(f"Cannot find entity by key: '{job_id}'.")
        return job

    def jobs(
        self, tenant_id: TenantId, *, status: str | None, limit: int, offset: int
    ) -> Sequence[Job]:
        with self._store.begin(write=False) as uow:
            return uow.jobs.list(tenant_id, status=status, limit=limit, offset=offset)

    def order(self, tenant_id: TenantId, number: str) -> Order:
        with self._store.begin(write=False) as uow:
            order = uow.tenant(tenant_id).orders.get(number)
        if order is None:
            raise NotFound(f"Order {number} does not exist.", resource=Resource.ORDER)
        return order

    def subscription(
        self, tenant_id: TenantId, key: str, version: int | None = None
    ) -> SubscriptionView:
        """The latest version by number or id, or a given version."""
        with self._store.begin(write=False) as uow:
            scope = uow.tenant(tenant_id)
            latest = scope.subscriptions.latest(key)
            found = latest
            if version is not None and latest is not None:
                found = scope.subscriptions.version(latest.number, version)
            account = scope.accounts.get(found.account_id) if found else None
        if found is None or latest is None:
            raise NotFound(f"Subscription {key} does not exist.", resource=Resource.SUBSCRIPTION)
        return subscription_view(found, is_latest=found.version == latest.version, account=account)

    def account(self, tenant_id: TenantId, key: str) -> Account:
        with self._store.begin(write=False) as uow:
            account = uow.tenant(tenant_id).accounts.get(key)
        if account is None:
            raise NotFound(f"Account {key} does not exist.", resource=Resource.ACCOUNT)
        return account

    def products(self, tenant_id: TenantId, *, page: int, page_size: int) -> ProductPage:
        with self._store.begin(write=False) as uow:
            catalog = uow.tenant(tenant_id).catalog
            rows = catalog.products(offset=(page - 1) * page_size, limit=page_size + 1)
            return ProductPage(
                products=tuple((p, self._plans(catalog, p.id)) for p in rows[:page_size]),
                has_more=len(rows) > page_size,
            )

    def product_rate_plans(
        self, tenant_id: TenantId, product_key: str
    ) -> tuple[PlanWithCharges, ...]:
        with self._store.begin(write=False) as uow:
            catalog = uow.tenant(tenant_id).catalog
            product = catalog.product(product_key)
            if product is None:
                raise NotFound(f"Product {product_key} does not exist.", resource=Resource.CATALOG)
            return self._plans(catalog, product.id)

    @staticmethod
    def _plans(catalog: CatalogRepository, product_id: str) -> tuple[PlanWithCharges, ...]:
        return tuple(
            PlanWithCharges(plan=plan, charges=tuple(catalog.charges_of(plan.id)))
            for plan in catalog.rate_plans_of(product_id)
        )
