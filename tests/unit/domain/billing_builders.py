"""Builders of billing charges and subscriptions for the domain tier: explicit values, no magic."""

from __future__ import annotations

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
    TriggerEvent,
)
from zorders.domain.dates import PeriodType
from zorders.domain.subscriptions import (
    RatePlan,
    RatePlanCharge,
    Subscription,
    SubscriptionStatus,
    TermLength,
    Terms,
    TermType,
)

D = Decimal


def charge(number: int = 1, **overrides: object) -> RatePlanCharge:
    """A $100 monthly flat fee billed in advance for 2027, changed by ``overrides``."""
    fields: dict[str, object] = {
        "id": f"rpc-{number}",
        "number": f"C-{number:08d}",
        "product_rate_plan_charge_id": f"prpc-{number}",
        "name": f"Charge {number}",
        "description": "",
        "type": ChargeType.RECURRING,
        "model": ChargeModel.FLAT_FEE,
        "currency": "USD",
        "price": D(100),
        "quantity": None,
        "tiers": (),
        "uom": None,
        "billing_period": BillingPeriod.MONTH,
        "specific_billing_period": None,
        "billing_timing": BillingTiming.IN_ADVANCE,
        "bill_cycle_type": BillCycleType.DEFAULT_FROM_CUSTOMER,
        "bill_cycle_day": None,
        "list_price_base": ListPriceBase.PER_BILLING_PERIOD,
        "trigger_event": TriggerEvent.CONTRACT_EFFECTIVE,
        "end_date_condition": EndDateCondition.SUBSCRIPTION_END,
        "up_to_periods": None,
        "specific_end_date": None,
        "effective_start_date": date(2027, 1, 1),
        "effective_end_date": date(2028, 1, 1),
    }
    fields.update(overrides)
    return RatePlanCharge(**fields)  # type: ignore[arg-type]


def one_time(number: int = 1, **overrides: object) -> RatePlanCharge:
    fields: dict[str, object] = {
        "type": ChargeType.ONE_TIME,
        "billing_period": None,
        "price": D(500),
        "effective_end_date": None,
    }
    return charge(number, **{**fields, **overrides})


def discount(number: int, **overrides: object) -> RatePlanCharge:
    fields: dict[str, object] = {"model": ChargeModel.DISCOUNT_PERCENTAGE, "price": None}
    return charge(number, **{**fields, **overrides})


def plan(*charges: RatePlanCharge, name: str = "Gold") -> RatePlan:
    return RatePlan(
        id=f"rp-{name}",
        product_id="p-1",
        product_name=f"{name} product",
        product_sku="SKU-1",
        product_rate_plan_id=f"prp-{name}",
        product_rate_plan_number="PRP-1",
        name=name,
        charges=charges,
    )


def subscription(
    *charges: RatePlanCharge,
    plans: tuple[RatePlan, ...] = (),
    term_end: date | None = None,
) -> Subscription:
    """Version 1 of a subscription of ``charges`` (one plan) and ``plans``."""
    start = min(c.effective_start_date for c in (*charges, *(c for p in plans for c in p.charges)))
    return Subscription(
        id="sub-1",
        number="A-S00000001",
        version=1,
        account_id="acc-1",
        account_number="A00000001",
        invoice_owner_account_id="acc-1",
        invoice_owner_account_number="A00000001",
        status=SubscriptionStatus.ACTIVE,
        terms=Terms(
            term_type=TermType.TERMED,
            initial_term=TermLength(period=12, period_type=PeriodType.MONTH),
        ),
        currency="USD",
        contract_effective_date=start,
        service_activation_date=None,
        customer_acceptance_date=None,
        subscription_start_date=start,
        term_start_date=start,
        term_end_date=term_end,
        rate_plans=(plan(*charges), *plans) if charges else plans,
        order_number="O-00000001",
    )
