"""Subscriptions and their versions: terms, rate plans and subscription-specific charges."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import Enum

from zorders.domain.catalog import (
    BillCycleType,
    BillingPeriod,
    BillingTiming,
    ChargeModel,
    ChargeType,
    EndDateCondition,
    ListPriceBase,
    Tier,
    TriggerEvent,
)
from zorders.domain.dates import PeriodType, add_period


class SubscriptionStatus(Enum):
    PENDING_ACTIVATION = "Pending Activation"
    PENDING_ACCEPTANCE = "Pending Acceptance"
    ACTIVE = "Active"
    CANCELLED = "Cancelled"
    EXPIRED = "Expired"
    SUSPENDED = "Suspended"


class TermType(Enum):
    TERMED = "TERMED"
    EVERGREEN = "EVERGREEN"


class RenewalSetting(Enum):
    RENEW_WITH_SPECIFIC_TERM = "RENEW_WITH_SPECIFIC_TERM"
    RENEW_TO_EVERGREEN = "RENEW_TO_EVERGREEN"


@dataclass(frozen=True, kw_only=True, slots=True)
class TermLength:
    period: int
    period_type: PeriodType

    def end_from(self, start: date) -> date:
        """The day after the term's last day (architecture: ``termEndDate`` convention)."""
        return add_period(start, self.period, self.period_type)


@dataclass(frozen=True, kw_only=True, slots=True)
class Terms:
    term_type: TermType
    initial_term: TermLength | None
    renewal_setting: RenewalSetting = RenewalSetting.RENEW_WITH_SPECIFIC_TERM
    renewal_term: TermLength | None = None
    auto_renew: bool = False


@dataclass(frozen=True, kw_only=True, slots=True)
class RatePlanCharge:
    """A catalog charge copied into a subscription, with the overrides applied."""

    id: str
    number: str
    product_rate_plan_charge_id: str
    name: str
    description: str
    type: ChargeType
    model: ChargeModel
    currency: str
    price: Decimal | None
    quantity: Decimal | None
    tiers: tuple[Tier, ...]
    uom: str | None
    billing_period: BillingPeriod | None
    specific_billing_period: int | None
    billing_timing: BillingTiming
    bill_cycle_type: BillCycleType
    bill_cycle_day: int | None
    list_price_base: ListPriceBase
    trigger_event: TriggerEvent
    end_date_condition: EndDateCondition
    up_to_periods: int | None
    specific_end_date: date | None
    effective_start_date: date
    #: The day after the charge's last day of service; None while open-ended (evergreen).
    effective_end_date: date | None
    discount_percentage: Decimal | None = None
    discount_amount: Decimal | None = None
    segment: int = 1


@dataclass(frozen=True, kw_only=True, slots=True)
class RatePlan:
    id: str
    product_id: str
    product_name: str
    product_sku: str
    product_rate_plan_id: str
    product_rate_plan_number: str
    name: str
    charges: tuple[RatePlanCharge, ...]
    unique_token: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Subscription:
    """One version of a subscription; amendments write a new version."""

    id: str
    number: str
    version: int
    account_id: str
    account_number: str
    invoice_owner_account_id: str
    invoice_owner_account_number: str
    status: SubscriptionStatus
    terms: Terms
    currency: str
    contract_effective_date: date
    service_activation_date: date | None
    customer_acceptance_date: date | None
    subscription_start_date: date
    term_start_date: date
    #: The day after the current term's last day; None for evergreen.
    term_end_date: date | None
    rate_plans: tuple[RatePlan, ...]
    order_number: str
    invoice_separately: bool = False
    notes: str | None = None
    custom_fields: dict[str, object] = field(default_factory=dict)
    created_at: str = ""

    @property
    def subscription_end_date(self) -> date | None:
        return self.term_end_date

    @property
    def charges(self) -> tuple[RatePlanCharge, ...]:
        return tuple(c for plan in self.rate_plans for c in plan.charges)

    def next_version(self, *, id: str, order_number: str, **changes: object) -> Subscription:
        """A new version of this subscription carrying ``changes``."""
        return replace(self, id=id, version=self.version + 1, order_number=order_number, **changes)  # type: ignore[arg-type]
