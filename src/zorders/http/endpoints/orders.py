"""Orders: async create/preview (jobs), sync create/preview, and reading an order."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from zorders.domain.errors import not_supported
from zorders.http.context import api, orders_tenant
from zorders.http.errors import request_version
from zorders.http.responses import ZuoraJSONResponse
from zorders.http.wire import commands
from zorders.http.wire.models import CreateOrderBody, PreviewOrderBody, UpdateTriggerDatesBody
from zorders.http.wire.objects_json import order_json
from zorders.http.wire.results_json import create_result_json, preview_result_json
from zorders.service.jobs import JobKind
from zorders.service.orders import SubmitOrder
from zorders.service.queries import OrderPage
from zorders.service.results import create_order_fields
from zorders.service.tenants import Tenant

router = APIRouter(tags=["Orders"])
TenantDep = Annotated[Tenant, Depends(orders_tenant)]


def _accepted(job_id: str, status: int) -> ZuoraJSONResponse:
    # Location as Zuora's 202 documents it: relative, without /v1 (facts §13.14).
    return ZuoraJSONResponse(
        {"jobId": job_id, "success": True},
        status_code=status,
        headers={"Location": f"/async-jobs/{job_id}"},
    )


@router.post("/v1/async/orders", summary="Create an order asynchronously")
def create_order_async(
    request: Request,
    body: CreateOrderBody,
    tenant: TenantDep,
    return_ids: Annotated[bool, Query(alias="returnIds")] = False,
) -> Any:
    job_id = api(request).orders.submit(
        SubmitOrder(
            tenant_id=tenant.id,
            kind=JobKind.CREATE_ORDER,
            request=commands.create_order_request(body, return_ids=return_ids),
            track_id=request.headers.get("zuora-track-id"),
            idempotency_key=request.headers.get("idempotency-key"),
        )
    )
    # 200 as Zuora answers today; 202 for tenants whose clients map only 202 (facts §13.1).
    return _accepted(job_id, tenant.settings.async_create_status)


@router.post("/v1/async/orders/preview", summary="Preview an order asynchronously")
def preview_order_async(request: Request, body: PreviewOrderBody, tenant: TenantDep) -> Any:
    job_id = api(request).orders.submit(
        SubmitOrder(
            tenant_id=tenant.id,
            kind=JobKind.PREVIEW_ORDER,
            request=commands.preview_order_request(body),
            track_id=request.headers.get("zuora-track-id"),
            idempotency_key=request.headers.get("idempotency-key"),
        )
    )
    return _accepted(job_id, 202)


@router.post("/v1/orders", summary="Create an order")
def create_order(
    request: Request,
    body: CreateOrderBody,
    tenant: TenantDep,
    return_ids: Annotated[bool, Query(alias="returnIds")] = False,
) -> Any:
    result = api(request).orders.create(
        tenant.id, commands.create_order_request(body, return_ids=return_ids)
    )
    return ZuoraJSONResponse(
        create_result_json(create_order_fields(result), request_version(request))
    )


@router.post("/v1/orders/preview", summary="Preview an order")
def preview_order(request: Request, body: PreviewOrderBody, tenant: TenantDep) -> Any:
    result = api(request).orders.preview(tenant.id, commands.preview_order_request(body))
    return ZuoraJSONResponse({"success": True, "previewResult": preview_result_json(result)})


PageDep = Annotated[int, Query(ge=1)]
#: Zuora caps ``pageSize`` at 40 for order lists; it documents no default, 20 is zorders'.
PageSizeDep = Annotated[int, Query(alias="pageSize", ge=1, le=40)]


def _no_filters(request: Request) -> None:
    """Zuora's list filters are refused rather than ignored: ignoring one would answer
    with orders the client asked to leave out."""
    for name in ("dateFilterOption", "startDate", "endDate", "status"):
        if name in request.query_params:
            raise not_supported(f"The '{name}' filter of order lists")


def _order_page(result: OrderPage, path: str, page: int, page_size: int) -> ZuoraJSONResponse:
    body: dict[str, Any] = {"success": True, "orders": [order_json(o) for o in result.orders]}
    if result.has_more:
        body["nextPage"] = f"{path}?page={page + 1}&pageSize={page_size}"
    return ZuoraJSONResponse(body)


@router.get("/v1/orders", summary="List orders")
def list_orders(
    request: Request, tenant: TenantDep, page: PageDep = 1, page_size: PageSizeDep = 20
) -> Any:
    _no_filters(request)
    result = api(request).queries.orders(tenant.id, page=page, page_size=page_size)
    return _order_page(result, "/v1/orders", page, page_size)


@router.get("/v1/orders/subscription/{subscriptionNumber}", summary="List orders of a subscription")
def list_subscription_orders(
    request: Request,
    subscriptionNumber: str,
    tenant: TenantDep,
    page: PageDep = 1,
    page_size: PageSizeDep = 20,
) -> Any:
    _no_filters(request)
    result = api(request).queries.subscription_orders(
        tenant.id, subscriptionNumber, page=page, page_size=page_size
    )
    path = f"/v1/orders/subscription/{subscriptionNumber}"
    return _order_page(result, path, page, page_size)


@router.put("/v1/orders/{orderNumber}/triggerDates", summary="Update order action trigger dates")
def update_trigger_dates(
    request: Request, orderNumber: str, body: UpdateTriggerDatesBody, tenant: TenantDep
) -> Any:
    activated = api(request).orders.update_trigger_dates(
        tenant.id, orderNumber, commands.trigger_date_updates(body)
    )
    order = activated.order
    return ZuoraJSONResponse(
        {
            "success": True,
            "orderNumber": order.number,
            "accountNumber": order.account_number,
            "status": order.status.value,
            "subscriptions": [
                {"subscriptionNumber": s.number, "status": s.status.value}
                for s in activated.subscriptions
            ],
        }
    )


@router.get("/v1/orders/{orderNumber}", summary="Retrieve an order")
def get_order(request: Request, orderNumber: str, tenant: TenantDep) -> Any:
    order = api(request).queries.order(tenant.id, orderNumber)
    return ZuoraJSONResponse({"success": True, "order": order_json(order)})
