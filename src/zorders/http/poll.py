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

``http/hot_path.py`` hands polls to this route without FastAPI's outer layers, and runs
the middleware around it fused into one function for the everyday poll.
"""

from __future__ import annotations

import zlib

import anyio.to_thread
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
from zorders.service.jobs import JobOutcome
from zorders.service.tenants import Tenant

POLL_PATH = "/v1/async-jobs/{jobId}"
#: Status, headers and body of a response.
Answer = tuple[int, list[tuple[bytes, bytes]], bytes]
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
        # Where the store's reads happen is fixed when it is built (SQLite: this process).
        self.local_reads = context.queries.local_reads
        #: The FastAPI route this one stands in for: metrics label requests by its template.
        self.route: BaseRoute = next(
            r for r in jobs.router.routes if getattr(r, "path", None) == POLL_PATH
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        job_id = polled_job(scope)
        if job_id is None:
            await self.app(scope, receive, send)
            return
        version = None
        for key, value in scope["headers"]:
            if key == b"zuora-version":
                version = value.decode("latin-1")
                break
        tenant = await resolve_tenant(scope, self.context)
        status, headers, body = await self.respond(scope, receive, job_id, version, tenant)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def respond(
        self,
        scope: Scope,
        receive: Receive,
        job_id: str,
        version: str | None,
        tenant: Tenant | None,
    ) -> Answer:
        """The answer to ``tenant``'s poll of ``job_id`` (``resolve_tenant``'s): status,
        headers and body, compressed as ``GZipMiddleware`` would (app.py). ``version`` is the
        first ``Zuora-Version`` header."""
        if self.local_reads:
            answer = self.answer(scope, receive, job_id, version, tenant)
        else:
            try:
                checked = self._before_read(scope, job_id, tenant)
                outcome = await run_in_threadpool(
                    self.context.queries.job_outcome, checked.id, job_id
                )
            except ZuoraError as error:
                answer = _error(scope, receive, error)
            else:
                answer = _found(outcome, version, checked)
        if len(answer[2]) > self.gzip_over:
            return await self.compressed(scope, *answer)
        return answer

    def answer(
        self,
        scope: Scope,
        receive: Receive,
        job_id: str,
        version: str | None,
        tenant: Tenant | None,
    ) -> Answer:
        """``respond`` when the store's reads are local, on this thread, not compressed yet
        (``compressed``): no coroutine for the everyday poll."""
        try:
            checked = self._before_read(scope, job_id, tenant)
            outcome = self.context.queries.job_outcome(checked.id, job_id)
        except ZuoraError as error:
            return _error(scope, receive, error)
        return _found(outcome, version, checked)

    def _before_read(self, scope: Scope, job_id: str, tenant: Tenant | None) -> Tenant:
        # What the router would have left in the scope for the layers around it.
        scope["route"] = self.route
        scope["path_params"] = {"jobId": job_id}
        if tenant is None:
            raise AuthenticationFailed("Authentication error")
        scope["state"]["tenant"] = tenant  # errors answer in the tenant's version
        return require_orders(tenant)

    async def compressed(
        self, scope: Scope, status: int, headers: list[tuple[bytes, bytes]], body: bytes
    ) -> Answer:
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
        return status, headers, body


def _error(scope: Scope, receive: Receive, error: ZuoraError) -> Answer:
    response = error_response(Request(scope, receive), [error])
    return response.status_code, response.raw_headers, bytes(response.body)


def _found(outcome: JobOutcome, version: str | None, tenant: Tenant) -> Answer:
    # Any string is looked up: job ids are 32 hex characters, but Zuora documents a
    # UUID, so no format is enforced; an unknown id is simply not found (category 40).
    body = render_json(job_json(outcome, _version(version, tenant)))
    return 200, [(b"content-length", str(len(body)).encode()), (b"content-type", _JSON)], body


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


def _version(header: str | None, tenant: Tenant) -> ZuoraVersion:
    """``errors.request_version`` for a resolved tenant: the header, else the tenant's."""
    if header is not None:
        try:
            return parse_version(header)
        except InvalidValue:
            pass
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
