"""Catalog objects in the CRUD (``/v1/object/*``) read shape: PascalCase, CRUD enum spellings.

Fields follow the official SDK's ``GetProductRatePlanChargeResponse`` and Zuora's
``ProxyGetProduct`` / ``ProxyGetProductRatePlan`` (the SDK has no model for those two reads).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, TypeVar

from zorders.domain.catalog import (
    ChargeModel,
    Product,
    ProductRatePlan,
    ProductRatePlanCharge,
)
from zorders.http.wire.crud_models import (
    BILLING_PERIODS,
    BILLING_TIMINGS,
    CHARGE_MODELS,
    END_DATE_CONDITIONS,
    LIST_PRICE_BASES,
)

_K = TypeVar("_K")


def _inverse(table: Mapping[str, _K]) -> dict[_K, str]:
    return {value: name for name, value in table.items()}


_MODEL_NAMES = _inverse(CHARGE_MODELS)
_PERIOD_NAMES = _inverse(BILLING_PERIODS)
_TIMING_NAMES = _inverse(BILLING_TIMINGS)
_END_NAMES = _inverse(END_DATE_CONDITIONS)
_BASE_NAMES = _inverse(LIST_PRICE_BASES)
_DISCOUNTS = (ChargeModel.DISCOUNT_PERCENTAGE, ChargeModel.DISCOUNT_FIXED_AMOUNT)


def created(object_id: str) -> dict[str, Any]:
    """A CRUD create's answer (SDK ``ProxyCreateOrModifyResponse``)."""
    return {"Id": object_id, "Success": True}


def _timestamp(created_at: str) -> str | None:
    """``2026-11-28 12:00:00`` (stored, UTC) → ``2026-11-28T12:00:00.000+00:00``."""
    if not created_at:
        return None
    return datetime.fromisoformat(created_at).strftime("%Y-%m-%dT%H:%M:%S.000+00:00")


def _day(value: date) -> str:
    return value.isoformat()


def _audit(created_at: str) -> dict[str, Any]:
    # Catalog objects are never updated in zorders: created and updated are the same.
    stamp = _timestamp(created_at)
    return {"CreatedDate": stamp, "UpdatedDate": stamp}


def product_object(product: Product) -> dict[str, Any]:
    return {
        "Id": product.id,
        "Name": product.name,
        "SKU": product.sku,
        "ProductNumber": product.product_number,
        "Description": product.description,
        "Category": product.category,
        "EffectiveStartDate": _day(product.effective_start_date),
        "EffectiveEndDate": _day(product.effective_end_date),
        "AllowFeatureChanges": False,
        **_audit(product.created_at),
        **product.custom_fields,
    }


def rate_plan_object(
    plan: ProductRatePlan, product: Product, currencies: tuple[str, ...]
) -> dict[str, Any]:
    start, end = plan.effective_dates(product)
    return {
        "Id": plan.id,
        "ProductId": plan.product_id,
        "Name": plan.name,
        "ProductRatePlanNumber": plan.product_rate_plan_number,
        "Description": plan.description,
        "EffectiveStartDate": _day(start),
        "EffectiveEndDate": _day(end),
        "ActiveCurrencies": list(currencies),
        **_audit(plan.created_at),
        **plan.custom_fields,
    }


def charge_object(charge: ProductRatePlanCharge) -> dict[str, Any]:
    discount = charge.model in _DISCOUNTS
    body: dict[str, Any] = {
        "Id": charge.id,
        "ProductRatePlanId": charge.product_rate_plan_id,
        "Name": charge.name,
        "ProductRatePlanChargeNumber": charge.number,
        "Description": charge.description,
        "ChargeType": charge.type.value,
        "ChargeModel": _MODEL_NAMES[charge.model],
        "BillCycleType": charge.bill_cycle_type.value,
        "BillCycleDay": charge.bill_cycle_day,
        "BillingPeriod": _PERIOD_NAMES[charge.billing_period] if charge.billing_period else None,
        "SpecificBillingPeriod": charge.specific_billing_period,
        "BillingPeriodAlignment": "AlignToCharge",
        "BillingTiming": _TIMING_NAMES[charge.billing_timing],
        "TriggerEvent": charge.trigger_event.value,
        "EndDateCondition": _END_NAMES[charge.end_date_condition],
        "UpToPeriods": charge.up_to_periods,
        "UpToPeriodsType": "Billing Periods" if charge.up_to_periods else None,
        "ListPriceBase": _BASE_NAMES[charge.list_price_base],
        "UOM": charge.uom,
        "DefaultQuantity": charge.default_quantity,
        "UseDiscountSpecificAccountingCode": charge.use_discount_specific_accounting_code,
        "ApplyDiscountTo": "RECURRING" if discount else None,
        "DiscountLevel": "rateplan" if discount else None,
        "Taxable": False,
        "PriceChangeOption": "NoChange",
        **_audit(charge.created_at),
        **charge.custom_fields,
    }
    return body
