"""Request bodies as pydantic models, with Zuora's camelCase names and limits (facts §2–§8).

Unknown fields are refused (category 21) rather than silently ignored: a field zorders
does not understand could change what Zuora would have done.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class Body(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class Lenient(Body):
    """Parts whose extra fields are informational only (contacts, tax info): kept out."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")


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


PeriodType = Literal["Day", "Week", "Month", "Year"]


class InitialTermBody(Body):
    term_type: Literal["TERMED", "EVERGREEN"]
    period: int | None = Field(default=None, ge=0)
    period_type: PeriodType = "Month"
    start_date: dt.date | None = None
    end_date: dt.date | None = None


class RenewalTermBody(Body):
    period: int = Field(ge=0)
    period_type: PeriodType = "Month"


class TermsBody(Body):
    initial_term: InitialTermBody
    renewal_setting: Literal["RENEW_WITH_SPECIFIC_TERM", "RENEW_TO_EVERGREEN"] = (
        "RENEW_WITH_SPECIFIC_TERM"
    )
    renewal_terms: list[RenewalTermBody] = Field(default_factory=list, max_length=1)
    auto_renew: bool = False


class TierBody(Body):
    tier: int = Field(ge=1)
    starting_unit: Decimal = Field(ge=0)
    ending_unit: Decimal | None = None
    price: Decimal = Field(ge=0)
    price_format: Literal["FlatFee", "PerUnit"] = "PerUnit"


class PriceOverrideBody(Body):
    list_price: Decimal | None = Field(default=None, ge=0)
    quantity: Decimal | None = Field(default=None, ge=0)
    tiers: list[TierBody] | None = None
    uom: str | None = None
    price_change_option: Literal["NoChange"] | None = None


class PricingOverrideBody(Body):
    """Exactly one model-specific key, as Zuora's ``pricing`` object has."""

    recurring_flat_fee: PriceOverrideBody | None = None
    recurring_per_unit: PriceOverrideBody | None = None
    recurring_tiered: PriceOverrideBody | None = None
    recurring_volume: PriceOverrideBody | None = None
    one_time_flat_fee: PriceOverrideBody | None = None
    one_time_per_unit: PriceOverrideBody | None = None
    one_time_tiered: PriceOverrideBody | None = None
    one_time_volume: PriceOverrideBody | None = None


class BillingOverrideBody(Body):
    bill_cycle_day: int | None = Field(default=None, ge=0, le=31)
    bill_cycle_type: (
        Literal[
            "DefaultFromCustomer", "SubscriptionStartDay", "SpecificDayofMonth", "ChargeTriggerDay"
        ]
        | None
    ) = None
    billing_period: (
        Literal["Month", "Quarter", "Semi_Annual", "Annual", "Week", "Specific_Months"] | None
    ) = None
    specific_billing_period: int | None = Field(default=None, ge=1, le=200)
    billing_timing: Literal["IN_ADVANCE", "IN_ARREARS"] | None = None


class EndDateBody(Body):
    end_date_condition: Literal["Subscription_End", "Fixed_Period", "Specific_End_Date"] | None = (
        None
    )
    up_to_periods: int | None = Field(default=None, ge=1)
    up_to_periods_type: Literal["Billing_Periods"] | None = None
    specific_end_date: dt.date | None = None


class ChargeOverrideBody(Body):
    product_rate_plan_charge_id: str
    charge_number: str | None = None
    description: str | None = Field(default=None, max_length=500)
    billing: BillingOverrideBody | None = None
    pricing: PricingOverrideBody | None = None
    end_date: EndDateBody | None = None
    unique_token: str | None = None
    custom_fields: dict[str, Any] = Field(default_factory=dict)
    # The official SDK always sends ``"isBillable": null`` (docs/compatibility-sdk.md).
    # Only billable charges exist in zorders: null or true is accepted, false is refused.
    is_billable: Literal[True] | None = None


class RatePlanBody(Body):
    product_rate_plan_id: str | None = None
    product_rate_plan_number: str | None = None
    charge_overrides: list[ChargeOverrideBody] = Field(default_factory=list)
    unique_token: str | None = None
    custom_fields: dict[str, Any] = Field(default_factory=dict)


class CreateSubscriptionBody(Body):
    terms: TermsBody
    subscribe_to_rate_plans: list[RatePlanBody] = Field(default_factory=list)
    subscription_number: str | None = Field(default=None, max_length=100)
    subscription_owner_account_number: str | None = None
    invoice_owner_account_number: str | None = None
    invoice_separately: bool = False
    notes: str | None = Field(default=None, max_length=500)
    custom_fields: dict[str, Any] = Field(default_factory=dict)


class TriggerDateBody(Body):
    name: Literal["ContractEffective", "ServiceActivation", "CustomerAcceptance"]
    trigger_date: dt.date


class PriceUpdateBody(Body):
    """One model key of an UpdateProduct's ``pricing`` (``Recurring*PricingUpdate``)."""

    list_price: Decimal | None = Field(default=None, ge=0)
    quantity: Decimal | None = Field(default=None, ge=0)
    tiers: list[TierBody] | None = None
    price_change_option: Literal["NoChange"] | None = None


