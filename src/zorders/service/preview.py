"""Previewing an order: apply it without writing, then bill and measure what it would create."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from zorders.domain.accounts import Account, Contact
from zorders.domain.billing import BillingRules, ChargeMetrics, InvoiceItem
from zorders.domain.catalog import ChargeType
from zorders.domain.dates import add_months
from zorders.domain.errors import InvalidValue, Resource, not_supported
from zorders.domain.order_actions import OrderRequest, PreviewOptions, PreviewThruType, PreviewType
from zorders.domain.orders import place_order
from zorders.domain.periods import resolve_bill_cycle_day, service_periods
from zorders.domain.subscriptions import RatePlanCharge, Subscription
from zorders.service.context import load_order_context
from zorders.service.numbering import PreviewNumbering
from zorders.service.order_delta import OrderDeltaMetrics, subscription_deltas
from zorders.service.ports import Clock, IdFactory, UnitOfWork
from zorders.service.preview_delta import delta_items, per_charge
from zorders.service.results import PreviewInvoice, PreviewOrderResult, SubscriptionMetrics
from zorders.service.tenants import tenant_settings
from zorders.service.test_clock import settings_clock
from zorders.types import TenantId

_SUPPORTED_TYPES = frozenset(
    {
        PreviewType.CHARGE_METRICS,
        PreviewType.BILLING_DOCS,
        PreviewType.ORDER_DELTA_METRICS,
        PreviewType.ORDER_METRICS,
    }
)


def preview_order(
    uow: UnitOfWork, tenant_id: TenantId, request: OrderRequest, clock: Clock, ids: IdFactory
) -> PreviewOrderResult:
    """What the order would bill and be worth; nothing is written and no number is used."""
    options = request.preview
    if options is None:
        raise InvalidValue("'previewOptions' is required.", resource=Resource.ORDER)
    for wanted in options.preview_types:
        if wanted not in _SUPPORTED_TYPES:
            raise not_supported(f"previewTypes '{wanted.value}'")
    if request.line_items:
        # Zuora previews them on a draft invoice; zorders' preview invoice items carry no
        # order line item yet, so it refuses rather than leave them out of the amounts.
        raise not_supported("Previewing 'orderLineItems'")
    scope = uow.tenant(tenant_id)
    context = load_order_context(scope, request)
    settings = tenant_settings(uow, tenant_id)
    now = settings_clock(settings, clock).now()
    outcome = place_order(
        request,
        context,
        PreviewNumbering(ids),
        created_at=now.strftime("%Y-%m-%d %H:%M:%S"),
        today=now.date(),
        account_override=_preview_account(request),
    )
    rules = settings.billing
    exclude = frozenset(options.charge_types_to_exclude) | {ChargeType.USAGE}
    bcd = outcome.account.bill_cycle_day
    metrics: list[SubscriptionMetrics] = []
    items: list[InvoiceItem] = []
    targets: list[date] = []
    deltas = OrderDeltaMetrics()
    records = {r.subscription_number: r for r in outcome.order.subscriptions}
    for subscription, base in zip(outcome.subscriptions, outcome.base_versions, strict=True):
        thru = _thru_date(options, subscription, base, bill_cycle_day=bcd, rules=rules)
        targets.append(thru)
        # New subscriptions and charges have no number yet in Zuora's preview (facts §5).
        number = None if base is None else subscription.number
        known = frozenset() if base is None else frozenset(c.number for c in base.charges)
        shown = _shown_charges(subscription, exclude)
        after = per_charge(subscription, bill_cycle_day=bcd, thru=thru, rules=rules)
        before = (
            [] if base is None else per_charge(base, bill_cycle_day=bcd, thru=thru, rules=rules)
        )
        metrics.append(
            SubscriptionMetrics(
                subscription_number=number,
                charges=tuple(_unnumbered(m, known) for m in after if m.charge_number in shown),
                base_charges=None if base is None else tuple(before),
            )
        )
        deltas += subscription_deltas(
            subscription=subscription,
            base=base,
            metrics=after,
            base_metrics=before,
            record=records.get(subscription.number),
            shown=shown,
        )
        billed = delta_items(
            subscription, base, bill_cycle_day=bcd, thru=thru, rules=rules, exclude=exclude
        )
        items.extend(
            replace(
                i,
                subscription_number=number,
                charge_number=i.charge_number if i.charge_number in known else None,
            )
            for i in billed
        )
    invoices: tuple[PreviewInvoice, ...] = ()
    credit_memos: tuple[PreviewInvoice, ...] = ()
    total = sum((i.amount for i in items), Decimal(0))
    if items and total >= 0:
        invoices = (PreviewInvoice(target_date=max(targets), amount=total, items=tuple(items)),)
    elif items:
        # A bill run whose total is negative produces a credit memo, not a negative
        # invoice (Zuora with Invoice Settlement); its amounts are the credit, positive.
        credit_memos = (
            PreviewInvoice(
                target_date=max(targets),
                amount=-total,
                items=tuple(replace(i, amount=-i.amount) for i in items),
            ),
        )
    usage = any(c.type is ChargeType.USAGE for s in outcome.subscriptions for c in s.charges)
    return PreviewOrderResult(
        charge_metrics=tuple(metrics)
        if PreviewType.CHARGE_METRICS in options.preview_types
        else None,
        invoices=invoices if PreviewType.BILLING_DOCS in options.preview_types else None,
        credit_memos=credit_memos if PreviewType.BILLING_DOCS in options.preview_types else None,
        order_delta_metrics=deltas
        if PreviewType.ORDER_DELTA_METRICS in options.preview_types
        else None,
        order_metrics=deltas if PreviewType.ORDER_METRICS in options.preview_types else None,
        not_previewed=("Usage",) if usage else (),
    )


def _shown_charges(subscription: Subscription, exclude: frozenset[ChargeType]) -> frozenset[str]:
    return frozenset(c.number for c in subscription.charges if c.type not in exclude)


def _unnumbered(metrics: ChargeMetrics, known: frozenset[str]) -> ChargeMetrics:
    """A charge the order adds has no number in the preview (its number is a placeholder)."""
    return metrics if metrics.charge_number in known else replace(metrics, charge_number="")


def _preview_account(request: OrderRequest) -> Account | None:
    if request.existing_account_number is not None or request.preview_account is None:
        return None  # place_order uses (or refuses) the existing account
    info = request.preview_account
    if not 1 <= info.bill_cycle_day <= 31:
        raise InvalidValue(
            "'previewAccountInfo.billCycleDay' must be between 1 and 31.", resource=Resource.ORDER
        )
    nobody = Contact(first_name="", last_name="")
    return Account(
        id="",
        number="",
        name="",
        currency=info.currency.upper(),
        bill_cycle_day=info.bill_cycle_day,
        bill_to=nobody,
        sold_to=nobody,
        bill_to_contact_id="",
        sold_to_contact_id="",
    )


def _thru_date(
    options: PreviewOptions,
    subscription: Subscription,
    base: Subscription | None,
    *,
    bill_cycle_day: int,
    rules: BillingRules,
) -> date:
    if options.thru_type is PreviewThruType.SPECIFIC_DATE:
        if options.specific_thru_date is None:
            raise InvalidValue(
                "'specificPreviewThruDate' is required when 'previewThruType' is SpecificDate.",
                resource=Resource.ORDER,
            )
        return options.specific_thru_date
    if options.thru_type is PreviewThruType.TERM_END:
        if subscription.term_end_date is None:
            raise not_supported(
                "previewThruType 'TermEnd' for an EVERGREEN subscription (use SpecificDate)"
            )
        return subscription.term_end_date
    return _after_periods(options, subscription, base, bill_cycle_day=bill_cycle_day, rules=rules)


def _after_periods(
    options: PreviewOptions,
    subscription: Subscription,
    base: Subscription | None,
    *,
    bill_cycle_day: int,
    rules: BillingRules,
) -> date:
    """``NumberOfPeriods``: the last day of the N-th billing period of the subscription's
    first recurring charge (shortest billing period first) that the order touches.

    In-advance charges are billed for those N periods; an in-arrears period is billed only
    once it has ended, so the N-th one falls just after the preview.
    """
    count = options.number_of_periods
    if count is None:
        raise InvalidValue(
            "'previewNumberOfPeriods' is required when 'previewThruType' is NumberOfPeriods.",
            resource=Resource.ORDER,
        )
    old = set() if base is None else {(c.number, c.segment) for c in base.charges}
    recurring = [
        c
        for c in subscription.charges
        if c.type is ChargeType.RECURRING
        and c.effective_start_date is not None
        and (c.number, c.segment) not in old
    ] or [
        c
        for c in subscription.charges
        if c.type is ChargeType.RECURRING and c.effective_start_date is not None
    ]
    if not recurring:
        raise InvalidValue(
            "previewThruType 'NumberOfPeriods' needs a recurring charge to count periods of.",
            resource=Resource.ORDER,
        )
    charge = min(recurring, key=_period_length)
    assert charge.effective_start_date is not None
    day = resolve_bill_cycle_day(
        charge,
        account_bill_cycle_day=bill_cycle_day,
        subscription_start=subscription.subscription_start_date,
    )
    until = add_months(charge.effective_start_date, 12 * count + 12)
    periods = service_periods(charge, bill_cycle_day=day, until=until, rules=rules)
    if not periods:
        raise InvalidValue(
            f'Charge "{charge.name}" has no billing period to preview.', resource=Resource.ORDER
        )
    return periods[min(count, len(periods)) - 1].end


def _period_length(charge: RatePlanCharge) -> tuple[int, str]:
    months = (
        charge.billing_period.months(charge.specific_billing_period)
        if charge.billing_period
        else None
    )
    # Weekly periods are the shortest; then by months; the number keeps the choice stable.
    return (0 if months is None else months, charge.number)
