"""Billing by hand-computed cases: periods, proration rules, invoice items and metrics."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from zorders.domain.billing import (
    BillingRules,
    LongPeriodProration,
    MonthProration,
    ProcessingType,
    ServicePeriod,
    bill_subscription,
    charge_metrics,
    prorate_month,
    resolve_bill_cycle_day,
    service_periods,
)
from zorders.domain.catalog import (
    BillCycleType,
    BillingPeriod,
    BillingTiming,
    ChargeModel,
    ChargeType,
    ListPriceBase,
    PriceFormat,
    Tier,
)
from zorders.domain.errors import InvalidValue
from zorders.domain.subscriptions import (
    Subscription,
)

D = Decimal
DEFAULTS = BillingRules()
BY_DAY = BillingRules(long_period_proration=LongPeriodProration.BY_DAY)
ACTUAL_360 = BillingRules(month_proration=MonthProration.ACTUAL_360)
STRICT_360 = BillingRules(month_proration=MonthProration.STRICT_30_360)
NO_PARTIAL_MONTH = BillingRules(bill_partial_month=False)
NO_PARTIAL_PERIOD = BillingRules(prorate_partial_long_periods=False)


from tests.unit.domain.billing_builders import charge, discount, one_time, plan, subscription  # noqa: E402


def tier(n: int, start: str, end: str | None, price: str) -> Tier:
    ending = None if end is None else D(end)
    return Tier(
        tier=n,
        starting_unit=D(start),
        ending_unit=ending,
        price=D(price),
        price_format=PriceFormat.PER_UNIT,
    )


#: 1–10 units at $5, 11 and up at $4.
TIERS = (tier(1, "1", "10", "5"), tier(2, "11", None, "4"))
JAN_2027 = {"effective_start_date": date(2027, 1, 1), "effective_end_date": date(2027, 2, 1)}
Q1_2027 = {"effective_start_date": date(2027, 1, 1), "effective_end_date": date(2027, 4, 1)}


def cents(*amounts: str | Decimal) -> list[Decimal]:
    return [D(a).quantize(D("0.01")) for a in amounts]


BILLING_CASES = [
    pytest.param(
        subscription(charge()),
        1,
        date(2027, 12, 31),
        DEFAULTS,
        cents(*["100"] * 12),  # 12 × 100 = 1200
        id="flat-monthly-12-months",
    ),
    pytest.param(
        subscription(
            charge(effective_start_date=date(2027, 1, 15), effective_end_date=date(2028, 1, 15))
        ),
        1,
        date(2028, 1, 14),
        DEFAULTS,
        # The rules file's example: Jan 15–31 is 17/31 × 100 = 54.84, eleven full months,
        # Jan 1–14 is 14/31 × 100 = 45.16; 54.84 + 1100 + 45.16 = 1200.00.
        cents("54.84", *["100"] * 11, "45.16"),
        id="mid-month-start-bcd-1",
    ),
    pytest.param(
        subscription(charge(model=ChargeModel.PER_UNIT, price=D(10), quantity=D(5), **Q1_2027)),
        1,
        date(2027, 3, 31),
        DEFAULTS,
        cents(*[5 * D(10)] * 3),  # 5 units × 10 = 50 a month, three months
        id="per-unit-quantity-5",
    ),
    pytest.param(
        subscription(charge(model=ChargeModel.TIERED, tiers=TIERS, quantity=D(15), **JAN_2027)),
        1,
        date(2027, 1, 31),
        DEFAULTS,
        cents(10 * D(5) + 5 * D(4)),  # tiered: 10 × 5 + 5 × 4 = 70
        id="tiered-15-units",
    ),
    pytest.param(
        subscription(charge(model=ChargeModel.VOLUME, tiers=TIERS, quantity=D(15), **JAN_2027)),
        1,
        date(2027, 1, 31),
        DEFAULTS,
        cents(15 * D(4)),  # volume: all 15 units at tier 2's 4 = 60
        id="volume-15-units",
    ),
    pytest.param(
        subscription(
            charge(
                billing_period=BillingPeriod.ANNUAL,
                price=D(1200),
                effective_end_date=date(2029, 1, 1),
            )
        ),
        1,
        date(2027, 6, 30),
        DEFAULTS,
        cents("1200"),  # 2027 billed up front; 2028 starts after the target
        id="annual-in-advance",
    ),
    pytest.param(
        subscription(charge(billing_timing=BillingTiming.IN_ARREARS, **Q1_2027)),
        1,
        date(2027, 3, 31),
        DEFAULTS,
        cents("100", "100"),  # March ends on 03-31, which is not before the target
        id="in-arrears-last-period-running",
    ),
    pytest.param(
        subscription(charge(billing_timing=BillingTiming.IN_ARREARS, **Q1_2027)),
        1,
        date(2027, 4, 1),
        DEFAULTS,
        cents("100", "100", "100"),  # March billed once it has ended: 3 × 100
        id="in-arrears-after-last-period",
    ),
    pytest.param(
        subscription(
            charge(effective_start_date=date(2027, 1, 31), effective_end_date=date(2027, 4, 30))
        ),
        31,
        date(2027, 4, 29),
        DEFAULTS,
        # Jan 31–Feb 27, Feb 28–Mar 30, Mar 31–Apr 29: all full months despite the clamping.
        cents("100", "100", "100"),
        id="bcd-31-in-february",
    ),
    pytest.param(
        subscription(
            charge(
                billing_period=BillingPeriod.QUARTER,
                price=D(300),
                effective_start_date=date(2027, 1, 16),
                effective_end_date=date(2027, 7, 1),
            )
        ),
        1,
        date(2027, 4, 1),
        DEFAULTS,
        # Jan 16–Mar 31: (2 whole months + 16/31) / 3 × 300 = 251.61, then Apr–Jun 300.
        cents((2 + D(16) / 31) / 3 * 300, "300"),
        id="quarterly-partial-by-month-first",
    ),
    pytest.param(
        subscription(
            charge(
                billing_period=BillingPeriod.QUARTER,
                price=D(300),
                effective_start_date=date(2027, 1, 16),
                effective_end_date=date(2027, 7, 1),
            )
        ),
        1,
        date(2027, 4, 1),
        BY_DAY,
        # Jan 16–Mar 31 is 75 of the 90 days of Jan 1–Mar 31: 75/90 × 300 = 250.00.
        cents(D(75) / 90 * 300, "300"),
        id="quarterly-partial-by-day",
    ),
    pytest.param(
        subscription(
            charge(
                billing_period=BillingPeriod.QUARTER,
                price=D(300),
                effective_start_date=date(2027, 1, 16),
                effective_end_date=date(2027, 7, 1),
            )
        ),
        1,
        date(2027, 4, 1),
        NO_PARTIAL_PERIOD,
        cents("300", "300"),  # partial periods not prorated: the partial quarter bills in full
        id="quarterly-partial-not-prorated",
    ),
    *(
        pytest.param(
            subscription(charge(effective_start_date=start, effective_end_date=end)),
            1,
            end,
            rules,
            cents(expected),
            id=f"month-rule-{name}-{start:%b-%d}",
        )
        for start, end, name, rules, expected in [
            # The rules file's worked ratios, each × 100.
            (date(2021, 1, 27), date(2021, 2, 1), "actual", DEFAULTS, D(5) / 31 * 100),
            (date(2021, 1, 27), date(2021, 2, 1), "actual360", ACTUAL_360, D(5) / 30 * 100),
            (date(2021, 1, 27), date(2021, 2, 1), "strict360", STRICT_360, D(4) / 30 * 100),
            (date(2021, 2, 27), date(2021, 3, 1), "actual", DEFAULTS, D(2) / 28 * 100),
            (date(2021, 2, 27), date(2021, 3, 1), "actual360", ACTUAL_360, D(2) / 30 * 100),
            (date(2021, 2, 27), date(2021, 3, 1), "strict360", STRICT_360, D(4) / 30 * 100),
            (date(2021, 4, 21), date(2021, 4, 30), "actual", DEFAULTS, D(9) / 30 * 100),
            (date(2021, 4, 21), date(2021, 4, 30), "actual360", ACTUAL_360, D(9) / 30 * 100),
            (date(2021, 4, 21), date(2021, 4, 30), "strict360", STRICT_360, D(9) / 30 * 100),
            # Feb 1–29 2020 with BCD 1 is a whole month: never prorated, under any rule.
            (date(2020, 2, 1), date(2020, 3, 1), "actual", DEFAULTS, D(100)),
            (date(2020, 2, 1), date(2020, 3, 1), "actual360", ACTUAL_360, D(100)),
            (date(2020, 2, 1), date(2020, 3, 1), "strict360", STRICT_360, D(100)),
        ]
    ),
    pytest.param(
        subscription(
            charge(
                billing_period=BillingPeriod.ANNUAL,
                list_price_base=ListPriceBase.PER_MONTH,
                price=D(100),
            )
        ),
        1,
        date(2027, 1, 1),
        DEFAULTS,
        cents(12 * D(100)),  # $100 per month, billed a year at a time: 12 × 100
        id="per-month-list-price-on-annual",
    ),
    pytest.param(
        subscription(one_time(effective_start_date=date(2027, 1, 10))),
        1,
        date(2027, 1, 31),
        DEFAULTS,
        cents("500"),
        id="one-time-flat-fee",
    ),
    pytest.param(
        subscription(
            one_time(model=ChargeModel.PER_UNIT, price=D(25), quantity=D(4), uom="Each"),
        ),
        1,
        date(2027, 1, 1),
        DEFAULTS,
        cents(25 * D(4)),  # 4 units × 25, never prorated
        id="one-time-per-unit",
    ),
    pytest.param(
        subscription(one_time(effective_start_date=date(2027, 1, 10))),
        1,
        date(2027, 1, 9),
        DEFAULTS,
        [],  # not yet due
        id="one-time-before-its-date",
    ),
    pytest.param(
        subscription(
            charge(1, **JAN_2027),
            charge(2, type=ChargeType.USAGE, model=ChargeModel.PER_UNIT, quantity=D(3)),
        ),
        1,
        date(2027, 2, 1),
        DEFAULTS,
        cents("100"),  # usage is never previewed
        id="usage-excluded",
    ),
    pytest.param(
        subscription(charge(1, **Q1_2027), discount(2, discount_percentage=D(10), **Q1_2027)),
        1,
        date(2027, 3, 1),
        DEFAULTS,
        cents(*["100", "-10"] * 3),  # each month: 100 and 10% of it off; 3 × 90 = 270
        id="discount-percentage-on-flat-fee",
    ),
    pytest.param(
        subscription(
            charge(1, effective_start_date=date(2027, 1, 15)),
            discount(
                2,
                model=ChargeModel.DISCOUNT_FIXED_AMOUNT,
                discount_amount=D(15),
                effective_start_date=date(2027, 1, 15),
            ),
        ),
        1,
        date(2027, 1, 15),
        DEFAULTS,
        cents(D(17) / 31 * 100, -D(17) / 31 * 15),  # 54.84 and -8.23: both 17/31 of a month
        id="discount-fixed-amount-prorated",
    ),
    pytest.param(
        subscription(charge(effective_end_date=None)),
        1,
        date(2027, 3, 15),
        DEFAULTS,
        cents("100", "100", "100"),  # evergreen: Jan, Feb and Mar have started by Mar 15
        id="evergreen-through-specific-date",
    ),
    pytest.param(
        subscription(charge(effective_start_date=date(2027, 1, 15))),
        1,
        date(2027, 2, 1),
        NO_PARTIAL_MONTH,
        cents("100"),  # Jan 15–31 is a partial month, not billed; February is
        id="partial-month-not-billed",
    ),
    pytest.param(
        subscription(
            charge(
                billing_period=BillingPeriod.WEEK,
                price=D(10),
                effective_start_date=date(2027, 1, 6),
                effective_end_date=date(2027, 1, 24),
            )
        ),
        1,
        date(2027, 1, 31),
        DEFAULTS,
        cents("10", "10", D(4) / 7 * 10),  # Jan 6–12, 13–19, then 20–23 is 4/7 of a week
        id="weekly-with-partial-last-week",
    ),
]


@pytest.mark.parametrize(("sub", "account_bcd", "target", "rules", "expected"), BILLING_CASES)
def test_bill_subscription(
    sub: Subscription,
    account_bcd: int,
    target: date,
    rules: BillingRules,
    expected: list[Decimal],
) -> None:
    items = bill_subscription(
        sub, account_bill_cycle_day=account_bcd, target_date=target, rules=rules
    )
    assert [item.amount for item in items] == expected


def test_mid_month_example_totals_the_full_year() -> None:
    sub = subscription(
        charge(effective_start_date=date(2027, 1, 15), effective_end_date=date(2028, 1, 15))
    )
    items = bill_subscription(
        sub, account_bill_cycle_day=1, target_date=date(2028, 1, 14), rules=DEFAULTS
    )
    assert sum(item.amount for item in items) == D("1200.00")  # 54.84 + 11 × 100 + 45.16
    assert (items[0].service_start_date, items[0].service_end_date) == (
        date(2027, 1, 15),
        date(2027, 1, 31),
    )
    assert (items[-1].service_start_date, items[-1].service_end_date) == (
        date(2028, 1, 1),
        date(2028, 1, 14),
    )


def test_service_end_dates_are_inclusive_last_days() -> None:
    periods = service_periods(charge(), bill_cycle_day=1, until=date(2030, 1, 1), rules=DEFAULTS)
    assert len(periods) == 12
    assert periods[0] == ServicePeriod(start=date(2027, 1, 1), end=date(2027, 1, 31), fraction=D(1))
    assert periods[-1].end == date(2027, 12, 31)


def test_bill_cycle_day_31_clamps_in_short_months_and_recovers() -> None:
    periods = service_periods(
        charge(effective_start_date=date(2027, 1, 31), effective_end_date=date(2027, 5, 31)),
        bill_cycle_day=31,
        until=date(2030, 1, 1),
        rules=DEFAULTS,
    )
    assert [(p.start, p.end) for p in periods] == [
        (date(2027, 1, 31), date(2027, 2, 27)),
        (date(2027, 2, 28), date(2027, 3, 30)),  # the 28th stands for the 31st in February
        (date(2027, 3, 31), date(2027, 4, 29)),
        (date(2027, 4, 30), date(2027, 5, 30)),
    ]
    assert all(p.fraction == 1 for p in periods)


def test_until_cuts_the_last_period() -> None:
    periods = service_periods(
        charge(effective_end_date=None), bill_cycle_day=1, until=date(2027, 2, 15), rules=DEFAULTS
    )
    assert [(p.start, p.end) for p in periods] == [
        (date(2027, 1, 1), date(2027, 1, 31)),
        (date(2027, 2, 1), date(2027, 2, 14)),
    ]
    assert periods[1].fraction == D(14) / 28  # Feb 1–14 of a 28-day February


def test_service_periods_of_a_one_time_charge_are_refused() -> None:
    with pytest.raises(InvalidValue):
        service_periods(one_time(), bill_cycle_day=1, until=date(2030, 1, 1), rules=DEFAULTS)


@pytest.mark.parametrize(
    ("start", "end", "month_days", "actual", "actual_360", "strict_360"),
    [
        # The rules file's worked ratios (start → end of a partial service period).
        pytest.param(date(2021, 1, 27), date(2021, 1, 31), 31, (5, 31), (5, 30), (4, 30), id="jan"),
        pytest.param(date(2021, 2, 27), date(2021, 2, 28), 28, (2, 28), (2, 30), (4, 30), id="feb"),
        pytest.param(
            date(2020, 2, 1), date(2020, 2, 29), 29, (29, 29), (29, 30), (30, 30), id="leap-feb"
        ),
        pytest.param(date(2021, 4, 21), date(2021, 4, 29), 30, (9, 30), (9, 30), (9, 30), id="apr"),
    ],
)
def test_prorate_month_worked_ratios(
    start: date,
    end: date,
    month_days: int,
    actual: tuple[int, int],
    actual_360: tuple[int, int],
    strict_360: tuple[int, int],
) -> None:
    for rule, (days, divisor) in (
        (MonthProration.ACTUAL_DAYS, actual),
        (MonthProration.ACTUAL_360, actual_360),
        (MonthProration.STRICT_30_360, strict_360),
    ):
        ratio = prorate_month(start, end, month_days=month_days, rule=rule)
        assert ratio == D(days) / D(divisor), rule


def test_strict_30_360_counts_the_start_month_as_30_days() -> None:
    # BCD 15: Jan 20 → Feb 14 is 26 actual days, but January counts 30: 11 + 14 = 25.
    ratio = prorate_month(
        date(2021, 1, 20), date(2021, 2, 14), month_days=31, rule=MonthProration.STRICT_30_360
    )
    assert ratio == D(25) / 30


@pytest.mark.parametrize(
    ("overrides", "account_bcd", "expected"),
    [
        pytest.param({}, 15, 15, id="default-from-customer"),
        pytest.param({}, 0, 3, id="default-from-customer-auto-set"),
        pytest.param(
            {"bill_cycle_type": BillCycleType.SUBSCRIPTION_START_DAY}, 15, 3, id="sub-start-day"
        ),
        pytest.param(
            {"bill_cycle_type": BillCycleType.SPECIFIC_DAY_OF_MONTH, "bill_cycle_day": 20},
            15,
            20,
            id="specific-day",
        ),
        pytest.param(
            {"bill_cycle_type": BillCycleType.CHARGE_TRIGGER_DAY}, 15, 9, id="charge-trigger-day"
        ),
    ],
)
def test_resolve_bill_cycle_day(
    overrides: dict[str, object], account_bcd: int, expected: int
) -> None:
    priced = charge(effective_start_date=date(2027, 2, 9), **overrides)
    day = resolve_bill_cycle_day(
        priced, account_bill_cycle_day=account_bcd, subscription_start=date(2027, 1, 3)
    )
    assert day == expected


def test_specific_day_of_month_needs_a_day() -> None:
    priced = charge(bill_cycle_type=BillCycleType.SPECIFIC_DAY_OF_MONTH)
    with pytest.raises(InvalidValue):
        resolve_bill_cycle_day(
            priced, account_bill_cycle_day=1, subscription_start=date(2027, 1, 1)
        )


def test_charge_bill_cycle_day_overrides_the_account() -> None:
    sub = subscription(
        charge(bill_cycle_type=BillCycleType.SPECIFIC_DAY_OF_MONTH, bill_cycle_day=15, **JAN_2027)
    )
    items = bill_subscription(
        sub, account_bill_cycle_day=1, target_date=date(2027, 1, 31), rules=DEFAULTS
    )
    # Jan 1–14 is 14/31 of the Dec 15–Jan 14 cycle, Jan 15–31 is 17/31 of Jan 15–Feb 14.
    assert [(i.service_start_date, i.service_end_date, i.amount) for i in items] == [
        (date(2027, 1, 1), date(2027, 1, 14), D("45.16")),
        (date(2027, 1, 15), date(2027, 1, 31), D("54.84")),
    ]


def test_billed_through_skips_what_was_billed() -> None:
    sub = subscription(charge(**Q1_2027))
    items = bill_subscription(
        sub,
        account_bill_cycle_day=1,
        target_date=date(2027, 3, 1),
        rules=DEFAULTS,
        billed_through={"C-00000001": date(2027, 3, 1)},
    )
    assert [(i.service_start_date, i.amount) for i in items] == [(date(2027, 3, 1), D("100.00"))]


def test_billed_through_inside_a_period_bills_the_rest() -> None:
    sub = subscription(charge(**JAN_2027), discount(2, discount_percentage=D(10), **JAN_2027))
    items = bill_subscription(
        sub,
        account_bill_cycle_day=1,
        target_date=date(2027, 1, 31),
        rules=DEFAULTS,
        billed_through={"C-00000001": date(2027, 1, 15), "C-00000002": date(2027, 1, 15)},
    )
    # Jan 15–31 is 17/31 of January: 54.84, and 10% of the month's 100 scaled alike: -5.48.
    assert [(i.service_start_date, i.service_end_date, i.amount) for i in items] == [
        (date(2027, 1, 15), date(2027, 1, 31), D("54.84")),
        (date(2027, 1, 15), date(2027, 1, 31), D("-5.48")),
    ]


def test_billed_through_skips_a_billed_one_time_charge() -> None:
    sub = subscription(one_time(effective_start_date=date(2027, 1, 10)))
    items = bill_subscription(
        sub,
        account_bill_cycle_day=1,
        target_date=date(2027, 6, 1),
        rules=DEFAULTS,
        billed_through={"C-00000001": date(2027, 1, 11)},
    )
    assert items == []


def test_exclude_leaves_out_a_charge_type() -> None:
    sub = subscription(charge(1, **JAN_2027), one_time(2))
    items = bill_subscription(
        sub,
        account_bill_cycle_day=1,
        target_date=date(2027, 1, 1),
        rules=DEFAULTS,
        exclude=frozenset({ChargeType.ONE_TIME}),
    )
    assert [i.charge_type for i in items] == [ChargeType.RECURRING]


def test_items_carry_what_a_preview_shows_sorted_by_start_then_charge() -> None:
    sub = subscription(
        charge(2, model=ChargeModel.PER_UNIT, price=D(10), quantity=D(3), uom="Seat", **Q1_2027),
        discount(3, discount_percentage=D(10), **Q1_2027),
        plans=(plan(charge(1, **Q1_2027), name="Silver"),),
    )
    items = bill_subscription(
        sub, account_bill_cycle_day=1, target_date=date(2027, 2, 1), rules=DEFAULTS
    )
    assert [(i.service_start_date.month, i.charge_number) for i in items] == [
        (1, "C-00000001"),
        (1, "C-00000002"),
        (1, "C-00000003"),
        (2, "C-00000001"),
        (2, "C-00000002"),
        (2, "C-00000003"),
    ]
    seat, off = items[1], items[2]
    assert (seat.amount, seat.unit_price, seat.quantity, seat.uom) == (
        D("30.00"),  # 3 seats × 10
        D(10),
        D(3),
        "Seat",
    )
    assert seat.processing_type is ProcessingType.CHARGE and seat.processing_type == "Charge"
    assert seat.product_name == "Gold product"
    assert items[0].product_name == "Silver product"
    assert seat.subscription_number == "A-S00000001"
    # The discount takes only its own plan's charges: 10% of 30, not of 30 + 100.
    assert (off.amount, off.processing_type, off.quantity) == (D("-3.00"), "Discount", None)


def test_rounding_is_half_up_per_item_at_the_minor_unit() -> None:
    # 10.005 a month: each item rounds half up to 10.01, so three items bill 30.03.
    sub = subscription(charge(price=D("10.005"), **Q1_2027))
    items = bill_subscription(
        sub, account_bill_cycle_day=1, target_date=date(2027, 3, 1), rules=DEFAULTS
    )
    assert [i.amount for i in items] == [D("10.01")] * 3


def test_exact_half_cent_after_proration_rounds_up() -> None:
    # Quarterly from Jan 16 is (2 + 16/31)/3 = 26/31 of a quarter; 5.9675 × 26/31 = 5.005
    # exactly, which must round to 5.01 (a 28-digit Decimal share could land just below).
    sub = subscription(
        charge(
            billing_period=BillingPeriod.QUARTER,
            price=D("5.9675"),
            effective_start_date=date(2027, 1, 16),
        )
    )
    items = bill_subscription(
        sub, account_bill_cycle_day=1, target_date=date(2027, 1, 16), rules=DEFAULTS
    )
    assert [i.amount for i in items] == [D("5.01")]


def test_zero_decimal_currency_rounds_to_whole_units() -> None:
    sub = subscription(
        charge(
            currency="JPY",
            price=D(1000),
            effective_start_date=date(2027, 1, 15),
            effective_end_date=date(2027, 2, 1),
        )
    )
    items = bill_subscription(
        sub, account_bill_cycle_day=1, target_date=date(2027, 1, 31), rules=DEFAULTS
    )
    assert [i.amount for i in items] == [D(548)]  # 17/31 × 1000 = 548.39 → 548


def test_a_long_evergreen_subscription_bills_every_period() -> None:
    sub = subscription(
        charge(1, effective_end_date=None),
        discount(2, discount_percentage=D(10), effective_end_date=None),
    )
    items = bill_subscription(
        sub, account_bill_cycle_day=1, target_date=date(2076, 12, 31), rules=DEFAULTS
    )
    assert len(items) == 2 * 50 * 12  # fifty years of a charge and its discount
    assert sum(i.amount for i in items) == 50 * 12 * D(90)


METRICS_CASES = [
    pytest.param(
        subscription(charge()),
        date(2027, 6, 15),
        # cmrr 100; tcv 12 × 100; tcb: Jan–Jun have started by Jun 15: 6 × 100.
        (D(100), D(1200), D(600)),
        id="flat-12-months-mid-term",
    ),
    pytest.param(
        subscription(
            charge(
                billing_period=BillingPeriod.ANNUAL,
                price=D(1200),
                effective_end_date=date(2029, 1, 1),
            )
        ),
        date(2027, 6, 15),
        (D(1200) / 12, 2 * D(1200), D(1200)),  # cmrr 1200/12; two years; one billed
        id="annual-two-years",
    ),
    pytest.param(
        subscription(charge(billing_timing=BillingTiming.IN_ARREARS)),
        date(2027, 6, 15),
        (D(100), D(1200), D(500)),  # in arrears: Jan–May have ended before Jun 15
        id="in-arrears-mid-term",
    ),
    pytest.param(
        subscription(charge(effective_end_date=None)),
        date(2027, 3, 15),
        # Evergreen: tcv values the service through Mar 15: 100 + 100 + 15/31 × 100 = 248.39;
        # tcb bills March whole, in advance.
        (D(100), D("248.39"), D(300)),
        id="evergreen-through-specific-date",
    ),
    pytest.param(
        subscription(one_time(effective_start_date=date(2027, 7, 1))),
        date(2027, 6, 15),
        (D(0), D(500), D(0)),  # one-time: no cmrr, in tcv, not billed before its date
        id="one-time-after-thru-date",
    ),
]


@pytest.mark.parametrize(("sub", "thru", "expected"), METRICS_CASES)
def test_charge_metrics(sub: Subscription, thru: date, expected: tuple[Decimal, ...]) -> None:
    (metrics,) = charge_metrics(sub, account_bill_cycle_day=1, thru_date=thru, rules=DEFAULTS)
    assert (metrics.cmrr, metrics.tcv, metrics.tcb) == expected
    assert (metrics.cmrr_discount, metrics.tcv_discount, metrics.tcb_discount) == (0, 0, 0)
    assert metrics.charge_number == "C-00000001"
    assert metrics.product_rate_plan_id == "prp-Gold"


def test_discount_metrics_are_reported_as_discount() -> None:
    sub = subscription(charge(1), discount(2, discount_percentage=D(10)))
    fee, off = charge_metrics(
        sub, account_bill_cycle_day=1, thru_date=date(2027, 6, 15), rules=DEFAULTS
    )
    assert (fee.cmrr, fee.tcv, fee.tcb) == (D(100), D(1200), D(600))
    assert (off.cmrr, off.tcv, off.tcb) == (0, 0, 0)
    # 10% of 100 a month: -10 cmrr, -120 over twelve months, -60 over the six billed.
    assert (off.cmrr_discount, off.tcv_discount, off.tcb_discount) == (D(-10), D(-120), D(-60))


def test_tcb_matches_the_items_billed_through_the_same_date() -> None:
    sub = subscription(
        charge(1, effective_start_date=date(2027, 1, 15), effective_end_date=date(2028, 1, 15)),
        one_time(2, effective_start_date=date(2027, 2, 1)),
    )
    thru = date(2027, 8, 20)
    items = bill_subscription(sub, account_bill_cycle_day=1, target_date=thru, rules=DEFAULTS)
    metrics = charge_metrics(sub, account_bill_cycle_day=1, thru_date=thru, rules=DEFAULTS)
    assert sum(m.tcb for m in metrics) == sum(i.amount for i in items)
    assert [m.tcv for m in metrics] == [D("1200.00"), D(500)]
