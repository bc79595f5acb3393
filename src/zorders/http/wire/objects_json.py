"""Orders, subscriptions and accounts in Zuora's read shapes (facts §6–§8)."""

from __future__ import annotations

from datetime import date
from typing import Any

from zorders.domain.accounts import Account, Contact
from zorders.domain.line_items import OrderLineItem
from zorders.domain.order_actions import TriggerDates
from zorders.domain.orders import Order
from zorders.domain.subscriptions import (
    RatePlan,
    RatePlanCharge,
    Subscription,
    SubscriptionStatus,
    TermLength,
)
from zorders.http.wire.catalog_json import tier_json
from zorders.service.queries import SubscriptionView, last_segments


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def order_json(order: Order) -> dict[str, Any]:
    return {
        "orderNumber": order.number,
        "orderDate": order.order_date.isoformat(),
        "createdDate": order.created_at,
        "createdBy": "zorders",
        "updatedDate": order.created_at,
        "updatedBy": "zorders",
        "currency": order.currency,
        "category": order.category,
        "description": order.description,
        "reasonCode": order.reason_code,
        "existingAccountNumber": order.account_number,
        "status": order.status.value,
        "customFields": order.custom_fields,
        "orderLineItems": [line_item_json(item) for item in order.line_items],
        "subscriptions": [
            {
                "subscriptionNumber": s.subscription_number,
                "baseVersion": s.base_version,
                "newVersion": s.new_version,
                "sequence": s.sequence,
                "subscriptionOwnerAccountNumber": s.owner_account_number or order.account_number,
                "orderActions": [
                    {
                        **a.echo,
                        **_trigger_dates_json(a.trigger_dates),
                        "id": a.id,
                        "type": a.type,
                        "sequence": a.sequence,
                    }
                    for a in s.actions
                ],
            }
            for s in order.subscriptions
        ],
    }


def _trigger_dates_json(dates: TriggerDates) -> dict[str, Any]:
    """The action's dates as it has them now (a Pending order's activation adds some)."""
    given = [
        {"name": name, "triggerDate": _day(day)}
        for name, day in (
            ("ContractEffective", dates.contract_effective),
            ("ServiceActivation", dates.service_activation),
            ("CustomerAcceptance", dates.customer_acceptance),
        )
        if day is not None
    ]
    return {"triggerDates": given} if given else {}


def line_item_json(item: OrderLineItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "itemNumber": item.item_number,
        "itemType": item.item_type.value,
        "itemState": item.item_state,
        "itemCategory": item.item_category.value,
        "itemName": item.item_name,
        "description": item.description,
        "quantity": item.quantity,
        "amountPerUnit": item.amount_per_unit,
        "listPricePerUnit": item.list_price_per_unit,
        "amount": item.amount,
        "amountWithoutTax": item.amount,
        "listPrice": item.list_price,
        "UOM": item.uom,
        "productRatePlanChargeId": item.product_rate_plan_charge_id,
        "transactionStartDate": _day(item.transaction_start_date),
        "transactionEndDate": _day(item.transaction_end_date),
        "billTargetDate": _day(item.bill_target_date),
        "billingRule": item.billing_rule.value,
        "ownerAccountNumber": item.owner_account_number,
        "invoiceOwnerAccountNumber": item.invoice_owner_account_number,
        "relatedSubscriptionNumber": item.related_subscription_number,
        "currency": item.currency,
        "purchaseOrderNumber": item.purchase_order_number,
        "customFields": item.custom_fields,
    }


def _term(term: TermLength | None) -> tuple[int | None, str | None]:
    return (None, None) if term is None else (term.period, term.period_type.value)


