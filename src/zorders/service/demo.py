"""The demo tenant and its small catalog, created idempotently on first start."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from zorders.domain.catalog import (
    BillingPeriod,
    ChargeModel,
    ChargePrice,
    ChargeType,
    PriceFormat,
    Product,
    ProductRatePlan,
    ProductRatePlanCharge,
    Tier,
)
from zorders.domain.numbering import NumberKind
from zorders.service.numbering import SequenceNumbering
from zorders.service.ports import Clock, IdFactory, UnitOfWork
from zorders.service.tenant_admin import ensure_tenant
from zorders.service.tenants import Tenant
from zorders.types import TenantId

DEMO_TENANT_NAME = "demo"
#: Documented defaults (README); override with ZORDERS_DEMO_CLIENT_ID / _SECRET.
DEMO_CLIENT_ID = "00000000-0000-4000-8000-000000000001"
DEMO_CLIENT_SECRET = "zorders-demo-secret"


def ensure_demo_tenant(
    uow: UnitOfWork, *, client_id: str, client_secret: str, clock: Clock, ids: IdFactory
) -> Tenant:
    tenant, _ = ensure_tenant(
        uow,
        name=DEMO_TENANT_NAME,
        client_id=client_id,
        client_secret=client_secret,
        clock=clock,
        ids=ids,
    )
    scope = uow.tenant(tenant.id)
    if not scope.catalog.products(offset=0, limit=1):
        add_demo_catalog(uow, tenant.id, clock=clock, ids=ids)
    return tenant


def _usd_eur(usd: str, eur: str) -> tuple[ChargePrice, ...]:
    return (
        ChargePrice(currency="USD", price=Decimal(usd)),
        ChargePrice(currency="EUR", price=Decimal(eur)),
    )


def _tiers(*rows: tuple[int, int | None, str]) -> tuple[Tier, ...]:
    return tuple(
        Tier(
            tier=n,
            starting_unit=Decimal(first),
            ending_unit=None if last is None else Decimal(last),
            price=Decimal(price),
            price_format=PriceFormat.PER_UNIT,
        )
        for n, (first, last, price) in enumerate(rows, start=1)
    )


def add_demo_catalog(uow: UnitOfWork, tenant_id: TenantId, *, clock: Clock, ids: IdFactory) -> None:
    """One product, three monthly rate plans: flat fee, per unit, tiered (README walk-through)."""
    scope = uow.tenant(tenant_id)
    numbering = SequenceNumbering(scope.counters, ids)
    product = Product(
        id=ids.new_id(),
        sku="ZORDERS-DEMO",
        name="zorders Demo Service",
        product_number=numbering.next_number(NumberKind.PRODUCT),
        description="A demo product with flat-fee, per-unit and tiered monthly plans.",
        category="Base Products",
        effective_start_date=date(2000, 1, 1),
        effective_end_date=date(2099, 12, 31),
        created_at=clock.now().strftime("%Y-%m-%d %H:%M:%S"),
    )
    scope.catalog.add_product(product)
    tiered = _tiers((1, 10, "10"), (11, 50, "8"), (51, None, "5"))
    plans = [
        ("Basic Monthly", "Basic Monthly Fee", ChargeModel.FLAT_FEE, _usd_eur("100", "90"), None),
        (
            "Per Seat Monthly",
            "Seats",
            ChargeModel.PER_UNIT,
            _usd_eur("20", "18"),
            "Seat",
        ),
        (
            "Tiered Seats Monthly",
            "Tiered Seats",
            ChargeModel.TIERED,
            (ChargePrice(currency="USD", tiers=tiered), ChargePrice(currency="EUR", tiers=tiered)),
            "Seat",
        ),
    ]
    for plan_name, charge_name, model, pricing, uom in plans:
        plan = ProductRatePlan(
            id=ids.new_id(),
            product_id=product.id,
            name=plan_name,
            product_rate_plan_number=numbering.next_number(NumberKind.PRODUCT_RATE_PLAN),
            active_currencies=("USD", "EUR"),
            created_at=product.created_at,
        )
        scope.catalog.add_rate_plan(plan)
        scope.catalog.add_charge(
            ProductRatePlanCharge(
                id=ids.new_id(),
                product_rate_plan_id=plan.id,
                name=charge_name,
                number=numbering.next_number(NumberKind.PRODUCT_RATE_PLAN_CHARGE),
                type=ChargeType.RECURRING,
                model=model,
                pricing=pricing,
                billing_period=BillingPeriod.MONTH,
                uom=uom,
                default_quantity=Decimal(1) if model.has_quantity else None,
                created_at=product.created_at,
            )
        )
