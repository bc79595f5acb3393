"""The official SDK (zuora-sdk 3.21.0) builds a catalog through the CRUD routes and reads it back.

The SDK's own request models, its own calls; a real ``zorders serve`` on a temporary SQLite
file (one per module), as the demo tenant.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from zuora_sdk import (
    BillCycleType,
    BillingPeriodProductRatePlanChargeRest,
    BillingTimingProductRatePlanChargeRest,
    ChargeModelProductRatePlanChargeRest,
    ChargeType,
    CreateProductRatePlanChargeRequest,
    CreateProductRatePlanRequest,
    CreateProductRequest,
    ProductRatePlanChargeTier,
    ProductRatePlanChargeTierData,
    TriggerEventProductRatePlanChargeRest,
)
from zuora_sdk import PriceFormatProductRatePlanChargeTier as PriceFormat
from zuora_sdk.exceptions import ApiException
from zuora_sdk.zuora_client import ZuoraClient

from tests.compat.test_zuora_sdk import pytestmark as sdk_marks
from tests.compat.test_zuora_sdk import sdk_client
from tests.processes import running_server
from tests.support import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

pytestmark = sdk_marks


@pytest.fixture(scope="module")
def sdk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ZuoraClient]:
    directory: Path = tmp_path_factory.mktemp("sdk-catalog")
    database_url = f"sqlite:///{directory / 'zorders.db'}"
    with running_server(database_url=database_url, log=directory / "server.log") as server:
        yield sdk_client(server.base_url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)


def _tier(**fields: object) -> ProductRatePlanChargeTier:
    return ProductRatePlanChargeTier(currency="USD", **fields)


def test_sdk_builds_and_reads_a_catalog(sdk: ZuoraClient) -> None:
    product = sdk.products_api().create_product(
        CreateProductRequest(
            name="SDK Suite",
            sku="SDK-SUITE",
            effective_start_date=date(2020, 1, 1),
            effective_end_date=date(2030, 1, 1),
        )
    )
    assert product.success is True
    plan = sdk.product_rate_plans_api().create_product_rate_plan(
        CreateProductRatePlanRequest(
            name="SDK Plan", product_id=product.id, active_currencies=["USD"]
        )
    )
    assert plan.success is True
    charge = sdk.product_rate_plan_charges_api().create_product_rate_plan_charge(
        CreateProductRatePlanChargeRequest(
            product_rate_plan_id=plan.id,
            name="Blocks",
            charge_model=ChargeModelProductRatePlanChargeRest.TIERED_PRICING,
            charge_type=ChargeType.RECURRING,
            bill_cycle_type=BillCycleType.DEFAULTFROMCUSTOMER,
            billing_period=BillingPeriodProductRatePlanChargeRest.QUARTER,
            billing_timing=BillingTimingProductRatePlanChargeRest.IN_ARREARS,
            trigger_event=TriggerEventProductRatePlanChargeRest.CONTRACTEFFECTIVE,
            use_discount_specific_accounting_code=False,
            uom="Block",
            default_quantity=12,
            product_rate_plan_charge_tier_data=ProductRatePlanChargeTierData(
                product_rate_plan_charge_tier=[
                    _tier(
                        starting_unit=0, ending_unit=10, price=2, price_format=PriceFormat.PER_UNIT
                    ),
                    _tier(starting_unit=11, price=15, price_format=PriceFormat.FLAT_FEE),
                ]
            ),
        )
    )
    assert charge.success is True

    read = sdk.product_rate_plan_charges_api().get_product_rate_plan_charge(charge.id)
    assert read.id == charge.id
    assert read.product_rate_plan_id == plan.id
    assert read.charge_model == "Tiered Pricing"
    assert read.billing_period == "Quarter"
    assert read.billing_timing == "In Arrears"
    assert read.uom == "Block"
    assert read.default_quantity == 12

    rest_product = sdk.products_api().get_product("SDK-SUITE")
    assert rest_product.id == product.id
    assert rest_product.product_rate_plans == f"/v1/rateplan/{product.id}/productRatePlan"

    rest_plan = sdk.product_rate_plans_api().get_product_rate_plan(plan.id)
    assert rest_plan.name == "SDK Plan"
    assert str(rest_plan.effective_start_date) == "2020-01-01"  # inherited from the product

    plans = sdk.product_rate_plans_api().get_rate_plans_by_product(product.id)
    (listed,) = plans.product_rate_plans
    (listed_charge,) = listed.product_rate_plan_charges
    assert listed_charge.id == charge.id


def test_sdk_sees_crud_validation_errors(sdk: ZuoraClient) -> None:
    with pytest.raises(ApiException) as raised:
        sdk.product_rate_plans_api().create_product_rate_plan(
            CreateProductRatePlanRequest(name="Orphan", product_id="f" * 32)
        )
    assert raised.value.status == 400
    assert '"Code":"INVALID_VALUE"' in (raised.value.body or "").replace(" ", "")
