"""AddProduct, UpdateProduct, RemoveProduct and ChangePlan on a subscription version."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from zorders.domain.accounts import Account
from zorders.domain.amending import (
    AmendContext,
    Amended,
    charge_date,
    check_in_term,
    contract_date,
    end_charge,
    ended_by,
    find_offer,
    find_plan,
    with_plan,
)
from zorders.domain.catalog import ChargeType
from zorders.domain.errors import (
    BusinessRuleViolation,
    InvalidValue,
    NotFound,
    Resource,
    not_supported,
)
from zorders.domain.order_actions import (
    AddProduct,
    ChangePlan,
    ChangePlanPolicy,
    ChargeUpdate,
    RemoveProduct,
    TriggerDates,
    UpdateProduct,
)
from zorders.domain.periods import BillingRules, resolve_bill_cycle_day, service_periods
from zorders.domain.subscribing import new_rate_plan
from zorders.domain.subscriptions import RatePlan, RatePlanChange, RatePlanCharge, Subscription


def add_product(sub: Subscription, action: AddProduct, ctx: AmendContext) -> Amended:
    """A catalog plan joins the subscription; each charge starts on its trigger date.

    As for CreateSubscription, a charge whose ServiceActivation/CustomerAcceptance date the
    action does not give has no start yet: the order is Pending, the subscription's status
    does not change (Zuora, SDK ``triggerDates``).
    """
    offer = find_offer(action.rate_plan, ctx.offers_by_id, ctx.offers_by_number)
    day = contract_date(action, ctx)
    check_in_term(sub, day, "The AddProduct contract effective date")
    plan = new_rate_plan(
        action.rate_plan,
        offer,
        currency=sub.currency,
        dates=action.trigger_dates,
        contract_effective=day,
        term_end=sub.term_end_date,
        numbering=ctx.numbering,
    )
    pending = any(c.pending for c in plan.charges)
    return Amended(subscription=replace(sub, rate_plans=(*sub.rate_plans, plan)), pending=pending)


def remove_product(sub: Subscription, action: RemoveProduct, ctx: AmendContext) -> Amended:
    """Each charge of the plan ends the day before its removal date."""
    index, plan = find_plan(sub, action.rate_plan)
    days = {c.id: charge_date(action, c.trigger_event, ctx) for c in plan.charges}
    for day in set(days.values()):
        check_in_term(sub, day, "The RemoveProduct effective date")
    if all(ended_by(c, days[c.id]) for c in plan.charges):
        raise BusinessRuleViolation(
            f"Rate plan '{plan.id}' of subscription {sub.number} was removed already.",
            resource=Resource.SUBSCRIPTION,
        )
    removed = replace(
        plan,
        charges=tuple(end_charge(c, days[c.id]) for c in plan.charges),
        last_change_type=RatePlanChange.REMOVE,
    )
    return Amended(subscription=with_plan(sub, index, removed))


def update_product(sub: Subscription, action: UpdateProduct, ctx: AmendContext) -> Amended:
    """New quantity, price or tiers from a date: the charge's segment open on that date ends
    there and a new segment (same number, ``segment`` + 1) carries the new values."""
    index, plan = find_plan(sub, action.rate_plan)
    if not action.charge_updates:
        raise InvalidValue("'chargeUpdates' must not be empty.", resource=Resource.ORDER)
    charges = list(plan.charges)
    for update in action.charge_updates:
        charges = _update_charge(sub, plan, charges, update, action, ctx)
    updated = replace(plan, charges=tuple(charges), last_change_type=RatePlanChange.UPDATE)
    return Amended(subscription=with_plan(sub, index, updated))


def _update_charge(
    sub: Subscription,
    plan: RatePlan,
    charges: list[RatePlanCharge],
    update: ChargeUpdate,
    action: UpdateProduct,
    ctx: AmendContext,
) -> list[RatePlanCharge]:
    if update.charge_number is not None:
        key = update.charge_number
        segments = [c for c in charges if c.number == key]
    elif update.product_rate_plan_charge_id is not None:
        key = update.product_rate_plan_charge_id
        segments = [c for c in charges if c.product_rate_plan_charge_id == key]
    else:
        raise InvalidValue(
            "'chargeNumber' or 'productRatePlanChargeId' is required in 'chargeUpdates'.",
            resource=Resource.ORDER,
        )
    if not segments:
        raise NotFound(
            f"Charge '{key}' is not on rate plan '{plan.id}' of subscription {sub.number}.",
            resource=Resource.ORDER,
        )
    if len({c.number for c in segments}) > 1:
        raise InvalidValue(
            f"Rate plan '{plan.id}' has several charges of '{key}': name one by 'chargeNumber'.",
            resource=Resource.ORDER,
        )
    last = max(segments, key=lambda c: c.segment)
    day = _update_date(update, last, action, ctx)
    check_in_term(sub, day, "The UpdateProduct effective date")
    if last.pending:
        raise BusinessRuleViolation(
            f"Charge {last.number} has not started (it waits for its trigger date).",
            resource=Resource.SUBSCRIPTION,
        )
    if last.type is ChargeType.ONE_TIME:
        raise not_supported(f"Updating the one-time charge {last.number}")
    start = last.effective_start_date
    assert start is not None  # not pending
    if day < start:
        # Zuora's "future-dated updates" (``specificUpdateDate``) insert before a later
        # segment; zorders updates the last segment only.
        raise not_supported(
            f"An update of charge {last.number} before its last segment starts ({start})"
        )
    if ended_by(last, day):
        raise BusinessRuleViolation(
            f"Charge {last.number} is not active on {day.isoformat()}: it ended before.",
            resource=Resource.SUBSCRIPTION,
        )
    changed = _with_values(last, update)
    position = charges.index(last)
    if day == start:
        charges[position] = changed  # from its first day: no zero-length segment
        return charges
    segment = replace(
        changed,
        id=ctx.numbering.new_id(),
        segment=last.segment + 1,
        original_id=last.original_id or last.id,
        effective_start_date=day,
    )
    charges[position] = replace(last, effective_end_date=day)
    charges.insert(position + 1, segment)
    return charges


def _update_date(
    update: ChargeUpdate, charge: RatePlanCharge, action: UpdateProduct, ctx: AmendContext
) -> date:
    if update.specific_date is not None:
        return update.specific_date
    return charge_date(action, update.trigger_event or charge.trigger_event, ctx)


def _with_values(charge: RatePlanCharge, update: ChargeUpdate) -> RatePlanCharge:
    """The charge with the update's values, under the same rules as a charge override."""
    if (
        update.quantity is None
        and update.list_price is None
        and update.tiers is None
        and update.description is None
    ):
        raise InvalidValue(
            f"The update of charge {charge.number} changes nothing: give a quantity, a price, "
            "tiers or a description.",
            resource=Resource.ORDER,
        )
    if update.quantity is not None:
        if not charge.model.has_quantity:
            raise InvalidValue(
                f"Charge {charge.number} is {charge.model.value}: it takes no quantity.",
                resource=Resource.ORDER,
            )
        if update.quantity < 0:
            raise InvalidValue("'quantity' must not be negative.", resource=Resource.ORDER)
    if update.list_price is not None:
        if charge.model.has_tiers:
            raise InvalidValue(
                f"Charge {charge.number} is {charge.model.value}: update its tiers, not listPrice.",
                resource=Resource.ORDER,
            )
        if update.list_price < 0:
            raise InvalidValue("'listPrice' must not be negative.", resource=Resource.ORDER)
    if update.tiers is not None and not charge.model.has_tiers:
        raise InvalidValue(
            f"Charge {charge.number} is {charge.model.value}: it has no tiers to update.",
            resource=Resource.ORDER,
        )
    return replace(
        charge,
        quantity=update.quantity if update.quantity is not None else charge.quantity,
        price=update.list_price if update.list_price is not None else charge.price,
        tiers=update.tiers if update.tiers is not None else charge.tiers,
        description=update.description if update.description is not None else charge.description,
    )


