"""``runBilling`` / ``collectPayment`` of a create order: invoice what the order made billable."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from zorders.domain.accounts import Account
from zorders.domain.billing import BillingRules, InvoiceItem, bill_subscription
from zorders.domain.catalog import ChargeType
from zorders.domain.invoicing import Invoice, Payment, collect_payment, post_invoice
from zorders.domain.numbering import Numbering
from zorders.domain.subscriptions import Subscription
from zorders.service.ports import TenantScope


@dataclass(frozen=True, kw_only=True, slots=True)
class BillingRun:
    account: Account
    invoice: Invoice | None
    payment: Payment | None


def run_billing(
    scope: TenantScope,
    *,
    account: Account,
    subscriptions: tuple[Subscription, ...],
    target_date: date,
    invoice_date: date,
    exclude: frozenset[ChargeType],
    collect: bool,
    rules: BillingRules,
    numbering: Numbering,
    created_at: str,
) -> BillingRun:
    """Bill the subscriptions through ``target_date`` from where earlier runs stopped,
    post one invoice, and collect it if asked; all in the caller's transaction."""
    items: list[InvoiceItem] = []
    for subscription in subscriptions:
        billed = dict(scope.billing.billed_through(subscription.number))
        new_items = bill_subscription(
            subscription,
            account_bill_cycle_day=account.bill_cycle_day,
            target_date=target_date,
            rules=rules,
            # Usage is billed from usage records, which zorders does not take yet.
            exclude=exclude | {ChargeType.USAGE},
            billed_through=billed,
        )
        for item in new_items:
            if item.charge_number is not None:
                after = item.service_end_date + timedelta(days=1)
                billed[item.charge_number] = max(billed.get(item.charge_number, after), after)
        scope.billing.set_billed_through(subscription.number, billed)
        items.extend(new_items)
    invoice = post_invoice(
        items,
        account=account,
        invoice_date=invoice_date,
        target_date=target_date,
        numbering=numbering,
        created_at=created_at,
    )
    payment = None
    if invoice is not None:
        account = replace(account, balance=account.balance + invoice.amount)
        if collect and invoice.amount > 0:
            payment, invoice = collect_payment(
                invoice,
                account=account,
                payment_date=invoice_date,
                numbering=numbering,
                created_at=created_at,
            )
            account = replace(account, balance=account.balance - payment.amount)
            scope.payments.add(payment)
        scope.invoices.add(invoice)
    return BillingRun(account=account, invoice=invoice, payment=payment)
