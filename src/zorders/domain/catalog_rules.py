"""Creating catalog objects: what Zuora requires and what the billing engine can price.

Drafts carry what a client asked for, already in domain terms; ``new_product``,
``new_rate_plan`` and ``new_charge`` check them against the objects around them (the
product, sibling plans and charges, keys already taken) and return the catalog values.
Ids, numbers and the creation time are passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from zorders.domain.catalog import (
    BillCycleType,
    BillingPeriod,
    BillingTiming,
    ChargeModel,
    ChargeType,
    EndDateCondition,
    ListPriceBase,
    Product,
    ProductRatePlan,
    ProductRatePlanCharge,
    TriggerEvent,
)
from zorders.domain.catalog_prices import (
    TierDraft,
    charge_pricing,
    check_currencies,
    check_currency,
)
from zorders.domain.errors import (
    BusinessRuleViolation,
    InvalidValue,
    MissingField,
    Resource,
    not_supported,
)

_CATALOG = Resource.CATALOG


class DuplicateValue(BusinessRuleViolation):
    """A name or key that another catalog object already has."""


def _invalid(message: str) -> InvalidValue:
    return InvalidValue(message, resource=_CATALOG)


def _missing(message: str) -> MissingField:
    return MissingField(message, resource=_CATALOG)


def _duplicate(message: str) -> DuplicateValue:
    return DuplicateValue(message, resource=_CATALOG)


def _check_name(name: str, what: str) -> str:
    if not name.strip():
        raise _missing(f"'Name' of the {what} must not be blank.")
    return name


def _check_range(start: date, end: date, what: str) -> None:
    if start >= end:
        raise _invalid(
            f"The {what}'s EffectiveEndDate ({end}) must be after its EffectiveStartDate ({start})."
        )


# --- products ---------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class ProductDraft:
    name: str
    effective_start_date: date
    effective_end_date: date
    sku: str | None = None
    product_number: str | None = None
    description: str = ""
    category: str | None = None
    custom_fields: dict[str, object] = field(default_factory=dict)


def auto_sku(product_number: str) -> str:
    """The SKU of a product created without one, from its (unique) number:
    ``PC-00000002`` → ``SKU-00000002``."""
    return "SKU-" + product_number.removeprefix("PC-")


def new_product(
    draft: ProductDraft,
    *,
    id: str,
    sku: str,
    product_number: str,
    taken: frozenset[str],
    created_at: str,
) -> Product:
    """``taken``: which of ``sku`` and ``product_number`` already name a product (its id,
    SKU or number: a product key must find one product)."""
    _check_name(draft.name, "product")
    _check_range(draft.effective_start_date, draft.effective_end_date, "product")
    if product_number in taken:
        raise _duplicate(f"The ProductNumber '{product_number}' is already used.")
    if sku in taken:
        raise _duplicate(f"The SKU '{sku}' is already used by another product.")
    return Product(
        id=id,
        sku=sku,
        name=draft.name,
        product_number=product_number,
        description=draft.description,
        category=draft.category,
        effective_start_date=draft.effective_start_date,
        effective_end_date=draft.effective_end_date,
        created_at=created_at,
        custom_fields=dict(draft.custom_fields),
    )


# --- rate plans -------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class RatePlanDraft:
    product_id: str
    name: str
    description: str = ""
    product_rate_plan_number: str | None = None
    effective_start_date: date | None = None
    effective_end_date: date | None = None
    active_currencies: tuple[str, ...] = ()
    custom_fields: dict[str, object] = field(default_factory=dict)


def new_rate_plan(
    draft: RatePlanDraft,
    *,
    product: Product,
    siblings: Sequence[ProductRatePlan],
    id: str,
    number: str,
    number_taken: bool,
    created_at: str,
) -> ProductRatePlan:
    """A plan of ``product``; dates left out inherit the product's (Zuora does the same)."""
    _check_name(draft.name, "product rate plan")
    if any(plan.name == draft.name for plan in siblings):
        raise _duplicate(
            f"The product already has a rate plan named '{draft.name}': names are unique "
            "within a product."
        )
    if number_taken:
        raise _duplicate(f"The ProductRatePlanNumber '{number}' is already used.")
    currencies = tuple(check_currency(c) for c in draft.active_currencies)
    if len(set(currencies)) != len(currencies):
        raise _invalid("'ActiveCurrencies' lists a currency twice.")
    plan = ProductRatePlan(
        id=id,
        product_id=product.id,
        name=draft.name,
        product_rate_plan_number=number,
        description=draft.description,
        effective_start_date=draft.effective_start_date,
        effective_end_date=draft.effective_end_date,
        active_currencies=currencies,
        created_at=created_at,
        custom_fields=dict(draft.custom_fields),
    )
    _check_range(*plan.effective_dates(product), "product rate plan")
    return plan