class PricingUpdateBody(Body):
    recurring_flat_fee: PriceUpdateBody | None = None
    recurring_per_unit: PriceUpdateBody | None = None
    recurring_tiered: PriceUpdateBody | None = None
    recurring_volume: PriceUpdateBody | None = None


class TriggerParamsBody(Body):
    """``chargeUpdates[].effectiveDate``."""

    trigger_event: Literal[
        "ContractEffective", "ServiceActivation", "CustomerAcceptance", "SpecificDate"
    ]
    specific_trigger_date: dt.date | None = None


class ChargeUpdateBody(Body):
    charge_number: str | None = Field(default=None, max_length=50)
    product_rate_plan_charge_id: str | None = None
    description: str | None = Field(default=None, max_length=500)
    pricing: PricingUpdateBody | None = None
    effective_date: TriggerParamsBody | None = None
    custom_fields: dict[str, Any] = Field(default_factory=dict)


class RatePlanKeyBody(Body):
    """The keys naming a rate plan already on the subscription."""

    rate_plan_id: str | None = None
    product_rate_plan_id: str | None = None
    product_rate_plan_number: str | None = None
    subscription_rate_plan_number: str | None = None
    unique_token: str | None = None
    custom_fields: dict[str, Any] = Field(default_factory=dict)


class UpdateProductBody(RatePlanKeyBody):
    charge_updates: list[ChargeUpdateBody] = Field(default_factory=list)


class RemoveProductBody(RatePlanKeyBody):
    pass


class ChangePlanBody(RatePlanKeyBody):
    new_product_rate_plan: RatePlanBody
    effective_policy: (
        Literal["EffectiveImmediately", "EffectiveEndOfBillingPeriod", "SpecificDate"] | None
    ) = None
    sub_type: Literal["Upgrade", "Downgrade", "Crossgrade", "PlanChanged"] | None = None
    reset_bcd: bool = False


class LastTermBody(Body):
    term_type: Literal["TERMED", "EVERGREEN"]
    period: int | None = Field(default=None, ge=0)
    period_type: PeriodType = "Month"
    start_date: dt.date | None = None
    end_date: dt.date | None = None


class TermsAndConditionsBody(Body):
    auto_renew: bool | None = None
    renewal_setting: Literal["RENEW_WITH_SPECIFIC_TERM", "RENEW_TO_EVERGREEN"] | None = None
    renewal_terms: list[RenewalTermBody] | None = Field(default=None, max_length=1)
    last_term: LastTermBody | None = None
    invoice_separately: bool | None = None
    payment_term: str | None = Field(default=None, max_length=100)


class RenewSubscriptionBody(Body):
    """Zuora's renewal payload holds only contact and template fields, none of which
    zorders keeps: an empty object (or none) is accepted."""


class CancelSubscriptionBody(Body):
    cancellation_policy: Literal["EndOfCurrentTerm", "EndOfLastInvoicePeriod", "SpecificDate"]
    cancellation_effective_date: dt.date | None = None


class SuspendBody(Body):
    suspend_policy: Literal[
        "Today", "EndOfLastInvoicePeriod", "FixedPeriodsFromToday", "SpecificDate"
    ]
    suspend_periods: int | None = Field(default=None, ge=0)
    suspend_periods_type: PeriodType | None = None
    suspend_specific_date: dt.date | None = None


class ResumeBody(Body):
    resume_policy: Literal[
        "Today",
        "FixedPeriodsFromSuspendDate",
        "FixedPeriodsFromToday",
        "SpecificDate",
        "SuspendDate",
    ]
    resume_periods: int | None = Field(default=None, ge=0)
    resume_periods_type: PeriodType | None = None
    resume_specific_date: dt.date | None = None
    extends_term: bool = False


class OwnerTransferBody(Body):
    destination_account_number: str | None = Field(default=None, max_length=70)
    destination_invoice_account_number: str | None = Field(default=None, max_length=70)


class OrderActionBody(Body):
    type: Literal[
        "CreateSubscription",
        "AddProduct",
        "UpdateProduct",
        "RemoveProduct",
        "ChangePlan",
        "TermsAndConditions",
        "RenewSubscription",
        "CancelSubscription",
        "Suspend",
        "Resume",
        "OwnerTransfer",
    ]
    trigger_dates: list[TriggerDateBody] = Field(default_factory=list)
    change_reason: str | None = Field(default=None, max_length=255)
    custom_fields: dict[str, Any] = Field(default_factory=dict)
    create_subscription: CreateSubscriptionBody | None = None
    add_product: RatePlanBody | None = None
    update_product: UpdateProductBody | None = None
    remove_product: RemoveProductBody | None = None
    change_plan: ChangePlanBody | None = None
    terms_and_conditions: TermsAndConditionsBody | None = None
    renew_subscription: RenewSubscriptionBody | None = None
    cancel_subscription: CancelSubscriptionBody | None = None
    suspend: SuspendBody | None = None
    resume: ResumeBody | None = None
    owner_transfer: OwnerTransferBody | None = None


class SubscriptionBody(Body):
    subscription_number: str | None = None
    order_actions: list[OrderActionBody]
    notes: str | None = Field(default=None, max_length=1000)
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
