"""``OrderDeltaMetrics`` of a preview: how much each charge's MRR, TCV, TCB and quantity
change because of the order (new minus before; everything for a new subscription)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from zorders.domain.billing import ChargeMetrics
from zorders.domain.orders import OrderSubscriptionRecord
from zorders.domain.subscriptions import RatePlanCharge, Subscription

ZERO = Decimal(0)


@dataclass(frozen=True, kw_only=True, slots=True)
class OrderDelta:
    """One element of ``orderDeltaMrr`` / ``Tcv`` / ``Tcb`` / ``Qty``."""

    subscription_number: str | None
    charge_number: str | None
    product_rate_plan_charge_id: str
    #: None for a charge the order adds: it does not exist yet.
    rate_plan_charge_id: str | None
    order_action_type: str | None
    order_action_sequence: int | None
    start_date: date | None
    end_date: date | None
    currency: str
    gross_amount: Decimal
    net_amount: Decimal
    product_rate_plan_id: str | None = None
    subscription_owner: str | None = None
    invoice_owner: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class OrderDeltaMetrics:
    mrr: tuple[OrderDelta, ...] = ()
    tcv: tuple[OrderDelta, ...] = ()
    tcb: tuple[OrderDelta, ...] = ()
    qty: tuple[OrderDelta, ...] = ()

    def __add__(self, other: OrderDeltaMetrics) -> OrderDeltaMetrics:
        return OrderDeltaMetrics(
            mrr=self.mrr + other.mrr,
            tcv=self.tcv + other.tcv,
            tcb=self.tcb + other.tcb,
            qty=self.qty + other.qty,
        )


def _last_segments(subscription: Subscription | None) -> dict[str, RatePlanCharge]:
    segments: dict[str, RatePlanCharge] = {}
    for charge in subscription.charges if subscription else ():
        segments[charge.number] = charge  # segments come in order: the last one wins
    return segments


def subscription_deltas(
    *,
    subscription: Subscription,
    base: Subscription | None,
    metrics: Sequence[ChargeMetrics],
    base_metrics: Sequence[ChargeMetrics],
    record: OrderSubscriptionRecord | None,
    shown: frozenset[str],
) -> OrderDeltaMetrics:
    """The deltas of one subscription's charges; charges with no change are left out.

    The change is attributed to the subscription's order action when it has exactly one;
    with several actions on one subscription zorders cannot split a charge's change
    between them and leaves the action fields null.
    """
    action = record.actions[0] if record is not None and len(record.actions) == 1 else None
    new_charges = _last_segments(subscription)
    old_charges = _last_segments(base)
    before = {m.charge_number: m for m in base_metrics}
    after = {m.charge_number: m for m in metrics}
    mrr: list[OrderDelta] = []
    tcv: list[OrderDelta] = []
    tcb: list[OrderDelta] = []
    qty: list[OrderDelta] = []
    for number in sorted(set(after) | set(before)):
        charge = new_charges.get(number) or old_charges[number]
        if charge.number not in shown and number not in old_charges:
            continue
        known = number in old_charges
        new, old = after.get(number), before.get(number)

        template = OrderDelta(
            subscription_number=subscription.number if base is not None else None,
            charge_number=number if known else None,
            product_rate_plan_charge_id=charge.product_rate_plan_charge_id,
            rate_plan_charge_id=charge.id if known else None,
            order_action_type=action.type if action else None,
            order_action_sequence=action.sequence if action else None,
            start_date=charge.effective_start_date,
            end_date=charge.effective_end_date,
            currency=charge.currency,
            gross_amount=ZERO,
            net_amount=ZERO,
            product_rate_plan_id=_plan_of(new, old),
            subscription_owner=subscription.account_number or None,
            invoice_owner=subscription.invoice_owner_account_number or None,
        )
        mrr_before = len(mrr)
        for out, field in ((mrr, "cmrr"), (tcv, "tcv"), (tcb, "tcb")):
            gross = _value(new, field) - _value(old, field)
            net = gross + _value(new, f"{field}_discount") - _value(old, f"{field}_discount")
            if gross or net:
                out.append(replace(template, gross_amount=gross, net_amount=net))
        cut = _cut_short(new_charges.get(number), old_charges.get(number))
        if cut is not None and old is not None and len(mrr) == mrr_before:
            # Removed or cancelled: the charge's MRR goes away from its new end date.
            mrr.append(
                replace(
                    template,
                    start_date=cut[0],
                    end_date=cut[1],
                    gross_amount=-old.cmrr,
                    net_amount=-(old.cmrr + old.cmrr_discount),
                )
            )
        new_qty = new_charges[number].quantity if number in new_charges else None
        old_qty = old_charges[number].quantity if known else None
        if new_qty is not None or old_qty is not None:
            change = (new_qty or ZERO) - (old_qty or ZERO)
            if change:
                qty.append(replace(template, gross_amount=change, net_amount=change))
    return OrderDeltaMetrics(mrr=tuple(mrr), tcv=tuple(tcv), tcb=tuple(tcb), qty=tuple(qty))


def _plan_of(new: ChargeMetrics | None, old: ChargeMetrics | None) -> str | None:
    known = new or old
    return known.product_rate_plan_id if known is not None else None


def _cut_short(
    new: RatePlanCharge | None, old: RatePlanCharge | None
) -> tuple[date, date | None] | None:
    """(new end, old end) when the order ends the charge earlier than it did before."""
    if new is None or old is None or new.effective_end_date is None:
        return None
    if old.effective_end_date is None or new.effective_end_date < old.effective_end_date:
        return new.effective_end_date, old.effective_end_date
    return None


def _value(metrics: ChargeMetrics | None, field: str) -> Decimal:
    value: Decimal = getattr(metrics, field) if metrics is not None else ZERO
    return value
