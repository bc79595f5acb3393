"""Catalog reads: the REST routes (camelCase) and the CRUD object routes (PascalCase).

What a client that built its catalog through the official SDK reads back (facts §9).
"""

from __future__ import annotations

import pytest

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
from zorders.service.tenant_admin import create_tenant
from zorders.service.tenants import TenantSettings


def _catalog(client: ApiClient) -> tuple[Catalog, str]:
    catalog = product_and_plan(client, product_body(SKU="CLOUD", ProductNumber="PC-CLOUD"))
    charge_id = create(
        client,
        "product-rate-plan-charge",
        charge_body(
            catalog.plan_id,
            tier(0, 10, "2"),
            tier(11, None, "1", "Flat Fee"),
            Name="API blocks",
            ChargeModel="Tiered Pricing",
            BillingPeriod="Semi-Annual",
            BillingTiming="In Arrears",
            ListPriceBase="Per Month",
            UOM="Block",
            DefaultQuantity=12,
        ),
    )
    return catalog, charge_id


# --- REST -------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["id", "CLOUD", "PC-CLOUD"])
def test_product_by_id_sku_or_number(client: ApiClient, key: str) -> None:
    catalog, _ = _catalog(client)
    response = client.get(f"/v1/catalog/product/{catalog.product_id if key == 'id' else key}")
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    assert body["id"] == catalog.product_id
    assert (body["sku"], body["productNumber"], body["name"]) == (
        "CLOUD",
        "PC-CLOUD",
        "Cloud Suite",
    )
    assert (body["effectiveStartDate"], body["effectiveEndDate"]) == ("2020-01-01", "2030-01-01")
    # From Zuora-Version 230.0 (the default here is 2025-08-12) the plans are a link.
    assert body["productRatePlans"] == f"/v1/rateplan/{catalog.product_id}/productRatePlan"


def test_product_embeds_plans_below_version_230(client: ApiClient) -> None:
    catalog, charge_id = _catalog(client)
    body = client.get(
        f"/v1/catalog/product/{catalog.product_id}", headers={"Zuora-Version": "211.0"}
    ).json()
    (plan,) = body["productRatePlans"]
    assert plan["id"] == catalog.plan_id
    # Left out on the plan, its dates are the product's.
    assert (plan["effectiveStartDate"], plan["effectiveEndDate"]) == ("2020-01-01", "2030-01-01")
    assert plan["productRatePlanCharges"][0]["id"] == charge_id


def test_rate_plans_of_a_product_in_rest_spelling(client: ApiClient) -> None:
    catalog, charge_id = _catalog(client)
    response = client.get(f"/v1/rateplan/{catalog.product_id}/productRatePlan")
    assert response.status_code == 200
    (plan,) = response.json()["productRatePlans"]
    assert plan["name"] == "Cloud Plan"
    assert plan["productRatePlanNumber"] == "PRP-00000004"
    assert plan["status"] == "Active"
    assert (plan["effectiveStartDate"], plan["effectiveEndDate"]) == ("2020-01-01", "2030-01-01")
    (charge,) = plan["productRatePlanCharges"]
    assert charge["id"] == charge_id
    assert charge["productRatePlanChargeNumber"] == "PRPC-00000004"
    assert (charge["type"], charge["model"]) == ("Recurring", "Tiered")
    assert (charge["billingPeriod"], charge["billingTiming"]) == ("Semi_Annual", "IN_ARREARS")
    assert (charge["listPriceBase"], charge["endDateCondition"]) == (
        "Per_Month",
        "Subscription_End",
    )
    assert (charge["billingDay"], charge["triggerEvent"]) == (
        "DefaultFromCustomer",
        "ContractEffective",
    )
    assert (charge["uom"], charge["defaultQuantity"]) == ("Block", 12.0)
    (pricing,) = charge["pricing"]
    assert pricing["currency"] == "USD"
    assert pricing["tiers"] == [
        {
            "tier": 1,
            "startingUnit": 0.0,
            "endingUnit": 10.0,
            "price": 2.0,
            "priceFormat": "PerUnit",
        },
        {
            "tier": 2,
            "startingUnit": 11.0,
            "endingUnit": None,
            "price": 1.0,
            "priceFormat": "FlatFee",
        },
    ]


def test_demo_plans_show_the_products_dates(client: ApiClient) -> None:
    response = client.get("/v1/rateplan/ZORDERS-DEMO/productRatePlan").json()
    assert {
        (p["effectiveStartDate"], p["effectiveEndDate"]) for p in response["productRatePlans"]
    } == {("2000-01-01", "2099-12-31")}


