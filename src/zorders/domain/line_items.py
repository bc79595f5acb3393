"""Order line items: non-subscription items an order sells (or returns), with item numbers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

from zorders.domain.accounts import Account
from zorders.domain.catalog import ChargeType, ProductRatePlanCharge
from zorders.domain.errors import InvalidValue, NotFound, Resource
from zorders.domain.numbering import Numbering

#: Zuora's limit per order (facts §2, "≤100 order line items per order").
MAX_LINE_ITEMS = 100


class ItemType(Enum):
    PRODUCT = "Product"
    FEE = "Fee"
    SERVICES = "Services"


class ItemCategory(Enum):
    SALES = "Sales"
    RETURN = "Return"


class BillingRule(Enum):
    TRIGGER_WITHOUT_FULFILLMENT = "TriggerWithoutFulfillment"
    TRIGGER_AS_FULFILLMENT_OCCURS = "TriggerAsFulfillmentOccurs"


@dataclass(frozen=True, kw_only=True, slots=True)
class LineItemDraft:
    """An ``orderLineItems[]`` entry as the client sent it."""

    item_type: ItemType = ItemType.PRODUCT
    item_number: str | None = None
    item_name: str | None = None
    description: str | None = None
    quantity: Decimal = Decimal(1)
    amount_per_unit: Decimal | None = None
    list_price_per_unit: Decimal | None = None
    product_rate_plan_charge_id: str | None = None
    transaction_start_date: date | None = None
    transaction_end_date: date | None = None
    bill_target_date: date | None = None
    billing_rule: BillingRule = BillingRule.TRIGGER_WITHOUT_FULFILLMENT
    item_category: ItemCategory = ItemCategory.SALES
    owner_account_number: str | None = None
    related_subscription_number: str | None = None
    currency: str | None = None
    uom: str | None = None
    purchase_order_number: str | None = None
    custom_fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True, slots=True)
class OrderLineItem:
    id: str
    item_number: str
    item_type: ItemType
    #: A new item is ``Executing`` (the first state of Zuora's ``itemState``) until billed.
    item_state: str
    item_category: ItemCategory
    item_name: str | None
    description: str | None
    quantity: Decimal
    amount_per_unit: Decimal
    list_price_per_unit: Decimal
    product_rate_plan_charge_id: str | None
    transaction_start_date: date
    transaction_end_date: date
    bill_target_date: date | None
    billing_rule: BillingRule
    owner_account_number: str
    invoice_owner_account_number: str
    related_subscription_number: str | None
    currency: str
    uom: str | None
    purchase_order_number: str | None = None
    custom_fields: dict[str, Any] = field(default_factory=dict)

    @property
    def amount(self) -> Decimal:
        return self.amount_per_unit * self.quantity

    @property
    def list_price(self) -> Decimal:
        return self.list_price_per_unit * self.quantity


def build_line_items(
    drafts: tuple[LineItemDraft, ...],
    *,
    order_date: date,
    account: Account,
    accounts: Mapping[str, Account],
    charges: Mapping[str, ProductRatePlanCharge],
    subscription_numbers: frozenset[str],
    numbering: Numbering,
) -> tuple[OrderLineItem, ...]:
    """The order's line items, numbered "1", "2", … within the order unless the client
    numbers them all (Zuora: "you must set all the item numbers in an order")."""
    if len(drafts) > MAX_LINE_ITEMS:
        raise InvalidValue(
            f"An order can contain at most {MAX_LINE_ITEMS} order line items.",
            resource=Resource.ORDER,
        )
    given = [d.item_number for d in drafts if d.item_number is not None]
    if given and len(given) != len(drafts):
        raise InvalidValue(
            "Set 'itemNumber' on every order line item of the order, or on none.",
            resource=Resource.ORDER,
        )
    if len(set(given)) != len(given):
        raise InvalidValue("'itemNumber' must be unique in an order.", resource=Resource.ORDER)
    return tuple(
        _line_item(
            draft,
            number=draft.item_number or str(position),
            order_date=order_date,
            account=account,
            accounts=accounts,
            charges=charges,
            subscription_numbers=subscription_numbers,
            id=numbering.new_id(),
        )
        for position, draft in enumerate(drafts, start=1)
    )


def _line_item(
    draft: LineItemDraft,
    *,
    number: str,
    order_date: date,
    account: Account,
    accounts: Mapping[str, Account],
    charges: Mapping[str, ProductRatePlanCharge],
    subscription_numbers: frozenset[str],
    id: str,
) -> OrderLineItem:
    owner = account
    if draft.owner_account_number is not None:
        found = accounts.get(draft.owner_account_number)
        if found is None:
            raise NotFound(
                f"Account {draft.owner_account_number} does not exist.", resource=Resource.ACCOUNT
            )
        owner = found
    currency = (draft.currency or account.currency).upper()
    if currency != account.currency:
        raise InvalidValue(
            f"Order line item {number} is in {currency}; the order's account bills in "
            f"{account.currency}.",
            resource=Resource.ORDER,
        )
    list_price = draft.list_price_per_unit
    name = draft.item_name
    uom = draft.uom
    if draft.product_rate_plan_charge_id is not None:
        charge = charges.get(draft.product_rate_plan_charge_id)
        if charge is None:
            raise NotFound(
                f"Product rate plan charge {draft.product_rate_plan_charge_id} does not exist.",
                resource=Resource.CATALOG,
            )
        if charge.type is not ChargeType.ONE_TIME:
            # SDK ``productRatePlanChargeId``: "Only one-time charges are supported."
            raise InvalidValue(
                f'Order line items take one-time charges only; "{charge.name}" is '
                f"{charge.type.value}.",
                resource=Resource.ORDER,
            )
        if list_price is None:
            list_price = charge.price_in(currency).price
        name = name or charge.name
        uom = uom or charge.uom
    amount = draft.amount_per_unit if draft.amount_per_unit is not None else list_price
    if amount is None:
        raise InvalidValue(
            f"Order line item {number} needs 'amountPerUnit', 'listPricePerUnit' or a "
            "'productRatePlanChargeId'.",
            resource=Resource.ORDER,
        )
    if draft.quantity < 0:
        raise InvalidValue("'quantity' must not be negative.", resource=Resource.ORDER)
    start = draft.transaction_start_date or order_date
    end = draft.transaction_end_date or start
    if end < start:
        raise InvalidValue(
            "'transactionEndDate' cannot be before 'transactionStartDate'.",
            resource=Resource.ORDER,
        )
    related = draft.related_subscription_number
    if related is not None and related not in subscription_numbers:
        raise NotFound(f"Subscription {related} does not exist.", resource=Resource.SUBSCRIPTION)
    return OrderLineItem(
        id=id,
        item_number=number,
        item_type=draft.item_type,
        item_state="Executing",
        item_category=draft.item_category,
        item_name=name,
        description=draft.description,
        quantity=draft.quantity,
        amount_per_unit=amount,
        list_price_per_unit=list_price if list_price is not None else amount,
        product_rate_plan_charge_id=draft.product_rate_plan_charge_id,
        transaction_start_date=start,
        transaction_end_date=end,
        bill_target_date=draft.bill_target_date,
        billing_rule=draft.billing_rule,
        owner_account_number=owner.number,
        invoice_owner_account_number=account.number,
        related_subscription_number=related,
        currency=currency,
        uom=uom,
        purchase_order_number=draft.purchase_order_number,
        custom_fields=draft.custom_fields,
    )
