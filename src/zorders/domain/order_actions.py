"""Order requests and one frozen class per order action, in domain terms (no JSON names)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

from zorders.domain.accounts import AccountDraft
from zorders.domain.catalog import (
    BillCycleType,
    BillingPeriod,
    BillingTiming,
    ChargeType,
    Tier,
    TriggerEvent,
)
from zorders.domain.dates import PeriodType
from zorders.domain.line_items import LineItemDraft
from zorders.domain.subscriptions import RenewalSetting, TermLength, Terms, TermType


class OrderCategory(Enum):
    NEW_SALES = "NewSales"
    RETURN = "Return"


class PreviewThruType(Enum):
    TERM_END = "TermEnd"
    SPECIFIC_DATE = "SpecificDate"
    NUMBER_OF_PERIODS = "NumberOfPeriods"


class PreviewType(Enum):
    CHARGE_METRICS = "ChargeMetrics"
    BILLING_DOCS = "BillingDocs"
    ORDER_DELTA_METRICS = "OrderDeltaMetrics"
    ORDER_METRICS = "OrderMetrics"
    RAMP_METRICS = "RampMetrics"
    RAMP_DELTA_METRICS = "RampDeltaMetrics"
    FUNDS = "Funds"


@dataclass(frozen=True, kw_only=True, slots=True)
class TriggerDates:
    contract_effective: date | None = None
    service_activation: date | None = None
    customer_acceptance: date | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ChargeOverride:
    product_rate_plan_charge_id: str
    quantity: Decimal | None = None
    list_price: Decimal | None = None
    tiers: tuple[Tier, ...] | None = None
    description: str | None = None
    bill_cycle_day: int | None = None
    bill_cycle_type: BillCycleType | None = None
    billing_period: BillingPeriod | None = None
    specific_billing_period: int | None = None
    billing_timing: BillingTiming | None = None
    #: Override of the charge's end: a number of billing periods, or a specific date.
    up_to_periods: int | None = None
    specific_end_date: date | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class SubscribeToRatePlan:
    product_rate_plan_id: str | None = None
    product_rate_plan_number: str | None = None
    charge_overrides: tuple[ChargeOverride, ...] = ()
    unique_token: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class OrderAction:
    """Fields every action has; ``echo`` is the client's action as sent, returned by reads."""

    trigger_dates: TriggerDates = TriggerDates()
    change_reason: str | None = None
    echo: dict[str, Any] = field(default_factory=dict)

    @property
    def type_name(self) -> str:
        return type(self).__name__


@dataclass(frozen=True, kw_only=True, slots=True)
class CreateSubscription(OrderAction):
    terms: Terms
    rate_plans: tuple[SubscribeToRatePlan, ...]
    subscription_number: str | None = None
    owner_account_number: str | None = None
    invoice_owner_account_number: str | None = None
    invoice_separately: bool = False
    notes: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class RatePlanRef:
    """How an action names a rate plan already on the subscription (at least one key)."""

    rate_plan_id: str | None = None
    product_rate_plan_id: str | None = None
    product_rate_plan_number: str | None = None
    unique_token: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ChargeUpdate:
    """One ``chargeUpdates[]`` entry of an UpdateProduct: new values from a date."""

    charge_number: str | None = None
    product_rate_plan_charge_id: str | None = None
    quantity: Decimal | None = None
    list_price: Decimal | None = None
    tiers: tuple[Tier, ...] | None = None
    description: str | None = None
    #: ``effectiveDate.triggerEvent``; None: the action's ContractEffective date.
    trigger_event: TriggerEvent | None = None
    #: ``effectiveDate.specificTriggerDate`` (``triggerEvent: SpecificDate``).
    specific_date: date | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class AddProduct(OrderAction):
    rate_plan: SubscribeToRatePlan