def test_products_list_newest_first(client: ApiClient) -> None:
    catalog, _ = _catalog(client)
    body = client.get("/v1/catalog/products", headers={"Zuora-Version": "211.0"}).json()
    assert [p["name"] for p in body["products"]] == ["Cloud Suite", "zorders Demo Service"]
    assert body["products"][0]["id"] == catalog.product_id
    plan = body["products"][0]["productRatePlans"][0]
    assert plan["effectiveStartDate"] == "2020-01-01"


@pytest.mark.parametrize("key", ["id", "PRP-00000004"])
def test_product_rate_plan_by_id_or_number(client: ApiClient, key: str) -> None:
    catalog = product_and_plan(client, EffectiveEndDate="2028-01-01")
    response = client.get(f"/v1/product-rate-plans/{catalog.plan_id if key == 'id' else key}")
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    assert body["id"] == catalog.plan_id
    assert body["name"] == "Cloud Plan"
    assert body["productRatePlanNumber"] == "PRP-00000004"
    assert body["status"] == "Active"
    assert (body["effectiveStartDate"], body["effectiveEndDate"]) == ("2020-01-01", "2028-01-01")
    assert body["externallyManagedPlanIds"] == []


@pytest.mark.parametrize(
    "path",
    [
        "/v1/catalog/product/NOPE",
        "/v1/product-rate-plans/NOPE",
        "/v1/rateplan/NOPE/productRatePlan",
    ],
)
def test_rest_reads_of_unknown_keys(client: ApiClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    body = response.json()
    assert body["success"] is False
    assert body["reasons"][0]["code"] == 54000040
    old = client.get(path, headers={"Zuora-Version": "186.0"})
    assert (old.status_code, old.json()["success"]) == (200, False)


# --- CRUD object reads ------------------------------------------------------------------


def test_object_product(client: ApiClient) -> None:
    catalog, _ = _catalog(client)
    body = client.get(f"/v1/object/product/{catalog.product_id}").json()
    assert body == {
        "Id": catalog.product_id,
        "Name": "Cloud Suite",
        "SKU": "CLOUD",
        "ProductNumber": "PC-CLOUD",
        "Description": "",
        "Category": None,
        "EffectiveStartDate": "2020-01-01",
        "EffectiveEndDate": "2030-01-01",
        "AllowFeatureChanges": False,
        # The stub clock's time (tests/support.py), in Zuora's date-time format.
        "CreatedDate": "2026-11-28T12:00:00.000+00:00",
        "UpdatedDate": "2026-11-28T12:00:00.000+00:00",
    }


def test_object_rate_plan(client: ApiClient) -> None:
    catalog = product_and_plan(client, Description="Monthly", ActiveCurrencies=["USD", "EUR"])
    body = client.get(f"/v1/object/product-rate-plan/{catalog.plan_id}").json()
    assert body["Id"] == catalog.plan_id
    assert body["ProductId"] == catalog.product_id
    assert (body["Name"], body["Description"]) == ("Cloud Plan", "Monthly")
    assert body["ProductRatePlanNumber"] == "PRP-00000004"
    assert (body["EffectiveStartDate"], body["EffectiveEndDate"]) == ("2020-01-01", "2030-01-01")
    assert body["ActiveCurrencies"] == ["USD", "EUR"]


def test_object_charge_in_crud_spelling(client: ApiClient) -> None:
    catalog, charge_id = _catalog(client)
    body = client.get(f"/v1/object/product-rate-plan-charge/{charge_id}").json()
    assert {
        key: body[key]
        for key in (
            "Id",
            "ProductRatePlanId",
            "Name",
            "ChargeType",
            "ChargeModel",
            "BillingPeriod",
            "BillingTiming",
            "ListPriceBase",
            "EndDateCondition",
            "BillCycleType",
            "TriggerEvent",
            "UOM",
            "DefaultQuantity",
            "UseDiscountSpecificAccountingCode",
            "Taxable",
        )
    } == {
        "Id": charge_id,
        "ProductRatePlanId": catalog.plan_id,
        "Name": "API blocks",
        "ChargeType": "Recurring",
        "ChargeModel": "Tiered Pricing",
        "BillingPeriod": "Semi-Annual",
        "BillingTiming": "In Arrears",
        "ListPriceBase": "Per Month",
        "EndDateCondition": "SubscriptionEnd",
        "BillCycleType": "DefaultFromCustomer",
        "TriggerEvent": "ContractEffective",
        "UOM": "Block",
        "DefaultQuantity": 12.0,
        "UseDiscountSpecificAccountingCode": False,
        "Taxable": False,
    }


def test_object_reads_of_the_demo_catalog(client: ApiClient) -> None:
    products = client.get("/v1/catalog/products", headers={"Zuora-Version": "211.0"}).json()
    plan = products["products"][0]["productRatePlans"][0]
    charge = plan["productRatePlanCharges"][0]
    read = client.get(f"/v1/object/product-rate-plan-charge/{charge['id']}").json()
    assert (read["ChargeModel"], read["BillingPeriod"]) == ("Flat Fee Pricing", "Month")
    assert client.get(f"/v1/object/product-rate-plan/{plan['id']}").json()["ActiveCurrencies"] == [
        "USD",
        "EUR",
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/v1/object/product/{product}",
        "/v1/object/product-rate-plan/{plan}",
        "/v1/object/product-rate-plan-charge/{charge}",
    ],
)
def test_object_reads_of_unknown_ids_answer_no_data(client: ApiClient, path: str) -> None:
    response = client.get(path.format(product="f" * 32, plan="f" * 32, charge="f" * 32))
    assert response.status_code == 404
    assert response.json() == {"done": True, "records": [], "size": 0}


