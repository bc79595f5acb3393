"""The ASGI application: routes, error translation and middleware, built from an ApiContext."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.middleware.gzip import GZipMiddleware

import zorders
from zorders.domain.errors import ZuoraError
from zorders.http import errors
from zorders.http.console import install_console
from zorders.http.context import ApiContext
from zorders.http.dashboard import install_dashboard
from zorders.http.emulation import EmulateHeaderMiddleware
from zorders.http.endpoints import (
    accounts,
    catalog,
    catalog_objects,
    emulator,
    invoicing,
    jobs,
    oauth,
    ops,
    orders,
    subscriptions,
    zorders_jobs,
)
from zorders.http.hot_path import PollFirstApp
from zorders.http.idempotency import IdempotencyMiddleware
from zorders.http.limits import LimitsMiddleware
from zorders.http.metrics import HttpMetricsMiddleware, RouteCapture
from zorders.http.middleware import ZuoraHeadersMiddleware
from zorders.http.poll import JobPollRoute

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]

#: Zuora compresses a response only when it is over 1000 bytes (facts §11 "Compression").
GZIP_OVER_BYTES = 1000


def create_app(context: ApiContext, lifespan: Lifespan | None = None) -> FastAPI:
    # A FastAPI app whose job polls (the hot path) skip FastAPI's outer layers and whose
    # everyday poll runs the middleware below fused into one function: http/hot_path.py.
    app = PollFirstApp(
        title="zorders",
        version=zorders.__version__,
        description="A self-hostable, Zuora-compatible Orders service.",
        lifespan=lifespan,
        docs_url=None,  # served by install_console, from packaged assets
        redoc_url=None,
    )
    app.state.api = context
    for module in (
        oauth,
        orders,
        jobs,
        accounts,
        subscriptions,
        catalog,
        catalog_objects,
        invoicing,
    ):
        app.include_router(module.router)
    for module in (ops, zorders_jobs, emulator):  # zorders' own: probes, jobs, emulator
        app.include_router(module.router)
    install_console(app)
    install_dashboard(app)
    app.add_exception_handler(ZuoraError, errors.on_zuora_error)
    app.add_exception_handler(RequestValidationError, errors.on_validation_error)
    app.add_exception_handler(HTTPException, errors.on_http_exception)
    # Added last = outermost: metrics → headers → limits → poll → idempotency → gzip → routes.
    app.add_middleware(RouteCapture)  # innermost: tells the metrics which route matched
    app.add_middleware(EmulateHeaderMiddleware, default_version=context.default_zuora_version)
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_OVER_BYTES + 1)
    app.add_middleware(IdempotencyMiddleware, context=context)
    # GET /v1/async-jobs/{jobId}, the hot path, is answered here (http/poll.py).
    app.add_middleware(
        JobPollRoute,
        context=context,
        gzip_over_bytes=GZIP_OVER_BYTES,
    )
    app.add_middleware(LimitsMiddleware, context=context)
    app.add_middleware(
        ZuoraHeadersMiddleware,
        max_body_bytes=context.max_body_bytes,
        max_inflated_bytes=context.max_inflated_bytes,
        default_version=context.default_zuora_version,
    )
    # Outermost: times everything the client waits for.
    app.add_middleware(HttpMetricsMiddleware, telemetry=context.ops.telemetry)
    return app