@dataclass(frozen=True, kw_only=True, slots=True)
class UpdateProduct(OrderAction):
    rate_plan: RatePlanRef
    charge_updates: tuple[ChargeUpdate, ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class RemoveProduct(OrderAction):
    rate_plan: RatePlanRef


class ChangePlanPolicy(Enum):
    EFFECTIVE_IMMEDIATELY = "EffectiveImmediately"
    END_OF_BILLING_PERIOD = "EffectiveEndOfBillingPeriod"
    SPECIFIC_DATE = "SpecificDate"


@dataclass(frozen=True, kw_only=True, slots=True)
class ChangePlan(OrderAction):
    rate_plan: RatePlanRef
    new_plan: SubscribeToRatePlan
    policy: ChangePlanPolicy = ChangePlanPolicy.EFFECTIVE_IMMEDIATELY
    #: Upgrade, Downgrade, Crossgrade or PlanChanged: informational, echoed.
    sub_type: str | None = None
    reset_bcd: bool = False


@dataclass(frozen=True, kw_only=True, slots=True)
class LastTerm:
    """``termsAndConditions.lastTerm``: the current term's type and length."""

    term_type: TermType
    length: TermLength | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class TermsAndConditions(OrderAction):
    """Only what is given changes."""

    auto_renew: bool | None = None
    renewal_setting: RenewalSetting | None = None
    renewal_term: TermLength | None = None
    last_term: LastTerm | None = None
    invoice_separately: bool | None = None
    payment_term: str | None = None
    #: ``clearingExistingPaymentTerm``: the subscription falls back to the account's term.
    clear_payment_term: bool = False


@dataclass(frozen=True, kw_only=True, slots=True)
class RenewSubscription(OrderAction):
    pass


class CancellationPolicy(Enum):
    END_OF_CURRENT_TERM = "EndOfCurrentTerm"
    END_OF_LAST_INVOICE_PERIOD = "EndOfLastInvoicePeriod"
    SPECIFIC_DATE = "SpecificDate"


@dataclass(frozen=True, kw_only=True, slots=True)
class CancelSubscription(OrderAction):
    policy: CancellationPolicy
    effective_date: date | None = None


class SuspendPolicy(Enum):
    TODAY = "Today"
    END_OF_LAST_INVOICE_PERIOD = "EndOfLastInvoicePeriod"
    FIXED_PERIODS_FROM_TODAY = "FixedPeriodsFromToday"
    SPECIFIC_DATE = "SpecificDate"


@dataclass(frozen=True, kw_only=True, slots=True)
class Periods:
    """A count of days, weeks, months or years (``suspendPeriods`` + ``suspendPeriodsType``)."""

    count: int
    unit: PeriodType


@dataclass(frozen=True, kw_only=True, slots=True)
class Suspend(OrderAction):
    policy: SuspendPolicy
    periods: Periods | None = None
    specific_date: date | None = None


class ResumePolicy(Enum):
    TODAY = "Today"
    FIXED_PERIODS_FROM_SUSPEND_DATE = "FixedPeriodsFromSuspendDate"
    FIXED_PERIODS_FROM_TODAY = "FixedPeriodsFromToday"
    SPECIFIC_DATE = "SpecificDate"
    SUSPEND_DATE = "SuspendDate"


@dataclass(frozen=True, kw_only=True, slots=True)
class Resume(OrderAction):
    policy: ResumePolicy
    periods: Periods | None = None
    specific_date: date | None = None
    extends_term: bool = False


@dataclass(frozen=True, kw_only=True, slots=True)
class OwnerTransfer(OrderAction):
    destination_account_number: str | None = None
    destination_invoice_account_number: str | None = None


Amendment = (
    AddProduct
    | UpdateProduct
    | RemoveProduct
    | ChangePlan
    | TermsAndConditions
    | RenewSubscription
    | CancelSubscription
    | Suspend
    | Resume
    | OwnerTransfer
)
Action = CreateSubscription | Amendment


@dataclass(frozen=True, kw_only=True, slots=True)
class SubscriptionChange:
    """One ``subscriptions[]`` entry: a new subscription (no number) or an amended one."""

    subscription_number: str | None
    actions: tuple[Action, ...]
    notes: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ProcessingOptions:
    run_billing: bool = False
    collect_payment: bool = False
    #: Bill through this date (Zuora's default: today).
    target_date: date | None = None
    #: The invoice date (Zuora's default: today).
    document_date: date | None = None
    charge_types_to_exclude: tuple[ChargeType, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class PreviewOptions:
    thru_type: PreviewThruType
    preview_types: tuple[PreviewType, ...]
    specific_thru_date: date | None = None
    number_of_periods: int | None = None
    charge_types_to_exclude: tuple[ChargeType, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class PreviewAccount:
    """``previewAccountInfo``: the account a preview bills when there is none yet."""

    currency: str
    bill_cycle_day: int


@dataclass(frozen=True, kw_only=True, slots=True)
class OrderRequest:
    """A create or preview order, as the engine executes it."""

    order_date: date
    subscriptions: tuple[SubscriptionChange, ...]
    existing_account_number: str | None = None
    new_account: AccountDraft | None = None
    order_number: str | None = None
    category: OrderCategory = OrderCategory.NEW_SALES
    description: str | None = None
    reason_code: str | None = None
    custom_fields: dict[str, Any] = field(default_factory=dict)
    processing: ProcessingOptions = ProcessingOptions()
    preview: PreviewOptions | None = None
    preview_account: PreviewAccount | None = None
    return_ids: bool = False
    #: ``orderLineItems``: non-subscription items.
    line_items: tuple[LineItemDraft, ...] = ()
