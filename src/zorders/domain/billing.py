"""Billing: invoice items and charge metrics of a subscription (periods: ``periods``).

A subscription's suspended stretches are not billed, and a charge still waiting for its
trigger (no start date) is not billed at all (``subscriptions.service_ranges``).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from itertools import accumulate

from zorders.domain import pricing
from zorders.domain.catalog import BillingTiming, ChargeModel, ChargeType
from zorders.domain.errors import not_supported
from zorders.domain.money import ZERO, round_money
from zorders.domain.periods import (
    DAY,
    BillingRules,
    LongPeriodProration,
    MonthProration,
    Part,
    ServicePeriod,
    billed_parts,
    prorate_month,
    resolve_bill_cycle_day,
    scale,
    service_periods,
)
from zorders.domain.subscriptions import RatePlan, RatePlanCharge, Subscription, service_ranges

# Re-exported: callers import the billing vocabulary from here.
__all__ = [
    "BillingRules",
    "ChargeMetrics",
    "InvoiceItem",
    "LongPeriodProration",
    "MonthProration",
    "ProcessingType",
    "ServicePeriod",
    "bill_subscription",
    "charge_metrics",
    "prorate_month",
    "resolve_bill_cycle_day",
    "service_periods",
]


class ProcessingType(StrEnum):
    CHARGE = "Charge"
    DISCOUNT = "Discount"


@dataclass(frozen=True, kw_only=True, slots=True)
class InvoiceItem:
    """One line of a (preview) invoice."""

    subscription_number: str | None
    charge_number: str | None
    charge_name: str
    charge_description: str
    product_name: str
    product_rate_plan_charge_id: str
    service_start_date: date
    #: The item's last day of service (inclusive), as Zuora reports ``serviceEndDate``.
    service_end_date: date
    #: Rounded half up at the currency's minor unit, item by item.
    amount: Decimal
    unit_price: Decimal
    quantity: Decimal | None
    uom: str | None
    processing_type: ProcessingType
    charge_type: ChargeType


@dataclass(frozen=True, kw_only=True, slots=True)
class ChargeMetrics:
    """Preview ``chargeMetrics`` of one charge; the ``*_discount`` values are a discount's."""

    charge_number: str
    product_rate_plan_charge_id: str
    product_rate_plan_id: str
    cmrr: Decimal
    tcv: Decimal
    tcb: Decimal
    cmrr_discount: Decimal = ZERO
    tcv_discount: Decimal = ZERO
    tcb_discount: Decimal = ZERO


# --- invoice items ----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class _Window:
    """What one pass over a subscription bills.

    ``target`` None bills every period (a charge's whole life, for TCV); otherwise what is
    due on ``target``. ``open_until`` cuts open-ended charges (exclusive); ``billed_through``
    maps a charge number to its first day not yet billed.
    """

    target: date | None
    open_until: date | None = None
    billed_through: Mapping[str, date] = field(default_factory=dict)
    exclude: frozenset[ChargeType] = frozenset()


def _is_due(charge: RatePlanCharge, period: ServicePeriod, target: date | None) -> bool:
    if target is None:
        return True
    if charge.billing_timing is BillingTiming.IN_ARREARS:
        return period.end < target
    return period.start <= target


_Line = tuple[RatePlanCharge, InvoiceItem]


