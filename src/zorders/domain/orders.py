"""The order aggregate: applying an order request's actions to accounts and subscriptions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import Enum
from typing import Any

from zorders.domain.accounts import Account, new_account
from zorders.domain.amending import find_offer
from zorders.domain.amendments import AmendContext, amend
from zorders.domain.catalog import ProductRatePlanCharge, RatePlanOffer
from zorders.domain.errors import (
    BusinessRuleViolation,
    InvalidValue,
    MissingField,
    NotFound,
    Resource,
    not_supported,
)
from zorders.domain.line_items import OrderLineItem, build_line_items
from zorders.domain.numbering import Numbering, NumberKind
from zorders.domain.order_actions import (
    CreateSubscription,
    OrderRequest,
    SubscriptionChange,
    TriggerDates,
)
from zorders.domain.subscribing import build_subscription
from zorders.domain.subscriptions import Subscription, SubscriptionStatus


class OrderStatus(Enum):
    DRAFT = "Draft"
    PENDING = "Pending"
    COMPLETED = "Completed"
    CANCELLED = "Cancelled"


@dataclass(frozen=True, kw_only=True, slots=True)
class OrderActionRecord:
    id: str
    type: str
    sequence: int
    trigger_dates: TriggerDates
    change_reason: str | None
    echo: dict[str, Any]


@dataclass(frozen=True, kw_only=True, slots=True)
class OrderSubscriptionRecord:
    subscription_number: str
    base_version: int | None
    new_version: int
    sequence: int
    actions: tuple[OrderActionRecord, ...]
    #: The subscription's owner once the order applied (an OwnerTransfer changes it).
    owner_account_number: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Order:
    id: str
    number: str
    order_date: date
    account_id: str
    account_number: str
    currency: str
    category: str
    status: OrderStatus
    subscriptions: tuple[OrderSubscriptionRecord, ...]
    description: str | None = None
    reason_code: str | None = None
    custom_fields: dict[str, Any] = field(default_factory=dict)
    created_at: str = ""
    line_items: tuple[OrderLineItem, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class OrderContext:
    """Everything an order may read, loaded by the caller before it is applied."""

    #: The account named by ``existingAccountNumber``, if any.
    existing_account: Account | None
    offers_by_id: Mapping[str, RatePlanOffer]
    offers_by_number: Mapping[str, RatePlanOffer]
    #: Numbers already in use (account, subscription, order numbers the client asked for).
    taken_numbers: frozenset[str] = frozenset()
    #: The latest version of each subscription the order amends, by subscription number.
    subscriptions: Mapping[str, Subscription] = field(default_factory=dict)
    #: Accounts the actions name (owner transfers) and the amended subscriptions' invoice
    #: owners, by account number.
    accounts: Mapping[str, Account] = field(default_factory=dict)
    #: For those subscriptions: charge number → the first day not yet invoiced.
    billed_through: Mapping[str, Mapping[str, date]] = field(default_factory=dict)
    #: Catalog charges the order line items name, by id.
    line_item_charges: Mapping[str, ProductRatePlanCharge] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True, slots=True)
class OrderOutcome:
    order: Order
    account: Account
    created_account: bool
    #: The subscription versions this order wrote, in request order.
    subscriptions: tuple[Subscription, ...]
    #: For each of them, the version it amended (None for a subscription it created).
    base_versions: tuple[Subscription | None, ...] = ()


_ORDER_NUMBER_FORBIDDEN = "#?/"


def place_order(
    request: OrderRequest,
    context: OrderContext,
    numbering: Numbering,
    *,
    created_at: str,
    today: date,
    account_override: Account | None = None,
) -> OrderOutcome:
    """Apply every action of ``request`` in order; raise a ZuoraError if any is refused.

    Nothing is written here: the caller persists the outcome in one transaction, so an
    order applies whole or not at all. Each amended subscription gets ONE new version,
    whatever the number of actions on it. ``today`` is the tenant's date (``Today``
    policies); ``account_override`` is the transient account a preview bills when there
    is none (``previewAccountInfo``).
    """
    _check_order_number(request, context)
    order_number = request.order_number or numbering.next_number(NumberKind.ORDER)
    account, created = _order_account(request, context, numbering, account_override, created_at)
    amend_context = AmendContext(
        order_date=request.order_date,
        today=today,
        offers_by_id=context.offers_by_id,
        offers_by_number=context.offers_by_number,
        accounts={**context.accounts, account.number: account},
        numbering=numbering,
        billed_through=context.billed_through,
    )
    subscriptions: list[Subscription] = []
    bases: list[Subscription | None] = []
    records: list[OrderSubscriptionRecord] = []
    pending = False
    for sequence, change in enumerate(request.subscriptions):
        if not change.actions:
            raise InvalidValue("'orderActions' must not be empty.", resource=Resource.ORDER)
        base = _base_version(change, context, account, bases)
        current = (
            None
            if base is None
            else base.next_version(
                id=numbering.new_id(), order_number=order_number, created_at=created_at
            )
        )
        action_records: list[OrderActionRecord] = []
        for action_sequence, action in enumerate(change.actions):
            if isinstance(action, CreateSubscription):
                if current is not None:
                    raise BusinessRuleViolation(
                        "CreateSubscription must be the first action of a new subscription "
                        "(an order creates a subscription once).",
                        resource=Resource.ORDER,
                    )
                current = _create_subscription(
                    request,
                    action,
                    account,
                    context,
                    numbering,
                    order_number=order_number,
                    created_at=created_at,
                )
            elif current is None:
                raise MissingField(
                    f"The {action.type_name} action needs the 'subscriptionNumber' of the "
                    "subscription it changes (or a CreateSubscription before it).",
                    resource=Resource.ORDER,
                )
            else:
                amended = amend(current, action, amend_context)
                current = amended.subscription
                pending = pending or amended.pending
            action_records.append(
                OrderActionRecord(
                    id=numbering.new_id(),
                    type=action.type_name,
                    sequence=action_sequence,
                    trigger_dates=action.trigger_dates,
                    change_reason=action.change_reason,
                    echo=action.echo,
                )
            )
        assert current is not None  # the loop ran at least once
        if base is None and account.bill_cycle_day == 0:
            # billCycleDay 0 is "auto-set": the first subscription's start day decides it.
            account = _with_bill_cycle_day(account, current.subscription_start_date.day)
        subscriptions.append(current)
        bases.append(base)
        records.append(
            OrderSubscriptionRecord(
                subscription_number=current.number,
                base_version=None if base is None else base.version,
                new_version=current.version,
                sequence=sequence,
                actions=tuple(action_records),
                owner_account_number=current.account_number,
            )
        )
    pending = pending or any(
        s.status in (SubscriptionStatus.PENDING_ACTIVATION, SubscriptionStatus.PENDING_ACCEPTANCE)
        for s in subscriptions
    )
    line_items = _line_items(request, context, account, subscriptions, numbering)
    order = Order(
        id=numbering.new_id(),
        number=order_number,
        order_date=request.order_date,
        account_id=account.id,
        account_number=account.number,
        currency=account.currency,
        category=request.category.value,
        status=OrderStatus.PENDING if pending else OrderStatus.COMPLETED,
        subscriptions=tuple(records),
        description=request.description,
        reason_code=request.reason_code,
        custom_fields=request.custom_fields,
        created_at=created_at,
        line_items=line_items,
    )
    return OrderOutcome(
        order=order,
        account=account,
        created_account=created,
        subscriptions=tuple(subscriptions),
        base_versions=tuple(bases),
    )


def _line_items(
    request: OrderRequest,
    context: OrderContext,
    account: Account,
    subscriptions: list[Subscription],
    numbering: Numbering,
) -> tuple[OrderLineItem, ...]:
    if not request.line_items:
        return ()
    if request.processing.run_billing:
        raise not_supported("Billing order line items ('runBilling' with 'orderLineItems')")
    return build_line_items(
        request.line_items,
        order_date=request.order_date,
        account=account,
        accounts={**context.accounts, account.number: account},
        charges=context.line_item_charges,
        subscription_numbers=frozenset(context.subscriptions) | {s.number for s in subscriptions},
        numbering=numbering,
    )


def _base_version(
    change: SubscriptionChange,
    context: OrderContext,
    account: Account,
    earlier: list[Subscription | None],
) -> Subscription | None:
    """The latest version of the subscription ``change`` amends (None: a new one)."""
    number = change.subscription_number
    if number is None:
        return None
    base = context.subscriptions.get(number)
    if base is None:
        raise NotFound(f"Subscription {number} does not exist.", resource=Resource.SUBSCRIPTION)
    if any(e is not None and e.number == base.number for e in earlier):
        raise BusinessRuleViolation(
            f"Subscription {number} appears twice in the order: put all its actions in one "
            "'subscriptions' entry.",
            resource=Resource.ORDER,
        )
    # zorders' rule: an order amends the subscriptions its account owns or pays for.
    if account.number not in (base.account_number, base.invoice_owner_account_number):
        raise BusinessRuleViolation(
            f"Subscription {number} belongs to account {base.account_number}, not to the "
            f"order's account {account.number or '(preview account)'}.",
            resource=Resource.ORDER,
        )
    return base


def _check_order_number(request: OrderRequest, context: OrderContext) -> None:
    number = request.order_number
    if number is None:
        return
    if len(number) > 100 or any(c in number for c in _ORDER_NUMBER_FORBIDDEN) or not number:
        raise InvalidValue(
            "'orderNumber' must be 1 to 100 characters without '#', '?' or '/'.",
            resource=Resource.ORDER,
        )
    if number in context.taken_numbers:
        raise BusinessRuleViolation(
            f"The order number {number} already exists.", resource=Resource.ORDER
        )


def _order_account(
    request: OrderRequest,
    context: OrderContext,
    numbering: Numbering,
    account_override: Account | None,
    created_at: str,
) -> tuple[Account, bool]:
    if request.new_account is not None and request.existing_account_number is not None:
        raise InvalidValue(
            "Specify either 'existingAccountNumber' or 'newAccount', not both.",
            resource=Resource.ORDER,
        )
    if account_override is not None:
        return account_override, False
    if request.new_account is not None:
        return new_account(request.new_account, context.taken_numbers, numbering, created_at), True
    if request.existing_account_number is None:
        raise InvalidValue(
            "Either 'existingAccountNumber' or 'newAccount' is required.", resource=Resource.ORDER
        )
    if context.existing_account is None:
        raise NotFound(
            f"Account {request.existing_account_number} does not exist.",
            resource=Resource.ORDER,
        )
    return context.existing_account, False


def _with_bill_cycle_day(account: Account, day: int) -> Account:
    return replace(account, bill_cycle_day=day)


def _create_subscription(
    request: OrderRequest,
    action: CreateSubscription,
    account: Account,
    context: OrderContext,
    numbering: Numbering,
    *,
    order_number: str,
    created_at: str,
) -> Subscription:
    if (
        action.subscription_number is not None
        and action.subscription_number in context.taken_numbers
    ):
        raise BusinessRuleViolation(
            f"The subscription number {action.subscription_number} already exists.",
            resource=Resource.SUBSCRIPTION,
        )
    for other in (action.owner_account_number, action.invoice_owner_account_number):
        if other is not None and other != account.number:
            raise InvalidValue(
                "A subscription owner or invoice owner other than the order's account is not "
                "supported by zorders yet.",
                resource=Resource.ORDER,
            )
    offers = [
        find_offer(wanted, context.offers_by_id, context.offers_by_number)
        for wanted in action.rate_plans
    ]
    return build_subscription(
        action,
        offers=tuple(offers),
        account=account,
        order_date=request.order_date,
        order_number=order_number,
        numbering=numbering,
        created_at=created_at,
    )
