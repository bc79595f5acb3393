"""``GET /v1/async-jobs/{jobId}``: the endpoint clients poll (the hot path)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from zorders.http.context import api, orders_tenant
from zorders.http.errors import request_version
from zorders.http.responses import ZuoraJSONResponse
from zorders.http.wire.results_json import job_json
from zorders.service.tenants import Tenant

router = APIRouter(tags=["Orders"])


@router.get("/v1/async-jobs/{jobId}", summary="Retrieve the status and response of a job")
def get_job(
    request: Request,
    jobId: str,
    tenant: Annotated[Tenant, Depends(orders_tenant)],
) -> Any:
    # http/poll.py answers this route ahead of the router (the hot path); this definition
    # documents it in OpenAPI and is the reference its tests compare against.
    # Any string is looked up: job ids are 32 hex characters, but Zuora documents a UUID,
    # so no format is enforced; an unknown id is simply not found (category 40).
    job = api(request).queries.job_outcome(tenant.id, jobId)
    return ZuoraJSONResponse(job_json(job, request_version(request)))
