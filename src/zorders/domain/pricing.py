"""Charge pricing: the amount of one full billing period of a charge, by charge model."""

from __future__ import annotations

from decimal import Decimal

from zorders.domain.catalog import (
    ChargeModel,
    ListPriceBase,
    PriceFormat,
    Tier,
)
from zorders.domain.errors import InvalidValue, Resource
from zorders.domain.subscriptions import RatePlanCharge

_ONE = Decimal(1)
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_MONTHS_PER_YEAR = Decimal(12)
_WEEKS_PER_YEAR = Decimal(52)

DISCOUNT_MODELS = frozenset({ChargeModel.DISCOUNT_PERCENTAGE, ChargeModel.DISCOUNT_FIXED_AMOUNT})


def _invalid(charge: RatePlanCharge, problem: str) -> InvalidValue:
    return InvalidValue(f'Charge "{charge.name}" {problem}.', resource=Resource.SUBSCRIPTION)


def is_discount(charge: RatePlanCharge) -> bool:
    return charge.model in DISCOUNT_MODELS


def quantity(charge: RatePlanCharge) -> Decimal:
    """The quantity the charge is priced at; a flat fee without one counts as one unit."""
    if charge.quantity is None:
        if charge.model.has_quantity:
            raise _invalid(charge, f"has charge model {charge.model.value} but no quantity")
        return _ONE
    if charge.quantity < 0:
        raise _invalid(charge, "has a negative quantity")
    return charge.quantity


def _price(charge: RatePlanCharge) -> Decimal:
    if charge.price is None:
        raise _invalid(charge, "has no price")
    return charge.price


def _ordered_tiers(charge: RatePlanCharge) -> list[Tier]:
    if not charge.tiers:
        raise _invalid(charge, f"has charge model {charge.model.value} but no tiers")
    return sorted(charge.tiers, key=lambda tier: tier.tier)


def _tiered(charge: RatePlanCharge, qty: Decimal) -> Decimal:
    tiers = _ordered_tiers(charge)
    total = _ZERO
    previous_end = _ZERO
    for index, tier in enumerate(tiers):
        # The last tier is open-ended even when the catalog gives it an ending unit, so no
        # unit ever goes unpriced (the same reading as Volume below).
        last = index == len(tiers) - 1
        ending = None if last else tier.ending_unit
        upper = qty if ending is None else min(qty, ending)
        units = max(_ZERO, upper - previous_end)
        if tier.price_format is PriceFormat.PER_UNIT:
            total += units * tier.price
        elif units > 0:
            total += tier.price
        if ending is None:
            break
        previous_end = ending
    return total


def _volume_tier(charge: RatePlanCharge, qty: Decimal) -> Tier:
    tiers = _ordered_tiers(charge)
    for tier in tiers[:-1]:
        # Chosen by ending unit, so a fractional quantity in the gap between two integer
        # tiers (10 < 10.5 < 11) falls into the upper one instead of into no tier.
        if tier.ending_unit is None or qty <= tier.ending_unit:
            return tier
    return tiers[-1]


def _volume(charge: RatePlanCharge, qty: Decimal) -> Decimal:
    tier = _volume_tier(charge, qty)
    if tier.price_format is PriceFormat.PER_UNIT:
        return qty * tier.price
    return tier.price


def list_price_amount(charge: RatePlanCharge) -> Decimal:
    """The model's price for the charge's quantity, in units of its list price base.

    Also the amount of a one-time charge. Discount charges are priced by
    :func:`fixed_discount` and :func:`percentage_discount`.
    """
    model = charge.model
    if model is ChargeModel.FLAT_FEE:
        quantity(charge)  # validates a quantity that is given
        return _price(charge)
    if model is ChargeModel.PER_UNIT:
        return _price(charge) * quantity(charge)
    if model is ChargeModel.TIERED:
        return _tiered(charge, quantity(charge))
    if model is ChargeModel.VOLUME:
        return _volume(charge, quantity(charge))
    raise _invalid(charge, "is a discount; its amount depends on the charges it discounts")


def period_months(charge: RatePlanCharge) -> int | None:
    """Months in the charge's billing period; None for week-based periods."""
    if charge.billing_period is None:
        raise _invalid(charge, "is recurring but has no billing period")
    return charge.billing_period.months(charge.specific_billing_period)


def list_price_factor(charge: RatePlanCharge) -> Decimal:
    """How many list price bases one billing period holds (Per_Month on Annual: 12)."""
    months = period_months(charge)
    base = charge.list_price_base
    if base is ListPriceBase.PER_BILLING_PERIOD:
        return _ONE
    if base is ListPriceBase.PER_WEEK:
        if months is not None:
            raise _invalid(charge, "has list price base Per_Week on a month-based period")
        return _ONE
    if months is None:
        raise _invalid(charge, f"has list price base {base.value} on a weekly period")
    if base is ListPriceBase.PER_MONTH:
        return Decimal(months)
    return Decimal(months) / _MONTHS_PER_YEAR


def period_amount(charge: RatePlanCharge) -> Decimal:
    """Amount of one FULL billing period of a recurring charge, unrounded.

    A fixed-amount discount is negative; a percentage discount has no amount of its
    own (see :func:`percentage_discount`) and is refused here.
    """
    if charge.model is ChargeModel.DISCOUNT_FIXED_AMOUNT:
        return fixed_discount(charge)
    return list_price_amount(charge) * list_price_factor(charge)


def monthly_amount(charge: RatePlanCharge) -> Decimal:
    """The full-period amount normalised to one month (the charge's CMRR), unrounded."""
    months = period_months(charge)
    amount = period_amount(charge)
    if months is None:
        # A week is 12/52 of a month: 52 weeks make the 12 months of a year.
        return amount * _WEEKS_PER_YEAR / _MONTHS_PER_YEAR
    return amount / Decimal(months)


def fixed_discount(charge: RatePlanCharge) -> Decimal:
    """A DiscountFixedAmount charge's amount for one full period (negative)."""
    if charge.discount_amount is None:
        raise _invalid(charge, "is a fixed-amount discount without a discount amount")
    return -charge.discount_amount


def percentage_discount(charge: RatePlanCharge, base: Decimal) -> Decimal:
    """A DiscountPercentage charge's amount on ``base`` (the discounted charges' amount)."""
    if charge.discount_percentage is None:
        raise _invalid(charge, "is a percentage discount without a discount percentage")
    return -(base * charge.discount_percentage / _HUNDRED)


def unit_price(charge: RatePlanCharge) -> Decimal:
    """The invoice item's unit price: the list price, the volume tier's price, the
    average price of a tiered quantity, or the discount's amount or percentage."""
    model = charge.model
    if model is ChargeModel.DISCOUNT_FIXED_AMOUNT:
        return fixed_discount(charge).copy_negate()
    if model is ChargeModel.DISCOUNT_PERCENTAGE:
        if charge.discount_percentage is None:
            raise _invalid(charge, "is a percentage discount without a discount percentage")
        return charge.discount_percentage
    if model is ChargeModel.VOLUME:
        return _volume_tier(charge, quantity(charge)).price
    if model is ChargeModel.TIERED:
        qty = quantity(charge)
        return _tiered(charge, qty) / qty if qty else _ZERO
    return _price(charge)
