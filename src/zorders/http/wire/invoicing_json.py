"""Invoices, their items and payments in Zuora's read shapes (SDK InvoiceResponse, InvoiceItem,
PaymentResponse)."""

from __future__ import annotations

from typing import Any

from zorders.domain.catalog import ChargeType
from zorders.domain.invoicing import Invoice, Payment


def invoice_json(invoice: Invoice) -> dict[str, Any]:
    types = {line.item.charge_type for line in invoice.lines}
    paid = invoice.amount - invoice.balance
    return {
        "success": True,
        "id": invoice.id,
        "invoiceNumber": invoice.number,
        "accountId": invoice.account_id,
        "currency": invoice.currency,
        "invoiceDate": invoice.invoice_date.isoformat(),
        "dueDate": invoice.due_date.isoformat(),
        "targetDate": invoice.target_date.isoformat(),
        "postedDate": invoice.invoice_date.isoformat(),
        "postedBy": "zorders",
        "createdDate": invoice.created_at,
        "updatedDate": invoice.created_at,
        "status": invoice.status,
        "amount": invoice.amount,
        "amountWithoutTax": invoice.amount,
        "taxAmount": 0,
        "balance": invoice.balance,
        "paymentAmount": paid,
        "creditMemoAmount": 0,
        "refundAmount": 0,
        "paymentTerm": "Due Upon Receipt",
        "includesOneTime": ChargeType.ONE_TIME in types,
        "includesRecurring": ChargeType.RECURRING in types,
        "includesUsage": ChargeType.USAGE in types,
        "sourceType": "Subscription",
        "taxStatus": "Complete",
    }


def invoice_items_json(invoice: Invoice) -> dict[str, Any]:
    items: list[dict[str, Any]] = []
    for line in invoice.lines:
        item = line.item
        items.append(
            {
                "id": line.id,
                "subscriptionName": item.subscription_number,
                "chargeName": item.charge_name,
                "chargeDescription": item.charge_description,
                "chargeType": item.charge_type.value,
                "chargeAmount": item.amount,
                "chargeDate": invoice.created_at,
                "serviceStartDate": item.service_start_date.isoformat(),
                "serviceEndDate": item.service_end_date.isoformat(),
                "productName": item.product_name,
                "productRatePlanChargeId": item.product_rate_plan_charge_id,
                "processingType": item.processing_type.value,
                "quantity": item.quantity,
                "unitOfMeasure": item.uom or "",
                "unitPrice": item.unit_price,
                "taxAmount": 0,
                "balance": item.amount if invoice.balance else 0,
                "taxationItems": [],
            }
        )
    return {"success": True, "invoiceItems": items}


def payment_json(payment: Payment) -> dict[str, Any]:
    return {
        "success": True,
        "id": payment.id,
        "number": payment.number,
        "accountId": payment.account_id,
        "accountNumber": payment.account_number,
        "currency": payment.currency,
        "amount": payment.amount,
        "appliedAmount": sum((a.amount for a in payment.applications), 0),
        "unappliedAmount": 0,
        "refundAmount": 0,
        "creditBalanceAmount": 0,
        "effectiveDate": payment.effective_date.isoformat(),
        "type": payment.type,
        "status": payment.status,
        "createdDate": payment.created_at,
        "updatedDate": payment.created_at,
    }
