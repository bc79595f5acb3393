"""Previewing an order: apply it without writing, then bill and measure what it would create."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from zorders.domain.accounts import Account, Contact
from zorders.domain.billing import BillingRules, ChargeMetrics, InvoiceItem
from zorders.domain.catalog import ChargeType
from zorders.domain.errors import InvalidValue, Resource, not_supported
from zorders.domain.order_actions import OrderRequest, PreviewOptions, PreviewThruType, PreviewType
from zorders.domain.orders import place_order
from zorders.domain.subscriptions import Subscription
from zorders.service.context import load_order_context
from zorders.service.numbering import PreviewNumbering
from zorders.service.ports import Clock, IdFactory, UnitOfWork
from zorders.service.preview_delta import delta_items, per_charge
from zorders.service.results import PreviewInvoice, PreviewOrderResult, SubscriptionMetrics
from zorders.types import TenantId

_SUPPORTED_TYPES = frozenset({PreviewType.CHARGE_METRICS, PreviewType.BILLING_DOCS})


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
    now = clock.now()
    outcome = place_order(
        request,
        context,
        PreviewNumbering(ids),
        created_at=now.strftime("%Y-%m-%d %H:%M:%S"),
        today=now.date(),
        account_override=_preview_account(request),
    )
    rules = BillingRules()
    exclude = frozenset(options.charge_types_to_exclude) | {ChargeType.USAGE}
    bcd = outcome.account.bill_cycle_day
    metrics: list[SubscriptionMetrics] = []
    items: list[InvoiceItem] = []
    targets: list[date] = []
    for subscription, base in zip(outcome.subscriptions, outcome.base_versions, strict=True):
        thru = _thru_date(options, subscription)
        targets.append(thru)
        # New subscriptions and charges have no number yet in Zuora's preview (facts §5).
        number = None if base is None else subscription.number
        known = frozenset() if base is None else frozenset(c.number for c in base.charges)
        shown = _shown_charges(subscription, exclude)
        metrics.append(
            SubscriptionMetrics(
                subscription_number=number,
                charges=tuple(
                    _unnumbered(m, known)
                    for m in per_charge(subscription, bill_cycle_day=bcd, thru=thru, rules=rules)
                    if m.charge_number in shown
                ),
                base_charges=None
                if base is None
                else tuple(per_charge(base, bill_cycle_day=bcd, thru=thru, rules=rules)),
            )
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
    if items:
        invoices = (
            PreviewInvoice(
                target_date=max(targets),
                amount=sum((i.amount for i in items), Decimal(0)),
                items=tuple(items),
            ),
        )
    usage = any(c.type is ChargeType.USAGE for s in outcome.subscriptions for c in s.charges)
    return PreviewOrderResult(
        charge_metrics=tuple(metrics)
        if PreviewType.CHARGE_METRICS in options.preview_types
        else None,
        invoices=invoices if PreviewType.BILLING_DOCS in options.preview_types else None,
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


def _thru_date(options: PreviewOptions, subscription: Subscription) -> date:
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
    raise not_supported("previewThruType 'NumberOfPeriods'")
