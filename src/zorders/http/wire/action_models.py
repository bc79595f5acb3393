"""Request bodies of ``subscriptions[]`` and their order actions (facts §4; SDK names)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field

from zorders.http.wire.base_models import Body

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


class ClearingFlagsBody(Body):
    """The ``clearingExisting*`` flags the official SDK always sends (``false``): they clear
    subscription-level billing attributes (Flexible Billing), which zorders does not keep."""

    clearing_existing_bill_to_contact: bool = False
    clearing_existing_invoice_template: bool = False
    clearing_existing_payment_term: bool = False
    clearing_existing_sequence_set: bool = False
    clearing_existing_sold_to_contact: bool = False
    clearing_existing_invoice_group_number: bool = False


class TermsAndConditionsBody(ClearingFlagsBody):
    auto_renew: bool | None = None
    renewal_setting: Literal["RENEW_WITH_SPECIFIC_TERM", "RENEW_TO_EVERGREEN"] | None = None
    renewal_terms: list[RenewalTermBody] | None = Field(default=None, max_length=1)
    last_term: LastTermBody | None = None
    invoice_separately: bool | None = None
    payment_term: str | None = Field(default=None, max_length=100)


class RenewSubscriptionBody(ClearingFlagsBody):
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


class OwnerTransferBody(ClearingFlagsBody):
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