def _charge_json(
    charge: RatePlanCharge, view: SubscriptionView, *, last: bool = True
) -> dict[str, Any]:
    metrics = view.metrics.get(charge.id)
    return {
        "id": charge.id,
        "number": charge.number,
        "originalChargeId": charge.original_id or charge.id,
        "productRatePlanChargeId": charge.product_rate_plan_charge_id,
        "name": charge.name,
        "description": charge.description,
        "type": charge.type.value,
        "model": charge.model.value,
        "currency": charge.currency,
        "price": charge.price,
        "quantity": charge.quantity,
        "tiers": [tier_json(t) for t in charge.tiers] if charge.tiers else None,
        "uom": charge.uom,
        "billingPeriod": charge.billing_period.value if charge.billing_period else None,
        "specificBillingPeriod": charge.specific_billing_period,
        "billingDay": charge.bill_cycle_type.value,
        "billingTiming": charge.billing_timing.value,
        "listPriceBase": charge.list_price_base.value,
        "triggerEvent": charge.trigger_event.value,
        "endDateCondition": charge.end_date_condition.value,
        "upToPeriods": charge.up_to_periods,
        "effectiveStartDate": _day(charge.effective_start_date),
        "effectiveEndDate": _day(charge.effective_end_date),
        "mrr": metrics.cmrr if metrics else None,
        "tcv": metrics.tcv if metrics else None,
        "dmrc": metrics.cmrr if metrics else None,
        "dtcv": metrics.tcv if metrics else None,
        "segment": charge.segment,
        "isLastSegment": last,
        "version": view.subscription.version,
        "done": False,
    }


#: ``charge-detail`` of ``GET /v1/subscriptions/{key}`` (facts §7).
LAST_SEGMENT = "last-segment"
ALL_SEGMENTS = "all-segments"
SPECIFIC_SEGMENT = "specific-segment"


def _plan_charges(
    plan: RatePlan, view: SubscriptionView, detail: str, as_of: date | None
) -> list[dict[str, Any]]:
    """Each charge once: its last segment (default), with every segment under
    ``chargeSegments`` (all-segments), or the segment in effect on ``as_of``."""
    lasts = last_segments(plan.charges)
    last_ids = {c.id for c in lasts}
    if detail == SPECIFIC_SEGMENT and as_of is not None:
        return [
            _charge_json(c, view, last=c.id in last_ids) for c in plan.charges if c.active_on(as_of)
        ]
    out = []
    for charge in lasts:
        body = _charge_json(charge, view)
        if detail == ALL_SEGMENTS:
            body["chargeSegments"] = [
                _charge_json(c, view, last=c.id in last_ids)
                for c in plan.charges
                if c.number == charge.number
            ]
        out.append(body)
    return out


def _status_history(sub: Subscription) -> list[dict[str, Any]]:
    """Statuses over time from the version's dates; ``endDate`` is the day the next status
    starts (zorders' reading, the ``termEndDate`` convention), null while it lasts."""
    if sub.status in (SubscriptionStatus.PENDING_ACTIVATION, SubscriptionStatus.PENDING_ACCEPTANCE):
        return [
            {
                "status": sub.status.value,
                "startDate": _day(sub.contract_effective_date),
                "endDate": None,
            }
        ]
    history: list[dict[str, Any]] = []
    cursor: date | None = sub.subscription_start_date
    cancelled = sub.cancelled_date
    for gap in sub.suspensions:
        if gap.end == gap.start:
            continue  # resumed on its suspend date: never suspended
        if cursor is not None and gap.start > cursor:
            history.append(
                {"status": "Active", "startDate": _day(cursor), "endDate": _day(gap.start)}
            )
        history.append(
            {
                "status": "Suspended",
                "startDate": _day(gap.start),
                "endDate": _day(gap.end or cancelled),
            }
        )
        cursor = gap.end
    if cursor is not None and (cancelled is None or cursor < cancelled):
        history.append({"status": "Active", "startDate": _day(cursor), "endDate": _day(cancelled)})
    if cancelled is not None:
        history.append({"status": "Cancelled", "startDate": _day(cancelled), "endDate": None})
    return history


