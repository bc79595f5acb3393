"""What amending a subscription needs: the order's context and the steps actions share."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from zorders.domain.accounts import Account
from zorders.domain.catalog import ChargeType, EndDateCondition, RatePlanOffer, TriggerEvent
from zorders.domain.errors import BusinessRuleViolation, InvalidValue, NotFound, Resource
from zorders.domain.numbering import Numbering
from zorders.domain.order_actions import OrderAction, RatePlanRef, SubscribeToRatePlan
from zorders.domain.subscriptions import (
    RatePlan,
    RatePlanChange,
    RatePlanCharge,
    Subscription,
)


@dataclass(frozen=True, kw_only=True, slots=True)
class AmendContext:
    """Everything an amendment may read; loaded before the order is applied."""

    order_date: date
    #: The tenant's current date (``Today`` policies); the caller reads its clock.
    today: date
    offers_by_id: Mapping[str, RatePlanOffer]
    offers_by_number: Mapping[str, RatePlanOffer]
    #: Accounts the order names (owner transfers, invoice owners), by account number.
    accounts: Mapping[str, Account]
    numbering: Numbering
    #: Subscription number → charge number → the first day not yet invoiced.
    billed_through: Mapping[str, Mapping[str, date]] = field(default_factory=dict)


def last_invoice_period_end(sub: Subscription, ctx: AmendContext) -> date:
    """The day after the subscription's last invoiced day: Zuora's "last invoice date" is
    the latest processed-through date of its charges (docs "Last Invoice Date")."""
    billed = ctx.billed_through.get(sub.number, {})
    if not billed:
        raise BusinessRuleViolation(
            f"Subscription {sub.number} has not been invoiced: it has no last invoice period "
            "(use EndOfCurrentTerm or SpecificDate, or bill it first with runBilling).",
            resource=Resource.SUBSCRIPTION,
        )
    return max(billed.values())


@dataclass(frozen=True, kw_only=True, slots=True)
class Amended:
    subscription: Subscription
    #: A charge waits for a trigger date the action did not give: the order is Pending.
    pending: bool = False


def find_offer(
    wanted: SubscribeToRatePlan,
    offers_by_id: Mapping[str, RatePlanOffer],
    offers_by_number: Mapping[str, RatePlanOffer],
) -> RatePlanOffer:
    """The catalog plan a ``subscribeToRatePlans`` entry (or AddProduct) names."""
    if wanted.product_rate_plan_id is not None:
        key = wanted.product_rate_plan_id
        offer = offers_by_id.get(key)
    elif wanted.product_rate_plan_number is not None:
        key = wanted.product_rate_plan_number
        offer = offers_by_number.get(key)
    else:
        raise InvalidValue(
            "'productRatePlanId' or 'productRatePlanNumber' is required.", resource=Resource.ORDER
        )
    if offer is None:
        # Category 20, as for CreateSubscription (an invalid value in the request).
        raise InvalidValue(
            f"Invalid product rate plan '{key}': it does not exist.", resource=Resource.ORDER
        )
    return offer


def contract_date(action: OrderAction, ctx: AmendContext) -> date:
    """The action's ContractEffective trigger date; the order date when not given (facts §4)."""
    return action.trigger_dates.contract_effective or ctx.order_date


def charge_date(action: OrderAction, event: TriggerEvent, ctx: AmendContext) -> date:
    """The day an amendment changes a charge whose trigger event is ``event``.

    Zuora makes an amendment without the ServiceActivation/CustomerAcceptance date a
    Pending order only as a Limited Availability feature (SDK ``triggerDates``); zorders
    falls back to the next earlier date instead: acceptance → activation → contract.
    """
    dates = action.trigger_dates
    contract = contract_date(action, ctx)
    if event is TriggerEvent.SERVICE_ACTIVATION:
        return dates.service_activation or contract
    if event is TriggerEvent.CUSTOMER_ACCEPTANCE:
        return dates.customer_acceptance or dates.service_activation or contract
    return contract


