"""Request bodies as pydantic models, with Zuora's camelCase names and limits (facts §2–§8).

Unknown fields are refused (category 21) rather than silently ignored: a field zorders
does not understand could change what Zuora would have done.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field

from zorders.http.wire.action_models import SubscriptionBody
from zorders.http.wire.base_models import Body, Lenient


class ContactBody(Lenient):
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    work_email: str | None = Field(default=None, max_length=80)
    address1: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    zip_code: str | None = None


class AccountBody(Body):
    """``POST /v1/accounts`` and ``newAccount`` in orders."""

    name: str = Field(max_length=255)
    currency: str = Field(min_length=3, max_length=3)
    bill_cycle_day: int = Field(default=0, ge=0, le=31)
    bill_to_contact: ContactBody
    sold_to_contact: ContactBody | None = None
    ship_to_contact: ContactBody | None = None
    account_number: str | None = Field(default=None, max_length=70)
    auto_pay: bool = False
    payment_term: str = "Due Upon Receipt"
    notes: str | None = Field(default=None, max_length=65535)
    batch: str | None = None
    crm_id: str | None = None
    invoice_delivery_prefs_email: bool = False
    invoice_delivery_prefs_print: bool = False
    custom_fields: dict[str, Any] = Field(default_factory=dict)


class BillingOptionsBody(Body):
    target_date: dt.date | None = None
    document_date: dt.date | None = None
    generate_draft_invoice: bool | None = None
    credit_memo_reason_code: str | None = Field(default=None, max_length=25)
    charge_type_to_exclude: list[Literal["OneTime", "Recurring", "Usage"]] = Field(
        default_factory=list
    )


class ProcessingOptionsBody(Body):
    run_billing: bool = False
    collect_payment: bool = False
    billing_options: BillingOptionsBody | None = None
    apply_credit: bool | None = None
    apply_credit_balance: bool | None = None


class OrderLineItemBody(Body):
    """``orderLineItems[]`` (SDK ``CreateOrderOrderLineItem``), the fields zorders keeps."""

    item_type: Literal["Product", "Fee", "Services"] = "Product"
    item_number: str | None = Field(default=None, max_length=100)
    item_name: str | None = Field(default=None, max_length=255)
    description: str | None = Field(default=None, max_length=500)
    quantity: Decimal = Field(default=Decimal(1), ge=0)
    amount_per_unit: Decimal | None = None
    list_price_per_unit: Decimal | None = None
    product_rate_plan_charge_id: str | None = None
    transaction_start_date: dt.date | None = None
    transaction_end_date: dt.date | None = None
    bill_target_date: dt.date | None = None
    billing_rule: Literal["TriggerWithoutFulfillment", "TriggerAsFulfillmentOccurs"] = (
        "TriggerWithoutFulfillment"
    )
    item_category: Literal["Sales", "Return"] = "Sales"
    owner_account_number: str | None = Field(default=None, max_length=70)
    related_subscription_number: str | None = None
    currency: str | None = Field(default=None, min_length=3, max_length=3)
    uom: str | None = Field(default=None, alias="UOM")
    purchase_order_number: str | None = None
    custom_fields: dict[str, Any] = Field(default_factory=dict)


class OrderBody(Body):
    """Fields common to create and preview."""

    order_date: dt.date
    existing_account_number: str | None = Field(default=None, max_length=70)
    order_number: str | None = Field(default=None, max_length=100)
    category: Literal["NewSales", "Return"] = "NewSales"
    description: str | None = Field(default=None, max_length=500)
    reason_code: str | None = Field(default=None, max_length=255)
    custom_fields: dict[str, Any] = Field(default_factory=dict)
    subscriptions: list[SubscriptionBody] = Field(default_factory=list)
    order_line_items: list[OrderLineItemBody] = Field(default_factory=list)


class CreateOrderBody(OrderBody):
    """``POST /v1/orders`` and ``POST /v1/async/orders``."""

    new_account: AccountBody | None = None
    processing_options: ProcessingOptionsBody | None = None
    externally_managed_by: Literal["Amazon", "Apple", "Google", "Roku"] | None = None


PreviewTypeName = Literal[
    "ChargeMetrics",
    "BillingDocs",
    "OrderDeltaMetrics",
    "OrderMetrics",
    "RampMetrics",
    "RampDeltaMetrics",
    "Funds",
]


def _default_preview_types() -> list[PreviewTypeName]:
    return ["ChargeMetrics", "BillingDocs"]


class PreviewOptionsBody(Body):
    preview_thru_type: Literal["SpecificDate", "TermEnd", "NumberOfPeriods"]
    preview_types: list[
        Literal[
            "ChargeMetrics",
            "BillingDocs",
            "OrderDeltaMetrics",
            "OrderMetrics",
            "RampMetrics",
            "RampDeltaMetrics",
            "Funds",
        ]
    ] = Field(default_factory=_default_preview_types)
    specific_preview_thru_date: dt.date | None = None
    preview_number_of_periods: int | None = Field(default=None, ge=1)
    charge_type_to_exclude: list[Literal["OneTime", "Recurring", "Usage", "Others"]] = Field(
        default_factory=list
    )
    document_date: dt.date | None = None
    skip_tax: bool | None = None
    # The official SDK always sends ``true`` (its default). zorders has no scheduled
    # orders to validate, so either value changes nothing.
    validate_scheduled_orders: bool | None = None


class PreviewAccountInfoBody(Lenient):
    bill_cycle_day: int = Field(ge=1, le=31)
    currency: str = Field(min_length=3, max_length=3)


class PreviewOrderBody(OrderBody):
    """``POST /v1/orders/preview`` and ``POST /v1/async/orders/preview``."""

    preview_options: PreviewOptionsBody
    preview_account_info: PreviewAccountInfoBody | None = None


class ActivationDateBody(Body):
    """``UpdateOrderActionTriggerDate``: the date an order action now has."""

    name: Literal["ServiceActivation", "CustomerAcceptance"]
    trigger_date: dt.date


class ChargeTriggerDateBody(Body):
    """``UpdateOrderActionChargeTriggerDate``, for charges triggered on a SpecificDate."""

    charge_number: str | None = Field(default=None, max_length=50)
    specific_trigger_date: dt.date | None = None
    estimated_start_date: dt.date | None = None


class OrderActionTriggerDatesBody(Body):
    sequence: int
    trigger_dates: list[ActivationDateBody] = Field(default_factory=list)
    charges: list[ChargeTriggerDateBody] | None = None


class SubscriptionTriggerDatesBody(Body):
    subscription_number: str = Field(max_length=100)
    order_actions: list[OrderActionTriggerDatesBody] = Field(default_factory=list)


class UpdateTriggerDatesBody(Body):
    """``PUT /v1/orders/{orderNumber}/triggerDates`` (SDK ``UpdateOrderTriggerDatesRequest``)."""

    subscriptions: list[SubscriptionTriggerDatesBody] = Field(default_factory=list)
