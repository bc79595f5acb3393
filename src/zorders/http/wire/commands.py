"""Parsed request bodies → domain commands (``OrderRequest``, ``AccountDraft``)."""

from __future__ import annotations

from dataclasses import replace

from zorders.domain.accounts import AccountDraft, Contact
from zorders.domain.activation import ActionTriggerDates, SubscriptionTriggerDates
from zorders.domain.catalog import ChargeType
from zorders.domain.errors import InvalidValue, Resource, not_supported
from zorders.domain.line_items import BillingRule, ItemCategory, ItemType, LineItemDraft
from zorders.domain.order_actions import (
    OrderCategory,
    OrderRequest,
    PreviewAccount,
    PreviewOptions,
    PreviewThruType,
    PreviewType,
    ProcessingOptions,
    SubscriptionChange,
)
from zorders.http.wire import models as m
from zorders.http.wire.action_models import SubscriptionBody
from zorders.http.wire.actions import action


def contact(body: m.ContactBody) -> Contact:
    return Contact(
        first_name=body.first_name,
        last_name=body.last_name,
        work_email=body.work_email,
        address1=body.address1,
        city=body.city,
        state=body.state,
        country=body.country,
        zip_code=body.zip_code,
    )


def account_draft(body: m.AccountBody) -> AccountDraft:
    return AccountDraft(
        name=body.name,
        currency=body.currency,
        bill_cycle_day=body.bill_cycle_day,
        bill_to=contact(body.bill_to_contact),
        sold_to=contact(body.sold_to_contact) if body.sold_to_contact else None,
        account_number=body.account_number,
        payment_term=body.payment_term,
        auto_pay=body.auto_pay,
        notes=body.notes,
        custom_fields=body.custom_fields,
    )


def create_order_request(body: m.CreateOrderBody, *, return_ids: bool) -> OrderRequest:
    processing = body.processing_options
    return replace(
        _common(body),
        new_account=account_draft(body.new_account) if body.new_account else None,
        processing=ProcessingOptions(
            run_billing=processing.run_billing,
            collect_payment=processing.collect_payment,
            target_date=processing.billing_options.target_date
            if processing.billing_options
            else None,
            document_date=processing.billing_options.document_date
            if processing.billing_options
            else None,
            charge_types_to_exclude=tuple(
                ChargeType(t) for t in processing.billing_options.charge_type_to_exclude
            )
            if processing.billing_options
            else (),
        )
        if processing
        else ProcessingOptions(),
        return_ids=return_ids,
    )


def preview_order_request(body: m.PreviewOrderBody) -> OrderRequest:
    options = body.preview_options
    info = body.preview_account_info
    excluded = [ChargeType(t) for t in options.charge_type_to_exclude if t != "Others"]
    return replace(
        _common(body),
        preview=PreviewOptions(
            thru_type=PreviewThruType(options.preview_thru_type),
            preview_types=tuple(PreviewType(t) for t in options.preview_types),
            specific_thru_date=options.specific_preview_thru_date,
            number_of_periods=options.preview_number_of_periods,
            charge_types_to_exclude=tuple(excluded),
        ),
        preview_account=PreviewAccount(currency=info.currency, bill_cycle_day=info.bill_cycle_day)
        if info
        else None,
    )


def _common(body: m.OrderBody) -> OrderRequest:
    return OrderRequest(
        order_date=body.order_date,
        subscriptions=tuple(_subscription(s) for s in body.subscriptions),
        existing_account_number=body.existing_account_number,
        order_number=body.order_number,
        category=OrderCategory(body.category),
        description=body.description,
        reason_code=body.reason_code,
        custom_fields=body.custom_fields,
        line_items=tuple(_line_item(item) for item in body.order_line_items),
    )


def _line_item(body: m.OrderLineItemBody) -> LineItemDraft:
    return LineItemDraft(
        item_type=ItemType(body.item_type),
        item_number=body.item_number,
        item_name=body.item_name,
        description=body.description,
        quantity=body.quantity,
        amount_per_unit=body.amount_per_unit,
        list_price_per_unit=body.list_price_per_unit,
        product_rate_plan_charge_id=body.product_rate_plan_charge_id,
        transaction_start_date=body.transaction_start_date,
        transaction_end_date=body.transaction_end_date,
        bill_target_date=body.bill_target_date,
        billing_rule=BillingRule(body.billing_rule),
        item_category=ItemCategory(body.item_category),
        owner_account_number=body.owner_account_number,
        related_subscription_number=body.related_subscription_number,
        currency=body.currency,
        uom=body.uom,
        purchase_order_number=body.purchase_order_number,
        custom_fields=body.custom_fields,
    )


def _subscription(body: SubscriptionBody) -> SubscriptionChange:
    return SubscriptionChange(
        subscription_number=body.subscription_number,
        actions=tuple(action(a) for a in body.order_actions),
        notes=body.notes,
    )


def trigger_date_updates(body: m.UpdateTriggerDatesBody) -> tuple[SubscriptionTriggerDates, ...]:
    return tuple(
        SubscriptionTriggerDates(
            subscription_number=sub.subscription_number,
            actions=tuple(_action_trigger_dates(a) for a in sub.order_actions),
        )
        for sub in body.subscriptions
    )


def _action_trigger_dates(body: m.OrderActionTriggerDatesBody) -> ActionTriggerDates:
    if body.charges:
        # They date charges whose trigger event is SpecificDate; zorders' catalog charges
        # trigger on ContractEffective, ServiceActivation or CustomerAcceptance only.
        raise not_supported("'charges' (trigger dates of SpecificDate charges)")
    names = [d.name for d in body.trigger_dates]
    if len(set(names)) != len(names):
        raise InvalidValue("A trigger date is named twice.", resource=Resource.ORDER)
    by_name = {d.name: d.trigger_date for d in body.trigger_dates}
    return ActionTriggerDates(
        sequence=body.sequence,
        service_activation=by_name.get("ServiceActivation"),
        customer_acceptance=by_name.get("CustomerAcceptance"),
    )
