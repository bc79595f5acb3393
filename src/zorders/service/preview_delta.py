"""What an order changes in an amended subscription: invoice items and metrics, new vs base."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date
from decimal import Decimal

from zorders.domain.billing import (
    BillingRules,
    ChargeMetrics,
    InvoiceItem,
    bill_subscription,
    charge_metrics,
)
from zorders.domain.catalog import ChargeType
from zorders.domain.subscriptions import Subscription

_Key = tuple[str | None, date, date, Decimal, Decimal, Decimal | None]


def _key(item: InvoiceItem) -> _Key:
    return (
        item.charge_number,
        item.service_start_date,
        item.service_end_date,
        item.amount,
        item.unit_price,
        item.quantity,
    )


def _unmatched(items: list[InvoiceItem], others: list[InvoiceItem]) -> list[InvoiceItem]:
    """``items`` without those ``others`` has too (a multiset difference)."""
    available = Counter(_key(i) for i in others)
    left = []
    for item in items:
        key = _key(item)
        if available[key]:
            available[key] -= 1
        else:
            left.append(item)
    return left


def delta_items(
    sub: Subscription,
    base: Subscription | None,
    *,
    bill_cycle_day: int,
    thru: date,
    rules: BillingRules,
    exclude: frozenset[ChargeType],
) -> list[InvoiceItem]:
    """The items the order changes through ``thru``.

    A new subscription: everything it bills. An amended one: what its new version bills
    that the base version did not (positive), and what the base version billed that the
    new one no longer does (negated: a credit). zorders' reading of "preview the order":
    identical periods cancel out, so the preview shows the order's effect alone, whether
    or not earlier periods were invoiced.
    """
    new = bill_subscription(
        sub, account_bill_cycle_day=bill_cycle_day, target_date=thru, rules=rules, exclude=exclude
    )
    if base is None:
        return new
    old = bill_subscription(
        base, account_bill_cycle_day=bill_cycle_day, target_date=thru, rules=rules, exclude=exclude
    )
    credits = [replace(i, amount=-i.amount) for i in _unmatched(old, new)]
    items = _unmatched(new, old) + credits
    items.sort(key=lambda i: (i.service_start_date, i.charge_number or "", i.amount))
    return items


def per_charge(
    sub: Subscription, *, bill_cycle_day: int, thru: date, rules: BillingRules
) -> list[ChargeMetrics]:
    """One entry per charge number: the CMRR of its last segment, TCV and TCB of them all."""
    metrics = charge_metrics(
        sub, account_bill_cycle_day=bill_cycle_day, thru_date=thru, rules=rules
    )
    merged: dict[str, ChargeMetrics] = {}
    for m in metrics:  # segments come in order, so the last one seen is the last segment
        earlier = merged.get(m.charge_number)
        if earlier is not None:
            m = replace(
                m,
                tcv=m.tcv + earlier.tcv,
                tcb=m.tcb + earlier.tcb,
                tcv_discount=m.tcv_discount + earlier.tcv_discount,
                tcb_discount=m.tcb_discount + earlier.tcb_discount,
            )
        merged[m.charge_number] = m
    return list(merged.values())
