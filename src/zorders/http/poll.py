"""``GET /v1/async-jobs/{jobId}`` answered in pure ASGI: the hot path, ahead of the router.

Clients poll this route more than all others together (architecture "The hot path"). It
sits inside the metrics, header and limits middleware like every route, and skips what
the others add to a call that is neither a POST nor a framework route: idempotency, the
emulator header, gzip's responder objects, FastAPI's exception middleware, route
matching, dependency injection and the thread hop of a sync endpoint. A known token costs
no I/O (``Authenticator.cached``); the job is one indexed read without the request it
carries, made on the event loop when the store's reads are local (SQLite) and in the
thread pool when they are network round trips (PostgreSQL).

Its answers are the FastAPI route's (``endpoints/jobs.py``), which stays for the OpenAPI
document, compressed by Starlette's ``GZipMiddleware`` rules for a one-message answer;
``tests/api/test_job_poll.py`` holds the two to the same bytes.

``PollFirstApp`` goes one step further: a poll skips FastAPI's own outer layers too (its
per-request OpenTelemetry check, the server-error, exception-telemetry and body-limit
middleware), running only the user middleware outside ``JobPollRoute``. An exception on
that path reaches uvicorn, which answers the same 500 as the server-error middleware
would, and closes the connection.
"""

from __future__ import annotations

import zlib

import anyio.to_thread
from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from zorders.domain.errors import AuthenticationFailed, InvalidValue, ZuoraError
from zorders.http.context import ApiContext, require_orders
from zorders.http.endpoints import jobs
from zorders.http.errors import error_response
from zorders.http.limits import resolve_tenant
from zorders.http.responses import render_json
from zorders.http.versions import ZuoraVersion, parse_version
from zorders.http.wire.results_json import job_json
from zorders.service.tenants import Tenant

POLL_PATH = "/v1/async-jobs/{jobId}"
_PREFIX = "/v1/async-jobs/"
_JSON = b"application/json; charset=utf-8"
#: Starlette compresses bodies this large in a worker thread rather than on the loop.
_THREAD_GZIP_BYTES = 128 * 1024


class JobPollRoute:
    def __init__(
        self,
        app: ASGIApp,
        *,
        context: ApiContext,
        gzip_over_bytes: int,
    ) -> None:
        self.app = app
        self.context = context
        self.gzip_over = gzip_over_bytes
        #: The FastAPI route this one stands in for: metrics label requests by its template.
        self.route: BaseRoute = next(
            r for r in jobs.router.routes if getattr(r, "path", None) == POLL_PATH
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        job_id = polled_job(scope)
        if job_id is None:
            await self.app(scope, receive, send)
            return
        # What the router would have left in the scope for the layers around it.
        scope["route"] = self.route
        scope["path_params"] = {"jobId": job_id}
        try:
            tenant = await resolve_tenant(scope, self.context)
            if tenant is None:
                raise AuthenticationFailed("Authentication error")
            scope["state"]["tenant"] = tenant  # errors answer in the tenant's version
            require_orders(tenant)
            queries = self.context.queries
            if queries.local_reads:
                outcome = queries.job_outcome(tenant.id, job_id)
            else:
                outcome = await run_in_threadpool(queries.job_outcome, tenant.id, job_id)
        except ZuoraError as error:
            response = error_response(Request(scope, receive), [error])
            await self._answer(
                scope, send, response.status_code, response.raw_headers, bytes(response.body)
            )
            return
        # Any string is looked up: job ids are 32 hex characters, but Zuora documents a
        # UUID, so no format is enforced; an unknown id is simply not found (category 40).
        body = render_json(job_json(outcome, _version(scope, tenant)))
        headers = [(b"content-length", str(len(body)).encode()), (b"content-type", _JSON)]
        await self._answer(scope, send, 200, headers, body)

    async def _answer(
        self, scope: Scope, send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes
    ) -> None:
        """Send one JSON answer, compressed as ``GZipMiddleware`` would (app.py)."""
        if len(body) > self.gzip_over:
            headers = list(headers)
            headers.append((b"vary", b"Accept-Encoding"))
            if _accepts_gzip(scope):
                body = await _gzip(body)
                headers = [
                    (k, str(len(body)).encode()) if k == b"content-length" else (k, v)
                    for k, v in headers
                ]
                headers.append((b"content-encoding", b"gzip"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def polled_job(scope: Scope) -> str | None:
    """The job id if ``scope`` is ``GET /v1/async-jobs/{jobId}``, else None."""
    if scope["type"] != "http" or scope["method"] != "GET":
        return None
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    job_id = path[len(_PREFIX) :]
    if not path.startswith(_PREFIX) or not job_id or "/" in job_id:
        return None
    return job_id


class PollFirstApp(FastAPI):
    """FastAPI, but a poll runs only the user middleware outside ``JobPollRoute``."""

    _poll_stack: ASGIApp | None = None
    _poll_stack_built = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._poll_stack_built:
            self._poll_stack = self._build_poll_stack()
            self._poll_stack_built = True
        if self._poll_stack is None or polled_job(scope) is None:
            await super().__call__(scope, receive, send)
            return
        if self.root_path:
            scope["root_path"] = self.root_path
        scope["app"] = self
        await self._poll_stack(scope, receive, send)

    def _build_poll_stack(self) -> ASGIApp | None:
        """The middleware outside ``JobPollRoute`` around it, built as Starlette builds the
        whole stack; None when the app has no ``JobPollRoute``."""
        outer = []
        for middleware in self.user_middleware:  # outermost first
            outer.append(middleware)
            if getattr(middleware, "cls", None) is JobPollRoute:
                break
        else:
            return None
        app: ASGIApp = _unreachable
        for cls, args, kwargs in reversed(outer):
            app = cls(app, *args, **kwargs)
        return app


async def _unreachable(scope: Scope, receive: Receive, send: Send) -> None:
    raise AssertionError("JobPollRoute answers every request PollFirstApp gives it")


def _version(scope: Scope, tenant: Tenant) -> ZuoraVersion:
    """``errors.request_version`` for a resolved tenant: the header, else the tenant's."""
    for key, value in scope["headers"]:
        if key == b"zuora-version":
            try:
                return parse_version(value.decode("latin-1"))
            except InvalidValue:
                break
    return parse_version(tenant.settings.zuora_version)


def _accepts_gzip(scope: Scope) -> bool:
    for key, value in scope["headers"]:
        if key == b"accept-encoding":
            return b"gzip" in value  # the first such header, as Starlette reads it
    return False


async def _gzip(body: bytes) -> bytes:
    if len(body) >= _THREAD_GZIP_BYTES:
        return await anyio.to_thread.run_sync(_compress, body)
    return _compress(body)


def _compress(body: bytes) -> bytes:
    # Starlette's settings: level 9, a gzip header (wbits 16 + MAX_WBITS).
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return compressor.compress(body) + compressor.flush()