class _PlanBiller:
    """Bills one rate plan: its percentage discounts need its other charges' amounts."""

    def __init__(
        self, sub: Subscription, plan: RatePlan, *, account_bill_cycle_day: int, rules: BillingRules
    ) -> None:
        self.sub = sub
        self.plan = plan
        self.account_bill_cycle_day = account_bill_cycle_day
        self.rules = rules

    def _parts(
        self, charge: RatePlanCharge, window: _Window, horizon: date | None
    ) -> Iterator[tuple[Part, Part | None]]:
        weekly = pricing.period_months(charge) is None
        bill_cycle_day = (
            1  # unused: weeks run from the charge start
            if weekly
            else resolve_bill_cycle_day(
                charge,
                account_bill_cycle_day=self.account_bill_cycle_day,
                subscription_start=self.sub.subscription_start_date,
            )
        )
        # Each stretch in service (the charge's life without suspended stretches) is billed
        # like a charge of its own: a resumed stretch starts with a prorated partial period.
        for start, end in service_ranges(charge, self.sub.suspensions):
            yield from billed_parts(
                charge,
                start=start,
                end=end,
                bill_cycle_day=bill_cycle_day,
                rules=self.rules,
                until=window.open_until if end is None else None,
                horizon=horizon,
                billed_from=window.billed_through.get(charge.number),
            )

    def _line(self, charge: RatePlanCharge, period: ServicePeriod, amount: Decimal) -> _Line:
        discount = pricing.is_discount(charge)
        item = InvoiceItem(
            subscription_number=self.sub.number,
            charge_number=charge.number,
            charge_name=charge.name,
            charge_description=charge.description,
            product_name=self.plan.product_name,
            product_rate_plan_charge_id=charge.product_rate_plan_charge_id,
            service_start_date=period.start,
            service_end_date=period.end,
            amount=round_money(amount, charge.currency),
            unit_price=pricing.unit_price(charge),
            quantity=None if discount else pricing.quantity(charge),
            uom=charge.uom,
            processing_type=ProcessingType.DISCOUNT if discount else ProcessingType.CHARGE,
            charge_type=charge.type,
        )
        return charge, item

    def lines(self, window: _Window) -> list[_Line]:
        """Every item of the plan in ``window``, each with the charge it bills."""
        lines: list[_Line] = []
        discounts: list[tuple[RatePlanCharge, Part, Part]] = []
        horizon = window.target
        for charge in self.plan.charges:
            if not pricing.is_discount(charge) or charge.type in window.exclude:
                continue
            if charge.type is not ChargeType.RECURRING:
                raise not_supported(f"The {charge.type.value} discount charge {charge.name!r}")
            for whole, part in self._parts(charge, window, window.target):
                if part is not None and _is_due(charge, part.period, window.target):
                    discounts.append((charge, whole, part))
                    # A discount due now needs the amounts of its whole period.
                    if horizon is not None and whole.period.end > horizon:
                        horizon = whole.period.end
        # (start, amount) of every regular recurring period, for percentage discounts.
        base: list[tuple[date, Decimal]] = []
        for charge in self.plan.charges:
            if pricing.is_discount(charge) or charge.type is ChargeType.USAGE:
                continue
            if charge.type is ChargeType.ONE_TIME:
                lines.extend(self._one_time(charge, window))
                continue
            full = pricing.period_amount(charge)
            for whole, part in self._parts(charge, window, horizon):
                amount = round_money(scale(full, whole.ratio), charge.currency)
                base.append((whole.period.start, amount))
                if part is None or charge.type in window.exclude:
                    continue
                if not _is_due(charge, part.period, window.target):
                    continue
                lines.append(self._line(charge, part.period, scale(full, part.ratio)))
        lines.extend(self._discount_lines(discounts, base))
        return lines

    def _discount_lines(
        self, discounts: list[tuple[RatePlanCharge, Part, Part]], base: list[tuple[date, Decimal]]
    ) -> Iterator[_Line]:
        # A percentage discount takes the plan's other recurring amounts whose period starts
        # within its own; prefix sums over the sorted starts keep that linear-logarithmic.
        base.sort(key=lambda pair: pair[0])
        starts = [start for start, _ in base]
        totals = [ZERO, *accumulate(amount for _, amount in base)]
        for charge, whole, part in discounts:
            if charge.model is ChargeModel.DISCOUNT_FIXED_AMOUNT:
                amount = scale(pricing.fixed_discount(charge), part.ratio)
            else:
                low = bisect.bisect_left(starts, whole.period.start)
                high = bisect.bisect_right(starts, whole.period.end)
                discount = pricing.percentage_discount(charge, totals[high] - totals[low])
                # The discounted amounts are already prorated; only a period split by
                # billed_through scales the discount again.
                amount = scale(discount, part.ratio / whole.ratio)
            yield self._line(charge, part.period, amount)

    def _one_time(self, charge: RatePlanCharge, window: _Window) -> Iterator[_Line]:
        day = charge.effective_start_date
        if day is None or (
            charge.effective_end_date is not None and charge.effective_end_date <= day
        ):
            return  # pending its trigger, or removed before it was due
        if charge.type in window.exclude or (window.target is not None and day > window.target):
            return
        billed_from = window.billed_through.get(charge.number)
        if billed_from is not None and billed_from > day:
            return
        # Billed once, in full, on its start date: one-time charges are never prorated.
        period = ServicePeriod(start=day, end=day, fraction=Decimal(1))
        yield self._line(charge, period, pricing.list_price_amount(charge))


