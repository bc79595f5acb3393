"""Applying one amending order action to a subscription version: status rules, dispatch."""

from __future__ import annotations

from zorders.domain.amending import AmendContext, Amended
from zorders.domain.errors import BusinessRuleViolation, Resource
from zorders.domain.lifecycle import (
    cancel,
    renew,
    resume,
    suspend,
    terms_and_conditions,
    transfer_owner,
)
from zorders.domain.order_actions import (
    AddProduct,
    Amendment,
    CancelSubscription,
    ChangePlan,
    OwnerTransfer,
    RemoveProduct,
    RenewSubscription,
    Resume,
    Suspend,
    TermsAndConditions,
    UpdateProduct,
)
from zorders.domain.product_changes import add_product, change_plan, remove_product, update_product
from zorders.domain.subscriptions import Subscription, SubscriptionStatus

__all__ = ["AmendContext", "Amended", "amend"]


def _check_status(sub: Subscription, action: Amendment) -> None:
    if sub.status is SubscriptionStatus.CANCELLED:
        raise BusinessRuleViolation(
            f"Subscription {sub.number} is Cancelled: a {action.type_name} action cannot "
            "apply to it.",
            resource=Resource.SUBSCRIPTION,
        )
    # "To suspend and then make further changes in the same order, a Resume must come
    # first" (Zuora, facts §4). A suspended subscription can also be cancelled.
    if sub.status is SubscriptionStatus.SUSPENDED and not isinstance(
        action, Resume | CancelSubscription
    ):
        raise BusinessRuleViolation(
            f"Subscription {sub.number} is Suspended: resume it before a {action.type_name} "
            "action.",
            resource=Resource.SUBSCRIPTION,
        )


def amend(sub: Subscription, action: Amendment, ctx: AmendContext) -> Amended:
    """``sub`` (already the order's new version) with ``action`` applied; raises a
    ZuoraError, and the whole order with it, when Zuora would refuse the action."""
    _check_status(sub, action)
    if isinstance(action, AddProduct):
        return add_product(sub, action, ctx)
    if isinstance(action, UpdateProduct):
        return update_product(sub, action, ctx)
    if isinstance(action, RemoveProduct):
        return remove_product(sub, action, ctx)
    if isinstance(action, ChangePlan):
        payer = ctx.accounts.get(sub.invoice_owner_account_number)
        return change_plan(sub, action, ctx, bill_to=payer)
    if isinstance(action, TermsAndConditions):
        return terms_and_conditions(sub, action, ctx)
    if isinstance(action, RenewSubscription):
        return renew(sub, action, ctx)
    if isinstance(action, CancelSubscription):
        return cancel(sub, action, ctx)
    if isinstance(action, Suspend):
        return suspend(sub, action, ctx)
    if isinstance(action, Resume):
        return resume(sub, action, ctx)
    if isinstance(action, OwnerTransfer):
        return transfer_owner(sub, action, ctx)
    raise AssertionError(f"unhandled order action {action!r}")  # pragma: no cover
