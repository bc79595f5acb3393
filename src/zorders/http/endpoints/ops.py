"""Probes and the Prometheus scrape: ``/healthz``, ``/readyz``, ``/metrics`` (no token)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import PlainTextResponse

from zorders.http.context import api
from zorders.http.responses import ZuoraJSONResponse

router = APIRouter(tags=["Operations (zorders)"])
log = logging.getLogger("zorders.http")

#: Prometheus text exposition format.
METRICS_MEDIA_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@router.get("/healthz", summary="Liveness: the process answers")
async def healthz() -> Any:
    return ZuoraJSONResponse({"status": "ok"})


@router.get("/readyz", summary="Readiness: the database answers")
async def readyz(request: Request) -> Any:
    try:
        await run_in_threadpool(api(request).ops.check_ready)
    except Exception as error:
        log.warning("not ready: %s", error)
        return ZuoraJSONResponse(
            {"status": "unavailable", "error": type(error).__name__}, status_code=503
        )
    return ZuoraJSONResponse({"status": "ok"})


@router.get("/metrics", summary="Prometheus metrics", response_class=PlainTextResponse)
def metrics(request: Request) -> Any:
    # A sync endpoint: the queue-depth gauge reads the database, off the event loop.
    return PlainTextResponse(api(request).ops.telemetry.render(), media_type=METRICS_MEDIA_TYPE)
