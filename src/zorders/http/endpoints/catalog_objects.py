"""The catalog's CRUD routes (``/v1/object/*``): create and retrieve, PascalCase (facts §9).

Errors on these routes take the CRUD envelope (``http/errors.py``), not ``reasons``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from zorders.http.context import api, current_tenant
from zorders.http.responses import ZuoraJSONResponse
from zorders.http.wire.crud_json import charge_object, created, product_object, rate_plan_object
from zorders.http.wire.crud_models import ChargeBody, ProductBody, RatePlanBody
from zorders.service.tenants import Tenant

router = APIRouter(tags=["Catalog (CRUD)"])
TenantDep = Annotated[Tenant, Depends(current_tenant)]
RejectUnknown = Annotated[bool, Query(alias="rejectUnknownFields")]


@router.post("/v1/object/product", summary="CRUD: Create a product")
def create_product(
    request: Request, body: ProductBody, tenant: TenantDep, reject: RejectUnknown = False
) -> Any:
    body.check(reject_unknown_fields=reject)
    draft = body.draft()
    return ZuoraJSONResponse(created(api(request).catalog.create_product(tenant.id, draft).id))


@router.post("/v1/object/product-rate-plan", summary="CRUD: Create a product rate plan")
def create_product_rate_plan(
    request: Request, body: RatePlanBody, tenant: TenantDep, reject: RejectUnknown = False
) -> Any:
    body.check(reject_unknown_fields=reject)
    draft = body.draft()
    return ZuoraJSONResponse(created(api(request).catalog.create_rate_plan(tenant.id, draft).id))


@router.post(
    "/v1/object/product-rate-plan-charge", summary="CRUD: Create a product rate plan charge"
)
def create_product_rate_plan_charge(
    request: Request, body: ChargeBody, tenant: TenantDep, reject: RejectUnknown = False
) -> Any:
    body.check(reject_unknown_fields=reject)
    draft = body.draft()
    return ZuoraJSONResponse(created(api(request).catalog.create_charge(tenant.id, draft).id))


@router.get("/v1/object/product/{product_id}", summary="CRUD: Retrieve a product")
def get_product(request: Request, product_id: str, tenant: TenantDep) -> Any:
    return ZuoraJSONResponse(
        product_object(api(request).catalog.product_by_id(tenant.id, product_id))
    )


@router.get("/v1/object/product-rate-plan/{plan_id}", summary="CRUD: Retrieve a product rate plan")
def get_product_rate_plan(request: Request, plan_id: str, tenant: TenantDep) -> Any:
    view = api(request).catalog.rate_plan_by_id(tenant.id, plan_id)
    return ZuoraJSONResponse(rate_plan_object(view.plan, view.product, view.currencies))


@router.get(
    "/v1/object/product-rate-plan-charge/{charge_id}",
    summary="CRUD: Retrieve a product rate plan charge",
)
def get_product_rate_plan_charge(request: Request, charge_id: str, tenant: TenantDep) -> Any:
    return ZuoraJSONResponse(charge_object(api(request).catalog.charge(tenant.id, charge_id)))
