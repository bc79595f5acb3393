"""The job poll's way through the app: past FastAPI's outer layers, its middleware fused.

``PollFirstApp`` is FastAPI, but a poll (``GET /v1/async-jobs/{jobId}``, the hot path:
architecture "The hot path") skips FastAPI's own outer layers — its per-request
OpenTelemetry check, the server-error, exception-telemetry and body-limit middleware —
and runs only the user middleware outside ``JobPollRoute`` (``http/poll.py``). An
exception on that path reaches uvicorn, which answers the same 500 as the server-error
middleware would, and closes the connection.

``FusedPoll`` then does for the everyday poll what those layers (metrics → Zuora headers
→ limits → the route) do, in one function: one pass over the request headers, one list
of response headers sent once, no send wrapper per layer. Every other poll — an invalid
``Zuora-Track-Id`` or ``Zuora-Version``, a token this process has not seen, none, one over
its limits, an app mounted under a root path — is handed to the layered stack before
anything is counted, so it answers as it always has. ``tests/api/test_job_poll.py`` holds
the two ways to the same statuses, headers, bodies and metrics.
"""

from __future__ import annotations

import logging
from time import perf_counter

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from zorders.domain.errors import InvalidValue
from zorders.http.limits import TENANT_STATE, LimitsMiddleware, limit_headers
from zorders.http.metrics import HttpMetricsMiddleware, access_log, log_access
from zorders.http.middleware import ZuoraHeadersMiddleware, request_id, valid_track_id
from zorders.http.poll import POLL_PATH, JobPollRoute, polled_job
from zorders.http.versions import parse_version
from zorders.observability.logs import REQUEST_ID, TRACK_ID

#: The layers ``FusedPoll`` stands in for, outermost first: another stack runs as built.
FUSED_LAYERS = (HttpMetricsMiddleware, ZuoraHeadersMiddleware, LimitsMiddleware, JobPollRoute)


class PollFirstApp(FastAPI):
    """FastAPI, but a poll runs only the user middleware outside ``JobPollRoute``."""

    _poll_stack: ASGIApp | None = None
    _poll_stack_built = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._poll_stack_built:
            self._poll_stack = self._build_poll_stack()
            self._poll_stack_built = True
        stack = self._poll_stack
        job_id = None if stack is None else polled_job(scope)
        if stack is None or job_id is None:
            await super().__call__(scope, receive, send)
            return
        if self.root_path:
            scope["root_path"] = self.root_path
        scope["app"] = self
        if isinstance(stack, FusedPoll):
            await stack.poll(scope, receive, send, job_id)
        else:
            await stack(scope, receive, send)

    def _build_poll_stack(self) -> ASGIApp | None:
        """The middleware outside ``JobPollRoute`` around it, built as Starlette builds the
        whole stack, fused when it is ``FUSED_LAYERS``; None when there is no
        ``JobPollRoute``."""
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
        layers = []
        layer: object = app
        while layer is not _unreachable:
            layers.append(layer)
            layer = getattr(layer, "app", _unreachable)
        if tuple(type(layer) for layer in layers) != FUSED_LAYERS:
            return app
        metrics, _, limits, route = layers
        assert isinstance(metrics, HttpMetricsMiddleware)
        assert isinstance(limits, LimitsMiddleware)
        assert isinstance(route, JobPollRoute)
        return FusedPoll(app, metrics=metrics, limits=limits, route=route)


async def _unreachable(scope: Scope, receive: Receive, send: Send) -> None:
    raise AssertionError("JobPollRoute answers every request PollFirstApp gives it")


class FusedPoll:
    """``stack`` (``FUSED_LAYERS`` built) for polls, the everyday one in a single pass."""

    def __init__(
        self,
        stack: ASGIApp,
        *,
        metrics: HttpMetricsMiddleware,
        limits: LimitsMiddleware,
        route: JobPollRoute,
    ) -> None:
        self.stack = stack
        self.telemetry = metrics.telemetry
        self.context = limits.context
        self.route = route

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        job_id = polled_job(scope)
        if job_id is None:
            await self.stack(scope, receive, send)
        else:
            await self.poll(scope, receive, send, job_id)

    async def poll(self, scope: Scope, receive: Receive, send: Send, job_id: str) -> None:
        """Answer a poll of ``job_id`` (``polled_job(scope)``)."""
        started = perf_counter()
        # The first of each header, as the layers read them.
        authorization = track_raw = version_raw = None
        for key, value in scope["headers"]:
            if key == b"authorization":
                if authorization is None:
                    authorization = value
            elif key == b"zuora-track-id":
                if track_raw is None:
                    track_raw = value
            elif key == b"zuora-version" and version_raw is None:
                version_raw = value
        state = scope.setdefault("state", {})
        tenant = None
        if authorization is not None and not scope.get("root_path"):
            scheme, _, token = authorization.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip() and TENANT_STATE not in state:
                tenant = self.context.auth.cached(token.strip())
        track = None if track_raw is None else track_raw.decode("latin-1")
        version = None if version_raw is None else version_raw.decode("latin-1")
        if tenant is None or (track is not None and not valid_track_id(track)):
            await self.stack(scope, receive, send)
            return
        if version:
            try:
                parse_version(version)
            except InvalidValue:
                await self.stack(scope, receive, send)
                return
        limiter = self.context.limits
        decision = limiter.acquire(tenant, high_volume=False)
        if not decision.allowed:  # a refusal counts nothing: the stack refuses it again
            await self.stack(scope, receive, send)
            return
        status = 500  # if the route raises before answering, the server sends a 500
        try:
            rid = request_id()
            state["request_id"] = rid
            state[TENANT_STATE] = tenant
            extra = [(b"zuora-request-id", rid.encode())]
            if track is not None:
                extra.append((b"zuora-track-id", track.encode()))
            # Log records of this request carry its ids, as inside ZuoraHeadersMiddleware.
            request_token = REQUEST_ID.set(rid)
            track_token = None if track is None else TRACK_ID.set(track)
            try:
                route = self.route
                if route.local_reads:  # no coroutine unless the answer is to be compressed
                    answer, headers, body = route.answer(scope, receive, job_id, version, tenant)
                    if len(body) > route.gzip_over:
                        answer, headers, body = await route.compressed(scope, answer, headers, body)
                else:
                    answer, headers, body = await route.respond(
                        scope, receive, job_id, version, tenant
                    )
                headers = [*headers, *limit_headers(decision), *extra]
                status = answer
                await send({"type": "http.response.start", "status": answer, "headers": headers})
                await send({"type": "http.response.body", "body": body})
            finally:
                if track_token is not None:
                    TRACK_ID.reset(track_token)
                REQUEST_ID.reset(request_token)
        finally:
            limiter.release(tenant.id, high_volume=False)
            elapsed = perf_counter() - started
            self.telemetry.http_request("GET", POLL_PATH, status, elapsed)
            if access_log.isEnabledFor(logging.DEBUG):
                log_access(scope, POLL_PATH, status, elapsed)
