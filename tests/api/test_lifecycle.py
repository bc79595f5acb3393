"""A subscription's life through the async API: create → add product → update quantity →
suspend → resume → renew → cancel, read back after each step; a preview of an amendment;
the order lists."""

from __future__ import annotations

from typing import Any

from tests.api.amending import (
    ACCOUNT,
    SEATS,
    SUBSCRIPTION,
    add_product,
    amend,
    cancel,
    charges,
    dates,
    placed,
    renew,
    resume,
    subscribe,
    subscription,
    suspend,
    update_quantity,
)
from tests.conftest import ApiClient
from tests.support import FLAT, PER_UNIT

FEE = "C-00000001"


def _step(client: ApiClient, *actions: dict[str, Any], order_date: str) -> dict[str, Any]:
    result = placed(client, "async", amend(*actions, order_date=order_date))
    assert result["status"] == "Completed"
    return subscription(client)


def _ends(sub: dict[str, Any]) -> set[str | None]:
    return {c["effectiveEndDate"] for c in charges(sub).values()}


def test_lifecycle_through_the_async_api(client: ApiClient) -> None:
    assert subscribe(client, FLAT) == SUBSCRIPTION
    sub = subscription(client)
    assert (sub["version"], sub["status"]) == (1, "Active")
    assert (sub["termStartDate"], sub["termEndDate"]) == ("2027-01-01", "2028-01-01")
    assert sub["contractedMrr"] == 100.0

    # AddProduct: one seat at $20 from Feb 1.
    sub = _step(client, add_product(PER_UNIT, "2027-02-01"), order_date="2027-02-01")
    assert (sub["version"], sub["status"]) == (2, "Active")
    seat = charges(sub)[SEATS]
    assert (dates(seat), seat["quantity"], seat["segment"]) == (
        ("2027-02-01", "2028-01-01"),
        1.0,
        1,
    )
    assert sub["contractedMrr"] == 120.0

    # UpdateProduct: five seats from Mar 1 — a second segment of the same charge.
    sub = _step(client, update_quantity(5, "2027-03-01"), order_date="2027-02-20")
    assert (sub["version"], sub["contractedMrr"]) == (3, 200.0)
    seat = charges(sub)[SEATS]
    assert (dates(seat), seat["quantity"], seat["segment"]) == (
        ("2027-03-01", "2028-01-01"),
        5.0,
        2,
    )
    every = charges(subscription(client, **{"charge-detail": "all-segments"}))[SEATS]
    assert [dates(s) for s in every["chargeSegments"]] == [
        ("2027-02-01", "2027-03-01"),
        ("2027-03-01", "2028-01-01"),
    ]

    # Suspend from Apr 16.
    sub = _step(client, suspend("2027-04-16"), order_date="2027-04-10")
    assert (sub["version"], sub["status"]) == (4, "Suspended")
    assert sub["statusHistory"][-1] == {
        "status": "Suspended",
        "startDate": "2027-04-16",
        "endDate": None,
    }
    assert _ends(sub) == {"2028-01-01"}

    # Resume on May 16, extending the term by the 30 days suspended.
    sub = _step(client, resume("2027-05-16", extends_term=True), order_date="2027-05-10")
    assert (sub["version"], sub["status"]) == (5, "Active")
    assert (sub["termStartDate"], sub["termEndDate"]) == ("2027-01-01", "2028-01-31")
    assert _ends(sub) == {"2028-01-31"}
    assert [h["status"] for h in sub["statusHistory"]] == ["Active", "Suspended", "Active"]

    # Renew: the next 12-month term starts where this one ends.
    sub = _step(client, renew(), order_date="2027-12-01")
    assert (sub["version"], sub["status"]) == (6, "Active")
    assert (sub["termStartDate"], sub["termEndDate"]) == ("2028-01-31", "2029-01-31")
    assert (sub["currentTerm"], sub["currentTermPeriodType"]) == (12, "Month")
    assert _ends(sub) == {"2029-01-31"}

    # Cancel on a specific date.
    sub = _step(client, cancel("SpecificDate", "2028-06-30"), order_date="2028-06-01")
    assert (sub["version"], sub["status"]) == (7, "Cancelled")
    assert (sub["subscriptionEndDate"], sub["cancelledDate"]) == ("2028-06-30", "2028-06-30")
    assert sub["termEndDate"] == "2029-01-31"
    assert _ends(sub) == {"2028-06-30"}

    # Earlier versions stay readable as they were.
    third = subscription(client, f"{SUBSCRIPTION}/versions/3")
    assert (third["isLatestVersion"], third["status"], third["termEndDate"]) == (
        False,
        "Active",
        "2028-01-01",
    )
    assert charges(third)[SEATS]["quantity"] == 5.0

    # The subscription's orders, newest first, each naming the versions it wrote.
    listed = client.get(f"/v1/orders/subscription/{SUBSCRIPTION}").json()
    assert listed["success"] is True and "nextPage" not in listed
    assert [o["orderNumber"] for o in listed["orders"]] == [
        f"O-0000000{n}" for n in range(7, 0, -1)
    ]
    assert [
        (s["baseVersion"], s["newVersion"]) for o in listed["orders"] for s in o["subscriptions"]
    ] == [(6, 7), (5, 6), (4, 5), (3, 4), (2, 3), (1, 2), (None, 1)]


