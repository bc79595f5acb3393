"""What the benchmark orders: request bodies, their parsed commands, and a 20-charge plan."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from zorders.bootstrap import Runtime
from zorders.domain.catalog import (
    BillingPeriod,
    ChargeModel,
    ChargePrice,
    ChargeType,
    Product,
    ProductRatePlan,
    ProductRatePlanCharge,
)
from zorders.domain.numbering import NumberKind
from zorders.domain.order_actions import OrderRequest
from zorders.http.wire import commands
from zorders.http.wire.models import CreateOrderBody, PreviewOrderBody
from zorders.service.numbering import SequenceNumbering
from zorders.types import TenantId

#: The demo catalog's flat-fee monthly plan (USD 100), as in the README walk-through.
FLAT_PLAN = "PRP-00000001"
ORDER_DATE = "2027-01-15"


def _subscriptions(count: int, plan: str, months: int) -> list[dict[str, Any]]:
    action = {
        "type": "CreateSubscription",
        "createSubscription": {
            "terms": {
                "initialTerm": {"termType": "TERMED", "period": months, "periodType": "Month"}
            },
            "subscribeToRatePlans": [{"productRatePlanNumber": plan}],
        },
    }
    return [{"orderActions": [action]} for _ in range(count)]


def create_body(
    *, subscriptions: int = 1, plan: str = FLAT_PLAN, months: int = 12
) -> dict[str, Any]:
    """``POST /v1/async/orders``: a new account subscribing to ``plan`` (the README's order)."""
    return {
        "orderDate": ORDER_DATE,
        "newAccount": {
            "name": "Acme",
            "currency": "USD",
            "billCycleDay": 1,
            "billToContact": {"firstName": "Ada", "lastName": "Lovelace"},
        },
        "subscriptions": _subscriptions(subscriptions, plan, months),
    }


def preview_body(
    *, subscriptions: int = 1, plan: str = FLAT_PLAN, months: int = 12
) -> dict[str, Any]:
    """A preview of that order through its term end: charge metrics and invoices."""
    return {
        "orderDate": ORDER_DATE,
        "previewOptions": {
            "previewThruType": "TermEnd",
            "previewTypes": ["ChargeMetrics", "BillingDocs"],
        },
        "previewAccountInfo": {"currency": "USD", "billCycleDay": 1},
        "subscriptions": _subscriptions(subscriptions, plan, months),
    }


def create_request(body: dict[str, Any]) -> OrderRequest:
    """The command the HTTP layer makes of ``body`` (the same parser)."""
    return commands.create_order_request(CreateOrderBody.model_validate(body), return_ids=False)


def preview_request(body: dict[str, Any]) -> OrderRequest:
    return commands.preview_order_request(PreviewOrderBody.model_validate(body))


def add_wide_plan(runtime: Runtime, tenant_id: TenantId, *, charges: int = 20) -> str:
    """A product whose one monthly plan has ``charges`` recurring charges (flat fee and per
    unit, alternately); returns the plan's number."""
    ids = runtime.ids
    with runtime.store.begin() as uow:
        scope = uow.tenant(tenant_id)
        numbering = SequenceNumbering(scope.counters, ids)
        product = Product(
            id=ids.new_id(),
            sku=f"BENCH-WIDE-{charges}",
            name=f"Benchmark plan with {charges} charges",
            product_number=numbering.next_number(NumberKind.PRODUCT),
            effective_start_date=date(2000, 1, 1),
            effective_end_date=date(2099, 12, 31),
        )
        scope.catalog.add_product(product)
        plan = ProductRatePlan(
            id=ids.new_id(),
            product_id=product.id,
            name=f"{charges} charges monthly",
            product_rate_plan_number=numbering.next_number(NumberKind.PRODUCT_RATE_PLAN),
            active_currencies=("USD",),
        )
        scope.catalog.add_rate_plan(plan)
        for n in range(charges):
            model = ChargeModel.FLAT_FEE if n % 2 == 0 else ChargeModel.PER_UNIT
            scope.catalog.add_charge(
                ProductRatePlanCharge(
                    id=ids.new_id(),
                    product_rate_plan_id=plan.id,
                    name=f"Charge {n + 1}",
                    number=numbering.next_number(NumberKind.PRODUCT_RATE_PLAN_CHARGE),
                    type=ChargeType.RECURRING,
                    model=model,
                    pricing=(ChargePrice(currency="USD", price=Decimal(10 + n)),),
                    billing_period=BillingPeriod.MONTH,
                    uom="Seat" if model is ChargeModel.PER_UNIT else None,
                    default_quantity=Decimal(3) if model is ChargeModel.PER_UNIT else None,
                )
            )
    return plan.product_rate_plan_number
