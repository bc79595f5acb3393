"""Loading what an order may read (accounts, catalog offers, numbers in use) before applying it."""

from __future__ import annotations

from zorders.domain.catalog import RatePlanOffer
from zorders.domain.order_actions import CreateSubscription, OrderRequest
from zorders.domain.orders import OrderContext
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
    wanted_numbers: list[str] = []
    if request.order_number is not None:
        wanted_numbers.append(request.order_number)
    if request.new_account is not None and request.new_account.account_number is not None:
        wanted_numbers.append(request.new_account.account_number)
    for change in request.subscriptions:
        for action in change.actions:
            if not isinstance(action, CreateSubscription):
                continue
            if action.subscription_number is not None:
                wanted_numbers.append(action.subscription_number)
            for plan in action.rate_plans:
                if plan.product_rate_plan_id is not None and plan.product_rate_plan_id not in by_id:
                    offer = load_offer(scope.catalog, plan.product_rate_plan_id)
                    if offer is not None and offer.plan.id == plan.product_rate_plan_id:
                        by_id[plan.product_rate_plan_id] = offer
                number = plan.product_rate_plan_number
                if number is not None and number not in by_number:
                    offer = load_offer(scope.catalog, number)
                    if offer is not None and offer.plan.product_rate_plan_number == number:
                        by_number[number] = offer
    return OrderContext(
        existing_account=existing,
        offers_by_id=by_id,
        offers_by_number=by_number,
        taken_numbers=scope.numbers.taken(wanted_numbers) if wanted_numbers else frozenset(),
    )


def load_offer(catalog: CatalogRepository, plan_key: str) -> RatePlanOffer | None:
    plan = catalog.rate_plan(plan_key)
    if plan is None:
        return None
    product = catalog.product(plan.product_id)
    if product is None:
        return None
    return RatePlanOffer(product=product, plan=plan, charges=tuple(catalog.charges_of(plan.id)))
