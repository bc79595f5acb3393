"""``/zorders/emulator``: a tenant turns emulator controls on and queues directives."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from zorders.domain.errors import NotFound
from zorders.http.context import api, current_tenant
from zorders.http.responses import ZuoraJSONResponse
from zorders.service.emulator import Directive, Emulator
from zorders.service.tenants import Tenant

router = APIRouter(tags=["Emulator controls (zorders extension)"])
TenantDep = Annotated[Tenant, Depends(current_tenant)]


class Switch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    enabled: bool


class FailWith(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: int = Field(ge=10_000_000, le=99_999_999, description="8-digit Zuora code")
    message: str = Field(default="Failed on purpose by the zorders emulator.", max_length=2000)


class DirectiveBody(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    hold_ms: int = Field(default=0, ge=0, alias="holdMs")
    hold_polls: int = Field(default=0, ge=0, alias="holdPolls")
    fail_with: FailWith | None = Field(default=None, alias="failWith")
    count: int = Field(default=1, ge=1, le=1000, description="How many next jobs get it")


def _emulator(request: Request) -> Emulator:
    emulator = api(request).ops.emulator
    if emulator is None:
        raise NotFound("This server offers no emulator controls.")
    return emulator


def _directive_json(d: Directive) -> dict[str, Any]:
    return {
        "holdMs": d.hold_ms,
        "holdPolls": d.hold_polls,
        "failWith": None
        if d.fail_code is None
        else {"code": d.fail_code, "message": d.fail_message},
    }


def _state(emulator: Emulator, tenant: Tenant) -> ZuoraJSONResponse:
    return ZuoraJSONResponse(
        {
            "success": True,
            "enabled": emulator.enabled(tenant.id),
            "next": [_directive_json(d) for d in emulator.queued(tenant.id)],
        }
    )


@router.get("/zorders/emulator", summary="The tenant's emulator controls")
def get_controls(request: Request, tenant: TenantDep) -> Any:
    return _state(_emulator(request), tenant)


@router.put("/zorders/emulator", summary="Turn the tenant's emulator controls on or off")
def switch_controls(request: Request, body: Switch, tenant: TenantDep) -> Any:
    emulator = _emulator(request)
    emulator.set_enabled(tenant.id, body.enabled)
    return _state(emulator, tenant)


@router.post("/zorders/emulator/next", summary="Hold or fail the tenant's next jobs")
def queue_directive(request: Request, body: DirectiveBody, tenant: TenantDep) -> Any:
    emulator = _emulator(request)
    directive = Directive(
        hold_ms=body.hold_ms,
        hold_polls=body.hold_polls,
        fail_code=body.fail_with.code if body.fail_with else None,
        **({"fail_message": body.fail_with.message} if body.fail_with else {}),
    )
    emulator.queue(tenant.id, directive, body.count)
    return _state(emulator, tenant)


@router.delete("/zorders/emulator/next", summary="Drop the tenant's queued directives")
def clear_directives(request: Request, tenant: TenantDep) -> Any:
    emulator = _emulator(request)
    emulator.clear(tenant.id)
    return _state(emulator, tenant)
