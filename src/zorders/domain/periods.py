"""Service periods and proration: a charge's billing periods and the share of each billed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum
from fractions import Fraction

from zorders.domain import pricing
from zorders.domain.catalog import BillCycleType, ChargeModel, ChargeType
from zorders.domain.dates import add_months, days_in_month
from zorders.domain.errors import InvalidValue, Resource
from zorders.domain.subscriptions import RatePlanCharge

_ONE = Fraction(1)
_ZERO = Fraction(0)
_WEEK = timedelta(days=7)
DAY = timedelta(days=1)


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
        day = (charge.effective_start_date or subscription_start).day
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


def _spans(
    charge: RatePlanCharge,
    *,
    start: date,
    end: date | None,
    bill_cycle_day: int,
    until: date | None,
) -> Iterator[_Span]:
    """The periods of the charge's stretch ``[start, end)`` in service, lazily, cut at
    ``end`` and at ``until`` (both exclusive)."""
    limit = end
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


def scale(amount: Decimal, ratio: Fraction) -> Decimal:
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
                low, high - DAY, month_days=month_days, rule=rules.month_proration
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
class Part:
    """A billed period and its exact share of a full period."""

    period: ServicePeriod
    ratio: Fraction


def _part(start: date, stop: date, span: _Span, rules: BillingRules, always: bool) -> Part | None:
    ratio = _ratio(start, stop, span, rules, always)
    if not ratio:
        return None
    period = ServicePeriod(start=start, end=stop - DAY, fraction=_decimal(ratio))
    return Part(period=period, ratio=ratio)


def always_prorated(charge: RatePlanCharge) -> bool:
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
    start = charge.effective_start_date
    if start is None:
        return []  # pending its trigger: no periods yet
    always = always_prorated(charge)
    parts = (
        _part(span.start, span.stop, span, rules, always)
        for span in _spans(
            charge,
            start=start,
            end=charge.effective_end_date,
            bill_cycle_day=bill_cycle_day,
            until=until,
        )
    )
    return [part.period for part in parts if part is not None]


def billed_parts(
    charge: RatePlanCharge,
    *,
    start: date,
    end: date | None,
    bill_cycle_day: int,
    rules: BillingRules,
    until: date | None,
    horizon: date | None,
    billed_from: date | None,
) -> Iterator[tuple[Part, Part | None]]:
    """Each billed period of the charge's stretch ``[start, end)`` starting by ``horizon``,
    with the part of it not yet billed (None when ``billed_from`` shows an earlier invoice
    covered all of it)."""
    always = always_prorated(charge)
    spans = _spans(charge, start=start, end=end, bill_cycle_day=bill_cycle_day, until=until)
    for span in spans:
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
