"""Billing: service periods, proration, invoice items and charge metrics of a subscription."""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum, StrEnum
from fractions import Fraction
from itertools import accumulate

from zorders.domain import pricing
from zorders.domain.catalog import BillCycleType, BillingTiming, ChargeModel, ChargeType
from zorders.domain.dates import add_months, days_in_month
from zorders.domain.errors import InvalidValue, Resource, not_supported
from zorders.domain.money import ZERO, round_money
from zorders.domain.subscriptions import RatePlan, RatePlanCharge, Subscription

_ONE = Fraction(1)
_ZERO = Fraction(0)
_WEEK = timedelta(days=7)
_DAY = timedelta(days=1)


class MonthProration(Enum):
    """Zuora's rule "When prorating a month, assume 30 days in a month or use actual days?"."""

    ACTUAL_DAYS = "ActualDays"
    ACTUAL_360 = "Actual360"
    STRICT_30_360 = "Strict30360"


class LongPeriodProration(Enum):
    """Zuora's rule "When prorating periods greater than a month, by month first or by day?"."""

    BY_MONTH_FIRST = "ByMonthFirst"
    BY_DAY = "ByDay"


@dataclass(frozen=True, kw_only=True, slots=True)
class BillingRules:
    """A tenant's proration settings (Billing > Define Billing Rules); defaults are Zuora's."""

    bill_partial_month: bool = True
    month_proration: MonthProration = MonthProration.ACTUAL_DAYS
    prorate_partial_long_periods: bool = True
    long_period_proration: LongPeriodProration = LongPeriodProration.BY_MONTH_FIRST


@dataclass(frozen=True, kw_only=True, slots=True)
class ServicePeriod:
    """One billing period of a charge; ``end`` is its last day (invoice ``serviceEndDate``)."""

    start: date
    end: date
    #: Share of a full billing period: 1 for a full period, less for a prorated one.
    fraction: Decimal


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


# --- bill cycle day and the period grid -------------------------------------------------


def resolve_bill_cycle_day(
    charge: RatePlanCharge, *, account_bill_cycle_day: int, subscription_start: date
) -> int:
    """The day of month the charge's periods start on (1–31; short months clamp it)."""
    cycle = charge.bill_cycle_type
    if cycle is BillCycleType.DEFAULT_FROM_CUSTOMER:
        # billCycleDay 0 is Zuora's "auto-set": the first subscription's start day.
        day = account_bill_cycle_day or subscription_start.day
    elif cycle is BillCycleType.SUBSCRIPTION_START_DAY:
        day = subscription_start.day
    elif cycle is BillCycleType.CHARGE_TRIGGER_DAY:
        day = charge.effective_start_date.day
    elif charge.bill_cycle_day is None:
        raise InvalidValue(
            f'Charge "{charge.name}" bills on a specific day of month but has no bill cycle day.',
            resource=Resource.SUBSCRIPTION,
        )
    else:
        day = charge.bill_cycle_day
    if not 1 <= day <= 31:
        raise InvalidValue(
            f"Bill cycle day {day} is not between 1 and 31.", resource=Resource.SUBSCRIPTION
        )
    return day


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _grid(index: int, bill_cycle_day: int) -> date:
    """The bill cycle day of month ``index``, clamped (BCD 31 in February is the 28th/29th).

    Computed from the month index, never by stepping from the previous date, so a clamp
    in February does not drag every later period to the 28th.
    """
    year, month0 = divmod(index, 12)
    return date(year, month0 + 1, min(bill_cycle_day, days_in_month(year, month0 + 1)))


@dataclass(frozen=True, kw_only=True, slots=True)
class _Span:
    """A period [start, stop) inside its full billing period [full_start, full_stop)."""

    start: date
    stop: date
    full_start: date
    full_stop: date
    #: Months in the billing period (None for weeks), and full_start's month index.
    months: int | None
    index: int
    bill_cycle_day: int


