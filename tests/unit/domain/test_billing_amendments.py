"""Hand-computed billing of amended subscriptions: a quantity change mid-term, a cancellation
mid-period (the credit), a suspension. Each case writes its arithmetic out."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.unit.domain.builders import BASIC, SEATS, apply, create, segments
from zorders.domain.billing import BillingRules, bill_subscription, charge_metrics
from zorders.domain.order_actions import (
    CancellationPolicy,
    CancelSubscription,
    ChargeUpdate,
    RatePlanRef,
    Resume,
    ResumePolicy,
    Suspend,
    SuspendPolicy,
    TriggerDates,
    UpdateProduct,
)
from zorders.domain.subscriptions import Subscription

D = Decimal
RULES = BillingRules()
SEAT = "C-00000001"
END = date(2028, 1, 1)


def billed(sub: Subscription, through: date = END) -> Decimal:
    items = bill_subscription(sub, account_bill_cycle_day=1, target_date=through, rules=RULES)
    return sum((i.amount for i in items), D(0))


def test_quantity_change_mid_month_splits_the_period() -> None:
    # 5 seats at 20 from Jan 1; 8 seats from Apr 15 (bill cycle day 1, in advance).
    before = create(SEATS)
    after = apply(
        before,
        UpdateProduct(
            rate_plan=RatePlanRef(product_rate_plan_id=SEATS.plan.id),
            charge_updates=(ChargeUpdate(charge_number=SEAT, quantity=D(8)),),
            trigger_dates=TriggerDates(contract_effective=date(2027, 4, 15)),
        ),
    ).subscription
    assert [s.quantity for s in segments(after, SEAT)] == [D(5), D(8)]
    # Jan–Mar: 3 × 5 × 20 = 300
    # Apr 1–14 at 5 seats: 14/30 × 100 = 46.67; Apr 15–30 at 8 seats: 16/30 × 160 = 85.33
    # May–Dec: 8 × 160 = 1,280                        → 300 + 46.67 + 85.33 + 1,280 = 1,712.00
    assert billed(after) == D("1712.00")
    assert billed(before) == D("1200.00")  # 12 × 100
    # The TCV follows the segments: the same 1,712.00 over the term.
    tcv = sum(
        (
            m.tcv
            for m in charge_metrics(after, account_bill_cycle_day=1, thru_date=END, rules=RULES)
        ),
        D(0),
    )
    assert tcv == D("1712.00")


def test_cancelling_mid_period_credits_what_was_billed_beyond_it() -> None:
    # $100 a month from Jan 1, invoiced through Jul 1 (in advance: Jan–Jul = 700).
    before = create(BASIC)
    assert billed(before, date(2027, 7, 1)) == D("700.00")
    cancelled = apply(
        before,
        CancelSubscription(
            policy=CancellationPolicy.SPECIFIC_DATE, effective_date=date(2027, 6, 16)
        ),
    ).subscription
    # After the cancellation only Jan–May (500) and Jun 1–15 (15/30 × 100 = 50) are due:
    # the credit is 700 − 550 = 150 (the rest of June, 50, and July, 100).
    assert billed(cancelled, date(2027, 7, 1)) == D("550.00")
    assert billed(before, date(2027, 7, 1)) - billed(cancelled, date(2027, 7, 1)) == D("150.00")


def test_a_suspended_stretch_is_not_billed() -> None:
    # $100 a month from Jan 1; suspended Mar 10, resumed Apr 20 (in advance, cycle day 1).
    suspended = apply(
        create(BASIC),
        Suspend(policy=SuspendPolicy.SPECIFIC_DATE, specific_date=date(2027, 3, 10)),
        Resume(policy=ResumePolicy.SPECIFIC_DATE, specific_date=date(2027, 4, 20)),
    ).subscription
    # Jan, Feb: 200; Mar 1–9: 9/31 × 100 = 29.03; Apr 20–30: 11/30 × 100 = 36.67;
    # May–Dec: 800                                          → 1,065.70
    assert billed(suspended) == D("1065.70")
