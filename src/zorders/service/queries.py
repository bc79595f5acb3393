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
from zorders.domain.invoicing import Invoice, Payment
from zorders.domain.orders import Order
from zorders.domain.subscriptions import RatePlanChange, RatePlanCharge, Subscription
from zorders.service.jobs import Job, JobOutcome
from zorders.service.ports import CatalogRepository, Store
from zorders.service.tenants import billing_rules
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
    #: Charge id (one per segment) → its metrics (mrr, tcv) over the current term.
    metrics: Mapping[str, ChargeMetrics]
    invoice_owner_name: str | None = None

    @property
    def contracted_mrr(self) -> Decimal:
        """The MRR of each charge's last segment, leaving out removed rate plans (segments
        of one charge are not added up)."""
        total = Decimal(0)
        for plan in self.subscription.rate_plans:
            if plan.last_change_type is RatePlanChange.REMOVE:
                continue
            for charge in last_segments(plan.charges):
                metrics = self.metrics.get(charge.id)
                if metrics is not None:
                    total += metrics.cmrr + metrics.cmrr_discount
        return total

    @property
    def total_contracted_value(self) -> Decimal:
        return sum((m.tcv + m.tcv_discount for m in self.metrics.values()), Decimal(0))


def last_segments(charges: tuple[RatePlanCharge, ...]) -> list[RatePlanCharge]:
    """Each charge once: its segment with the highest number."""
    last: dict[str, RatePlanCharge] = {}
    for charge in charges:
        if charge.number not in last or charge.segment > last[charge.number].segment:
            last[charge.number] = charge
    return list(last.values())


#: An evergreen subscription has no term end; its TCV is measured over this many months.
EVERGREEN_TCV_MONTHS = 12


def subscription_view(
    subscription: Subscription,
    *,
    is_latest: bool,
    account: Account | None,
    invoice_owner: Account | None = None,
    rules: BillingRules,
) -> SubscriptionView:
    thru = subscription.term_end_date or add_months(
        subscription.term_start_date, EVERGREEN_TCV_MONTHS
    )
    payer = invoice_owner or account
    metrics = charge_metrics(
        subscription,
        account_bill_cycle_day=payer.bill_cycle_day if payer else 0,
        thru_date=thru,
        rules=rules,
    )
    # charge_metrics lists the charges in subscription order, segments included.
    by_charge = {charge.id: m for charge, m in zip(subscription.charges, metrics, strict=True)}
    return SubscriptionView(
        subscription=subscription,
        is_latest=is_latest,
        account_name=account.name if account else None,
        metrics=by_charge,
        invoice_owner_name=payer.name if payer else None,
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class OrderPage:
    orders: tuple[Order, ...]
    has_more: bool


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

    def job_outcome(self, tenant_id: TenantId, job_id: str) -> JobOutcome:
        """What ``GET /v1/async-jobs/{jobId}`` shows: one indexed read, no transaction."""
        outcome = self._store.job_outcome(tenant_id, JobId(job_id))
        if outcome is None:
            raise NotFound(f"Cannot find entity by key: '{job_id}'.")
        return outcome

    @property
    def local_reads(self) -> bool:
        """Reads take microseconds in this process (SQLite): fine on an event loop."""
        return self._store.local_reads

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

    def orders(self, tenant_id: TenantId, *, page: int, page_size: int) -> OrderPage:
        """``GET /v1/orders``: newest first."""
        with self._store.begin(write=False) as uow:
            rows = uow.tenant(tenant_id).orders.list(
                offset=(page - 1) * page_size, limit=page_size + 1
            )
        return OrderPage(orders=tuple(rows[:page_size]), has_more=len(rows) > page_size)

    def subscription_orders(
        self, tenant_id: TenantId, number: str, *, page: int, page_size: int
    ) -> OrderPage:
        """``GET /v1/orders/subscription/{subscriptionNumber}``: the orders that created or
        amended the subscription (each of its versions names its order), newest first."""
        with self._store.begin(write=False) as uow:
            scope = uow.tenant(tenant_id)
            versions = scope.subscriptions.versions(number)
            if not versions:
                raise NotFound(
                    f"Subscription {number} does not exist.", resource=Resource.SUBSCRIPTION
                )
            numbers = list(dict.fromkeys(v.order_number for v in versions))
            rows = scope.orders.many(numbers)
        start = (page - 1) * page_size
        return OrderPage(
            orders=tuple(rows[start : start + page_size]), has_more=len(rows) > start + page_size
        )

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
            payer = (
                scope.accounts.get(found.invoice_owner_account_id)
                if found and found.invoice_owner_account_id != found.account_id
                else account
            )
            rules = billing_rules(uow, tenant_id)
        if found is None or latest is None:
            raise NotFound(f"Subscription {key} does not exist.", resource=Resource.SUBSCRIPTION)
        return subscription_view(
            found,
            is_latest=found.version == latest.version,
            account=account,
            invoice_owner=payer,
            rules=rules,
        )

    def account(self, tenant_id: TenantId, key: str) -> Account:
        with self._store.begin(write=False) as uow:
            account = uow.tenant(tenant_id).accounts.get(key)
        if account is None:
            raise NotFound(f"Account {key} does not exist.", resource=Resource.ACCOUNT)
        return account

    def invoice(self, tenant_id: TenantId, key: str) -> Invoice:
        with self._store.begin(write=False) as uow:
            invoice = uow.tenant(tenant_id).invoices.get(key)
        if invoice is None:
            raise NotFound(f"Invoice {key} does not exist.")
        return invoice

    def payment(self, tenant_id: TenantId, key: str) -> Payment:
        with self._store.begin(write=False) as uow:
            payment = uow.tenant(tenant_id).payments.get(key)
        if payment is None:
            raise NotFound(f"Payment {key} does not exist.")
        return payment

    def products(self, tenant_id: TenantId, *, page: int, page_size: int) -> ProductPage:
        with self._store.begin(write=False) as uow:
            catalog = uow.tenant(tenant_id).catalog
            rows = catalog.products(offset=(page - 1) * page_size, limit=page_size + 1)
            return ProductPage(
                products=tuple((p, self._plans(catalog, p.id)) for p in rows[:page_size]),
                has_more=len(rows) > page_size,
            )

    @staticmethod
    def _plans(catalog: CatalogRepository, product_id: str) -> tuple[PlanWithCharges, ...]:
        return tuple(
            PlanWithCharges(plan=plan, charges=tuple(catalog.charges_of(plan.id)))
            for plan in catalog.rate_plans_of(product_id)
        )
