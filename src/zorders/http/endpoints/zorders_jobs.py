"""``/zorders/jobs``: a tenant's jobs, listed and in detail — a zorders extension (Zuora has none)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from zorders.http.context import api, current_tenant
from zorders.http.errors import request_version
from zorders.http.jobs_json import job_detail_json, job_summary_json
from zorders.http.responses import ZuoraJSONResponse
from zorders.service.job_listing import list_jobs
from zorders.service.tenants import Tenant

router = APIRouter(tags=["Jobs (zorders extension)"])
TenantDep = Annotated[Tenant, Depends(current_tenant)]


@router.get("/zorders/jobs", summary="List the tenant's jobs, newest first")
def list_tenant_jobs(
    request: Request,
    tenant: TenantDep,
    status: Annotated[
        str | None, Query(description="Processing, Completed or Failed (as Zuora shows them)")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Any:
    page = list_jobs(api(request).queries, tenant.id, status=status, limit=limit, offset=offset)
    return ZuoraJSONResponse(
        {
            "success": True,
            "jobs": [job_summary_json(job) for job in page.jobs],
            "limit": limit,
            "offset": offset,
            "nextOffset": offset + limit if page.has_more else None,
        }
    )


@router.get("/zorders/jobs/{jobId}", summary="A job in detail: request, response, timings")
def get_tenant_job(request: Request, jobId: str, tenant: TenantDep) -> Any:
    job = api(request).queries.job(tenant.id, jobId)
    return ZuoraJSONResponse(
        {"success": True, "job": job_detail_json(job, request_version(request))}
    )
