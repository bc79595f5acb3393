"""``GET /v1/subscriptions/{subscription-key}`` and its versions (facts §7)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request

from zorders.domain.errors import MissingField, not_supported
from zorders.http.context import api, current_tenant
from zorders.http.responses import ZuoraJSONResponse
from zorders.http.wire.objects_json import SPECIFIC_SEGMENT, subscription_json
from zorders.service.queries import SubscriptionView
from zorders.service.tenants import Tenant

router = APIRouter(tags=["Subscriptions"])
TenantDep = Annotated[Tenant, Depends(current_tenant)]
ChargeDetail = Annotated[
    Literal["last-segment", "current-segment", "all-segments", "specific-segment"],
    Query(alias="charge-detail"),
]
AsOfDate = Annotated[dt.date | None, Query(alias="as-of-date")]


def _shown(view: SubscriptionView, detail: str, as_of: dt.date | None) -> ZuoraJSONResponse:
    if detail == "current-segment":
        # "Active on today's date": the read side has no clock; specific-segment says it.
        raise not_supported("'charge-detail=current-segment' (use specific-segment&as-of-date)")
    if detail == SPECIFIC_SEGMENT and as_of is None:
        raise MissingField("'as-of-date' is required with 'charge-detail=specific-segment'.")
    return ZuoraJSONResponse(subscription_json(view, charge_detail=detail, as_of=as_of))


@router.get("/v1/subscriptions/{subscription_key}", summary="Retrieve a subscription")
def get_subscription(
    request: Request,
    subscription_key: str,
    tenant: TenantDep,
    charge_detail: ChargeDetail = "last-segment",
    as_of_date: AsOfDate = None,
) -> Any:
    view = api(request).queries.subscription(tenant.id, subscription_key)
    return _shown(view, charge_detail, as_of_date)


@router.get(
    "/v1/subscriptions/{subscription_key}/versions/{version}",
    summary="Retrieve a version of a subscription",
)
def get_subscription_version(
    request: Request,
    subscription_key: str,
    version: int,
    tenant: TenantDep,
    charge_detail: ChargeDetail = "last-segment",
    as_of_date: AsOfDate = None,
) -> Any:
    view = api(request).queries.subscription(tenant.id, subscription_key, version)
    return _shown(view, charge_detail, as_of_date)
