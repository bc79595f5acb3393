"""Catalog reads in Zuora's REST shape (facts §9)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from zorders.http.context import api, current_tenant
from zorders.http.errors import request_version
from zorders.http.responses import ZuoraJSONResponse
from zorders.http.wire.catalog_json import product_json, rate_plan_json, rate_plan_summary_json
from zorders.service.tenants import Tenant

router = APIRouter(tags=["Catalog"])
TenantDep = Annotated[Tenant, Depends(current_tenant)]


@router.get("/v1/catalog/products", summary="List all products")
def list_products(
    request: Request,
    tenant: TenantDep,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=40)] = 10,
) -> Any:
    result = api(request).queries.products(tenant.id, page=page, page_size=page_size)
    as_url = request_version(request).catalog_plans_as_url
    body: dict[str, Any] = {
        "success": True,
        "products": [product_json(p, plans, plans_as_url=as_url) for p, plans in result.products],
    }
    if result.has_more:
        body["nextPage"] = f"/v1/catalog/products?page={page + 1}&pageSize={page_size}"
    return ZuoraJSONResponse(body)


@router.get("/v1/catalog/product/{product_key}", summary="Retrieve a product")
def get_product(request: Request, product_key: str, tenant: TenantDep) -> Any:
    view = api(request).catalog.product(tenant.id, product_key)
    as_url = request_version(request).catalog_plans_as_url
    return ZuoraJSONResponse(
        {"success": True, **product_json(view.product, view.plans, plans_as_url=as_url)}
    )


@router.get(
    "/v1/rateplan/{product_key}/productRatePlan", summary="List all product rate plans of a product"
)
def list_product_rate_plans(request: Request, product_key: str, tenant: TenantDep) -> Any:
    view = api(request).catalog.product(tenant.id, product_key)
    return ZuoraJSONResponse(
        {
            "success": True,
            "productRatePlans": [
                rate_plan_json(p.plan, p.charges, view.product) for p in view.plans
            ],
        }
    )


@router.get("/v1/product-rate-plans/{plan_key}", summary="Retrieve a product rate plan")
def get_product_rate_plan(request: Request, plan_key: str, tenant: TenantDep) -> Any:
    view = api(request).catalog.rate_plan(tenant.id, plan_key)
    return ZuoraJSONResponse(
        {
            "success": True,
            **rate_plan_summary_json(view.plan, view.product),
            "externallyManagedPlanIds": [],
        }
    )
