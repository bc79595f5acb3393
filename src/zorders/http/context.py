"""What the HTTP layer is given by the composition root (no globals, no concrete store)."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from zorders.domain.errors import AuthenticationFailed, PermissionDenied, Resource
from zorders.http.operations import Operations
from zorders.service.accounts import AccountService
from zorders.service.auth import Authenticator
from zorders.service.catalog import CatalogService
from zorders.service.idempotency import IdempotencyService
from zorders.service.limits import Limiter
from zorders.service.orders import OrderService
from zorders.service.queries import Queries
from zorders.service.tenants import Tenant


@dataclass(frozen=True, kw_only=True, slots=True)
class ApiContext:
    auth: Authenticator
    orders: OrderService
    accounts: AccountService
    catalog: CatalogService
    queries: Queries
    idempotency: IdempotencyService
    limits: Limiter
    default_zuora_version: str
    max_body_bytes: int
    max_inflated_bytes: int
    #: Metrics and readiness (zorders' operational routes); a bare set when not given.
    ops: Operations = field(default_factory=Operations)


def api(request: Request) -> ApiContext:
    context: ApiContext = request.app.state.api
    return context


async def current_tenant(request: Request) -> Tenant:
    """The tenant of the bearer token; every /v1 route depends on this.

    ``async``: FastAPI runs a sync dependency in its thread pool, a hop per request even
    when the limits middleware has resolved the token already (it usually has).
    """
    tenant: Tenant | None = getattr(request.state, "zorders_tenant", None)
    if tenant is None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationFailed("Authentication error")
        tenant = await run_in_threadpool(api(request).auth.authenticate, token.strip())
    request.state.tenant = tenant
    return tenant


async def orders_tenant(request: Request) -> Tenant:
    """A tenant with the Orders feature on (facts §12: category 10 otherwise)."""
    return require_orders(await current_tenant(request))


def require_orders(tenant: Tenant) -> Tenant:
    """``tenant``, if its Orders feature is on (facts §12: category 10 otherwise)."""
    if not tenant.settings.orders_enabled:
        raise PermissionDenied(
            "The Orders feature is not enabled for this tenant.", resource=Resource.ORDER
        )
    return tenant