def _spans(charge: RatePlanCharge, *, bill_cycle_day: int, until: date | None) -> Iterator[_Span]:
    """The charge's periods, lazily, cut at its end date and at ``until`` (both exclusive)."""
    start = charge.effective_start_date
    limit = charge.effective_end_date
    if until is not None and (limit is None or until < limit):
        limit = until
    months = pricing.period_months(charge)
    # A month-based full period begins on the last bill cycle date on or before the start,
    # so a mid-cycle start gives a partial first period ending where the cycle does
    # (Zuora's "align to charge": Jan 16, quarterly, BCD 1 → Jan 16–Mar 31). Week-based
    # periods run seven days from the charge start (no weekly bill cycle day).
    index = _month_index(start)
    if months is not None and _grid(index, bill_cycle_day) > start:
        index -= 1
    full_start = start if months is None else _grid(index, bill_cycle_day)
    while True:
        if months is None:
            full_stop = full_start + _WEEK
        else:
            full_stop = _grid(index + months, bill_cycle_day)
        period_start = max(start, full_start)
        if limit is not None and period_start >= limit:
            return
        yield _Span(
            start=period_start,
            stop=full_stop if limit is None else min(full_stop, limit),
            full_start=full_start,
            full_stop=full_stop,
            months=months,
            index=index,
            bill_cycle_day=bill_cycle_day,
        )
        index += months or 0
        full_start = full_stop


# --- proration --------------------------------------------------------------------------
# Ratios stay exact (Fraction) until an amount is rounded: a Decimal share like 26/31 is
# already rounded, and could tip an exact half-cent (5.9675 × 26/31 = 5.005) the wrong way.


def _day_360(day: date) -> int:
    """Day of month on a 30-day calendar: a month's last day (and the 31st) is day 30."""
    if day.day >= 30 or day.day == days_in_month(day.year, day.month):
        return 30
    return day.day


def _month_ratio(start: date, end: date, *, month_days: int, rule: MonthProration) -> Fraction:
    if rule is MonthProration.STRICT_30_360:
        # Every month counts 30 days, both ends inclusive (Zuora "Prorating - 30 days or
        # actual days": Jan 27–31 is 4/30, Feb 27–28 is 4/30, Feb 1–29 is 30/30).
        days = (
            360 * (end.year - start.year)
            + 30 * (end.month - start.month)
            + _day_360(end)
            - _day_360(start)
            + 1
        )
    else:
        days = (end - start).days + 1
    # At most 30/30: under the 30-day rules, 30 days of a 31-day month bill a whole month.
    return Fraction(days, month_days if rule is MonthProration.ACTUAL_DAYS else 30)


def prorate_month(start: date, end: date, *, month_days: int, rule: MonthProration) -> Decimal:
    """Share of a month billed for its days ``start``..``end`` (inclusive).

    ``month_days`` is the length of the month-long cycle the days fall in (the calendar
    month when the bill cycle day is 1).
    """
    return _decimal(_month_ratio(start, end, month_days=month_days, rule=rule))


def _decimal(ratio: Fraction) -> Decimal:
    return Decimal(ratio.numerator) / Decimal(ratio.denominator)


def _scale(amount: Decimal, ratio: Fraction) -> Decimal:
    """``amount`` × ``ratio`` with a single division, so only the final rounding counts."""
    return amount * ratio.numerator / ratio.denominator


def _ratio(start: date, stop: date, span: _Span, rules: BillingRules, always: bool) -> Fraction:
    """Share of ``span``'s full period billed for [start, stop) under ``rules``.

    ``always`` marks a fixed-amount discount, which Zuora always prorates ("Billing Rules –
    Proration": the partial-period rule "is not applied to the Discount - Fixed Amount").
    """
    if start == span.full_start and stop == span.full_stop:
        return _ONE
    days = (stop - start).days
    if span.months is None:
        # Weekly periods prorate by day; the partial-month rules are for month-based ones.
        return Fraction(days, 7)
    if not rules.bill_partial_month and stop < add_months(start, 1):
        return _ZERO
    whole_months = 0
    partial = _ZERO
    for index in range(span.index, span.index + span.months):
        month_start = _grid(index, span.bill_cycle_day)
        month_stop = _grid(index + 1, span.bill_cycle_day)
        low, high = max(start, month_start), min(stop, month_stop)
        if low >= high:
            continue
        if low == month_start and high == month_stop:
            whole_months += 1
        else:
            month_days = (month_stop - month_start).days
            partial += _month_ratio(
                low, high - _DAY, month_days=month_days, rule=rules.month_proration
            )
    if span.months == 1:
        return partial
    if not rules.prorate_partial_long_periods and not always:
        # "Prorate recurring charges for partial period? No": a partial quarter, half year
        # or year is billed as a full one.
        return _ONE
    if rules.long_period_proration is LongPeriodProration.BY_DAY:
        return Fraction(days, (span.full_stop - span.full_start).days)
    if not rules.bill_partial_month:
        # By month first, the leftover days are a partial month, billed only if those are.
        partial = _ZERO
    return (whole_months + partial) / span.months


