"""Rate and concurrency limits on /v1 routes, with Zuora's headers and 429s (facts §11).

Pure ASGI. It also resolves the bearer token once and leaves the tenant in the request
state, where the idempotency middleware and the endpoints' auth dependency find it.
"""

from __future__ import annotations

from functools import lru_cache

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zorders.domain.errors import LimitExceeded, ZuoraError
from zorders.http.context import ApiContext
from zorders.http.errors import TransportError, send_error
from zorders.service.limits import Decision
from zorders.service.tenants import Tenant

#: Zuora's high-volume operations get a larger concurrency limit (facts §11).
HIGH_VOLUME = frozenset(
    {
        ("POST", "/v1/orders"),
        ("POST", "/v1/orders/preview"),
        ("POST", "/v1/async/orders"),
        ("POST", "/v1/async/orders/preview"),
        ("POST", "/v1/accounts"),
    }
)
TENANT_STATE = "zorders_tenant"


class TooManyRequests(TransportError, LimitExceeded):
    http_status = 429


async def resolve_tenant(scope: Scope, context: ApiContext) -> Tenant | None:
    """The bearer token's tenant, resolved once per request (None if there is none)."""
    state = scope.setdefault("state", {})
    if TENANT_STATE in state:
        tenant: Tenant | None = state[TENANT_STATE]
        return tenant
    scheme, _, token = Headers(scope=scope).get("authorization", "").partition(" ")
    found = None
    if scheme.lower() == "bearer" and token.strip():
        # A known token costs no thread hop; an unknown one may need the store.
        found = context.auth.cached(token.strip())
        if found is None:
            try:
                found = await run_in_threadpool(context.auth.authenticate, token.strip())
            except ZuoraError:
                found = None
    state[TENANT_STATE] = found
    return found


def limit_headers(decision: Decision) -> list[tuple[bytes, bytes]]:
    return [
        _rate_limit(decision.rate_limit),
        (b"ratelimit-remaining", str(decision.rate_remaining).encode()),
        (b"ratelimit-reset", str(decision.rate_reset).encode()),
        *_concurrency_limit(decision.concurrency_type, decision.concurrency_limit),
        (b"concurrency-limit-remaining", str(decision.concurrency_remaining).encode()),
    ]


# A tenant's limits change rarely: their headers are made once (every /v1 call sends them).
@lru_cache(maxsize=256)
def _rate_limit(limit: int) -> tuple[bytes, bytes]:
    return (b"ratelimit-limit", f"{limit}, {limit};w=60".encode())


@lru_cache(maxsize=256)
def _concurrency_limit(kind: str, limit: int) -> tuple[tuple[bytes, bytes], ...]:
    return ((b"concurrency-limit-type", kind.encode()), (b"concurrency-limit-limit", b"%d" % limit))


class LimitsMiddleware:
    def __init__(self, app: ASGIApp, *, context: ApiContext) -> None:
        self.app = app
        self.context = context

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        tenant = await resolve_tenant(scope, self.context)
        if tenant is None:  # the route answers 401
            await self.app(scope, receive, send)
            return
        high_volume = (scope["method"], scope["path"]) in HIGH_VOLUME
        limiter = self.context.limits
        decision = limiter.acquire(tenant, high_volume=high_volume)
        headers = limit_headers(decision)
        if not decision.allowed:
            await self._refuse(decision, headers, Headers(scope=scope), send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *headers]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            limiter.release(tenant.id, high_volume=high_volume)

    async def _refuse(
        self, decision: Decision, headers: list[tuple[bytes, bytes]], request: Headers, send: Send
    ) -> None:
        what = (
            "the number of requests per minute"
            if decision.refused_by == "rate"
            else "the number of concurrent requests"
        )
        error = TooManyRequests(f"The request exceeded {what} allowed for this tenant.")
        retry = [(b"retry-after", str(decision.retry_after).encode())]
        await send_error(
            send, error, request, self.context.default_zuora_version, [*retry, *headers]
        )
