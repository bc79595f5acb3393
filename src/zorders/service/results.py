"""What order jobs and sync order calls return, in domain terms (the wire shapes them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NotRequired, TypedDict, cast

from zorders.domain.billing import ChargeMetrics, InvoiceItem
from zorders.service.order_delta import OrderDeltaMetrics
from zorders.service.plain import plain


@dataclass(frozen=True, kw_only=True, slots=True)
class SubscriptionOutcome:
    number: str
    id: str
    status: str
    owner_account_id: str
    owner_account_number: str


@dataclass(frozen=True, kw_only=True, slots=True)
class LineItemOutcome:
    id: str
    item_number: str


@dataclass(frozen=True, kw_only=True, slots=True)
class CreateOrderResult:
    order_number: str
    order_id: str
    account_number: str
    account_id: str
    status: str
    subscriptions: tuple[SubscriptionOutcome, ...]
    return_ids: bool = False
    invoice_numbers: tuple[str, ...] = ()
    invoice_ids: tuple[str, ...] = ()
    payment_number: str | None = None
    payment_id: str | None = None
    paid_amount: Decimal | None = None
    payment_status: str | None = None
    #: ``orderLineItems[{id, itemNumber}]``, in request order.
    order_line_items: tuple[LineItemOutcome, ...] = ()


class SubscriptionFields(TypedDict):
    number: str
    id: str
    status: str
    owner_account_id: str
    owner_account_number: str


class LineItemFields(TypedDict):
    id: str
    item_number: str


class CreateOrderFields(TypedDict):
    """A ``CreateOrderResult`` as plain data, field for field (``plain``): Decimals as
    strings, tuples as lists. The store keeps a result in this form (with the codec's
    union tags beside the fields), and the job poll renders it without building the
    dataclasses (architecture "The hot path"). A field with a default may be missing from
    a document stored before the field existed."""

    order_number: str
    order_id: str
    account_number: str
    account_id: str
    status: str
    subscriptions: list[SubscriptionFields]
    return_ids: NotRequired[bool]
    invoice_numbers: NotRequired[list[str]]
    invoice_ids: NotRequired[list[str]]
    payment_number: NotRequired[str | None]
    payment_id: NotRequired[str | None]
    paid_amount: NotRequired[str | None]
    payment_status: NotRequired[str | None]
    order_line_items: NotRequired[list[LineItemFields]]


def create_order_fields(result: CreateOrderResult) -> CreateOrderFields:
    return cast(CreateOrderFields, plain(result))


@dataclass(frozen=True, kw_only=True, slots=True)
class PreviewInvoice:
    target_date: date
    amount: Decimal
    items: tuple[InvoiceItem, ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class SubscriptionMetrics:
    #: None for a subscription this order creates (Zuora previews it without a number).
    subscription_number: str | None
    #: One per charge; ``charge_number`` is "" for a charge the order adds (no number yet).
    charges: tuple[ChargeMetrics, ...]
    #: An amended subscription's metrics before the order, per charge number: the deltas.
    base_charges: tuple[ChargeMetrics, ...] | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class PreviewOrderResult:
    charge_metrics: tuple[SubscriptionMetrics, ...] | None
    invoices: tuple[PreviewInvoice, ...] | None
    #: Charge types left out of the amounts (usage is never previewed, as in Zuora).
    not_previewed: tuple[str, ...] = ()
    credit_memos: tuple[PreviewInvoice, ...] | None = None
    order_delta_metrics: OrderDeltaMetrics | None = None
    #: The same changes in the legacy ``orderMetrics`` shape (per subscription and action).
    order_metrics: OrderDeltaMetrics | None = None