def find_plan(sub: Subscription, ref: RatePlanRef) -> tuple[int, RatePlan]:
    """The rate plan ``ref`` names (index and plan); NotFound if it is not on ``sub``."""
    if ref.rate_plan_id is not None:
        key, matches = ref.rate_plan_id, [p for p in sub.rate_plans if p.id == ref.rate_plan_id]
    elif ref.unique_token is not None:
        key = ref.unique_token
        matches = [p for p in sub.rate_plans if p.unique_token == ref.unique_token]
    elif ref.product_rate_plan_id is not None:
        key = ref.product_rate_plan_id
        matches = [p for p in sub.rate_plans if p.product_rate_plan_id == key]
    elif ref.product_rate_plan_number is not None:
        key = ref.product_rate_plan_number
        matches = [p for p in sub.rate_plans if p.product_rate_plan_number == key]
    else:
        raise InvalidValue(
            "'ratePlanId', 'productRatePlanId', 'productRatePlanNumber' or 'uniqueToken' is "
            "required to name the rate plan.",
            resource=Resource.ORDER,
        )
    if len(matches) > 1:
        # A plan removed earlier stays on the subscription; prefer the ones still there.
        matches = [p for p in matches if p.last_change_type is not RatePlanChange.REMOVE]
    if not matches:
        raise NotFound(
            f"Rate plan '{key}' is not on subscription {sub.number}.", resource=Resource.ORDER
        )
    if len(matches) > 1:
        raise InvalidValue(
            f"Subscription {sub.number} has several rate plans of '{key}': name one by "
            "'ratePlanId'.",
            resource=Resource.ORDER,
        )
    plan = matches[0]
    return sub.rate_plans.index(plan), plan


def with_plan(sub: Subscription, index: int, plan: RatePlan) -> Subscription:
    plans = list(sub.rate_plans)
    plans[index] = plan
    return replace(sub, rate_plans=tuple(plans))


def end_charge(charge: RatePlanCharge, day: date) -> RatePlanCharge:
    """The charge ended before ``day`` (``effective_end_date`` is the day after its last day).

    A segment that would only start on or after ``day`` keeps its start and ends there too:
    it never serves and is never billed. A charge still pending its trigger keeps no start.
    """
    start = charge.effective_start_date
    end = charge.effective_end_date
    if start is None:
        return replace(charge, effective_end_date=day)
    if end is not None and end <= day:
        return charge
    return replace(charge, effective_end_date=max(start, day))


def ended_by(charge: RatePlanCharge, day: date) -> bool:
    end = charge.effective_end_date
    return end is not None and end <= day


def retime_term_end(sub: Subscription, old_end: date | None, new_end: date | None) -> Subscription:
    """Charges that run to the subscription's end follow its term end from ``old_end`` to
    ``new_end`` (None: open-ended); when the term shrinks, charges past it end with it."""
    plans = []
    for plan in sub.rate_plans:
        charges = []
        for charge in plan.charges:
            follows = (
                charge.type is not ChargeType.ONE_TIME
                and charge.end_date_condition is EndDateCondition.SUBSCRIPTION_END
                and charge.effective_end_date == old_end
                and not charge.pending
            )
            if follows:
                charge = replace(charge, effective_end_date=new_end)
            elif new_end is not None and not ended_by(charge, new_end) and not charge.pending:
                charge = end_charge(charge, new_end)
            charges.append(charge)
        plans.append(replace(plan, charges=tuple(charges)))
    return replace(sub, rate_plans=tuple(plans))


def check_in_term(sub: Subscription, day: date, what: str) -> None:
    """``day`` must fall from the contract effective date to the subscription's end."""
    if day < sub.contract_effective_date:
        raise BusinessRuleViolation(
            f"{what} ({day.isoformat()}) cannot be before the subscription's contract "
            f"effective date ({sub.contract_effective_date.isoformat()}).",
            resource=Resource.SUBSCRIPTION,
        )
    end = sub.subscription_end_date
    if end is not None and day > end:
        raise BusinessRuleViolation(
            f"{what} ({day.isoformat()}) cannot be after the subscription's end "
            f"({end.isoformat()}).",
            resource=Resource.SUBSCRIPTION,
        )
