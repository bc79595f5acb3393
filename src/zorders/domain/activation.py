"""Activating a Pending order: its waiting charges get their trigger dates and start.

``PUT /v1/orders/{orderNumber}/triggerDates`` (SDK ``UpdateOrderTriggerDatesRequest``):
for each subscription of the order, the order actions (by ``sequence``) and the
ServiceActivation and CustomerAcceptance dates they now have. A charge that waited for
such a date starts on it; the subscription leaves ``Pending Activation``/``Pending
Acceptance`` once nothing waits; the order is ``Completed`` once none of its charges waits.

The subscription version the order wrote is updated in place (the order's own version,
as Zuora does: no new version). zorders updates it only while it is still the latest:
after a later order changed the subscription, the update is refused as not supported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from zorders.domain.catalog import TriggerEvent
from zorders.domain.errors import (
    BusinessRuleViolation,
    InvalidValue,
    MissingField,
    Resource,
    not_supported,
)
from zorders.domain.order_actions import TriggerDates
from zorders.domain.orders import Order, OrderActionRecord, OrderStatus, OrderSubscriptionRecord
from zorders.domain.subscribing import start_charge
from zorders.domain.subscriptions import RatePlanCharge, Subscription, SubscriptionStatus

#: The actions whose charges zorders leaves waiting for a date (docs/compatibility-orders.md).
WAITING_ACTIONS = frozenset({"CreateSubscription", "AddProduct"})


@dataclass(frozen=True, kw_only=True, slots=True)
class ActionTriggerDates:
    sequence: int
    service_activation: date | None = None
    customer_acceptance: date | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class SubscriptionTriggerDates:
    subscription_number: str
    actions: tuple[ActionTriggerDates, ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class Activated:
    order: Order
    #: The rewritten versions (the order's own), in request order.
    subscriptions: tuple[Subscription, ...]


def update_trigger_dates(
    order: Order,
    updates: tuple[SubscriptionTriggerDates, ...],
    *,
    written: Mapping[str, Subscription],
    latest: Mapping[str, Subscription],
    bases: Mapping[str, Subscription | None],
) -> Activated:
    """Apply ``updates`` to the Pending ``order``.

    ``written``: the version the order wrote of each of its subscriptions; ``latest``:
    their latest versions; ``bases``: the versions the order amended (None: created).
    """
    if order.status is not OrderStatus.PENDING:
        raise BusinessRuleViolation(
            f"Order {order.number} is {order.status.value}: only the trigger dates of a "
            "Pending order can be updated.",
            resource=Resource.ORDER,
        )
    if not updates:
        raise MissingField(
            "'subscriptions' must name at least one subscription.", resource=Resource.ORDER
        )
    records = {r.subscription_number: r for r in order.subscriptions}
    rewritten: dict[str, Subscription] = {}
    new_records: dict[str, OrderSubscriptionRecord] = {}
    for update in updates:
        number = update.subscription_number
        record = records.get(number)
        if record is None:
            raise InvalidValue(
                f"Subscription {number} is not in order {order.number}.", resource=Resource.ORDER
            )
        if number in rewritten:
            raise InvalidValue(f"Subscription {number} is named twice.", resource=Resource.ORDER)
        sub = written[number]
        if latest[number].version != sub.version:
            raise not_supported(
                f"Updating the trigger dates of order {order.number} after a later order "
                f"changed subscription {number}"
            )
        record, dates = _merged_dates(order, record, update)
        base = bases.get(number)
        waited_before = {c.id for c in base.charges if c.pending} if base is not None else set()
        rewritten[number] = _activated(sub, dates, waited_before)
        new_records[number] = record
    still_waiting = any(
        _waits(rewritten.get(n, written[n]), bases.get(n))
        for n in (r.subscription_number for r in order.subscriptions)
    )
    activated = replace(
        order,
        subscriptions=tuple(new_records.get(r.subscription_number, r) for r in order.subscriptions),
        status=OrderStatus.PENDING if still_waiting else OrderStatus.COMPLETED,
    )
    return Activated(order=activated, subscriptions=tuple(rewritten.values()))


def _merged_dates(
    order: Order, record: OrderSubscriptionRecord, update: SubscriptionTriggerDates
) -> tuple[OrderSubscriptionRecord, TriggerDates]:
    """The record with the actions' new dates, and the dates the subscription's waiting
    charges take (those of every action named; two actions must agree)."""
    if not update.actions:
        raise MissingField(
            f"'orderActions' must name an action of subscription {update.subscription_number}.",
            resource=Resource.ORDER,
        )
    actions = {a.sequence: a for a in record.actions}
    changed: dict[int, OrderActionRecord] = {}
    activation: date | None = None
    acceptance: date | None = None
    for given in update.actions:
        action = actions.get(given.sequence)
        if action is None:
            raise InvalidValue(
                f"Order {order.number} has no action with sequence {given.sequence} for "
                f"subscription {update.subscription_number}.",
                resource=Resource.ORDER,
            )
        if action.type not in WAITING_ACTIONS:
            raise InvalidValue(
                f"Action {given.sequence} of order {order.number} is {action.type}: only "
                "CreateSubscription and AddProduct actions wait for trigger dates in zorders.",
                resource=Resource.ORDER,
            )
        if given.service_activation is None and given.customer_acceptance is None:
            raise MissingField(
                "'triggerDates' needs a ServiceActivation or CustomerAcceptance date.",
                resource=Resource.ORDER,
            )
        activation = _agreed(activation, given.service_activation, "ServiceActivation")
        acceptance = _agreed(acceptance, given.customer_acceptance, "CustomerAcceptance")
        old = action.trigger_dates
        changed[given.sequence] = replace(
            action,
            trigger_dates=replace(
                old,
                service_activation=given.service_activation or old.service_activation,
                customer_acceptance=given.customer_acceptance or old.customer_acceptance,
            ),
        )
    merged = replace(record, actions=tuple(changed.get(a.sequence, a) for a in record.actions))
    return merged, TriggerDates(service_activation=activation, customer_acceptance=acceptance)


def _agreed(current: date | None, given: date | None, name: str) -> date | None:
    if given is not None and current is not None and given != current:
        raise InvalidValue(
            f"Two actions of one subscription give different {name} dates.",
            resource=Resource.ORDER,
        )
    return given or current


def _activated(sub: Subscription, dates: TriggerDates, waited_before: set[str]) -> Subscription:
    """``sub`` with the charges it waited on (not those an earlier order left) started."""

    def started(charge: RatePlanCharge) -> RatePlanCharge:
        if not charge.pending or charge.id in waited_before:
            return charge
        day = _date_for(charge.trigger_event, dates)
        if day is None:
            return charge
        if day < sub.contract_effective_date:
            raise BusinessRuleViolation(
                f"The {charge.trigger_event.value} date {day.isoformat()} is before the "
                f"contract effective date {sub.contract_effective_date.isoformat()} of "
                f"subscription {sub.number}.",
                resource=Resource.SUBSCRIPTION,
            )
        if sub.term_end_date is not None and day >= sub.term_end_date:
            raise BusinessRuleViolation(
                f"The {charge.trigger_event.value} date {day.isoformat()} is not within the "
                f"term of subscription {sub.number}, which ends {sub.term_end_date.isoformat()}.",
                resource=Resource.SUBSCRIPTION,
            )
        return start_charge(charge, day, term_end=sub.term_end_date)

    plans = tuple(replace(p, charges=tuple(started(c) for c in p.charges)) for p in sub.rate_plans)
    activated = replace(sub, rate_plans=plans)
    if sub.status not in (
        SubscriptionStatus.PENDING_ACTIVATION,
        SubscriptionStatus.PENDING_ACCEPTANCE,
    ):
        return activated  # an AddProduct waited: the subscription's status never changed
    waiting = {c.trigger_event for c in activated.charges if c.pending}
    activation = sub.service_activation_date or dates.service_activation
    acceptance = sub.customer_acceptance_date or dates.customer_acceptance
    # As CreateSubscription sets them (domain/subscribing.py).
    status = SubscriptionStatus.ACTIVE
    if TriggerEvent.SERVICE_ACTIVATION in waiting:
        status = SubscriptionStatus.PENDING_ACTIVATION
    elif TriggerEvent.CUSTOMER_ACCEPTANCE in waiting:
        status = SubscriptionStatus.PENDING_ACCEPTANCE
    if activation is None and status is not SubscriptionStatus.PENDING_ACTIVATION:
        activation = sub.contract_effective_date
    if acceptance is None and status is SubscriptionStatus.ACTIVE:
        acceptance = activation
    return replace(
        activated,
        status=status,
        service_activation_date=activation,
        customer_acceptance_date=acceptance,
    )


def _date_for(event: TriggerEvent, dates: TriggerDates) -> date | None:
    if event is TriggerEvent.SERVICE_ACTIVATION:
        return dates.service_activation
    if event is TriggerEvent.CUSTOMER_ACCEPTANCE:
        return dates.customer_acceptance
    return None


def _waits(sub: Subscription, base: Subscription | None) -> bool:
    """Whether the order still leaves a charge of ``sub`` waiting."""
    earlier = {c.id for c in base.charges if c.pending} if base is not None else set()
    return any(c.pending and c.id not in earlier for c in sub.charges)