def subscription_json(
    view: SubscriptionView, *, charge_detail: str = LAST_SEGMENT, as_of: date | None = None
) -> dict[str, Any]:
    sub: Subscription = view.subscription
    initial, initial_type = _term(sub.terms.initial_term)
    current, current_type = _term(sub.term)
    renewal, renewal_type = _term(sub.terms.renewal_term)
    return {
        "success": True,
        "id": sub.id,
        "subscriptionNumber": sub.number,
        "version": sub.version,
        "revision": f"{sub.version}.0",
        "isLatestVersion": view.is_latest,
        "status": sub.status.value,
        "accountId": sub.account_id,
        "accountNumber": sub.account_number,
        "accountName": view.account_name,
        "invoiceOwnerAccountId": sub.invoice_owner_account_id,
        "invoiceOwnerAccountNumber": sub.invoice_owner_account_number,
        "invoiceOwnerAccountName": view.invoice_owner_name or view.account_name,
        "termType": sub.terms.term_type.value,
        "initialTerm": initial,
        "initialTermPeriodType": initial_type,
        "currentTerm": current,
        "currentTermPeriodType": current_type,
        "renewalTerm": renewal,
        "renewalTermPeriodType": renewal_type,
        "renewalSetting": sub.terms.renewal_setting.value,
        "autoRenew": sub.terms.auto_renew,
        "contractEffectiveDate": _day(sub.contract_effective_date),
        "serviceActivationDate": _day(sub.service_activation_date),
        "customerAcceptanceDate": _day(sub.customer_acceptance_date),
        "subscriptionStartDate": _day(sub.subscription_start_date),
        "subscriptionEndDate": _day(sub.subscription_end_date),
        "termStartDate": _day(sub.term_start_date),
        "termEndDate": _day(sub.term_end_date),
        # Not in Zuora's REST read, but on its Subscription object (``CancelledDate``).
        "cancelledDate": _day(sub.cancelled_date),
        "statusHistory": _status_history(sub),
        "contractedMrr": view.contracted_mrr,
        "totalContractedValue": view.total_contracted_value,
        "currency": sub.currency,
        "orderNumber": sub.order_number,
        "invoiceSeparately": sub.invoice_separately,
        "paymentTerm": sub.payment_term,
        "notes": sub.notes,
        "createTime": sub.created_at,
        "updateTime": sub.created_at,
        "ratePlans": [
            {
                "id": plan.id,
                "productId": plan.product_id,
                "productName": plan.product_name,
                "productSku": plan.product_sku,
                "productRatePlanId": plan.product_rate_plan_id,
                "productRatePlanNumber": plan.product_rate_plan_number,
                "ratePlanName": plan.name,
                "uniqueToken": plan.unique_token,
                "lastChangeType": plan.last_change_type.value,
                "ratePlanCharges": _plan_charges(plan, view, charge_detail, as_of),
            }
            for plan in sub.rate_plans
        ],
    }


def contact_json(contact: Contact, contact_id: str) -> dict[str, Any]:
    return {
        "id": contact_id,
        "firstName": contact.first_name,
        "lastName": contact.last_name,
        "workEmail": contact.work_email,
        "address1": contact.address1,
        "city": contact.city,
        "state": contact.state,
        "country": contact.country,
        "zipCode": contact.zip_code,
    }


def account_json(account: Account) -> dict[str, Any]:
    return {
        "success": True,
        "basicInfo": {
            "id": account.id,
            "accountNumber": account.number,
            "name": account.name,
            "status": account.status,
            "notes": account.notes,
            "customFields": account.custom_fields,
        },
        "billingAndPayment": {
            "billCycleDay": account.bill_cycle_day,
            "currency": account.currency,
            "autoPay": account.auto_pay,
            "paymentTerm": account.payment_term,
        },
        "metrics": {
            "balance": account.balance,
            "totalInvoiceBalance": account.balance,
            "creditBalance": 0,
        },
        "billToContact": contact_json(account.bill_to, account.bill_to_contact_id),
        "soldToContact": contact_json(account.sold_to, account.sold_to_contact_id),
    }
