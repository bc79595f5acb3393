"""``orderLineItems``: non-subscription items with item numbers, sync and async."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.api.amending import ACCOUNT, MODES, place, placed, subscribe
from tests.conftest import ApiClient
from tests.support import DEMO_CLIENT_ID, FLAT, create_subscription, new_account
from zorders.domain.catalog import (
    ChargeModel,
    ChargePrice,
    ChargeType,
    ProductRatePlan,
    ProductRatePlanCharge,
)

SETUP_FEE = "0" * 31 + "f"


@pytest.fixture(autouse=True)
def _one_time_charge(client: ApiClient) -> None:
    """A $50 one-time setup fee in the demo catalog."""
    with client.runtime.store.begin() as uow:
        tenant = uow.tenants.by_client_id(DEMO_CLIENT_ID)
        assert tenant is not None
        catalog = uow.tenant(tenant.id).catalog
        product = catalog.products(offset=0, limit=1)[0]
        plan = ProductRatePlan(
            id="0" * 31 + "e",
            product_id=product.id,
            name="Setup",
            product_rate_plan_number="PRP-SETUP",
        )
        catalog.add_rate_plan(plan)
        catalog.add_charge(
            ProductRatePlanCharge(
                id=SETUP_FEE,
                product_rate_plan_id=plan.id,
                name="Setup fee",
                number="PRPC-SETUP",
                type=ChargeType.ONE_TIME,
                model=ChargeModel.FLAT_FEE,
                pricing=(ChargePrice(currency="USD", price=Decimal(50)),),
                billing_period=None,
            )
        )


def _items_order(*items: dict[str, Any], **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"orderDate": "2027-01-15", "orderLineItems": list(items), **extra}
    if "existingAccountNumber" not in body and "newAccount" not in body:
        body["newAccount"] = new_account()
    return body


@pytest.mark.parametrize("mode", MODES)
def test_an_order_of_line_items_only(client: ApiClient, mode: str) -> None:
    result = placed(
        client,
        mode,
        _items_order(
            {"itemName": "Installation", "itemType": "Services", "amountPerUnit": 120},
            {"productRatePlanChargeId": SETUP_FEE, "quantity": 2},
        ),
    )
    assert result["status"] == "Completed"
    assert [i["itemNumber"] for i in result["orderLineItems"]] == ["1", "2"]
    assert all(len(i["id"]) == 32 for i in result["orderLineItems"])
    order = client.get(f"/v1/orders/{result['orderNumber']}").json()["order"]
    first, second = order["orderLineItems"]
    assert (first["itemName"], first["itemType"], first["amount"], first["quantity"]) == (
        "Installation",
        "Services",
        120.0,
        1.0,
    )
    assert (first["transactionStartDate"], first["itemState"]) == ("2027-01-15", "Executing")
    # From the catalog: the one-time charge's name and price; amount = 2 × 50.
    assert (second["itemName"], second["listPricePerUnit"], second["amount"]) == (
        "Setup fee",
        50.0,
        100.0,
    )
    assert order["subscriptions"] == []


def test_line_items_beside_a_subscription_and_related_to_it(client: ApiClient) -> None:
    body = _items_order(
        {
            "itemNumber": "SETUP-1",
            "productRatePlanChargeId": SETUP_FEE,
            "relatedSubscriptionNumber": "SUB-NEW",
        },
        {"itemNumber": "SETUP-2", "amountPerUnit": 10},
        subscriptions=[{"orderActions": [create_subscription(FLAT, subscriptionNumber="SUB-NEW")]}],
    )
    result = placed(client, "async", body)
    assert [i["itemNumber"] for i in result["orderLineItems"]] == ["SETUP-1", "SETUP-2"]
    assert result["subscriptions"][0]["subscriptionNumber"] == "SUB-NEW"
    order = client.get(f"/v1/orders/{result['orderNumber']}").json()["order"]
    assert order["orderLineItems"][0]["relatedSubscriptionNumber"] == "SUB-NEW"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("items", "category"),
    [
        (({"itemNumber": "A", "amountPerUnit": 1}, {"amountPerUnit": 2}), 20),
        (({"itemNumber": "A", "amountPerUnit": 1}, {"itemNumber": "A", "amountPerUnit": 2}), 20),
        (({"itemName": "No price"},), 20),
        (({"productRatePlanChargeId": "f" * 32},), 40),
        (({"amountPerUnit": 1, "currency": "EUR"},), 20),
        (({"amountPerUnit": 1, "relatedSubscriptionNumber": "A-S00000404"},), 40),
        (({"amountPerUnit": 1, "ownerAccountNumber": "A00000404"},), 40),
    ],
    ids=[
        "some-numbered",
        "duplicate-number",
        "no-price",
        "unknown-charge",
        "other-currency",
        "unknown-subscription",
        "unknown-owner",
    ],
)
def test_line_item_refusals(
    client: ApiClient, mode: str, items: tuple[dict[str, Any], ...], category: int
) -> None:
    ok, failure = place(client, mode, _items_order(*items))
    assert not ok
    assert failure["code"] % 100 == category, failure


def test_a_recurring_charge_is_no_line_item(client: ApiClient) -> None:
    subscribe(client, FLAT)
    charge_id = client.get("/v1/subscriptions/A-S00000001").json()["ratePlans"][0][
        "ratePlanCharges"
    ][0]["productRatePlanChargeId"]
    ok, failure = place(
        client,
        "sync",
        _items_order({"productRatePlanChargeId": charge_id}, existingAccountNumber=ACCOUNT),
    )
    assert not ok
    assert failure["code"] % 100 == 20 and "one-time charges only" in failure["message"]


def test_previews_and_billing_of_line_items_are_refused(client: ApiClient) -> None:
    preview = {
        "orderDate": "2027-01-15",
        "previewAccountInfo": {"currency": "USD", "billCycleDay": 1},
        "previewOptions": {
            "previewThruType": "SpecificDate",
            "specificPreviewThruDate": "2027-02-01",
        },
        "orderLineItems": [{"amountPerUnit": 5}],
    }
    job = client.submit_and_run("/v1/async/orders/preview", preview)
    assert job["errors"].startswith("[40000020]: Previewing 'orderLineItems'")
    billed = _items_order({"amountPerUnit": 5}, processingOptions={"runBilling": True})
    ok, failure = place(client, "async", billed)
    assert not ok and failure["code"] == 40000020
