"""Catalog CRUD bodies for the api tier, as the official SDK sends them, and a quick builder."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.conftest import ApiClient


def product_body(**extra: Any) -> dict[str, Any]:
    return {
        "Name": "Cloud Suite",
        "EffectiveStartDate": "2020-01-01",
        "EffectiveEndDate": "2030-01-01",
        **extra,
    }


def plan_body(product_id: str, **extra: Any) -> dict[str, Any]:
    return {"Name": "Cloud Plan", "ProductId": product_id, **extra}


def price(currency: str = "USD", **fields: Any) -> dict[str, Any]:
    return {"Currency": currency, **fields}


def tier(start: int, end: int | None, amount: str, fmt: str = "Per Unit") -> dict[str, Any]:
    row: dict[str, Any] = {
        "Currency": "USD",
        "StartingUnit": start,
        "Price": amount,
        "PriceFormat": fmt,
    }
    if end is not None:
        row["EndingUnit"] = end
    return row


def charge_body(plan_id: str, *tiers: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A monthly recurring flat fee unless told otherwise; with the defaults the SDK always
    sends (``PriceChangeOption``, ``EndDateCondition``, ``UpToPeriodsType``, revenue flags)."""
    return {
        "ProductRatePlanId": plan_id,
        "Name": "Platform fee",
        "ChargeModel": "Flat Fee Pricing",
        "ChargeType": "Recurring",
        "BillCycleType": "DefaultFromCustomer",
        "BillingPeriod": "Month",
        "TriggerEvent": "ContractEffective",
        "UseDiscountSpecificAccountingCode": False,
        "ProductRatePlanChargeTierData": {
            "ProductRatePlanChargeTier": list(tiers) or [price(Price=100)]
        },
        "EndDateCondition": "SubscriptionEnd",
        "UpToPeriodsType": "Billing Periods",
        "PriceChangeOption": "NoChange",
        "ExcludeItemBillingFromRevenueAccounting": False,
        "ExcludeItemBookingFromRevenueAccounting": False,
        **extra,
    }


def create(client: ApiClient, path: str, body: dict[str, Any]) -> str:
    response = client.post(f"/v1/object/{path}", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["Success"] is True
    object_id: str = response.json()["Id"]
    return object_id


@dataclass(frozen=True)
class Catalog:
    product_id: str
    plan_id: str


def product_and_plan(
    client: ApiClient, product: dict[str, Any] | None = None, **plan: Any
) -> Catalog:
    product_id = create(client, "product", product or product_body())
    plan_id = create(client, "product-rate-plan", plan_body(product_id, **plan))
    return Catalog(product_id=product_id, plan_id=plan_id)