# --- charges ----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class ChargeDraft:
    product_rate_plan_id: str
    name: str
    type: ChargeType
    model: ChargeModel
    bill_cycle_type: BillCycleType
    billing_period: BillingPeriod
    trigger_event: TriggerEvent
    tiers: tuple[TierDraft, ...]
    use_discount_specific_accounting_code: bool
    bill_cycle_day: int | None = None
    specific_billing_period: int | None = None
    billing_timing: BillingTiming = BillingTiming.IN_ADVANCE
    end_date_condition: EndDateCondition = EndDateCondition.SUBSCRIPTION_END
    up_to_periods: int | None = None
    list_price_base: ListPriceBase = ListPriceBase.PER_BILLING_PERIOD
    uom: str | None = None
    default_quantity: Decimal | None = None
    description: str = ""
    custom_fields: dict[str, object] = field(default_factory=dict)


def new_charge(
    draft: ChargeDraft,
    *,
    plan: ProductRatePlan,
    siblings: Sequence[ProductRatePlanCharge],
    id: str,
    number: str,
    created_at: str,
) -> ProductRatePlanCharge:
    """A charge of ``plan`` that the order engine can subscribe to and bill."""
    _check_name(draft.name, "charge")
    if any(charge.name == draft.name for charge in siblings):
        raise _duplicate(
            f"Rate plan '{plan.name}' already has a charge named '{draft.name}': names are "
            "unique within a rate plan."
        )
    recurring = draft.type is ChargeType.RECURRING
    one_time = draft.type is ChargeType.ONE_TIME
    model = draft.model
    if model in (ChargeModel.DISCOUNT_PERCENTAGE, ChargeModel.DISCOUNT_FIXED_AMOUNT):
        if not recurring:
            raise not_supported(f"A {draft.type.value} discount charge", resource=_CATALOG)
    period, specific_months = _billing_period(draft, one_time=one_time)
    end_condition, up_to = _end_condition(draft, one_time=one_time)
    pricing = charge_pricing(model, draft.tiers)
    check_currencies(pricing, plan, siblings)
    return ProductRatePlanCharge(
        id=id,
        product_rate_plan_id=plan.id,
        name=draft.name,
        number=number,
        type=draft.type,
        model=model,
        pricing=pricing,
        description=draft.description,
        billing_period=period,
        specific_billing_period=specific_months,
        # Zuora uses the billing timing of recurring charges only (docs: BillingTiming).
        billing_timing=draft.billing_timing if recurring else BillingTiming.IN_ADVANCE,
        bill_cycle_type=draft.bill_cycle_type,
        bill_cycle_day=_bill_cycle_day(draft, period),
        trigger_event=draft.trigger_event,
        end_date_condition=end_condition,
        up_to_periods=up_to,
        list_price_base=_list_price_base(draft, period, one_time=one_time),
        uom=_uom(draft),
        default_quantity=_default_quantity(draft),
        use_discount_specific_accounting_code=draft.use_discount_specific_accounting_code,
        created_at=created_at,
        custom_fields=dict(draft.custom_fields),
    )


