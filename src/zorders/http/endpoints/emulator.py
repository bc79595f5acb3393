"""Emulator controls: ``/zorders/emulator`` (turn them on, queue directives),
``/zorders/test-clock`` (the tenant's time) and ``/zorders/reset`` (the tenant's data)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from zorders.domain.errors import InvalidValue, NotFound
from zorders.http.context import api, current_tenant
from zorders.http.responses import ZuoraJSONResponse
from zorders.service.emulator import Directive, Emulator
from zorders.service.tenants import Tenant
from zorders.service.test_clock import ClockState, TestClocks

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
    crash_once: bool = Field(
        default=False,
        alias="crashOnce",
        description="The first run's worker crashes before committing; the rescuer returns "
        "the job when its lease runs out and another run finishes it",
    )
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
        "crashOnce": d.crash_once,
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


@router.post("/zorders/emulator/next", summary="Hold, fail or crash the tenant's next jobs")
def queue_directive(request: Request, body: DirectiveBody, tenant: TenantDep) -> Any:
    emulator = _emulator(request)
    directive = Directive(
        hold_ms=body.hold_ms,
        hold_polls=body.hold_polls,
        fail_code=body.fail_with.code if body.fail_with else None,
        crash_once=body.crash_once,
        **({"fail_message": body.fail_with.message} if body.fail_with else {}),
    )
    emulator.queue(tenant.id, directive, body.count)
    return _state(emulator, tenant)


@router.delete("/zorders/emulator/next", summary="Drop the tenant's queued directives")
def clear_directives(request: Request, tenant: TenantDep) -> Any:
    emulator = _emulator(request)
    emulator.clear(tenant.id)
    return _state(emulator, tenant)


# -- test clock and data reset ----------------------------------------------------------


class Advance(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    seconds: float = Field(default=0, ge=0, description="How far to move the clock…")
    days: int = Field(default=0, ge=0, description="…in seconds and/or days")
    to: datetime | None = Field(
        default=None, description="Or the time to reach, with a zone (e.g. 2027-02-01T00:00:00Z)"
    )
    wait_seconds: float = Field(
        default=30,
        ge=0,
        le=300,
        alias="waitSeconds",
        description="How long to wait for the tenant's queue to go quiet (0: do not wait)",
    )


class Reset(BaseModel):
    model_config = ConfigDict(extra="forbid")
    catalog: bool = Field(default=False, description="Delete the tenant's catalog too")


def _test_clocks(request: Request) -> TestClocks:
    clocks = api(request).ops.test_clocks
    if clocks is None:
        raise NotFound("This server offers no test clocks.")
    return clocks


def _clock_json(state: ClockState) -> dict[str, Any]:
    return {
        "now": state.now.isoformat().replace("+00:00", "Z"),
        "offsetSeconds": state.offset.total_seconds(),
    }


@router.get("/zorders/test-clock", summary="The tenant's test clock")
def get_test_clock(request: Request, tenant: TenantDep) -> Any:
    return ZuoraJSONResponse(
        {"success": True, **_clock_json(_test_clocks(request).state(tenant.id))}
    )


@router.post(
    "/zorders/test-clock/advance",
    summary="Move the tenant's clock forward; returns when its due jobs have run",
)
def advance_test_clock(request: Request, body: Advance, tenant: TenantDep) -> Any:
    clocks = _test_clocks(request)
    _emulator(request).require(tenant.id)
    by = None
    if body.to is None:
        by = timedelta(days=body.days, seconds=body.seconds)
    elif body.seconds or body.days:
        raise InvalidValue("Give 'to', or 'seconds' and 'days', not both.")
    advanced = clocks.advance(
        tenant.id, by=by, to=body.to, wait=timedelta(seconds=body.wait_seconds)
    )
    return ZuoraJSONResponse(
        {
            "success": True,
            **_clock_json(advanced.state),
            "jobsMoved": advanced.jobs_moved,
            "jobsRescued": advanced.jobs_rescued,
            "waitedMs": round(advanced.waited.total_seconds() * 1000),
            "busyJobs": advanced.busy,
        }
    )


@router.post("/zorders/reset", summary="Delete the tenant's data (accounts, orders, jobs, …)")
def reset_tenant(request: Request, tenant: TenantDep, body: Reset | None = None) -> Any:
    reset = api(request).ops.reset
    if reset is None:
        raise NotFound("This server offers no data reset.")
    _emulator(request).require(tenant.id)
    catalog = body.catalog if body is not None else False
    counts = reset.reset(tenant.id, catalog=catalog)
    return ZuoraJSONResponse(
        {
            "success": True,
            "jobsDeleted": counts.jobs,
            "idempotencyKeysDeleted": counts.idempotency_keys,
            "catalogDeleted": catalog,
        }
    )
