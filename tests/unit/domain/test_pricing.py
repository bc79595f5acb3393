"""Pricing of one full billing period, by charge model and list price base."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.unit.domain import billing_builders as builders
from zorders.domain import pricing
from zorders.domain.catalog import (
    BillingPeriod,
    ChargeModel,
    ChargeType,
    ListPriceBase,
    PriceFormat,
    Tier,
)
from zorders.domain.errors import InvalidValue
from zorders.domain.subscriptions import RatePlanCharge

D = Decimal


def charge(**overrides: object) -> RatePlanCharge:
    """A $100 monthly flat fee, changed by ``overrides``."""
    return builders.charge(**overrides)


def tier(n: int, start: str, end: str | None, price: str, fmt: str = "PerUnit") -> Tier:
    return Tier(
        tier=n,
        starting_unit=D(start),
        ending_unit=None if end is None else D(end),
        price=D(price),
        price_format=PriceFormat(fmt),
    )


#: 1–10 at $5, 11–20 at $4, 21 and up at $3 a unit.
THREE_TIERS = (tier(1, "1", "10", "5"), tier(2, "11", "20", "4"), tier(3, "21", None, "3"))
#: The first ten units for a flat $50, then $2 a unit.
FLAT_FIRST = (tier(1, "0", "10", "50", "FlatFee"), tier(2, "11", None, "2"))
#: Bounded last tier: zorders reads it as unbounded.
BOUNDED = (tier(1, "1", "10", "5"), tier(2, "11", "20", "4"))


@pytest.mark.parametrize(
    ("model", "tiers", "quantity", "expected"),
    [
        pytest.param("FlatFee", (), None, D(100), id="flat-fee-no-quantity"),
        pytest.param("FlatFee", (), D(3), D(100), id="flat-fee-ignores-quantity"),
        pytest.param("PerUnit", (), D(5), D(500), id="per-unit-5x100"),
        pytest.param("PerUnit", (), D("2.5"), D(250), id="per-unit-fractional"),
        pytest.param("Tiered", THREE_TIERS, D(15), 10 * D(5) + 5 * D(4), id="tiered-15"),
        pytest.param(
            "Tiered", THREE_TIERS, D(25), 10 * D(5) + 10 * D(4) + 5 * D(3), id="tiered-25"
        ),
        pytest.param("Tiered", THREE_TIERS, D(0), D(0), id="tiered-0"),
        pytest.param("Tiered", FLAT_FIRST, D(8), D(50), id="tiered-flat-tier"),
        pytest.param("Tiered", FLAT_FIRST, D(14), D(50) + 4 * D(2), id="tiered-flat-then-unit"),
        pytest.param("Tiered", BOUNDED, D(25), 10 * D(5) + 15 * D(4), id="tiered-last-unbounded"),
        pytest.param("Volume", THREE_TIERS, D(15), 15 * D(4), id="volume-15"),
        pytest.param("Volume", THREE_TIERS, D(10), 10 * D(5), id="volume-top-of-tier-1"),
        pytest.param("Volume", THREE_TIERS, D("10.5"), D("10.5") * 4, id="volume-between-tiers"),
        pytest.param("Volume", THREE_TIERS, D(25), 25 * D(3), id="volume-25"),
        pytest.param("Volume", FLAT_FIRST, D(8), D(50), id="volume-flat-tier"),
        pytest.param("Volume", BOUNDED, D(25), 25 * D(4), id="volume-last-unbounded"),
    ],
)
def test_period_amount_by_model(
    model: str, tiers: tuple[Tier, ...], quantity: Decimal | None, expected: Decimal
) -> None:
    priced = charge(model=ChargeModel(model), tiers=tiers, quantity=quantity)
    assert pricing.period_amount(priced) == expected


@pytest.mark.parametrize(
    ("period", "specific", "base", "price", "expected"),
    [
        pytest.param("Annual", None, "Per_Month", "100", D(1200), id="per-month-on-annual-12x"),
        pytest.param("Quarter", None, "Per_Month", "100", D(300), id="per-month-on-quarter-3x"),
        pytest.param("Quarter", None, "Per_Year", "1200", D(300), id="per-year-on-quarter-3/12"),
        pytest.param("Month", None, "Per_Year", "1200", D(100), id="per-year-on-month-1/12"),
        pytest.param("Specific_Months", 5, "Per_Month", "10", D(50), id="per-month-on-5-months"),
        pytest.param("Week", None, "Per_Week", "7", D(7), id="per-week-on-week"),
        pytest.param("Annual", None, "Per_Billing_Period", "999", D(999), id="per-period"),
    ],
)
def test_list_price_base(
    period: str, specific: int | None, base: str, price: str, expected: Decimal
) -> None:
    priced = charge(
        billing_period=BillingPeriod(period),
        specific_billing_period=specific,
        list_price_base=ListPriceBase(base),
        price=D(price),
    )
    assert pricing.period_amount(priced) == expected


@pytest.mark.parametrize(
    ("period", "base"),
    [
        pytest.param("Month", "Per_Week", id="per-week-on-month"),
        pytest.param("Week", "Per_Month", id="per-month-on-week"),
        pytest.param("Week", "Per_Year", id="per-year-on-week"),
    ],
)
def test_list_price_base_must_fit_the_period(period: str, base: str) -> None:
    priced = charge(billing_period=BillingPeriod(period), list_price_base=ListPriceBase(base))
    with pytest.raises(InvalidValue):
        pricing.period_amount(priced)


@pytest.mark.parametrize(
    ("period", "price", "expected"),
    [
        pytest.param("Month", "100", D(100), id="monthly"),
        pytest.param("Quarter", "300", D(100), id="quarterly-300/3"),
        pytest.param("Semi_Annual", "600", D(100), id="semi-annual-600/6"),
        pytest.param("Annual", "1200", D(100), id="annual-1200/12"),
        pytest.param("Week", "12", D(52), id="weekly-12x52/12"),
    ],
)
def test_monthly_amount(period: str, price: str, expected: Decimal) -> None:
    assert pricing.monthly_amount(charge(billing_period=BillingPeriod(period), price=D(price))) == (
        expected
    )


def test_discounts_are_negative() -> None:
    fixed = charge(model=ChargeModel.DISCOUNT_FIXED_AMOUNT, price=None, discount_amount=D(15))
    percent = charge(model=ChargeModel.DISCOUNT_PERCENTAGE, price=None, discount_percentage=D(10))
    assert pricing.period_amount(fixed) == D(-15)
    assert pricing.monthly_amount(fixed) == D(-15)
    assert pricing.percentage_discount(percent, D(250)) == D(-25)  # 10% of 250
    assert pricing.is_discount(fixed) and pricing.is_discount(percent)
    with pytest.raises(InvalidValue):
        pricing.period_amount(percent)  # depends on the charges it discounts


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"model": ChargeModel.PER_UNIT}, id="per-unit-without-quantity"),
        pytest.param({"model": ChargeModel.TIERED, "tiers": THREE_TIERS}, id="tiered-no-quantity"),
        pytest.param({"model": ChargeModel.VOLUME, "tiers": THREE_TIERS}, id="volume-no-quantity"),
        pytest.param({"model": ChargeModel.TIERED, "quantity": D(1)}, id="tiered-without-tiers"),
        pytest.param({"price": None}, id="flat-fee-without-price"),
        pytest.param({"model": ChargeModel.PER_UNIT, "quantity": D(-1)}, id="negative-quantity"),
        pytest.param({"billing_period": None}, id="recurring-without-period"),
        pytest.param(
            {"model": ChargeModel.DISCOUNT_FIXED_AMOUNT, "price": None},
            id="fixed-discount-no-amount",
        ),
    ],
)
def test_invalid_charges_are_refused_with_a_category_20_code(
    overrides: dict[str, object],
) -> None:
    with pytest.raises(InvalidValue) as raised:
        pricing.period_amount(charge(**overrides))
    assert raised.value.code % 100 == 20


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        pytest.param({}, D(100), id="flat-fee"),
        pytest.param({"model": ChargeModel.PER_UNIT, "quantity": D(5)}, D(100), id="per-unit"),
        pytest.param(
            {"model": ChargeModel.VOLUME, "tiers": THREE_TIERS, "quantity": D(15)},
            D(4),
            id="volume-tier-price",
        ),
        pytest.param(
            {"model": ChargeModel.TIERED, "tiers": THREE_TIERS, "quantity": D(20)},
            (10 * D(5) + 10 * D(4)) / 20,
            id="tiered-average",
        ),
        pytest.param(
            {"model": ChargeModel.DISCOUNT_PERCENTAGE, "discount_percentage": D(10)},
            D(10),
            id="percentage-discount",
        ),
    ],
)
def test_unit_price(overrides: dict[str, object], expected: Decimal) -> None:
    assert pricing.unit_price(charge(**overrides)) == expected


def test_one_time_amount_ignores_the_list_price_base() -> None:
    one_time = charge(
        type=ChargeType.ONE_TIME,
        model=ChargeModel.PER_UNIT,
        billing_period=None,
        price=D(25),
        quantity=D(4),
    )
    assert pricing.list_price_amount(one_time) == D(100)  # 25 × 4
