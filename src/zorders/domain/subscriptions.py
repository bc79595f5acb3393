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


class RatePlanChange(Enum):
    """A rate plan's ``lastChangeType`` in Zuora's subscription read."""

    ADD = "Add"
    UPDATE = "Update"
    REMOVE = "Remove"


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
    #: None while the charge waits for its trigger (a ServiceActivation or CustomerAcceptance
    #: date the order did not give): it has no start yet and is not billed.
    effective_start_date: date | None
    #: The day after the charge's last day of service; None while open-ended (evergreen).
    effective_end_date: date | None
    discount_percentage: Decimal | None = None
    discount_amount: Decimal | None = None
    #: Segments of one charge share its number; an update from a date starts segment + 1.
    segment: int = 1
    #: The id of the charge's first segment (Zuora's ``originalChargeId``); None on it.
    original_id: str | None = None

    @property
    def pending(self) -> bool:
        return self.effective_start_date is None

    def active_on(self, day: date) -> bool:
        """In service on ``day``: started on or before it and not ended by it."""
        start = self.effective_start_date
        end = self.effective_end_date
        return start is not None and start <= day and (end is None or day < end)


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
    last_change_type: RatePlanChange = RatePlanChange.ADD


@dataclass(frozen=True, kw_only=True, slots=True)
class Suspension:
    """A suspended stretch ``[start, end)``: billing skips it. ``end`` is the resume date,
    None while the subscription is still suspended."""

    start: date
    end: date | None = None

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


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
    #: The current term's length: the initial term until a renewal sets the renewal term.
    current_term: TermLength | None = None
    payment_term: str | None = None
    #: Suspended stretches, oldest first; the last is open while Suspended.
    suspensions: tuple[Suspension, ...] = ()
    #: The cancellation effective date, once cancelled.
    cancelled_date: date | None = None

    @property
    def subscription_end_date(self) -> date | None:
        """A cancelled subscription ends on its cancellation date, else with its term."""
        return self.cancelled_date or self.term_end_date

    @property
    def term(self) -> TermLength | None:
        """The current term's length (``currentTerm``)."""
        if self.terms.term_type is TermType.EVERGREEN:
            return None
        return self.current_term or self.terms.initial_term

    @property
    def charges(self) -> tuple[RatePlanCharge, ...]:
        return tuple(c for plan in self.rate_plans for c in plan.charges)

    def next_version(self, *, id: str, order_number: str, **changes: object) -> Subscription:
        """A new version of this subscription carrying ``changes``."""
        return replace(self, id=id, version=self.version + 1, order_number=order_number, **changes)  # type: ignore[arg-type]


def service_ranges(
    charge: RatePlanCharge, suspensions: tuple[Suspension, ...]
) -> list[tuple[date, date | None]]:
    """The stretches ``[start, end)`` a charge is in service: its life without the suspended
    ones. A pending charge (no start yet) has none; ``end`` None is open-ended."""
    start = charge.effective_start_date
    if start is None:
        return []
    end = charge.effective_end_date
    ranges: list[tuple[date, date | None]] = []
    cursor = start
    for gap in sorted(suspensions, key=lambda s: s.start):
        if end is not None and gap.start >= end:
            break
        if gap.end is not None and gap.end <= cursor:
            continue
        if gap.start > cursor:
            ranges.append((cursor, gap.start))
        if gap.end is None:
            return ranges
        cursor = max(cursor, gap.end)
    if end is None or cursor < end:
        ranges.append((cursor, end))
    return ranges
