"""Charge prices as the catalog takes them: one per currency, tiers ordered and contiguous,
and every charge of a plan priced in the plan's currencies."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from zorders.domain.catalog import (
    ChargeModel,
    ChargePrice,
    PriceFormat,
    ProductRatePlan,
    ProductRatePlanCharge,
    Tier,
)
from zorders.domain.errors import InvalidValue, MissingField, Resource

_CURRENCY = re.compile(r"[A-Z]{3}")
_HUNDRED = Decimal(100)


def _invalid(message: str) -> InvalidValue:
    return InvalidValue(message, resource=Resource.CATALOG)


def _missing(message: str) -> MissingField:
    return MissingField(message, resource=Resource.CATALOG)


@dataclass(frozen=True, kw_only=True, slots=True)
class TierDraft:
    """One ``ProductRatePlanChargeTier`` row: a price, a tier or a discount in a currency."""

    currency: str
    price: Decimal | None = None
    starting_unit: Decimal | None = None
    ending_unit: Decimal | None = None
    price_format: PriceFormat | None = None
    discount_amount: Decimal | None = None
    discount_percentage: Decimal | None = None


def check_currency(code: str) -> str:
    if not _CURRENCY.fullmatch(code):
        raise _invalid(f"'{code}' is not a three-letter currency code.")
    return code


def charge_pricing(model: ChargeModel, tiers: tuple[TierDraft, ...]) -> tuple[ChargePrice, ...]:
    """One price per currency, in the order the currencies first appear."""
    if not tiers:
        raise _missing(
            "'ProductRatePlanChargeTierData' needs at least one ProductRatePlanChargeTier."
        )
    rows: dict[str, list[TierDraft]] = {}
    for row in tiers:
        rows.setdefault(check_currency(row.currency), []).append(row)
    if model.has_tiers:
        return tuple(_tiered_price(currency, group) for currency, group in rows.items())
    for currency, group in rows.items():
        if len(group) > 1:
            raise _invalid(
                f"The {model.value} charge model takes one "
                f"ProductRatePlanChargeTier per currency; {currency} has {len(group)}."
            )
    return tuple(_single_price(model, group[0]) for group in rows.values())


def _single_price(model: ChargeModel, row: TierDraft) -> ChargePrice:
    currency = row.currency
    if model is ChargeModel.DISCOUNT_PERCENTAGE:
        percentage = row.discount_percentage
        if percentage is None:
            raise _missing(f"'DiscountPercentage' is required ({currency}).")
        # Zuora: "a decimal value between -100 and 100, exclusive" (ProductRatePlanChargeTier).
        if not -_HUNDRED < percentage < _HUNDRED:
            raise _invalid(f"'DiscountPercentage' must be between -100 and 100 ({currency}).")
        return ChargePrice(currency=currency, discount_percentage=percentage)
    if model is ChargeModel.DISCOUNT_FIXED_AMOUNT:
        amount = row.discount_amount
        if amount is None:
            raise _missing(f"'DiscountAmount' is required ({currency}).")
        if amount < 0:
            raise _invalid(f"'DiscountAmount' must not be negative ({currency}).")
        return ChargePrice(currency=currency, discount_amount=amount)
    return ChargePrice(currency=currency, price=_price(row))


def _price(row: TierDraft) -> Decimal:
    if row.price is None:
        raise _missing(f"'Price' is required ({row.currency}).")
    if row.price < 0:
        raise _invalid(f"'Price' must not be negative ({row.currency}).")
    return row.price


def _tiered_price(currency: str, rows: list[TierDraft]) -> ChargePrice:
    """Tiers as given: ordered, contiguous, each bounded but the last."""
    tiers: list[Tier] = []
    previous_end: Decimal | None = None
    for number, row in enumerate(rows, start=1):
        start = row.starting_unit
        if start is None:
            raise _missing(f"'StartingUnit' is required (tier {number}, {currency}).")
        last = number == len(rows)
        end = row.ending_unit
        if end is None and not last:
            raise _missing(
                f"'EndingUnit' is required on every tier but the last (tier {number}, {currency})."
            )
        if previous_end is None:
            if not 0 <= start <= 1:
                raise _invalid(f"The first tier must start at unit 0 or 1 ({currency}).")
        # Contiguous: a tier starts where the previous one ended or at the next whole unit
        # (Zuora's own example: 1–100, then 101–200).
        elif not previous_end <= start <= previous_end + 1:
            raise _invalid(
                f"Tier {number} ({currency}) must start at {previous_end} or "
                f"{previous_end + 1}, where tier {number - 1} ends: tiers are ordered and "
                "contiguous."
            )
        if end is not None and end < start:
            raise _invalid(f"Tier {number} ({currency}) ends before it starts.")
        tiers.append(
            Tier(
                tier=number,
                starting_unit=start,
                ending_unit=end,
                price=_price(row),
                price_format=row.price_format or PriceFormat.PER_UNIT,
            )
        )
        previous_end = end
    return ChargePrice(currency=currency, tiers=tuple(tiers))


def plan_currencies(
    plan: ProductRatePlan, charges: Sequence[ProductRatePlanCharge]
) -> tuple[str, ...]:
    """The plan's active currencies: as declared, else those its first charge is priced in."""
    if plan.active_currencies:
        return plan.active_currencies
    if charges:
        return tuple(price.currency for price in charges[0].pricing)
    return ()


def check_currencies(
    pricing: tuple[ChargePrice, ...],
    plan: ProductRatePlan,
    siblings: Sequence[ProductRatePlanCharge],
) -> None:
    """Every charge of a plan is priced in each of its currencies and in no other, so a
    subscription in any of them can be billed."""
    active = plan_currencies(plan, siblings)
    if not active:
        return
    given = [price.currency for price in pricing]
    for currency in given:
        if currency not in active:
            raise _invalid(
                f"{currency} is not an active currency of rate plan '{plan.name}' "
                f"({', '.join(active)})."
            )
    for currency in active:
        if currency not in given:
            raise _invalid(
                f"The charge needs a price in {currency}, an active currency of rate plan "
                f"'{plan.name}'."
            )
