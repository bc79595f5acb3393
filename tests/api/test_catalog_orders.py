"""The order engine subscribes to a catalog built through the CRUD endpoints.

One plan with six charges, the numbers computed by hand. The subscription starts on the
account's bill cycle day (the 1st) for 12 months, so no period is prorated:

=================  ===========================================  ========  ===========
charge             pricing                                      a month   12 months
=================  ===========================================  ========  ===========
Platform fee       flat fee 100, monthly, in advance            100       1200
Seats              per unit 30 × 5 seats, quarterly, in arrears 50        4 × 150 = 600
API blocks         tiered, 25 blocks: 10 × 2 + 10 × 1.5 + 10     45        540
                   (the third tier is a flat fee)
Storage            volume, 150 GB in the 101+ tier: 150 × 0.4   60        720
Setup              one-time flat fee 250                        —         250
Loyalty discount   10 % of the plan's recurring charges         −25.5     −306
=================  ===========================================  ========  ===========

CMRR 255 − 25.5 = 229.5; TCV 1200 + 600 + 540 + 720 + 250 − 306 = 3004.
"""

from __future__ import annotations

from typing import Any

from tests.api.catalog_builders import (
    Catalog,
    charge_body,
    create,
    price,
    product_and_plan,
    product_body,
    tier,
)
from tests.conftest import ApiClient
from tests.support import new_account


def _catalog(client: ApiClient) -> tuple[Catalog, dict[str, str]]:
    catalog = product_and_plan(client, ActiveCurrencies=["USD"])
    plan = catalog.plan_id
    bodies = {
        "Platform fee": charge_body(plan, price(Price=100)),
        "Seats": charge_body(
            plan,
            price(Price=30),
            Name="Seats",
            ChargeModel="Per Unit Pricing",
            BillingPeriod="Quarter",
            BillingTiming="In Arrears",
            UOM="Seat",
            DefaultQuantity=5,
        ),
        "API blocks": charge_body(
            plan,
            tier(0, 10, "2"),
            tier(11, 20, "1.5"),
            tier(21, None, "10", "Flat Fee"),
            Name="API blocks",
            ChargeModel="Tiered Pricing",
            UOM="Block",
            DefaultQuantity=25,
        ),
        "Storage": charge_body(
            plan,
            tier(0, 100, "0.5"),
            tier(101, None, "0.4"),
            Name="Storage",
            ChargeModel="Volume Pricing",
            UOM="GB",
            DefaultQuantity=150,
        ),
        "Setup": charge_body(plan, price(Price=250), Name="Setup", ChargeType="OneTime"),
        "Loyalty discount": charge_body(
            plan,
            price(DiscountPercentage=10),
            Name="Loyalty discount",
            ChargeModel="Discount-Percentage",
            ApplyDiscountTo="RECURRING",
        ),
    }
    ids = {name: create(client, "product-rate-plan-charge", body) for name, body in bodies.items()}
    return catalog, ids


def _subscribe(plan_id: str) -> dict[str, Any]:
    return {
        "type": "CreateSubscription",
        "createSubscription": {
            "terms": {"initialTerm": {"termType": "TERMED", "period": 12, "periodType": "Month"}},
            "subscribeToRatePlans": [{"productRatePlanId": plan_id}],
        },
    }


def _order(plan_id: str, order_date: str = "2027-01-01") -> dict[str, Any]:
    return {
        "orderDate": order_date,
        "newAccount": new_account(),
        "subscriptions": [{"orderActions": [_subscribe(plan_id)]}],
    }