@pytest.mark.parametrize(
    "path",
    [
        "/v1/object/product/PC-CLOUD",
        "/v1/object/product/CLOUD",
        "/v1/object/product-rate-plan/PRP-00000004",
    ],
)
def test_object_reads_take_ids_only(client: ApiClient, path: str) -> None:
    _catalog(client)
    assert client.get(path).status_code == 404


def test_object_read_of_a_one_time_charge(client: ApiClient) -> None:
    catalog = product_and_plan(client)
    charge_id = create(
        client,
        "product-rate-plan-charge",
        charge_body(catalog.plan_id, price(Price=250), ChargeType="OneTime"),
    )
    body = client.get(f"/v1/object/product-rate-plan-charge/{charge_id}").json()
    assert (body["ChargeType"], body["BillingPeriod"], body["EndDateCondition"]) == (
        "OneTime",
        None,
        "OneTime",
    )


# --- tenant isolation -------------------------------------------------------------------


def _login_as_another_tenant(client: ApiClient) -> None:
    with client.runtime.store.begin() as uow:
        issued = create_tenant(
            uow,
            name="other",
            settings=TenantSettings(),
            clock=client.runtime.clock,
            ids=client.runtime.ids,
        )
    client.login(client_id=issued.client_id, client_secret=issued.client_secret)


def test_another_tenants_catalog_is_not_found(client: ApiClient) -> None:
    catalog, charge_id = _catalog(client)
    _login_as_another_tenant(client)
    for path in (
        f"/v1/catalog/product/{catalog.product_id}",
        "/v1/catalog/product/CLOUD",
        f"/v1/rateplan/{catalog.product_id}/productRatePlan",
        f"/v1/product-rate-plans/{catalog.plan_id}",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json()["reasons"][0]["code"] == 54000040
    for path in (
        f"/v1/object/product/{catalog.product_id}",
        f"/v1/object/product-rate-plan/{catalog.plan_id}",
        f"/v1/object/product-rate-plan-charge/{charge_id}",
    ):
        response = client.get(path)
        assert (response.status_code, response.json()["size"]) == (404, 0), path
    assert client.get("/v1/catalog/products").json()["products"] == []


def test_another_tenant_cannot_build_on_a_foreign_catalog(client: ApiClient) -> None:
    catalog, _ = _catalog(client)
    _login_as_another_tenant(client)
    plan = client.post(
        "/v1/object/product-rate-plan", json={"Name": "Mine", "ProductId": catalog.product_id}
    )
    assert plan.status_code == 400
    assert plan.json()["Errors"][0]["Code"] == "INVALID_VALUE"
    charge = client.post("/v1/object/product-rate-plan-charge", json=charge_body(catalog.plan_id))
    assert charge.json()["Errors"][0]["Code"] == "INVALID_VALUE"
    # Keys are unique per tenant only: the other tenant may use the same SKU and number.
    own = client.post(
        "/v1/object/product", json=product_body(SKU="CLOUD", ProductNumber="PC-CLOUD")
    )
    assert own.status_code == 200, own.text
    assert client.get("/v1/catalog/product/CLOUD").json()["id"] == own.json()["Id"]
