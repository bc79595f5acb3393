"""Preview options: NumberOfPeriods, OrderDeltaMetrics, credit memos, and async = sync."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.amending import ACCOUNT, FEE, SUBSCRIPTION, cancel, subscribe
from tests.conftest import ApiClient
from tests.support import FLAT, PER_UNIT, TIERED, create_subscription, preview


def _charge_id(client: ApiClient, plan_number: str) -> str:
    plans = client.get("/v1/catalog/products", headers={"Zuora-Version": "211.0"}).json()
    for plan in plans["products"][0]["productRatePlans"]:
        if plan["productRatePlanNumber"] == plan_number:
            charge_id: str = plan["productRatePlanCharges"][0]["id"]
            return charge_id
    raise AssertionError(plan_number)


def _seats(client: ApiClient, plan: str, quantity: int) -> dict[str, Any]:
    key = "recurringPerUnit" if plan == PER_UNIT else "recurringTiered"
    override = {
        "productRatePlanChargeId": _charge_id(client, plan),
        "pricing": {key: {"quantity": quantity}},
    }
    return create_subscription(plan, overrides={plan: [override]})


def test_number_of_periods_previews_that_many_billing_periods(client: ApiClient) -> None:
    body = preview(create_subscription(FLAT), thru="NumberOfPeriods")
    body["previewOptions"]["previewNumberOfPeriods"] = 3
    job = client.submit_and_run("/v1/async/orders/preview", body)
    assert job["status"] == "Completed", job
    items = job["result"]["invoices"][0]["invoiceItems"]
    # Jan 15–31 (17/31 of 100 = 54.84), February, March: three periods, in advance.
    assert [(i["serviceStartDate"], i["amountWithoutTax"]) for i in items] == [
        ("2027-01-15", 54.84),
        ("2027-02-01", 100.0),
        ("2027-03-01", 100.0),
    ]
    assert job["result"]["invoices"][0]["targetDate"] == "2027-03-31"


def test_number_of_periods_needs_the_count(client: ApiClient) -> None:
    job = client.submit_and_run(
        "/v1/async/orders/preview", preview(create_subscription(FLAT), thru="NumberOfPeriods")
    )
    assert job["status"] == "Failed"
    assert job["errors"].startswith("[40000020]: 'previewNumberOfPeriods' is required")


def test_order_delta_metrics_of_a_new_subscription(client: ApiClient) -> None:
    body = preview(_seats(client, PER_UNIT, 7), types=("OrderDeltaMetrics",))
    job = client.submit_and_run("/v1/async/orders/preview", body)
    assert job["status"] == "Completed", job
    deltas = job["result"]["orderDeltaMetrics"]
    assert "invoices" not in job["result"] and "chargeMetrics" not in job["result"]
    [mrr] = deltas["orderDeltaMrr"]
    [tcv] = deltas["orderDeltaTcv"]
    [tcb] = deltas["orderDeltaTcb"]
    [qty] = deltas["orderDeltaQty"]
    assert mrr["grossAmount"] == mrr["netAmount"] == 140.0  # 7 seats × 20
    assert tcv["grossAmount"] == 1680.0  # 12 months × 140
    assert tcb["grossAmount"] == 1680.0  # billed through the term end
    assert qty["grossAmount"] == 7.0
    assert (mrr["subscriptionNumber"], mrr["chargeNumber"]) == (None, None)
    assert mrr["orderActionType"] == "CreateSubscription"
    assert (mrr["startDate"], mrr["endDate"], mrr["currency"]) == (
        "2027-01-15",
        "2028-01-15",
        "USD",
    )


def test_cancelling_credits_back_and_removes_the_mrr(client: ApiClient) -> None:
    subscribe(client, FLAT)  # 100/month from 2027-01-01 for 12 months, bill cycle day 1
    body = {
        "orderDate": "2027-07-01",
        "existingAccountNumber": ACCOUNT,
        "previewOptions": {
            "previewThruType": "SpecificDate",
            "specificPreviewThruDate": "2027-12-31",
            "previewTypes": ["BillingDocs", "OrderDeltaMetrics"],
        },
        "subscriptions": [
            {
                "subscriptionNumber": SUBSCRIPTION,
                "orderActions": [cancel("SpecificDate", "2027-07-01")],
            }
        ],
    }
    job = client.submit_and_run("/v1/async/orders/preview", body)
    assert job["status"] == "Completed", job
    result = job["result"]
    # July to December would have been billed: the cancellation credits them back.
    assert result["invoices"] == []
    [memo] = result["creditMemos"]
    assert memo["amount"] == 600.0
    assert [i["amountWithoutTax"] for i in memo["creditMemoItems"]] == [100.0] * 6
    [mrr] = result["orderDeltaMetrics"]["orderDeltaMrr"]
    assert (mrr["chargeNumber"], mrr["grossAmount"], mrr["startDate"]) == (
        FEE,
        -100.0,
        "2027-07-01",
    )
    assert mrr["orderActionType"] == "CancelSubscription"
    [tcv] = result["orderDeltaMetrics"]["orderDeltaTcv"]
    assert tcv["grossAmount"] == -600.0


@pytest.mark.parametrize(
    "types",
    [("ChargeMetrics", "BillingDocs", "OrderDeltaMetrics")],
)
def test_async_preview_equals_sync_preview(client: ApiClient, types: tuple[str, ...]) -> None:
    body = preview(
        create_subscription(FLAT), _seats(client, TIERED, 15), thru="TermEnd", types=types
    )
    sync = client.post("/v1/orders/preview", json=body)
    assert sync.status_code == 200, sync.text
    job = client.submit_and_run("/v1/async/orders/preview", body)
    assert job["status"] == "Completed", job
    result = dict(job["result"])
    assert result.pop("jobType") == "AsyncPreviewOrder"
    assert result == sync.json()["previewResult"] | {"success": True}


def test_evergreen_with_number_of_periods(client: ApiClient) -> None:
    body = preview(
        create_subscription(FLAT, term={"termType": "EVERGREEN"}), thru="NumberOfPeriods"
    )
    body["previewOptions"]["previewNumberOfPeriods"] = 2
    job = client.submit_and_run("/v1/async/orders/preview", body)
    assert job["status"] == "Completed", job
    # Jan 15–31: 17/31 × 100 = 54.84, then February: 154.84 over two periods.
    assert job["result"]["invoices"][0]["amount"] == 154.84
    [charge] = job["result"]["chargeMetrics"][0]["charges"]
    assert charge["tcb"]["regular"] == 154.84


def test_order_metrics_give_the_same_changes_in_the_legacy_shape(client: ApiClient) -> None:
    body = preview(_seats(client, PER_UNIT, 7), types=("OrderMetrics", "OrderDeltaMetrics"))
    job = client.submit_and_run("/v1/async/orders/preview", body)
    assert job["status"] == "Completed", job
    [subscription] = job["result"]["orderMetrics"]
    assert subscription["subscriptionNumber"] is None  # new: no number yet
    [action] = subscription["orderActions"]
    assert (action["type"], action["sequence"], action["orderItems"]) == (
        "CreateSubscription",
        0,
        [],
    )
    [charge] = action["orderMetrics"]
    assert charge["productRatePlanChargeId"] == _charge_id(client, PER_UNIT)
    assert charge["productRatePlanId"] is not None
    assert [m["amount"] for m in charge["mrr"]] == [140.0]  # 7 seats × 20
    assert [m["amount"] for m in charge["tcv"]] == [1680.0]
    assert [m["amount"] for m in charge["tcb"]] == [1680.0]
    assert [m["amount"] for m in charge["quantity"]] == [7.0]
    assert charge["mrr"][0]["startDate"] == "2027-01-15"