def test_preview_prices_every_charge_model(client: ApiClient) -> None:
    catalog, ids = _catalog(client)
    body = {
        "orderDate": "2027-01-01",
        "previewAccountInfo": {"currency": "USD", "billCycleDay": 1},
        "previewOptions": {
            "previewThruType": "TermEnd",
            "previewTypes": ["ChargeMetrics", "BillingDocs"],
        },
        "subscriptions": [{"orderActions": [_subscribe(catalog.plan_id)]}],
    }
    job = client.submit_and_run("/v1/async/orders/preview", body)
    assert job["status"] == "Completed", job
    result = job["result"]
    metrics = {m["productRatePlanChargeId"]: m for m in result["chargeMetrics"][0]["charges"]}
    by_name = {name: metrics[charge_id] for name, charge_id in ids.items()}
    expected = {
        # name: (cmrr, tcv) — regular, or discount for the discount charge
        "Platform fee": (100.0, 1200.0),
        "Seats": (50.0, 600.0),
        "API blocks": (45.0, 540.0),
        "Storage": (60.0, 720.0),
        "Setup": (0.0, 250.0),
    }
    for name, (cmrr, tcv) in expected.items():
        assert by_name[name]["cmrr"]["regular"] == cmrr, name
        assert by_name[name]["tcv"]["regular"] == tcv, name
    discount = by_name["Loyalty discount"]
    assert discount["cmrr"]["discount"] == -25.5
    assert discount["tcv"]["discount"] == -306.0

    invoice = result["invoices"][0]
    assert invoice["amount"] == 3004.0
    items = invoice["invoiceItems"]
    seats = [i for i in items if i["productRatePlanChargeId"] == ids["Seats"]]
    # Quarterly in arrears: four items of 5 × 30, each over its quarter.
    assert [(i["serviceStartDate"], i["serviceEndDate"]) for i in seats] == [
        ("2027-01-01", "2027-03-31"),
        ("2027-04-01", "2027-06-30"),
        ("2027-07-01", "2027-09-30"),
        ("2027-10-01", "2027-12-31"),
    ]
    assert {i["amountWithoutTax"] for i in seats} == {150.0}
    setup = [i for i in items if i["productRatePlanChargeId"] == ids["Setup"]]
    assert [(i["serviceStartDate"], i["amountWithoutTax"]) for i in setup] == [
        ("2027-01-01", 250.0)
    ]
    discounts = [i for i in items if i["productRatePlanChargeId"] == ids["Loyalty discount"]]
    # Each month 10 % of 205 (fee, blocks, storage), and of the quarter's 150 seats in the
    # month the quarter starts: 4 × 35.5 + 8 × 20.5.
    assert sorted(i["amountWithoutTax"] for i in discounts) == [-35.5] * 4 + [-20.5] * 8


def test_async_order_subscribes_to_the_created_plan(client: ApiClient) -> None:
    catalog, ids = _catalog(client)
    job = client.submit_and_run("/v1/async/orders", _order(catalog.plan_id))
    assert job["status"] == "Completed", job
    number = job["result"]["subscriptions"][0]["subscriptionNumber"]
    sub = client.get(f"/v1/subscriptions/{number}").json()
    assert sub["contractedMrr"] == 229.5
    assert sub["totalContractedValue"] == 3004.0
    (plan,) = sub["ratePlans"]
    assert plan["productRatePlanId"] == catalog.plan_id
    assert plan["productId"] == catalog.product_id
    charges = {c["productRatePlanChargeId"]: c for c in plan["ratePlanCharges"]}
    assert set(charges) == set(ids.values())
    seats = charges[ids["Seats"]]
    assert (seats["quantity"], seats["price"], seats["billingPeriod"]) == (5.0, 30.0, "Quarter")
    assert seats["billingTiming"] == "IN_ARREARS"
    blocks = charges[ids["API blocks"]]
    assert [t["price"] for t in blocks["tiers"]] == [2.0, 1.5, 10.0]
    assert charges[ids["Setup"]]["type"] == "OneTime"


def test_a_plan_not_effective_on_the_contract_date_fails_the_job(client: ApiClient) -> None:
    catalog = product_and_plan(client, EffectiveStartDate="2027-06-01")
    create(client, "product-rate-plan-charge", charge_body(catalog.plan_id))
    job = client.submit_and_run("/v1/async/orders", _order(catalog.plan_id, "2027-01-01"))
    assert job["status"] == "Failed"
    assert job["errors"] == (
        '[40000020]: Rate plan "Cloud Plan" is not effective on the contract effective date '
        "of 01/01/2027."
    )


def test_a_plan_inherits_the_products_end_date(client: ApiClient) -> None:
    catalog = product_and_plan(
        client, product_body(EffectiveStartDate="2020-01-01", EffectiveEndDate="2026-12-31")
    )
    create(client, "product-rate-plan-charge", charge_body(catalog.plan_id))
    job = client.submit_and_run("/v1/async/orders", _order(catalog.plan_id, "2027-01-01"))
    assert job["status"] == "Failed"
    assert job["errors"].startswith("[40000020]: ")
    assert "of 01/01/2027." in job["errors"]