@dataclass(frozen=True, kw_only=True, slots=True)
class _Part:
    """A billed period and its exact share of a full period."""

    period: ServicePeriod
    ratio: Fraction


def _part(start: date, stop: date, span: _Span, rules: BillingRules, always: bool) -> _Part | None:
    ratio = _ratio(start, stop, span, rules, always)
    if not ratio:
        return None
    period = ServicePeriod(start=start, end=stop - _DAY, fraction=_decimal(ratio))
    return _Part(period=period, ratio=ratio)


def _always_prorated(charge: RatePlanCharge) -> bool:
    return charge.model is ChargeModel.DISCOUNT_FIXED_AMOUNT


def service_periods(
    charge: RatePlanCharge, *, bill_cycle_day: int, until: date, rules: BillingRules
) -> list[ServicePeriod]:
    """The billing periods of a recurring charge from its start to min(its end, ``until``).

    Both ends are exclusive. Periods not billed under ``rules`` (a partial month when
    partial months are not billed) are left out.
    """
    if charge.type is not ChargeType.RECURRING:
        raise InvalidValue(
            f'Charge "{charge.name}" is not recurring and has no billing periods.',
            resource=Resource.SUBSCRIPTION,
        )
    always = _always_prorated(charge)
    parts = (
        _part(span.start, span.stop, span, rules, always)
        for span in _spans(charge, bill_cycle_day=bill_cycle_day, until=until)
    )
    return [part.period for part in parts if part is not None]


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


def _parts(
    charge: RatePlanCharge,
    *,
    bill_cycle_day: int,
    rules: BillingRules,
    until: date | None,
    horizon: date | None,
    billed_from: date | None,
) -> Iterator[tuple[_Part, _Part | None]]:
    """Each billed period of the charge starting by ``horizon``, with the part of it not
    yet billed (None when ``billed_from`` shows an earlier invoice covered all of it)."""
    always = _always_prorated(charge)
    for span in _spans(charge, bill_cycle_day=bill_cycle_day, until=until):
        if horizon is not None and span.start > horizon:
            return
        whole = _part(span.start, span.stop, span, rules, always)
        if whole is None:
            continue
        if billed_from is None or billed_from <= span.start:
            yield whole, whole
        elif billed_from >= span.stop:
            yield whole, None
        else:
            # An earlier invoice stopped inside this period: the rest is a partial period.
            yield whole, _part(billed_from, span.stop, span, rules, always)


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
    ) -> Iterator[tuple[_Part, _Part | None]]:
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
        return _parts(
            charge,
            bill_cycle_day=bill_cycle_day,
            rules=self.rules,
            until=window.open_until if charge.effective_end_date is None else None,
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
        discounts: list[tuple[RatePlanCharge, _Part, _Part]] = []
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
                amount = round_money(_scale(full, whole.ratio), charge.currency)
                base.append((whole.period.start, amount))
                if part is None or charge.type in window.exclude:
                    continue
                if not _is_due(charge, part.period, window.target):
                    continue
                lines.append(self._line(charge, part.period, _scale(full, part.ratio)))
        lines.extend(self._discount_lines(discounts, base))
        return lines

    def _discount_lines(
        self, discounts: list[tuple[RatePlanCharge, _Part, _Part]], base: list[tuple[date, Decimal]]
    ) -> Iterator[_Line]:
        # A percentage discount takes the plan's other recurring amounts whose period starts
        # within its own; prefix sums over the sorted starts keep that linear-logarithmic.
        base.sort(key=lambda pair: pair[0])
        starts = [start for start, _ in base]
        totals = [ZERO, *accumulate(amount for _, amount in base)]
        for charge, whole, part in discounts:
            if charge.model is ChargeModel.DISCOUNT_FIXED_AMOUNT:
                amount = _scale(pricing.fixed_discount(charge), part.ratio)
            else:
                low = bisect.bisect_left(starts, whole.period.start)
                high = bisect.bisect_right(starts, whole.period.end)
                discount = pricing.percentage_discount(charge, totals[high] - totals[low])
                # The discounted amounts are already prorated; only a period split by
                # billed_through scales the discount again.
                amount = _scale(discount, part.ratio / whole.ratio)
            yield self._line(charge, part.period, amount)

    def _one_time(self, charge: RatePlanCharge, window: _Window) -> Iterator[_Line]:
        day = charge.effective_start_date
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
    life = _Window(target=None, open_until=thru_date + _DAY)
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