def change_plan(
    sub: Subscription, action: ChangePlan, ctx: AmendContext, *, bill_to: Account | None
) -> Amended:
    """RemoveProduct of the old plan and AddProduct of the new one, on one date.

    zorders applies both on the same day: the contract effective date
    (EffectiveImmediately), or the day after the old plan's current billing period
    (EffectiveEndOfBillingPeriod). ``bill_to`` is the invoice owner, whose bill cycle
    day sets the billing periods.
    """
    index, old = find_plan(sub, action.rate_plan)
    offer = find_offer(action.new_plan, ctx.offers_by_id, ctx.offers_by_number)
    if offer.plan.id == old.product_rate_plan_id:
        raise BusinessRuleViolation(
            f'ChangePlan must change the plan: rate plan "{old.name}" is already '
            f"'{offer.plan.id}'.",
            resource=Resource.ORDER,
        )
    if action.reset_bcd:
        raise not_supported("ChangePlan with 'resetBcd': true")
    if action.policy is ChangePlanPolicy.SPECIFIC_DATE:
        raise not_supported("ChangePlan 'effectivePolicy' SpecificDate")
    day = contract_date(action, ctx)
    if action.policy is ChangePlanPolicy.END_OF_BILLING_PERIOD:
        day = _end_of_billing_period(sub, old, day, bill_to)
    check_in_term(sub, day, "The ChangePlan effective date")
    if all(ended_by(c, day) for c in old.charges):
        raise BusinessRuleViolation(
            f"Rate plan '{old.id}' of subscription {sub.number} is removed by "
            f"{day.isoformat()}: there is nothing to change.",
            resource=Resource.SUBSCRIPTION,
        )
    removed = replace(
        old,
        charges=tuple(end_charge(c, day) for c in old.charges),
        last_change_type=RatePlanChange.REMOVE,
    )
    added = new_rate_plan(
        action.new_plan,
        offer,
        currency=sub.currency,
        dates=TriggerDates(contract_effective=day, service_activation=day, customer_acceptance=day),
        contract_effective=day,
        term_end=sub.term_end_date,
        numbering=ctx.numbering,
    )
    changed = with_plan(sub, index, removed)
    return Amended(subscription=replace(changed, rate_plans=(*changed.rate_plans, added)))


def _end_of_billing_period(
    sub: Subscription, plan: RatePlan, day: date, bill_to: Account | None
) -> date:
    """The day after the billing period of the plan's first recurring charge holding ``day``;
    ``day`` itself when no recurring charge is in service then."""
    for charge in plan.charges:
        if charge.type is not ChargeType.RECURRING or not charge.active_on(day):
            continue
        bill_cycle_day = resolve_bill_cycle_day(
            charge,
            account_bill_cycle_day=bill_to.bill_cycle_day if bill_to else 0,
            subscription_start=sub.subscription_start_date,
        )
        periods = service_periods(
            charge,
            bill_cycle_day=bill_cycle_day,
            until=day + timedelta(days=400),  # past the longest period holding ``day``
            rules=BillingRules(),
        )
        for period in periods:
            if period.start <= day <= period.end:
                return period.end + timedelta(days=1)
    return day