def _billing_period(
    draft: ChargeDraft, *, one_time: bool
) -> tuple[BillingPeriod | None, int | None]:
    if one_time:
        return None, None  # a one-time charge is billed once, on its start date
    if draft.billing_period is not BillingPeriod.SPECIFIC_MONTHS:
        return draft.billing_period, None
    months = draft.specific_billing_period
    if months is None:
        raise _missing("'SpecificBillingPeriod' is required when BillingPeriod is Specific Months.")
    if months < 1:
        raise _invalid("'SpecificBillingPeriod' must be at least 1.")
    return draft.billing_period, months


def _bill_cycle_day(draft: ChargeDraft, period: BillingPeriod | None) -> int | None:
    if draft.bill_cycle_type is not BillCycleType.SPECIFIC_DAY_OF_MONTH:
        # The day only applies to SpecificDayofMonth; other types take it from elsewhere.
        return None
    if period is BillingPeriod.WEEK:
        raise _invalid(
            "A weekly charge bills from its start day: BillCycleType SpecificDayofMonth "
            "does not apply to it."
        )
    day = draft.bill_cycle_day
    if day is None:
        raise _missing("'BillCycleDay' is required when BillCycleType is SpecificDayofMonth.")
    if not 1 <= day <= 31:
        raise _invalid("'BillCycleDay' must be between 1 and 31.")
    return day


def _end_condition(draft: ChargeDraft, *, one_time: bool) -> tuple[EndDateCondition, int | None]:
    condition = draft.end_date_condition
    if one_time:
        if condition is EndDateCondition.FIXED_PERIOD:
            raise _invalid("A OneTime charge has no EndDateCondition FixedPeriod.")
        return EndDateCondition.ONE_TIME, None
    if condition is EndDateCondition.ONE_TIME:
        raise _invalid(f"A {draft.type.value} charge cannot have EndDateCondition OneTime.")
    if condition is not EndDateCondition.FIXED_PERIOD:
        return condition, None
    periods = draft.up_to_periods
    if periods is None:
        raise _missing("'UpToPeriods' is required when EndDateCondition is FixedPeriod.")
    if periods < 1:
        raise _invalid("'UpToPeriods' must be at least 1.")
    return condition, periods


def _list_price_base(
    draft: ChargeDraft, period: BillingPeriod | None, *, one_time: bool
) -> ListPriceBase:
    base = draft.list_price_base
    if one_time or base is ListPriceBase.PER_BILLING_PERIOD:
        return ListPriceBase.PER_BILLING_PERIOD
    weekly = period is BillingPeriod.WEEK
    if base is ListPriceBase.PER_WEEK and not weekly:
        raise _invalid("ListPriceBase Per Week needs BillingPeriod Week.")
    if base is not ListPriceBase.PER_WEEK and weekly:
        raise _invalid("A weekly charge takes ListPriceBase Per Billing Period or Per Week.")
    return base


def _uom(draft: ChargeDraft) -> str | None:
    if draft.model.has_quantity and not (draft.uom or "").strip():
        raise _missing(f"'UOM' is required for the {draft.model.value} charge model.")
    if draft.model in (ChargeModel.DISCOUNT_PERCENTAGE, ChargeModel.DISCOUNT_FIXED_AMOUNT):
        return None
    return draft.uom


def _default_quantity(draft: ChargeDraft) -> Decimal | None:
    if not draft.model.has_quantity:
        return None
    quantity = draft.default_quantity
    if quantity is None:
        if draft.model is ChargeModel.PER_UNIT and draft.type is not ChargeType.USAGE:
            # Zuora: DefaultQuantity "is required if you use a per-unit pricing model"; a
            # usage charge's quantity comes from its usage.
            raise _missing("'DefaultQuantity' is required for the PerUnit charge model.")
        return None
    if quantity < 0:
        raise _invalid("'DefaultQuantity' must not be negative.")
    return quantity
