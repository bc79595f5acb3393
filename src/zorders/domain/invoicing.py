"""Posted invoices and external payments: what ``runBilling`` and ``collectPayment`` create."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from zorders.domain.accounts import Account
from zorders.domain.billing import InvoiceItem
from zorders.domain.errors import BusinessRuleViolation, Resource
from zorders.domain.numbering import Numbering, NumberKind

ZERO = Decimal(0)


@dataclass(frozen=True, kw_only=True, slots=True)
class InvoiceLine:
    id: str
    item: InvoiceItem


@dataclass(frozen=True, kw_only=True, slots=True)
class Invoice:
    id: str
    number: str
    account_id: str
    account_number: str
    currency: str
    invoice_date: date
    target_date: date
    #: "Due Upon Receipt" (Zuora's default payment term): due on the invoice date.
    due_date: date
    amount: Decimal
    balance: Decimal
    lines: tuple[InvoiceLine, ...]
    status: str = "Posted"
    created_at: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class PaymentApplication:
    invoice_id: str
    invoice_number: str
    amount: Decimal


@dataclass(frozen=True, kw_only=True, slots=True)
class Payment:
    id: str
    number: str
    account_id: str
    account_number: str
    currency: str
    amount: Decimal
    effective_date: date
    applications: tuple[PaymentApplication, ...]
    #: zorders has no payment gateway: payments are recorded as external, processed at once.
    type: str = "External"
    status: str = "Processed"
    created_at: str = ""


def post_invoice(
    items: list[InvoiceItem],
    *,
    account: Account,
    invoice_date: date,
    target_date: date,
    numbering: Numbering,
    created_at: str,
) -> Invoice | None:
    """One posted invoice for ``items`` (None when there is nothing to bill, as Zuora
    generates no invoice then)."""
    if not items:
        return None
    amount = sum((item.amount for item in items), ZERO)
    return Invoice(
        id=numbering.new_id(),
        number=numbering.next_number(NumberKind.INVOICE),
        account_id=account.id,
        account_number=account.number,
        currency=account.currency,
        invoice_date=invoice_date,
        target_date=target_date,
        due_date=invoice_date,
        amount=amount,
        balance=amount,
        lines=tuple(InvoiceLine(id=numbering.new_id(), item=item) for item in items),
        created_at=created_at,
    )


def collect_payment(
    invoice: Invoice,
    *,
    account: Account,
    payment_date: date,
    numbering: Numbering,
    created_at: str,
) -> tuple[Payment, Invoice]:
    """An external payment of the invoice's balance, applied to it in full."""
    if invoice.balance <= ZERO:
        raise BusinessRuleViolation(
            f"Invoice {invoice.number} has no balance to collect.", resource=Resource.ORDER
        )
    payment = Payment(
        id=numbering.new_id(),
        number=numbering.next_number(NumberKind.PAYMENT),
        account_id=account.id,
        account_number=account.number,
        currency=invoice.currency,
        amount=invoice.balance,
        effective_date=payment_date,
        applications=(
            PaymentApplication(
                invoice_id=invoice.id, invoice_number=invoice.number, amount=invoice.balance
            ),
        ),
        created_at=created_at,
    )
    return payment, replace(invoice, balance=ZERO)
