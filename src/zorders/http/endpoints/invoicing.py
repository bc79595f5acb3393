"""Invoices and payments created by ``runBilling`` / ``collectPayment``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from zorders.http.context import api, current_tenant
from zorders.http.responses import ZuoraJSONResponse
from zorders.http.wire.invoicing_json import invoice_items_json, invoice_json, payment_json
from zorders.service.tenants import Tenant

router = APIRouter(tags=["Invoices"])
TenantDep = Annotated[Tenant, Depends(current_tenant)]


@router.get("/v1/invoices/{invoiceKey}", summary="Retrieve an invoice")
def get_invoice(request: Request, invoiceKey: str, tenant: TenantDep) -> Any:
    return ZuoraJSONResponse(invoice_json(api(request).queries.invoice(tenant.id, invoiceKey)))


@router.get("/v1/invoices/{invoiceKey}/items", summary="List all items of an invoice")
def get_invoice_items(request: Request, invoiceKey: str, tenant: TenantDep) -> Any:
    invoice = api(request).queries.invoice(tenant.id, invoiceKey)
    return ZuoraJSONResponse(invoice_items_json(invoice))


@router.get("/v1/payments/{paymentKey}", summary="Retrieve a payment")
def get_payment(request: Request, paymentKey: str, tenant: TenantDep) -> Any:
    return ZuoraJSONResponse(payment_json(api(request).queries.payment(tenant.id, paymentKey)))
