"""Catalog objects in Zuora's REST (camelCase) shape (facts §9)."""

from __future__ import annotations

from datetime import date
from typing import Any

from zorders.domain.catalog import (
    ChargeModel,
    ChargePrice,
    Product,
    ProductRatePlan,
    ProductRatePlanCharge,
    Tier,
)
from zorders.service.queries import PlanWithCharges


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def tier_json(tier: Tier) -> dict[str, Any]:
    return {
        "tier": tier.tier,
        "startingUnit": tier.starting_unit,
        "endingUnit": tier.ending_unit,
        "price": tier.price,
        "priceFormat": tier.price_format.value,
    }


def _price_json(price: ChargePrice) -> dict[str, Any]:
    return {
        "currency": price.currency,
        "price": price.price,
        "tiers": [tier_json(t) for t in price.tiers] if price.tiers else None,
        "discountAmount": price.discount_amount,
        "discountPercentage": price.discount_percentage,
        "includedUnits": None,
        "overagePrice": None,
    }


def _pricing_summary(charge: ProductRatePlanCharge, price: ChargePrice) -> str:
    uom = f"/{charge.uom}" if charge.uom else ""
    if charge.model is ChargeModel.DISCOUNT_PERCENTAGE:
        return f"{price.discount_percentage}% discount"
    if charge.model is ChargeModel.DISCOUNT_FIXED_AMOUNT:
        return f"{price.currency}{price.discount_amount} fixed discount"
    if price.tiers:
        return "; ".join(
            f"{price.currency}{t.price}{uom if t.price_format.value == 'PerUnit' else ''} "
            f"from {t.starting_unit}" + (f" to {t.ending_unit}" if t.ending_unit else "")
            for t in price.tiers
        )
    return f"{price.currency}{price.price}{uom if charge.model.has_quantity else ''}"


def charge_json(charge: ProductRatePlanCharge) -> dict[str, Any]:
    return {
        "id": charge.id,
        "name": charge.name,
        "productRatePlanChargeNumber": charge.number,
        "type": charge.type.value,
        "model": charge.model.value,
        "uom": charge.uom,
        "pricingSummary": [_pricing_summary(charge, p) for p in charge.pricing],
        "pricing": [_price_json(p) for p in charge.pricing],
        "defaultQuantity": charge.default_quantity,
        "billingDay": charge.bill_cycle_type.value
        if charge.bill_cycle_day is None
        else f"{charge.bill_cycle_type.value}({charge.bill_cycle_day})",
        "billingPeriod": charge.billing_period.value if charge.billing_period else None,
        "specificBillingPeriod": charge.specific_billing_period,
        "billingTiming": charge.billing_timing.value,
        "listPriceBase": charge.list_price_base.value,
        "triggerEvent": charge.trigger_event.value,
        "endDateCondition": charge.end_date_condition.value,
        "upToPeriods": charge.up_to_periods,
        "description": charge.description,
    }


def rate_plan_summary_json(plan: ProductRatePlan, product: Product) -> dict[str, Any]:
    """A plan without its charges; dates left out on the plan show the product's."""
    start, end = plan.effective_dates(product)
    return {
        "id": plan.id,
        "name": plan.name,
        "description": plan.description,
        "productRatePlanNumber": plan.product_rate_plan_number,
        "status": plan.status,
        "effectiveStartDate": _day(start),
        "effectiveEndDate": _day(end),
        **plan.custom_fields,
    }


def rate_plan_json(
    plan: ProductRatePlan, charges: tuple[ProductRatePlanCharge, ...], product: Product
) -> dict[str, Any]:
    return {
        **rate_plan_summary_json(plan, product),
        "productRatePlanCharges": [charge_json(c) for c in charges],
    }


def product_json(
    product: Product, plans: tuple[PlanWithCharges, ...], *, plans_as_url: bool
) -> dict[str, Any]:
    return {
        "id": product.id,
        "sku": product.sku,
        "productNumber": product.product_number,
        "name": product.name,
        "category": product.category,
        "description": product.description,
        "effectiveStartDate": _day(product.effective_start_date),
        "effectiveEndDate": _day(product.effective_end_date),
        # From Zuora-Version 230.0 the plans are a link, not an array (facts §9).
        "productRatePlans": f"/v1/rateplan/{product.id}/productRatePlan"
        if plans_as_url
        else [rate_plan_json(p.plan, p.charges, product) for p in plans],
        "productFeatures": [],
        "tags": "",
        **product.custom_fields,
    }
