"""Jobs, order results and previews in Zuora's shapes (facts §1, §4, §5)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from zorders.domain.billing import ChargeMetrics, InvoiceItem
from zorders.http.versions import ZuoraVersion
from zorders.service.jobs import JobKind, JobOutcome, JobStatus
from zorders.service.order_delta import OrderDelta, OrderDeltaMetrics
from zorders.service.results import (
    CreateOrderFields,
    PreviewInvoice,
    PreviewOrderResult,
    SubscriptionFields,
    SubscriptionMetrics,
)


def create_result_json(result: CreateOrderFields, version: ZuoraVersion) -> dict[str, Any]:
    """An order's result (``POST /v1/orders``, a create-order job's poll) from its fields:
    the poll's come from the store's document as read (``JobOutcome.order``)."""
    body: dict[str, Any] = {
        "success": True,
        "orderNumber": result["order_number"],
        "accountNumber": result["account_number"],
        "status": result["status"],
    }
    return_ids = result.get("return_ids", False)
    subscriptions = result["subscriptions"]
    # Before 223.0 the numbers are a flat list; from it, objects (facts §4).
    if not version.subscriptions_list:
        body["subscriptionNumbers"] = [s["number"] for s in subscriptions]
    elif return_ids:
        body["subscriptions"] = [
            {**_subscription(s), "subscriptionId": s["id"]} for s in subscriptions
        ]
    else:
        body["subscriptions"] = [_subscription(s) for s in subscriptions]
    if return_ids:
        body["orderId"] = result["order_id"]
        body["accountId"] = result["account_id"]
        body["subscriptionIds"] = [s["id"] for s in subscriptions]
    invoice_numbers = result.get("invoice_numbers")
    if invoice_numbers:
        body["invoiceNumbers"] = list(invoice_numbers)
        if return_ids:
            body["invoiceIds"] = list(result.get("invoice_ids", ()))
    payment_number = result.get("payment_number")
    if payment_number is not None:
        body["paymentNumber"] = payment_number
        # paidAmount is a string in Zuora's schema (facts §2); the fields hold a string.
        body["paidAmount"] = result.get("paid_amount")
        body["paymentStatus"] = result.get("payment_status")
        if return_ids:
            body["paymentId"] = result.get("payment_id")
    line_items = result.get("order_line_items")
    if line_items:
        # Zuora's samples show both keys without returnIds (facts §4, order basics tutorial).
        body["orderLineItems"] = [
            {"id": item["id"], "itemNumber": item["item_number"]} for item in line_items
        ]
    return body


def _subscription(s: SubscriptionFields) -> dict[str, Any]:
    return {
        "subscriptionNumber": s["number"],
        "status": s["status"],
        "subscriptionOwnerNumber": s["owner_account_number"],
        "subscriptionOwnerId": s["owner_account_id"],
    }


_NONE = Decimal(0)


def _metric(
    regular: Decimal, discount: Decimal, before: tuple[Decimal, Decimal] = (_NONE, _NONE)
) -> dict[str, Any]:
    # The delta is against the amended version; a new charge's equals its value.
    return {
        "regular": regular,
        "regularDelta": regular - before[0],
        "discount": discount,
        "discountDelta": discount - before[1],
    }


def _charge_metrics_json(m: ChargeMetrics, new: bool, base: ChargeMetrics | None) -> dict[str, Any]:
    return {
        "chargeNumber": None if new or not m.charge_number else m.charge_number,
        "productRatePlanChargeId": m.product_rate_plan_charge_id,
        "productRatePlanId": m.product_rate_plan_id,
        "originRatePlanId": None,
        "subscriptionRatePlanNumber": None,
        "isPending": False,
        "cmrr": _metric(
            m.cmrr, m.cmrr_discount, (base.cmrr, base.cmrr_discount) if base else (_NONE, _NONE)
        ),
        "tcv": _metric(
            m.tcv, m.tcv_discount, (base.tcv, base.tcv_discount) if base else (_NONE, _NONE)
        ),
        "tcb": _metric(
            m.tcb, m.tcb_discount, (base.tcb, base.tcb_discount) if base else (_NONE, _NONE)
        ),
        "tax": _metric(_NONE, _NONE),
    }


def _subscription_metrics_json(s: SubscriptionMetrics) -> dict[str, Any]:
    new = s.subscription_number is None
    before = {m.charge_number: m for m in s.base_charges or ()}
    return {
        "subscriptionNumber": s.subscription_number,
        "charges": [_charge_metrics_json(m, new, before.get(m.charge_number)) for m in s.charges],
    }


def _item_json(item: InvoiceItem) -> dict[str, Any]:
    return {
        "serviceStartDate": item.service_start_date.isoformat(),
        "serviceEndDate": item.service_end_date.isoformat(),
        "amountWithoutTax": item.amount,
        "taxAmount": Decimal(0),
        "chargeDescription": item.charge_description,
        "chargeName": item.charge_name,
        "chargeNumber": item.charge_number,
        "subscriptionNumber": item.subscription_number,
        "processingType": item.processing_type.value,
        "productName": item.product_name,
        "productRatePlanChargeId": item.product_rate_plan_charge_id,
        "unitPrice": item.unit_price,
        "orderLineItemNumber": None,
        "taxationItems": [],
        "additionalInfo": {"quantity": item.quantity, "unitOfMeasure": item.uom or ""},
    }


def _invoice_json(invoice: PreviewInvoice, items_key: str = "invoiceItems") -> dict[str, Any]:
    return {
        "amount": invoice.amount,
        "amountWithoutTax": invoice.amount,
        "taxAmount": Decimal(0),
        "targetDate": invoice.target_date.isoformat(),
        items_key: [_item_json(i) for i in invoice.items],
    }


def _delta_json(delta: OrderDelta) -> dict[str, Any]:
    return {
        "subscriptionNumber": delta.subscription_number,
        "chargeNumber": delta.charge_number,
        "productRatePlanChargeId": delta.product_rate_plan_charge_id,
        "ratePlanChargeId": delta.rate_plan_charge_id,
        "orderActionId": None,
        "orderActionSequence": delta.order_action_sequence,
        "orderActionType": delta.order_action_type,
        "orderLineItemNumber": None,
        "startDate": delta.start_date.isoformat() if delta.start_date else None,
        "endDate": delta.end_date.isoformat() if delta.end_date else None,
        "currency": delta.currency,
        "grossAmount": delta.gross_amount,
        "netAmount": delta.net_amount,
    }


def _sliced(delta: OrderDelta) -> dict[str, Any]:
    return {
        "startDate": delta.start_date.isoformat() if delta.start_date else None,
        "endDate": delta.end_date.isoformat() if delta.end_date else None,
        "amount": delta.net_amount,
        "type": "Regular",
        "discountChargeNumber": None,
        "invoiceOwner": delta.invoice_owner,
        "subscriptionOwner": delta.subscription_owner,
        "termNumber": 1,
    }


def _order_metrics_json(deltas: OrderDeltaMetrics) -> list[dict[str, Any]]:
    """The legacy ``orderMetrics``: per subscription, per order action, per charge, the
    time-sliced changes of MRR, TCV, TCB and quantity (the same data as orderDeltaMetrics)."""
    subscriptions: dict[str | None, dict[tuple[str | None, int | None], dict[str, Any]]] = {}
    for key, series in (
        ("mrr", deltas.mrr),
        ("tcv", deltas.tcv),
        ("tcb", deltas.tcb),
        ("quantity", deltas.qty),
    ):
        for delta in series:
            actions = subscriptions.setdefault(delta.subscription_number, {})
            charges = actions.setdefault((delta.order_action_type, delta.order_action_sequence), {})
            charge = charges.setdefault(
                delta.rate_plan_charge_id or delta.product_rate_plan_charge_id,
                {
                    "chargeNumber": delta.charge_number,
                    "originRatePlanId": None,
                    "productRatePlanChargeId": delta.product_rate_plan_charge_id,
                    "productRatePlanId": delta.product_rate_plan_id,
                    "subscriptionRatePlanNumber": None,
                    "elp": [],
                    "mrr": [],
                    "tcv": [],
                    "tcb": [],
                    "quantity": [],
                },
            )
            charge[key].append(_sliced(delta))
    return [
        {
            "subscriptionNumber": number,
            "orderActions": [
                {
                    "type": action_type,
                    "sequence": sequence,
                    "orderItems": [],
                    "orderMetrics": list(charges.values()),
                }
                for (action_type, sequence), charges in actions.items()
            ],
        }
        for number, actions in subscriptions.items()
    ]


def _order_delta_json(deltas: OrderDeltaMetrics) -> dict[str, Any]:
    return {
        "orderDeltaMrr": [_delta_json(d) for d in deltas.mrr],
        "orderDeltaTcv": [_delta_json(d) for d in deltas.tcv],
        "orderDeltaTcb": [_delta_json(d) for d in deltas.tcb],
        "orderDeltaQty": [_delta_json(d) for d in deltas.qty],
    }


def preview_result_json(result: PreviewOrderResult) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if result.charge_metrics is not None:
        body["chargeMetrics"] = [_subscription_metrics_json(s) for s in result.charge_metrics]
    if result.invoices is not None:
        body["invoices"] = [_invoice_json(i) for i in result.invoices]
    if result.credit_memos is not None:
        body["creditMemos"] = [_invoice_json(c, "creditMemoItems") for c in result.credit_memos]
    if result.order_delta_metrics is not None:
        body["orderDeltaMetrics"] = _order_delta_json(result.order_delta_metrics)
    if result.order_metrics is not None:
        body["orderMetrics"] = _order_metrics_json(result.order_metrics)
    if result.not_previewed:
        # Zuora cannot preview usage either; zorders says so instead of inventing amounts.
        body["notPreviewedChargeTypes"] = list(result.not_previewed)
    return body


#: Looked up rather than read through the enums' properties: every poll renders a job.
_ZUORA_STATUS = {status: status.zuora for status in JobStatus}
_JOB_TYPE = {kind: kind.value for kind in JobKind}


def job_json(job: JobOutcome, version: ZuoraVersion) -> dict[str, Any]:
    """``GET /v1/async-jobs/{jobId}``: ``success`` is true whenever the job was found."""
    result: dict[str, Any] | None = None
    status = job.status
    if status is JobStatus.COMPLETED:
        if job.order is not None:
            result = create_result_json(job.order, version)
        elif job.preview is not None:
            result = {"success": True, **preview_result_json(job.preview)}
        if result is not None:
            result["jobType"] = _JOB_TYPE[job.kind]
    return {
        "status": _ZUORA_STATUS[status],
        "errors": job.error if status is JobStatus.FAILED else None,
        "result": result,
        "success": True,
    }
