"""Previewing an order: apply it without writing, then bill and measure what it would create."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from zorders.domain.accounts import Account, Contact
from zorders.domain.billing import BillingRules, bill_subscription, charge_metrics
from zorders.domain.catalog import ChargeType
from zorders.domain.errors import InvalidValue, Resource, not_supported
from zorders.domain.order_actions import OrderRequest, PreviewOptions, PreviewThruType, PreviewType
from zorders.domain.orders import place_order
from zorders.domain.subscriptions import Subscription
from zorders.service.context import load_order_context
from zorders.service.numbering import PreviewNumbering
from zorders.service.ports import Clock, IdFactory, UnitOfWork
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
    items = []
    targets: list[date] = []
    for subscription in outcome.subscriptions:
        thru = _thru_date(options, subscription)
        targets.append(thru)
        # New subscriptions have no number yet in Zuora's preview (facts §5).
        number = None if subscription.version == 1 else subscription.number
        metrics.append(
            SubscriptionMetrics(
                subscription_number=number,
                charges=tuple(
                    m
                    for m in charge_metrics(
                        subscription, account_bill_cycle_day=bcd, thru_date=thru, rules=rules
                    )
                    if _charge_type(subscription, m.charge_number) not in exclude
                ),
            )
        )
        billed = bill_subscription(
            subscription,
            account_bill_cycle_day=bcd,
            target_date=thru,
            rules=rules,
            exclude=exclude,
        )
        if number is None:
            billed = [replace(i, subscription_number=None, charge_number=None) for i in billed]
        items.extend(billed)
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


def _charge_type(subscription: Subscription, charge_number: str | None) -> ChargeType | None:
    for charge in subscription.charges:
        if charge.number == charge_number:
            return charge.type
    return None


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
