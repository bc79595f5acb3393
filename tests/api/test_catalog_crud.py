"""Catalog CRUD: POST /v1/object/product, product-rate-plan, product-rate-plan-charge.

Zuora's CRUD envelope (``{Id, Success}``; ``{Success: false, Errors: [{Code, Message}]}``
with HTTP 400), PascalCase fields and CRUD enum spellings (facts §9).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.api.catalog_builders import (
    charge_body,
    create,
    plan_body,
    price,
    product_and_plan,
    product_body,
    tier,
)
from tests.conftest import ApiClient


def _error(response: Any, status: int = 400) -> tuple[str, str]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["Success"] is False
    assert set(body) == {"Success", "Errors"}
    error = body["Errors"][0]
    assert set(error) == {"Code", "Message"}
    return error["Code"], error["Message"]


# --- happy paths ------------------------------------------------------------------------


def test_create_product_answers_the_crud_envelope(client: ApiClient) -> None:
    response = client.post("/v1/object/product", json=product_body())
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"Id", "Success"}
    assert body["Success"] is True
    assert re.fullmatch(r"[0-9a-f]{32}", body["Id"])


def test_product_numbers_and_sku_are_generated(client: ApiClient) -> None:
    product_id = create(client, "product", product_body())
    read = client.get(f"/v1/object/product/{product_id}").json()
    # The demo catalog holds PC-00000001.
    assert read["ProductNumber"] == "PC-00000002"
    assert read["SKU"] == "SKU-00000002"


def test_product_fields_are_kept(client: ApiClient) -> None:
    body = product_body(
        SKU="CLOUD-1",
        ProductNumber="CLOUD",
        Description="Everything in the cloud",
        Category="Add On Services",
        Region__c="EU",
    )
    product_id = create(client, "product", body)
    read = client.get(f"/v1/object/product/{product_id}").json()
    assert read["SKU"] == "CLOUD-1"
    assert read["ProductNumber"] == "CLOUD"
    assert read["Description"] == "Everything in the cloud"
    assert read["Category"] == "Add On Services"
    assert read["Region__c"] == "EU"


def test_rate_plan_and_charge_numbers_follow_their_sequences(client: ApiClient) -> None:
    catalog = product_and_plan(client)
    charge_id = create(client, "product-rate-plan-charge", charge_body(catalog.plan_id))
    plan = client.get(f"/v1/object/product-rate-plan/{catalog.plan_id}").json()
    charge = client.get(f"/v1/object/product-rate-plan-charge/{charge_id}").json()
    # The demo catalog holds PRP-00000001..3 and PRPC-00000001..3.
    assert plan["ProductRatePlanNumber"] == "PRP-00000004"
    assert charge["ProductRatePlanChargeNumber"] == "PRPC-00000004"


def test_rate_plan_number_can_be_chosen(client: ApiClient) -> None:
    catalog = product_and_plan(client, ProductRatePlanNumber="CLOUD-MONTHLY")
    plan = client.get(f"/v1/product-rate-plans/{catalog.plan_id}").json()
    assert plan["productRatePlanNumber"] == "CLOUD-MONTHLY"


def test_rate_plan_dates_left_out_inherit_the_products(client: ApiClient) -> None:
    catalog = product_and_plan(client)
    plan = client.get(f"/v1/object/product-rate-plan/{catalog.plan_id}").json()
    assert plan["EffectiveStartDate"] == "2020-01-01"
    assert plan["EffectiveEndDate"] == "2030-01-01"
    own = create(
        client,
        "product-rate-plan",
        plan_body(catalog.product_id, Name="Later", EffectiveStartDate="2025-06-01"),
    )
    later = client.get(f"/v1/object/product-rate-plan/{own}").json()
    assert later["EffectiveStartDate"] == "2025-06-01"
    assert later["EffectiveEndDate"] == "2030-01-01"


@pytest.mark.parametrize(
    ("extra", "tiers", "expected"),
    [
        (
            {"BillingPeriod": "Semi-Annual", "BillingTiming": "In Arrears"},
            (),
            {"BillingPeriod": "Semi-Annual", "BillingTiming": "In Arrears"},
        ),
        (
            {"BillingPeriod": "Specific Months", "SpecificBillingPeriod": 2},
            (),
            {"BillingPeriod": "Specific Months", "SpecificBillingPeriod": 2},
        ),
        (
            {"BillingPeriod": "Week", "ListPriceBase": "Per Week"},
            (),
            {"BillingPeriod": "Week", "ListPriceBase": "Per Week"},
        ),
        (
            {"BillingPeriod": "Annual", "ListPriceBase": "Per Month"},
            (),
            {"BillingPeriod": "Annual", "ListPriceBase": "Per Month"},
        ),
        (
            {"BillCycleType": "SpecificDayofMonth", "BillCycleDay": 15},
            (),
            {"BillCycleType": "SpecificDayofMonth", "BillCycleDay": 15},
        ),
        (
            {"BillCycleType": "SubscriptionStartDay", "BillCycleDay": 15},
            (),
            {"BillCycleType": "SubscriptionStartDay", "BillCycleDay": None},
        ),
        (
            {"EndDateCondition": "FixedPeriod", "UpToPeriods": 3},
            (),
            {"EndDateCondition": "FixedPeriod", "UpToPeriods": 3},
        ),
        (
            {"ChargeType": "OneTime", "TriggerEvent": "ServiceActivation"},
            (),
            {"ChargeType": "OneTime", "EndDateCondition": "OneTime", "BillingPeriod": None},
        ),
        (
            {"ChargeModel": "Per Unit Pricing", "UOM": "Seat", "DefaultQuantity": 5},
            (price(Price="30"),),
            {"ChargeModel": "Per Unit Pricing", "UOM": "Seat", "DefaultQuantity": 5},
        ),
        (
            {"ChargeModel": "Tiered Pricing", "UOM": "Block"},
            (tier(0, 10, "2"), tier(11, None, "1")),
            {"ChargeModel": "Tiered Pricing", "DefaultQuantity": None},
        ),
        (
            {"ChargeModel": "Volume Pricing", "UOM": "GB", "DefaultQuantity": 100},
            (tier(1, 100, "0.5"), tier(100, None, "40", "Flat Fee")),
            {"ChargeModel": "Volume Pricing"},
        ),
        (
            {"ChargeModel": "Discount-Percentage", "ApplyDiscountTo": "RECURRING"},
            (price(DiscountPercentage=10),),
            {"ChargeModel": "Discount-Percentage", "ApplyDiscountTo": "RECURRING"},
        ),
        (
            {"ChargeModel": "Discount-Fixed Amount", "DiscountLevel": "rateplan"},
            (price(DiscountAmount=5),),
            {"ChargeModel": "Discount-Fixed Amount", "DiscountLevel": "rateplan"},
        ),
        (
            {"ChargeType": "Usage", "ChargeModel": "Per Unit Pricing", "UOM": "Call"},
            (price(Price="0.01"),),
            {"ChargeType": "Usage", "ChargeModel": "Per Unit Pricing"},
        ),
    ],
    ids=[
        "semi-annual-arrears",
        "specific-months",
        "weekly",
        "per-month-list-price",
        "specific-day",
        "day-ignored-for-other-types",
        "fixed-period",
        "one-time",
        "per-unit",
        "tiered",
        "volume",
        "discount-percentage",
        "discount-fixed",
        "usage",
    ],
)
def test_charge_settings_are_read_back(
    client: ApiClient,
    extra: dict[str, Any],
    tiers: tuple[dict[str, Any], ...],
    expected: dict[str, Any],
) -> None:
    catalog = product_and_plan(client)
    charge_id = create(
        client, "product-rate-plan-charge", charge_body(catalog.plan_id, *tiers, **extra)
    )
    read = client.get(f"/v1/object/product-rate-plan-charge/{charge_id}").json()
    assert {key: read[key] for key in expected} == expected
    assert read["ProductRatePlanId"] == catalog.plan_id


def test_fields_zuora_knows_but_zorders_does_not_use_are_accepted(client: ApiClient) -> None:
    catalog = product_and_plan(client)
    body = charge_body(
        catalog.plan_id,
        AccountingCode="4000",
        RevRecCode="R1",
        IsPrepaid=False,
        ChargeFunction="Standard",
        IncludedUnits=None,
        Class__NS="x",
    )
    response = client.post(
        "/v1/object/product-rate-plan-charge?rejectUnknownFields=true", json=body
    )
    assert response.status_code == 200, response.text


# --- rejectUnknownFields ----------------------------------------------------------------


def test_unknown_fields_are_ignored_by_default(client: ApiClient) -> None:
    response = client.post("/v1/object/product", json=product_body(Colour="blue"))
    assert response.status_code == 200
    assert "Colour" not in client.get(f"/v1/object/product/{response.json()['Id']}").json()


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("product", lambda c: product_body(Colour="blue")),
        ("product-rate-plan", lambda c: plan_body(c.product_id, Colour="blue")),
        (
            "product-rate-plan-charge",
            lambda c: charge_body(c.plan_id, price(Price=1, Colour="blue")),
        ),
    ],
    ids=["product", "rate-plan", "nested-tier"],
)
def test_reject_unknown_fields(
    client: ApiClient, path: str, body: Callable[[Any], dict[str, Any]]
) -> None:
    catalog = product_and_plan(client)
    response = client.post(f"/v1/object/{path}?rejectUnknownFields=true", json=body(catalog))
    assert response.status_code == 400
    assert response.json() == {"message": "Error - unrecognised fields"}


def test_custom_fields_are_not_unknown(client: ApiClient) -> None:
    response = client.post(
        "/v1/object/product?rejectUnknownFields=true", json=product_body(Region__c="EU")
    )
    assert response.status_code == 200


# --- validation: product ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "code", "text"),
    [
        (
            {"EffectiveStartDate": "2020-01-01", "EffectiveEndDate": "2030-01-01"},
            "MISSING_REQUIRED_VALUE",
            "'Name'",
        ),
        (
            {"Name": "P", "EffectiveEndDate": "2030-01-01"},
            "MISSING_REQUIRED_VALUE",
            "'EffectiveStartDate'",
        ),
        (
            {"Name": "P", "EffectiveStartDate": "2020-01-01"},
            "MISSING_REQUIRED_VALUE",
            "'EffectiveEndDate'",
        ),
        (product_body(Name="x" * 101), "INVALID_VALUE", "'Name'"),
        (product_body(Name="  "), "MISSING_REQUIRED_VALUE", "blank"),
        (product_body(SKU="s" * 51), "INVALID_VALUE", "'SKU'"),
        (product_body(Description="d" * 501), "INVALID_VALUE", "'Description'"),
        (product_body(Category="Gadgets"), "INVALID_VALUE", "'Category'"),
        (product_body(EffectiveStartDate="2020-13-01"), "INVALID_VALUE", "'EffectiveStartDate'"),
        (product_body(EffectiveEndDate="2019-01-01"), "INVALID_VALUE", "must be after"),
        (product_body(EffectiveEndDate="2020-01-01"), "INVALID_VALUE", "must be after"),
    ],
    ids=[
        "no-name",
        "no-start",
        "no-end",
        "long-name",
        "blank-name",
        "long-sku",
        "long-description",
        "category",
        "bad-date",
        "end-before-start",
        "end-on-start",
    ],
)
def test_product_validation(client: ApiClient, body: dict[str, Any], code: str, text: str) -> None:
    got_code, message = _error(client.post("/v1/object/product", json=body))
    assert got_code == code
    assert text in message


@pytest.mark.parametrize("key", ["SKU", "ProductNumber"])
def test_product_keys_are_unique(client: ApiClient, key: str) -> None:
    create(client, "product", product_body(**{key: "CLOUD"}))
    code, message = _error(client.post("/v1/object/product", json=product_body(**{key: "CLOUD"})))
    assert code == "DUPLICATE_VALUE"
    assert "'CLOUD'" in message


def test_a_sku_cannot_be_another_products_number(client: ApiClient) -> None:
    # Product keys find a product by id, SKU or number: each must find exactly one.
    code, _ = _error(client.post("/v1/object/product", json=product_body(SKU="PC-00000001")))
    assert code == "DUPLICATE_VALUE"


def test_malformed_json_is_invalid_value(client: ApiClient) -> None:
    response = client.post(
        "/v1/object/product", content=b"{", headers={"Content-Type": "application/json"}
    )
    assert _error(response)[0] == "INVALID_VALUE"


def test_crud_errors_are_400_whatever_the_version(client: ApiClient) -> None:
    response = client.post(
        "/v1/object/product", json={"Name": "P"}, headers={"Zuora-Version": "186.0"}
    )
    assert _error(response)[0] == "MISSING_REQUIRED_VALUE"


def test_crud_routes_need_a_token(client: ApiClient) -> None:
    del client.headers["Authorization"]
    response = client.post("/v1/object/product", json=product_body())
    assert response.status_code == 401
    assert response.json() == {"message": "Authentication error"}


# --- validation: rate plan --------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "code", "text"),
    [
        (lambda pid: {"Name": "Plan"}, "MISSING_REQUIRED_VALUE", "'ProductId'"),
        (lambda pid: {"ProductId": pid}, "MISSING_REQUIRED_VALUE", "'Name'"),
        (lambda pid: plan_body("f" * 32), "INVALID_VALUE", "'ProductId'"),
        (lambda pid: plan_body("CLOUD-SKU"), "INVALID_VALUE", "'ProductId'"),
        (lambda pid: plan_body(pid, Name="n" * 256), "INVALID_VALUE", "'Name'"),
        (lambda pid: plan_body(pid, ActiveCurrencies=["usd"]), "INVALID_VALUE", "currency"),
        (
            lambda pid: plan_body(pid, ActiveCurrencies=["USD", "USD"]),
            "INVALID_VALUE",
            "twice",
        ),
        (
            lambda pid: plan_body(pid, EffectiveStartDate="2030-06-01"),
            "INVALID_VALUE",
            "must be after",
        ),
        (
            lambda pid: plan_body(
                pid, EffectiveStartDate="2024-01-01", EffectiveEndDate="2023-01-01"
            ),
            "INVALID_VALUE",
            "must be after",
        ),
        (lambda pid: plan_body(pid, Grade=2), "INVALID_VALUE", "not supported"),
        (
            lambda pid: plan_body(pid, ProductRatePlanNumber="PRP-00000001"),
            "DUPLICATE_VALUE",
            "PRP-00000001",
        ),
    ],
    ids=[
        "no-product",
        "no-name",
        "unknown-product",
        "product-by-sku",
        "long-name",
        "currency-code",
        "currency-twice",
        "start-after-product-end",
        "end-before-start",
        "grade",
        "number-taken",
    ],
)
def test_rate_plan_validation(
    client: ApiClient, body: Callable[[str], dict[str, Any]], code: str, text: str
) -> None:
    product_id = create(client, "product", product_body(SKU="CLOUD-SKU"))
    got_code, message = _error(client.post("/v1/object/product-rate-plan", json=body(product_id)))
    assert got_code == code
    assert text in message


def test_rate_plan_names_are_unique_within_a_product(client: ApiClient) -> None:
    catalog = product_and_plan(client)
    again = client.post("/v1/object/product-rate-plan", json=plan_body(catalog.product_id))
    assert _error(again)[0] == "DUPLICATE_VALUE"
    other = create(client, "product", product_body(Name="Other"))
    assert client.post("/v1/object/product-rate-plan", json=plan_body(other)).status_code == 200


# --- validation: charge -----------------------------------------------------------------

_REQUIRED = [
    "ProductRatePlanId",
    "Name",
    "ChargeModel",
    "ChargeType",
    "BillCycleType",
    "BillingPeriod",
    "TriggerEvent",
    "UseDiscountSpecificAccountingCode",
    "ProductRatePlanChargeTierData",
]


@pytest.mark.parametrize("field", _REQUIRED)
def test_charge_required_fields(client: ApiClient, field: str) -> None:
    catalog = product_and_plan(client)
    body = charge_body(catalog.plan_id)
    del body[field]
    code, message = _error(client.post("/v1/object/product-rate-plan-charge", json=body))
    assert code == "MISSING_REQUIRED_VALUE"
    assert f"'{field}'" in message


_PER_UNIT = {"ChargeModel": "Per Unit Pricing", "UOM": "Seat", "DefaultQuantity": 1}
_TIERED = {"ChargeModel": "Tiered Pricing", "UOM": "Block"}


@pytest.mark.parametrize(
    ("extra", "tiers", "code", "text"),
    [
        ({"ChargeModel": "Flat Fee"}, (), "INVALID_VALUE", "'ChargeModel'"),
        ({"ChargeModel": "Overage Pricing"}, (), "INVALID_VALUE", "not supported"),
        ({"ChargeType": "Others"}, (), "INVALID_VALUE", "not supported"),
        ({"BillingPeriod": "Monthly"}, (), "INVALID_VALUE", "'BillingPeriod'"),
        ({"BillingPeriod": "Specific Weeks"}, (), "INVALID_VALUE", "not supported"),
        ({"BillCycleType": "TermEndDay"}, (), "INVALID_VALUE", "not supported"),
        ({"BillingTiming": "Later"}, (), "INVALID_VALUE", "'BillingTiming'"),
        ({"TriggerEvent": "SpecificDate"}, (), "INVALID_VALUE", "'TriggerEvent'"),
        ({"ListPriceBase": "Per Specific Months"}, (), "INVALID_VALUE", "not supported"),
        ({"BillingPeriodAlignment": "AlignToTermStart"}, (), "INVALID_VALUE", "not supported"),
        ({"UpToPeriodsType": "Months"}, (), "INVALID_VALUE", "not supported"),
        ({"PriceChangeOption": "SpecificPercentageValue"}, (), "INVALID_VALUE", "not supported"),
        ({"IncludedUnits": 10}, (), "INVALID_VALUE", "not supported"),
        ({"Taxable": True, "TaxCode": "T"}, (), "INVALID_VALUE", "not supported"),
        ({"ProductRatePlanChargeNumber": "MINE"}, (), "INVALID_VALUE", "not supported"),
        ({"Name": "n" * 101}, (), "INVALID_VALUE", "'Name'"),
        ({"UOM": "u" * 26}, (), "INVALID_VALUE", "'UOM'"),
        ({"ProductRatePlanId": "f" * 32}, (), "INVALID_VALUE", "'ProductRatePlanId'"),
        (
            {"BillingPeriod": "Specific Months"},
            (),
            "MISSING_REQUIRED_VALUE",
            "'SpecificBillingPeriod'",
        ),
        (
            {"BillingPeriod": "Specific Months", "SpecificBillingPeriod": 0},
            (),
            "INVALID_VALUE",
            "'SpecificBillingPeriod'",
        ),
        ({"BillCycleType": "SpecificDayofMonth"}, (), "MISSING_REQUIRED_VALUE", "'BillCycleDay'"),
        (
            {"BillCycleType": "SpecificDayofMonth", "BillCycleDay": 32},
            (),
            "INVALID_VALUE",
            "'BillCycleDay'",
        ),
        (
            {"BillCycleType": "SpecificDayofMonth", "BillCycleDay": 1, "BillingPeriod": "Week"},
            (),
            "INVALID_VALUE",
            "weekly",
        ),
        ({"EndDateCondition": "FixedPeriod"}, (), "MISSING_REQUIRED_VALUE", "'UpToPeriods'"),
        (
            {"EndDateCondition": "FixedPeriod", "UpToPeriods": 0},
            (),
            "INVALID_VALUE",
            "'UpToPeriods'",
        ),
        ({"EndDateCondition": "OneTime"}, (), "INVALID_VALUE", "OneTime"),
        (
            {"ChargeType": "OneTime", "EndDateCondition": "FixedPeriod", "UpToPeriods": 2},
            (),
            "INVALID_VALUE",
            "FixedPeriod",
        ),
        ({"ListPriceBase": "Per Week"}, (), "INVALID_VALUE", "Per Week"),
        ({"BillingPeriod": "Week", "ListPriceBase": "Per Month"}, (), "INVALID_VALUE", "Week"),
        (
            {"ChargeModel": "Per Unit Pricing", "DefaultQuantity": 1},
            (),
            "MISSING_REQUIRED_VALUE",
            "'UOM'",
        ),
        (
            {"ChargeModel": "Per Unit Pricing", "UOM": "Seat"},
            (),
            "MISSING_REQUIRED_VALUE",
            "'DefaultQuantity'",
        ),
        ({**_PER_UNIT, "DefaultQuantity": -1}, (), "INVALID_VALUE", "'DefaultQuantity'"),
        (
            {"ChargeModel": "Volume Pricing"},
            (tier(0, None, "1"),),
            "MISSING_REQUIRED_VALUE",
            "'UOM'",
        ),
        ({}, (price(),), "MISSING_REQUIRED_VALUE", "'Price'"),
        ({}, (price(Price=-1),), "INVALID_VALUE", "'Price'"),
        (
            {},
            (price(Price=1), price(Price=2)),
            "INVALID_VALUE",
            "one ProductRatePlanChargeTier per currency",
        ),
        ({}, (price("usd", Price=1),), "INVALID_VALUE", "currency"),
        ({}, (price("USDX", Price=1),), "INVALID_VALUE", "'ProductRatePlanChargeTierData"),
        (
            {"ProductRatePlanChargeTierData": {"ProductRatePlanChargeTier": []}},
            (),
            "MISSING_REQUIRED_VALUE",
            "at least one",
        ),
        ({}, (price(Price=1, IsOveragePrice=True),), "INVALID_VALUE", "not supported"),
        (_TIERED, (tier(0, 10, "2"), tier(12, None, "1")), "INVALID_VALUE", "contiguous"),
        (_TIERED, (tier(11, 20, "1"), tier(0, 10, "2")), "INVALID_VALUE", "first tier"),
        (_TIERED, (tier(0, 10, "2"), tier(5, None, "1")), "INVALID_VALUE", "contiguous"),
        (
            _TIERED,
            (tier(0, None, "2"), tier(11, None, "1")),
            "MISSING_REQUIRED_VALUE",
            "'EndingUnit'",
        ),
        (_TIERED, ({"Currency": "USD", "Price": 1},), "MISSING_REQUIRED_VALUE", "'StartingUnit'"),
        (_TIERED, (tier(0, 10, "2"), tier(11, 10, "1")), "INVALID_VALUE", "ends before it starts"),
        (_TIERED, (tier(0, 10, "2", "Flat"),), "INVALID_VALUE", ".PriceFormat'"),
        (
            {"ChargeModel": "Discount-Percentage"},
            (price(),),
            "MISSING_REQUIRED_VALUE",
            "'DiscountPercentage'",
        ),
        (
            {"ChargeModel": "Discount-Percentage"},
            (price(DiscountPercentage=100),),
            "INVALID_VALUE",
            "-100 and 100",
        ),
        (
            {"ChargeModel": "Discount-Fixed Amount"},
            (price(Price=5),),
            "MISSING_REQUIRED_VALUE",
            "'DiscountAmount'",
        ),
        (
            {"ChargeModel": "Discount-Fixed Amount"},
            (price(DiscountAmount=-5),),
            "INVALID_VALUE",
            "'DiscountAmount'",
        ),
        (
            {"ChargeModel": "Discount-Percentage", "ChargeType": "OneTime"},
            (price(DiscountPercentage=10),),
            "INVALID_VALUE",
            "not supported",
        ),
        (
            {"ChargeModel": "Discount-Percentage", "ApplyDiscountTo": "ONETIMERECURRING"},
            (price(DiscountPercentage=10),),
            "INVALID_VALUE",
            "not supported",
        ),
        (
            {"ChargeModel": "Discount-Percentage", "DiscountLevel": "account"},
            (price(DiscountPercentage=10),),
            "INVALID_VALUE",
            "not supported",
        ),
    ],
)
def test_charge_validation(
    client: ApiClient,
    extra: dict[str, Any],
    tiers: tuple[dict[str, Any], ...],
    code: str,
    text: str,
) -> None:
    catalog = product_and_plan(client)
    body = charge_body(catalog.plan_id, *tiers, **extra)
    got_code, message = _error(client.post("/v1/object/product-rate-plan-charge", json=body))
    assert got_code == code, message
    assert text in message


def test_charge_names_are_unique_within_a_rate_plan(client: ApiClient) -> None:
    catalog = product_and_plan(client)
    create(client, "product-rate-plan-charge", charge_body(catalog.plan_id))
    again = client.post("/v1/object/product-rate-plan-charge", json=charge_body(catalog.plan_id))
    assert _error(again)[0] == "DUPLICATE_VALUE"


def test_a_charge_is_priced_in_each_active_currency_and_no_other(client: ApiClient) -> None:
    catalog = product_and_plan(client, ActiveCurrencies=["USD", "EUR"])
    only_usd = charge_body(catalog.plan_id, price(Price=10))
    code, message = _error(client.post("/v1/object/product-rate-plan-charge", json=only_usd))
    assert (code, "needs a price in EUR" in message) == ("INVALID_VALUE", True)
    with_gbp = charge_body(
        catalog.plan_id, price(Price=10), price("EUR", Price=9), price("GBP", Price=8)
    )
    code, message = _error(client.post("/v1/object/product-rate-plan-charge", json=with_gbp))
    assert (code, "GBP is not an active currency" in message) == ("INVALID_VALUE", True)
    both = charge_body(catalog.plan_id, price(Price=10), price("EUR", Price=9))
    assert client.post("/v1/object/product-rate-plan-charge", json=both).status_code == 200


def test_without_active_currencies_the_first_charge_sets_them(client: ApiClient) -> None:
    catalog = product_and_plan(client)
    create(
        client,
        "product-rate-plan-charge",
        charge_body(catalog.plan_id, price(Price=10), price("EUR", Price=9)),
    )
    second = charge_body(catalog.plan_id, price(Price=5), Name="Second")
    assert (
        "needs a price in EUR"
        in _error(client.post("/v1/object/product-rate-plan-charge", json=second))[1]
    )
    plan = client.get(f"/v1/object/product-rate-plan/{catalog.plan_id}").json()
    assert plan["ActiveCurrencies"] == ["USD", "EUR"]


def test_a_refused_charge_uses_no_number(client: ApiClient) -> None:
    catalog = product_and_plan(client)
    refused = charge_body(catalog.plan_id, price(Price=-1))
    assert client.post("/v1/object/product-rate-plan-charge", json=refused).status_code == 400
    charge_id = create(client, "product-rate-plan-charge", charge_body(catalog.plan_id))
    read = client.get(f"/v1/object/product-rate-plan-charge/{charge_id}").json()
    assert read["ProductRatePlanChargeNumber"] == "PRPC-00000004"


def test_unsupported_methods_answer_the_crud_envelope(client: ApiClient) -> None:
    catalog = product_and_plan(client)
    response = client.delete(f"/v1/object/product/{catalog.product_id}")
    code, _ = _error(response, status=405)
    assert code == "INVALID_VALUE"
