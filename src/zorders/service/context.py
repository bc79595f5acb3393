"""What an order may read, loaded before it applies: accounts, subscriptions, offers, numbers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from zorders.domain.accounts import Account
from zorders.domain.catalog import ProductRatePlanCharge, RatePlanOffer
from zorders.domain.order_actions import (
    Action,
    AddProduct,
    ChangePlan,
    CreateSubscription,
    OrderRequest,
    OwnerTransfer,
    SubscribeToRatePlan,
)
from zorders.domain.orders import OrderContext
from zorders.domain.subscriptions import Subscription
from zorders.service.ports import CatalogRepository, TenantScope


def load_order_context(scope: TenantScope, request: OrderRequest) -> OrderContext:
    """One read per referenced key; the domain then works on plain mappings."""
    existing = (
        scope.accounts.get(request.existing_account_number)
        if request.existing_account_number is not None
        else None
    )
    by_id: dict[str, RatePlanOffer] = {}
    by_number: dict[str, RatePlanOffer] = {}
    subscriptions: dict[str, Subscription] = {}
    billed: dict[str, Mapping[str, date]] = {}
    account_keys: list[str] = []
    wanted_numbers: list[str] = []
    if request.order_number is not None:
        wanted_numbers.append(request.order_number)
    if request.new_account is not None and request.new_account.account_number is not None:
        wanted_numbers.append(request.new_account.account_number)
    for change in request.subscriptions:
        number = change.subscription_number
        if number is not None and number not in subscriptions:
            latest = scope.subscriptions.latest(number)
            if latest is not None:
                subscriptions[number] = latest
                billed[latest.number] = scope.billing.billed_through(latest.number)
                # ChangePlan at the end of a billing period needs the payer's bill cycle day.
                account_keys.append(latest.invoice_owner_account_number)
        for action in change.actions:
            if isinstance(action, CreateSubscription) and action.subscription_number is not None:
                wanted_numbers.append(action.subscription_number)
            if isinstance(action, OwnerTransfer):
                for key in (
                    action.destination_account_number,
                    action.destination_invoice_account_number,
                ):
                    if key is not None:
                        account_keys.append(key)
            for plan in _plans_named(action):
                _load_offers(scope.catalog, plan, by_id, by_number)
    line_item_charges: dict[str, ProductRatePlanCharge] = {}
    for item in request.line_items:
        if item.owner_account_number is not None:
            account_keys.append(item.owner_account_number)
        charge_id = item.product_rate_plan_charge_id
        if charge_id is not None and charge_id not in line_item_charges:
            charge = scope.catalog.charge(charge_id)
            if charge is not None:
                line_item_charges[charge_id] = charge
        related = item.related_subscription_number
        if related is not None and related not in subscriptions:
            latest = scope.subscriptions.latest(related)
            if latest is not None and latest.number == related:
                subscriptions[related] = latest
    return OrderContext(
        existing_account=existing,
        offers_by_id=by_id,
        offers_by_number=by_number,
        taken_numbers=scope.numbers.taken(wanted_numbers) if wanted_numbers else frozenset(),
        subscriptions=subscriptions,
        accounts=_accounts(scope, account_keys),
        billed_through=billed,
        line_item_charges=line_item_charges,
    )


def _plans_named(action: Action) -> tuple[SubscribeToRatePlan, ...]:
    """The catalog plans an action subscribes to."""
    if isinstance(action, CreateSubscription):
        return action.rate_plans
    if isinstance(action, AddProduct):
        return (action.rate_plan,)
    if isinstance(action, ChangePlan):
        return (action.new_plan,)
    return ()


def _load_offers(
    catalog: CatalogRepository,
    plan: SubscribeToRatePlan,
    by_id: dict[str, RatePlanOffer],
    by_number: dict[str, RatePlanOffer],
) -> None:
    if plan.product_rate_plan_id is not None and plan.product_rate_plan_id not in by_id:
        offer = load_offer(catalog, plan.product_rate_plan_id)
        if offer is not None and offer.plan.id == plan.product_rate_plan_id:
            by_id[plan.product_rate_plan_id] = offer
    number = plan.product_rate_plan_number
    if number is not None and number not in by_number:
        offer = load_offer(catalog, number)
        if offer is not None and offer.plan.product_rate_plan_number == number:
            by_number[number] = offer


def _accounts(scope: TenantScope, keys: list[str]) -> dict[str, Account]:
    """Accounts by the key the request used and by their number."""
    found: dict[str, Account] = {}
    for key in dict.fromkeys(keys):
        account = scope.accounts.get(key)
        if account is not None:
            found[key] = account
            found[account.number] = account
    return found


def load_offer(catalog: CatalogRepository, plan_key: str) -> RatePlanOffer | None:
    plan = catalog.rate_plan(plan_key)
    if plan is None:
        return None
    product = catalog.product(plan.product_id)
    if product is None:
        return None
    return RatePlanOffer(product=product, plan=plan, charges=tuple(catalog.charges_of(plan.id)))
