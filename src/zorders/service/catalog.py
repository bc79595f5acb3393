"""Catalog use cases: create products, rate plans and charges; read them back."""

from __future__ import annotations

from dataclasses import dataclass

from zorders.domain.catalog import Product, ProductRatePlan, ProductRatePlanCharge
from zorders.domain.catalog_prices import plan_currencies
from zorders.domain.catalog_rules import (
    ChargeDraft,
    ProductDraft,
    RatePlanDraft,
    auto_sku,
    new_charge,
    new_product,
    new_rate_plan,
)
from zorders.domain.errors import InvalidValue, NotFound, Resource
from zorders.domain.numbering import NumberKind
from zorders.service.numbering import SequenceNumbering
from zorders.service.ports import CatalogRepository, Clock, IdFactory, Store
from zorders.service.queries import PlanWithCharges
from zorders.types import TenantId


@dataclass(frozen=True, kw_only=True, slots=True)
class ProductView:
    product: Product
    plans: tuple[PlanWithCharges, ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class RatePlanView:
    plan: ProductRatePlan
    product: Product
    #: As declared, else the currencies its charges are priced in.
    currencies: tuple[str, ...]


def _not_found(what: str, key: str) -> NotFound:
    return NotFound(f"{what} {key} does not exist.", resource=Resource.CATALOG)


class CatalogService:
    """Each call is one transaction of one tenant; another tenant's object is not found."""

    def __init__(self, store: Store, clock: Clock, ids: IdFactory) -> None:
        self._store = store
        self._clock = clock
        self._ids = ids

    def _now(self) -> str:
        return self._clock.now().strftime("%Y-%m-%d %H:%M:%S")

    def create_product(self, tenant_id: TenantId, draft: ProductDraft) -> Product:
        with self._store.begin() as uow:
            scope = uow.tenant(tenant_id)
            catalog = scope.catalog
            number = draft.product_number or SequenceNumbering(
                scope.counters, self._ids
            ).next_number(NumberKind.PRODUCT)
            sku = draft.sku or auto_sku(number)
            taken = frozenset(key for key in {sku, number} if catalog.product(key) is not None)
            product = new_product(
                draft,
                id=self._ids.new_id(),
                sku=sku,
                product_number=number,
                taken=taken,
                created_at=self._now(),
            )
            catalog.add_product(product)
            return product

    def create_rate_plan(self, tenant_id: TenantId, draft: RatePlanDraft) -> ProductRatePlan:
        with self._store.begin() as uow:
            scope = uow.tenant(tenant_id)
            catalog = scope.catalog
            product = catalog.product(draft.product_id)
            if product is None or product.id != draft.product_id:
                raise InvalidValue(
                    f"'ProductId' {draft.product_id} is not the id of a product.",
                    resource=Resource.CATALOG,
                )
            number = draft.product_rate_plan_number or SequenceNumbering(
                scope.counters, self._ids
            ).next_number(NumberKind.PRODUCT_RATE_PLAN)
            plan = new_rate_plan(
                draft,
                product=product,
                siblings=catalog.rate_plans_of(product.id),
                id=self._ids.new_id(),
                number=number,
                number_taken=catalog.rate_plan(number) is not None,
                created_at=self._now(),
            )
            catalog.add_rate_plan(plan)
            return plan

    def create_charge(self, tenant_id: TenantId, draft: ChargeDraft) -> ProductRatePlanCharge:
        with self._store.begin() as uow:
            scope = uow.tenant(tenant_id)
            catalog = scope.catalog
            plan = _plan_by_id(catalog, draft.product_rate_plan_id)
            if plan is None:
                raise InvalidValue(
                    f"'ProductRatePlanId' {draft.product_rate_plan_id} is not the id of a "
                    "product rate plan.",
                    resource=Resource.CATALOG,
                )
            charge = new_charge(
                draft,
                plan=plan,
                siblings=catalog.charges_of(plan.id),
                id=self._ids.new_id(),
                number=SequenceNumbering(scope.counters, self._ids).next_number(
                    NumberKind.PRODUCT_RATE_PLAN_CHARGE
                ),
                created_at=self._now(),
            )
            catalog.add_charge(charge)
            return charge

    # --- reads ----------------------------------------------------------------------------

    def product(self, tenant_id: TenantId, key: str) -> ProductView:
        """By id, SKU or product number, with its plans and their charges."""
        with self._store.begin(write=False) as uow:
            catalog = uow.tenant(tenant_id).catalog
            product = catalog.product(key)
            if product is None:
                raise _not_found("Product", key)
            plans = tuple(
                PlanWithCharges(plan=plan, charges=tuple(catalog.charges_of(plan.id)))
                for plan in catalog.rate_plans_of(product.id)
            )
        return ProductView(product=product, plans=plans)

    def product_by_id(self, tenant_id: TenantId, product_id: str) -> Product:
        with self._store.begin(write=False) as uow:
            product = uow.tenant(tenant_id).catalog.product(product_id)
        if product is None or product.id != product_id:
            raise _not_found("Product", product_id)
        return product

    def rate_plan(self, tenant_id: TenantId, key: str) -> RatePlanView:
        """By id or product rate plan number, with its product (for inherited dates)."""
        with self._store.begin(write=False) as uow:
            catalog = uow.tenant(tenant_id).catalog
            plan = catalog.rate_plan(key)
            if plan is None or (product := catalog.product(plan.product_id)) is None:
                raise _not_found("Product rate plan", key)
            currencies = plan_currencies(plan, catalog.charges_of(plan.id))
        return RatePlanView(plan=plan, product=product, currencies=currencies)

    def rate_plan_by_id(self, tenant_id: TenantId, plan_id: str) -> RatePlanView:
        view = self.rate_plan(tenant_id, plan_id)
        if view.plan.id != plan_id:
            raise _not_found("Product rate plan", plan_id)
        return view

    def charge(self, tenant_id: TenantId, charge_id: str) -> ProductRatePlanCharge:
        with self._store.begin(write=False) as uow:
            charge = uow.tenant(tenant_id).catalog.charge(charge_id)
        if charge is None:
            raise _not_found("Product rate plan charge", charge_id)
        return charge


def _plan_by_id(catalog: CatalogRepository, plan_id: str) -> ProductRatePlan | None:
    plan = catalog.rate_plan(plan_id)
    return plan if plan is not None and plan.id == plan_id else None