def _sort_key(item: InvoiceItem) -> tuple[date, str, date]:
    return (item.service_start_date, item.charge_number or "", item.service_end_date)


def bill_subscription(
    sub: Subscription,
    *,
    account_bill_cycle_day: int,
    target_date: date,
    rules: BillingRules,
    exclude: frozenset[ChargeType] = frozenset(),
    billed_through: Mapping[str, date] | None = None,
) -> list[InvoiceItem]:
    """Every invoice item of ``sub`` due by ``target_date``.

    In-advance periods are due once they start, in-arrears ones once their last day is
    before ``target_date``; a one-time charge is due on its start date. Usage is never
    billed (Zuora cannot preview usage). ``billed_through`` (charge number → first day not
    yet billed) skips what earlier invoices covered. Items are sorted by service start,
    then charge number.
    """
    window = _Window(target=target_date, billed_through=billed_through or {}, exclude=exclude)
    items = [
        item
        for plan in sub.rate_plans
        for _, item in _PlanBiller(
            sub, plan, account_bill_cycle_day=account_bill_cycle_day, rules=rules
        ).lines(window)
    ]
    items.sort(key=_sort_key)
    return items


# --- charge metrics ---------------------------------------------------------------------


def _cmrr(plan: RatePlan, charge: RatePlanCharge) -> Decimal:
    if charge.type is not ChargeType.RECURRING:
        return ZERO
    if charge.model is ChargeModel.DISCOUNT_PERCENTAGE:
        base = sum(
            (
                pricing.monthly_amount(other)
                for other in plan.charges
                if other.type is ChargeType.RECURRING and not pricing.is_discount(other)
            ),
            ZERO,
        )
        return pricing.percentage_discount(charge, base)
    return pricing.monthly_amount(charge)


def charge_metrics(
    sub: Subscription,
    *,
    account_bill_cycle_day: int,
    thru_date: date,
    rules: BillingRules,
) -> list[ChargeMetrics]:
    """CMRR, TCV and TCB of every charge of ``sub``, in subscription order.

    TCV covers each charge's whole life (an open-ended charge's life is taken to end after
    ``thru_date``); TCB is what :func:`bill_subscription` bills through ``thru_date``.
    Discount charges report under the ``*_discount`` fields.
    """
    life = _Window(target=None, open_until=thru_date + DAY)
    billed = _Window(target=thru_date)
    metrics: list[ChargeMetrics] = []
    for plan in sub.rate_plans:
        biller = _PlanBiller(sub, plan, account_bill_cycle_day=account_bill_cycle_day, rules=rules)
        tcv: dict[int, Decimal] = {}
        tcb: dict[int, Decimal] = {}
        for totals, window in ((tcv, life), (tcb, billed)):
            for charge, item in biller.lines(window):
                totals[id(charge)] = totals.get(id(charge), ZERO) + item.amount
        for charge in plan.charges:
            values = (_cmrr(plan, charge), tcv.get(id(charge), ZERO), tcb.get(id(charge), ZERO))
            discount = pricing.is_discount(charge)
            regular = (ZERO, ZERO, ZERO) if discount else values
            reduction = values if discount else (ZERO, ZERO, ZERO)
            metrics.append(
                ChargeMetrics(
                    charge_number=charge.number,
                    product_rate_plan_charge_id=charge.product_rate_plan_charge_id,
                    product_rate_plan_id=plan.product_rate_plan_id,
                    cmrr=regular[0],
                    tcv=regular[1],
                    tcb=regular[2],
                    cmrr_discount=reduction[0],
                    tcv_discount=reduction[1],
                    tcb_discount=reduction[2],
                )
            )
    return metrics
