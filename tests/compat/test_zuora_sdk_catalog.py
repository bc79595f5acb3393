"""The official SDK (zuora-sdk 3.21.0) builds a catalog through the CRUD routes and reads it back,
then orders from it.

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
    CreateOrderAction,
    CreateOrderCreateSubscription,
    CreateOrderRatePlanOverride,
    CreateOrderRequest,
    CreateOrderSubscription,
    CreateProductRatePlanChargeRequest,
    CreateProductRatePlanRequest,
    CreateProductRequest,
    InitialTerm,
    OrderActionCreateSubscriptionTerms,
    OrderCreateAccount,
    OrderCreateAccountContact,
    ProductRatePlanChargeTier,
    ProductRatePlanChargeTierData,
    TriggerEventProductRatePlanChargeRest,
    UpdateOrderActionTriggerDate,
    UpdateOrderActionTriggerDates,
    UpdateOrderActionTriggerDatesRequest,
    UpdateOrderTriggerDatesRequest,
    UpdateOrderTriggerDatesResponse,
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


def test_sdk_activates_a_pending_order_with_its_trigger_dates(sdk: ZuoraClient) -> None:
    """A plan whose charge waits for service activation: the order is Pending until the
    SDK's ``update_order_trigger_dates`` gives the date."""
    product = sdk.products_api().create_product(
        CreateProductRequest(
            name="Provisioned",
            sku="SDK-PROVISIONED",
            effective_start_date=date(2020, 1, 1),
            effective_end_date=date(2030, 1, 1),
        )
    )
    plan = sdk.product_rate_plans_api().create_product_rate_plan(
        CreateProductRatePlanRequest(name="Line", product_id=product.id, active_currencies=["USD"])
    )
    charge = sdk.product_rate_plan_charges_api().create_product_rate_plan_charge(
        CreateProductRatePlanChargeRequest(
            product_rate_plan_id=plan.id,
            name="Line fee",
            charge_model=ChargeModelProductRatePlanChargeRest.FLAT_FEE_PRICING,
            charge_type=ChargeType.RECURRING,
            bill_cycle_type=BillCycleType.DEFAULTFROMCUSTOMER,
            billing_period=BillingPeriodProductRatePlanChargeRest.MONTH,
            trigger_event=TriggerEventProductRatePlanChargeRest.SERVICEACTIVATION,
            use_discount_specific_accounting_code=False,
            product_rate_plan_charge_tier_data=ProductRatePlanChargeTierData(
                product_rate_plan_charge_tier=[_tier(price=30)]
            ),
        )
    )
    assert charge.success is True
    created = sdk.orders_api().create_order(
        CreateOrderRequest(
            order_date=date(2027, 1, 1),
            new_account=OrderCreateAccount(
                name="Telco",
                currency="USD",
                bill_cycle_day=1,
                bill_to_contact=OrderCreateAccountContact(first_name="Ada", last_name="L"),
            ),
            subscriptions=[
                CreateOrderSubscription(
                    order_actions=[
                        CreateOrderAction(
                            type="CreateSubscription",
                            create_subscription=CreateOrderCreateSubscription(
                                terms=OrderActionCreateSubscriptionTerms(
                                    initial_term=InitialTerm(
                                        term_type="TERMED", period=12, period_type="Month"
                                    )
                                ),
                                subscribe_to_rate_plans=[
                                    CreateOrderRatePlanOverride(product_rate_plan_id=plan.id)
                                ],
                            ),
                        )
                    ]
                )
            ],
        )
    )
    assert created.status == "Pending"
    (subscription,) = created.subscriptions
    assert subscription.status == "Pending Activation"

    answer = sdk.orders_api().update_order_trigger_dates(
        created.order_number,
        UpdateOrderTriggerDatesRequest(
            subscriptions=[
                UpdateOrderActionTriggerDatesRequest(
                    subscription_number=subscription.subscription_number,
                    order_actions=[
                        UpdateOrderActionTriggerDates(
                            sequence=0,
                            trigger_dates=[
                                UpdateOrderActionTriggerDate(
                                    name="ServiceActivation", trigger_date=date(2027, 1, 10)
                                )
                            ],
                        )
                    ],
                )
            ]
        ),
    )
    assert isinstance(answer, UpdateOrderTriggerDatesResponse)
    assert answer.success is True
    assert (answer.order_number, answer.status) == (created.order_number, "Completed")
    assert [(s.subscription_number, s.status) for s in answer.subscriptions or []] == [
        (subscription.subscription_number, "Active")
    ]
    read = sdk.subscriptions_api().get_subscription_by_key(subscription.subscription_number)
    assert read.status == "Active"
    assert str(read.service_activation_date) == "2027-01-10"
