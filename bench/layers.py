"""``python -m bench.layers``: what a poll costs, layer by layer, in this process (no HTTP).

Calls the app's ASGI stack directly with a prebuilt scope and reports thread CPU time per
request (the best of several rounds, so other load on the machine matters little): the
whole app (whose everyday poll runs the middleware fused, ``http/hot_path.py``), then the
layered poll stack (what other polls take) from each middleware inward, and the two
references of the benchmark. The differences are what each layer costs; ``docs/performance.md`` lists
them. For a flame graph of a real server under load, use ``py-spy record`` instead.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from bench import db, refapps
from bench.procs import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from bench.workload import create_body, create_request
from zorders.http.app import create_app
from zorders.http.hot_path import PollFirstApp
from zorders.http.poll import JobPollRoute
from zorders.worker.runner import Worker

App = Callable[[MutableMapping[str, Any], Any, Any], Awaitable[None]]


async def _receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _send(message: MutableMapping[str, Any]) -> None:
    if message["type"] == "http.response.start" and message["status"] != 200:
        raise RuntimeError(f"answered {message['status']}")


async def cost(app: App, path: str, headers: list[tuple[bytes, bytes]], n: int = 4000) -> float:
    """Thread CPU microseconds per request: the best of seven rounds of ``n``."""

    def scope() -> dict[str, Any]:
        return {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(),
            "query_string": b"", "root_path": "", "headers": headers,
            "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80), "state": {},
        }  # fmt: skip

    for _ in range(200):
        await app(scope(), _receive, _send)
    best = float("inf")
    for _ in range(7):
        started = time.thread_time()
        for _ in range(n):
            await app(scope(), _receive, _send)
        best = min(best, (time.thread_time() - started) / n * 1e6)
    return best


async def _unreachable(scope: Any, receive: Any, send: Any) -> None:
    raise AssertionError("the poll route answers every poll")


async def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="zorders-layers-"))
    # The limits are out of the way here, as in the benchmark's servers (procs.UNLIMITED).
    runtime, tenant_id = db.runtime_for(
        f"sqlite:///{folder / 'layers.db'}",
        rate_limit_per_minute=1_000_000_000,
        concurrency_limit=1_000_000,
    )
    job_id = db.submit_one(runtime, tenant_id, create_request(create_body()))
    Worker(runtime.store, runtime.clock, runtime.ids, name="layers").run_until_idle()
    context = runtime.api_context()
    token = context.auth.issue_token(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET).token
    app = create_app(context)
    assert isinstance(app, PollFirstApp)
    path = f"/v1/async-jobs/{job_id}"
    headers = [(b"host", b"bench"), (b"authorization", f"Bearer {token}".encode())]
    print(f"zorders (PollFirstApp, fused)         {await cost(app, path, headers):6.1f} µs")
    outer = []
    for middleware in app.user_middleware:
        outer.append(middleware)
        if getattr(middleware, "cls", None) is JobPollRoute:
            break
    for start in range(len(outer)):
        stack: Any = _unreachable
        for cls, args, kwargs in reversed(outer[start:]):
            stack = cls(stack, *args, **kwargs)
        name = getattr(outer[start], "cls", type(None)).__name__
        print(f"  layered, from {name:22s} {await cost(stack, path, headers):6.1f} µs")
    lookup = refapps.JobLookup(str(folder / "layers.db"), tenant_id)
    print(
        f"bare FastAPI route                    {await cost(refapps.bare_app(lookup), path, []):6.1f} µs"
    )
    print(
        f"raw-ASGI ceiling                      {await cost(refapps.ceiling_app(lookup), path, []):6.1f} µs"
    )
    runtime.close()


if __name__ == "__main__":
    asyncio.run(main())
