"""Billing properties over random terms: invoices, TCB and TCV agree; split runs add up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.domain import billing_builders as builders
from zorders.domain import pricing
from zorders.domain.billing import (
    BillingRules,
    LongPeriodProration,
    MonthProration,
    bill_subscription,
    charge_metrics,
    service_periods,
)
from zorders.domain.catalog import (
    BillingPeriod,
    BillingTiming,
)
from zorders.domain.dates import add_months
from zorders.domain.money import round_money
from zorders.domain.subscriptions import (
    RatePlanCharge,
    Subscription,
)

D = Decimal
PROPERTY = settings(max_examples=200, deadline=None, database=None)
PERIODS = (BillingPeriod.MONTH, BillingPeriod.QUARTER, BillingPeriod.ANNUAL)


def charge(
    number: int,
    *,
    start: date,
    end: date,
    period: BillingPeriod,
    timing: BillingTiming,
    price: Decimal,
) -> RatePlanCharge:
    return builders.charge(
        number,
        effective_start_date=start,
        effective_end_date=end,
        billing_period=period,
        billing_timing=timing,
        price=price,
    )


def subscription(charges: tuple[RatePlanCharge, ...], *, start: date, end: date) -> Subscription:
    assert start == min(c.effective_start_date for c in charges)  # type: ignore[type-var]
    return builders.subscription(*charges, term_end=end)


@dataclass(frozen=True, kw_only=True, slots=True)
class Term:
    sub: Subscription
    start: date
    end: date
    bill_cycle_day: int
    rules: BillingRules


prices = st.decimals(min_value=D("0.01"), max_value=D(100_000), places=2)
any_rules = st.builds(
    BillingRules,
    bill_partial_month=st.booleans(),
    month_proration=st.sampled_from(MonthProration),
    prorate_partial_long_periods=st.booleans(),
    long_period_proration=st.sampled_from(LongPeriodProration),
)
#: Rules under which a period split in two prorates to the same total (see docs/billing.md:
#: 30-day months do not add up when a 31-day month is split, nor do unbilled partials).
additive_rules = st.builds(BillingRules, long_period_proration=st.sampled_from(LongPeriodProration))


@st.composite
def terms(draw: st.DrawFn, rules: st.SearchStrategy[BillingRules] = any_rules) -> Term:
    start = draw(st.dates(min_value=date(2019, 1, 1), max_value=date(2032, 12, 31)))
    end = add_months(start, draw(st.integers(min_value=1, max_value=36)))
    charges = tuple(
        charge(
            number,
            start=start,
            end=end,
            period=draw(st.sampled_from(PERIODS)),
            timing=draw(st.sampled_from(BillingTiming)),
            price=draw(prices),
        )
        for number in range(1, draw(st.integers(min_value=1, max_value=3)) + 1)
    )
    return Term(
        sub=subscription(charges, start=start, end=end),
        start=start,
        end=end,
        bill_cycle_day=draw(st.integers(min_value=1, max_value=31)),
        rules=draw(rules),
    )


def total(items: list[Decimal]) -> Decimal:
    return sum(items, D(0))


@PROPERTY
@given(terms())
def test_invoices_through_the_term_end_total_the_tcb(term: Term) -> None:
    items = bill_subscription(
        term.sub,
        account_bill_cycle_day=term.bill_cycle_day,
        target_date=term.end,
        rules=term.rules,
    )
    metrics = charge_metrics(
        term.sub, account_bill_cycle_day=term.bill_cycle_day, thru_date=term.end, rules=term.rules
    )
    assert total([i.amount for i in items]) == total([m.tcb for m in metrics])
    # Through the term end everything is billed, so TCB is the whole TCV.
    assert [m.tcb for m in metrics] == [m.tcv for m in metrics]


@PROPERTY
@given(terms(), st.data())
def test_billing_in_two_runs_bills_the_same_as_one(term: Term, data: st.DataObject) -> None:
    days = (term.end - term.start).days
    middle = term.start + timedelta(days=data.draw(st.integers(min_value=0, max_value=days)))
    run = {"account_bill_cycle_day": term.bill_cycle_day, "rules": term.rules}
    once = bill_subscription(term.sub, target_date=term.end, **run)  # type: ignore[arg-type]
    first = bill_subscription(term.sub, target_date=middle, **run)  # type: ignore[arg-type]
    billed_through: dict[str, date] = {}
    for item in first:
        assert item.charge_number is not None
        following = item.service_end_date + timedelta(days=1)
        billed_through[item.charge_number] = max(
            following, billed_through.get(item.charge_number, following)
        )
    second = bill_subscription(
        term.sub,
        target_date=term.end,
        billed_through=billed_through,
        **run,  # type: ignore[arg-type]
    )
    # Whole periods were billed first, so nothing is split and the items are the same.
    assert sorted(first + second, key=repr) == sorted(once, key=repr)


@PROPERTY
@given(terms(additive_rules), st.data())
def test_a_period_split_by_billed_through_adds_up_within_rounding(
    term: Term, data: st.DataObject
) -> None:
    days = (term.end - term.start).days
    cut = term.start + timedelta(days=data.draw(st.integers(min_value=0, max_value=days)))
    # What earlier invoices covered: every period up to ``cut``, the last one cut short.
    earlier = D(0)
    for priced in term.sub.charges:
        full = pricing.period_amount(priced)
        periods = service_periods(
            priced, bill_cycle_day=term.bill_cycle_day, until=cut, rules=term.rules
        )
        earlier += total([round_money(full * p.fraction, priced.currency) for p in periods])
    later = bill_subscription(
        term.sub,
        account_bill_cycle_day=term.bill_cycle_day,
        target_date=term.end,
        rules=term.rules,
        billed_through={c.number: cut for c in term.sub.charges},
    )
    once = bill_subscription(
        term.sub,
        account_bill_cycle_day=term.bill_cycle_day,
        target_date=term.end,
        rules=term.rules,
    )
    # At most one period per charge is split in two, each half rounded on its own.
    tolerance = D("0.01") * len(term.sub.charges)
    assert abs(earlier + total([i.amount for i in later]) - total([i.amount for i in once])) <= (
        tolerance
    )


@PROPERTY
@given(
    st.integers(min_value=2019, max_value=2032),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=1, max_value=31),
    st.sampled_from(PERIODS),
    st.integers(min_value=1, max_value=6),
    st.sampled_from(BillingTiming),
    prices,
    any_rules,
)
def test_an_aligned_term_is_worth_price_times_periods(
    year: int,
    month: int,
    bill_cycle_day: int,
    period: BillingPeriod,
    count: int,
    timing: BillingTiming,
    price: Decimal,
    rules: BillingRules,
) -> None:
    months = period.months()
    assert months is not None
    # Start on the bill cycle day (clamped in short months); end a whole number of periods on.
    start = add_months(date(year, month, 1), 0, anchor_day=bill_cycle_day)
    end = add_months(start, count * months, anchor_day=bill_cycle_day)
    priced = charge(1, start=start, end=end, period=period, timing=timing, price=price)
    (metrics,) = charge_metrics(
        subscription((priced,), start=start, end=end),
        account_bill_cycle_day=bill_cycle_day,
        thru_date=start,
        rules=rules,
    )
    assert metrics.tcv == price * count


@PROPERTY
@given(terms())
def test_periods_tile_the_charge_life_without_gaps(term: Term) -> None:
    for priced in term.sub.charges:
        periods = service_periods(
            priced, bill_cycle_day=term.bill_cycle_day, until=term.end, rules=term.rules
        )
        for before, after in pairwise(periods):
            # Consecutive: an unbilled partial month can only be missing at either end.
            assert after.start == before.end + timedelta(days=1)
        assert all(D(0) < p.fraction <= 1 for p in periods)
        if term.rules.bill_partial_month and periods:
            assert periods[0].start == term.start
            assert periods[-1].end == term.end - timedelta(days=1)
