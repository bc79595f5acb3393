"""``GET /v1/subscriptions/{subscription-key}`` and its versions (facts §7)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from zorders.http.context import api, current_tenant
from zorders.http.responses import ZuoraJSONResponse
from zorders.http.wire.objects_json import subscription_json
from zorders.service.tenants import Tenant

router = APIRouter(tags=["Subscriptions"])
TenantDep = Annotated[Tenant, Depends(current_tenant)]


@router.get("/v1/subscriptions/{subscription_key}", summary="Retrieve a subscription")
def get_subscription(request: Request, subscription_key: str, tenant: TenantDep) -> Any:
    view = api(request).queries.subscription(tenant.id, subscription_key)
    return ZuoraJSONResponse(subscription_json(view))


@router.get(
    "/v1/subscriptions/{subscription_key}/versions/{version}",
    summary="Retrieve a version of a subscription",
)
def get_subscription_version(
    request: Request, subscription_key: str, version: int, tenant: TenantDep
) -> Any:
    view = api(request).queries.subscription(tenant.id, subscription_key, version)
    return ZuoraJSONResponse(subscription_json(view))