def test_preview_of_an_amendment_shows_what_it_changes(client: ApiClient) -> None:
    subscribe(client, FLAT)
    placed(client, "async", amend(add_product(PER_UNIT, "2027-02-01")))
    body = {
        "orderDate": "2027-02-20",
        "existingAccountNumber": ACCOUNT,
        "previewOptions": {
            "previewThruType": "SpecificDate",
            "specificPreviewThruDate": "2027-04-30",
            "previewTypes": ["ChargeMetrics", "BillingDocs"],
        },
        "subscriptions": [
            {"subscriptionNumber": SUBSCRIPTION, "orderActions": [update_quantity(5, "2027-03-01")]}
        ],
    }
    job = client.submit_and_run("/v1/async/orders/preview", body)
    assert job["status"] == "Completed", job
    result = job["result"]
    # One seat (20/month) becomes five (100/month) from Mar 1: through Apr 30 the order
    # credits March and April at the old price and bills them at the new one.
    items = [
        (i["chargeNumber"], i["serviceStartDate"], i["amountWithoutTax"])
        for i in result["invoices"][0]["invoiceItems"]
    ]
    assert items == [
        (SEATS, "2027-03-01", -20.0),
        (SEATS, "2027-03-01", 100.0),
        (SEATS, "2027-04-01", -20.0),
        (SEATS, "2027-04-01", 100.0),
    ]
    assert result["invoices"][0]["amount"] == 160.0
    assert {i["subscriptionNumber"] for i in result["invoices"][0]["invoiceItems"]} == {
        SUBSCRIPTION
    }
    metrics = {c["chargeNumber"]: c for c in result["chargeMetrics"][0]["charges"]}
    assert result["chargeMetrics"][0]["subscriptionNumber"] == SUBSCRIPTION
    assert metrics[FEE]["cmrr"] == {
        "regular": 100.0,
        "regularDelta": 0.0,
        "discount": 0.0,
        "discountDelta": 0.0,
    }
    assert (metrics[SEATS]["cmrr"]["regular"], metrics[SEATS]["cmrr"]["regularDelta"]) == (
        100.0,
        80.0,
    )
    # TCV: Feb at 20 + ten months at 100 = 1,020, against eleven months at 20 = 220.
    assert (metrics[SEATS]["tcv"]["regular"], metrics[SEATS]["tcv"]["regularDelta"]) == (
        1020.0,
        800.0,
    )
    assert (metrics[SEATS]["tcb"]["regular"], metrics[SEATS]["tcb"]["regularDelta"]) == (
        220.0,
        160.0,
    )
    assert subscription(client)["version"] == 2  # a preview writes nothing


def test_orders_are_listed_newest_first_in_pages(client: ApiClient) -> None:
    subscribe(client, FLAT)
    for day in ("2027-02-01", "2027-03-01"):
        placed(client, "sync", amend(add_product(PER_UNIT, day)))
    first = client.get("/v1/orders", params={"pageSize": 2}).json()
    assert [o["orderNumber"] for o in first["orders"]] == ["O-00000003", "O-00000002"]
    assert first["nextPage"] == "/v1/orders?page=2&pageSize=2"
    second = client.get(first["nextPage"]).json()
    assert [o["orderNumber"] for o in second["orders"]] == ["O-00000001"]
    assert "nextPage" not in second
    assert second["orders"][0]["subscriptions"][0]["orderActions"][0]["type"] == (
        "CreateSubscription"
    )


def test_order_lists_refuse_filters_and_unknown_subscriptions(client: ApiClient) -> None:
    assert client.get("/v1/orders", params={"status": "Completed"}).status_code == 400
    missing = client.get("/v1/orders/subscription/A-S00000404")
    assert missing.status_code == 404
    assert missing.json()["reasons"][0]["code"] % 100 == 40
