"""The poll benchmark's references, served by uvicorn exactly as ``zorders serve`` is.

- ``ceiling``: a raw ASGI app (no framework) doing the poll's indexed lookup on the same
  SQLite database and returning the same JSON with orjson — the most this server, this
  database and this Python can do per request.
- ``bare``: a FastAPI app with one ``async`` route doing the same lookup and rendering —
  the framework's cost without auth, headers, limits or middleware.

Neither checks a token: they poll a fixed tenant's jobs. ``python -m bench.refapps KIND
--port P --database FILE --tenant ID [--processes N]``: N uvicorn processes share the
port, as ``zorders serve --processes N`` runs them.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

PREFIX = "/v1/async-jobs/"
JSON = "application/json; charset=utf-8"
_SQL = "SELECT kind, status, error, result FROM jobs WHERE id = ? AND tenant_id = ?"
_STATUS = {"completed": "Completed", "failed": "Failed"}
_NOT_FOUND = orjson.dumps({"success": False, "reasons": [{"code": 50000040}]})


class JobLookup:
    """The poll's read and its JSON, written out by hand for a create-order job."""

    def __init__(self, database: str, tenant_id: str) -> None:
        self._conn = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
        self._tenant = tenant_id

    def body(self, job_id: str) -> bytes | None:
        row = self._conn.execute(_SQL, (job_id, self._tenant)).fetchone()
        if row is None:
            return None
        kind, status, error, stored = row
        result = None
        if status == "completed" and stored is not None:
            r = orjson.loads(stored)
            result = {
                "success": True,
                "orderNumber": r["order_number"],
                "accountNumber": r["account_number"],
                "status": r["status"],
                "subscriptions": [
                    {
                        "subscriptionNumber": s["number"],
                        "status": s["status"],
                        "subscriptionOwnerNumber": s["owner_account_number"],
                        "subscriptionOwnerId": s["owner_account_id"],
                    }
                    for s in r["subscriptions"]
                ],
                "jobType": kind,
            }
        return orjson.dumps(
            {
                "status": _STATUS.get(status, "Processing"),
                "errors": error if status == "failed" else None,
                "result": result,
                "success": True,
            }
        )


def ceiling_app(lookup: JobLookup) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        path: str = scope["path"]
        body = lookup.body(path[len(PREFIX) :]) if path.startswith(PREFIX) else None
        status = 200 if body is not None else 404
        body = body if body is not None else _NOT_FOUND
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-length", str(len(body)).encode()),
                    (b"content-type", JSON.encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return app


def bare_app(lookup: JobLookup) -> Any:
    from fastapi import FastAPI
    from fastapi.responses import Response

    app = FastAPI()

    @app.get("/v1/async-jobs/{jobId}")
    async def get_job(jobId: str) -> Response:
        body = lookup.body(jobId)
        if body is None:
            return Response(_NOT_FOUND, status_code=404, media_type=JSON)
        return Response(body, media_type=JSON)

    return app


def _lookup() -> JobLookup:
    return JobLookup(os.environ["BENCH_REF_DATABASE"], os.environ["BENCH_REF_TENANT"])


def ceiling_from_env() -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    return ceiling_app(_lookup())


def bare_from_env() -> Any:
    return bare_app(_lookup())


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("kind", choices=["ceiling", "bare"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database", required=True, help="the SQLite file")
    parser.add_argument("--tenant", required=True, help="whose jobs are polled")
    parser.add_argument("--processes", type=int, default=1)
    args = parser.parse_args()
    os.environ["BENCH_REF_DATABASE"] = args.database
    os.environ["BENCH_REF_TENANT"] = args.tenant
    # The options ``zorders serve`` passes (cli.serve), at the log level the bench runs it.
    uvicorn.run(
        f"bench.refapps:{args.kind}_from_env",
        factory=True,
        workers=args.processes if args.processes > 1 else None,
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main()
