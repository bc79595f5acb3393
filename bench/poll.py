"""Measurement 1: ``GET /v1/async-jobs/{jobId}`` against a bare endpoint and a raw-ASGI ceiling.

Three servers poll one completed job on one SQLite file: ``zorders serve`` (auth, every
header, limits, middleware), ``bare`` (FastAPI, one async route, no middleware) and
``ceiling`` (raw ASGI), all with the same number of uvicorn processes. Rounds interleave
the servers, rotating their order, and each figure is the median over rounds.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any

import httpx
import orjson

from bench import loadgen
from bench.procs import RefApp, Server
from bench.run import Run
from bench.stats import median
from bench.workload import create_body

SERVERS = ("zorders", "bare", "ceiling")


def completed_job(server: Server, timeout: float = 60) -> str:
    with server.client() as client:
        job_id: str = client.post("/v1/async/orders", json=create_body()).json()["jobId"]
        deadline = time.monotonic() + timeout
        while client.get(f"/v1/async-jobs/{job_id}").json()["status"] != "Completed":
            if time.monotonic() > deadline:
                raise RuntimeError(f"job {job_id} did not complete")
            time.sleep(0.05)
    return job_id


def measure(run: Run, server: Server, database: str) -> dict[str, Any]:
    """Poll load on ``server`` (a SQLite ``zorders serve``) and on the two references,
    started with as many processes as it has."""
    sizes = run.sizes
    job_id = completed_job(server)
    with sqlite3.connect(database) as conn:
        (tenant_id,) = conn.execute("SELECT tenant_id FROM jobs WHERE id = ?", (job_id,)).fetchone()
    path = f"/v1/async-jobs/{job_id}"
    refs = {
        kind: run.started(
            RefApp(
                kind,
                database=database,
                tenant_id=tenant_id,
                probe_path=path,
                logs=run.logs,
                processes=server.processes,
            )
        )
        for kind in ("bare", "ceiling")
    }
    urls = {"zorders": server.base_url + path} | {k: r.base_url + path for k, r in refs.items()}
    headers = {"zorders": {"Authorization": f"Bearer {server.token}"}, "bare": {}, "ceiling": {}}
    raw = {name: _get(url, headers[name]) for name, url in urls.items()}
    bodies = {name: orjson.loads(body) for name, body in raw.items()}
    same = all(body == bodies["zorders"] for body in bodies.values())
    if not same:
        raise RuntimeError(f"the servers answer differently: {bodies}")

    def load(name: str, connections: int, seconds: int) -> loadgen.Load:
        return loadgen.run(
            urls[name], connections=connections, seconds=seconds, headers=headers[name]
        )

    for name in SERVERS:  # warm-up: connections, caches, the allocator
        load(name, 16, 1)
    rounds: dict[str, dict[int, list[loadgen.Load]]] = {
        name: {c: [] for c in sizes.connections} for name in SERVERS
    }
    for n in range(sizes.poll_rounds):
        order = SERVERS[n % 3 :] + SERVERS[: n % 3]
        for connections in sizes.connections:
            for name in order:
                rounds[name][connections].append(load(name, connections, sizes.poll_seconds))
        server.note_rss()
    for ref in refs.values():
        ref.stop()
    results = {
        name: {str(c): _summary(loads) for c, loads in by_conn.items()}
        for name, by_conn in rounds.items()
    }
    ratios = {
        str(c): {
            "throughput_vs_ceiling": _ratio(results, "zorders", "ceiling", c, "rps"),
            "p99_vs_ceiling": _ratio(results, "zorders", "ceiling", c, "p99_ms"),
            "bare_throughput_vs_ceiling": _ratio(results, "bare", "ceiling", c, "rps"),
            "throughput_vs_bare": _ratio(results, "zorders", "bare", c, "rps"),
            # Each round's own ratios (its loads minutes apart at most): how far the
            # machine's noise moves a verdict taken from the medians above.
            "rounds": {
                "throughput_vs_ceiling": _paired(rounds, c, "rps"),
                "p99_vs_ceiling": _paired(rounds, c, "p99_ms"),
            },
        }
        for c in sizes.connections
    }
    return {
        "processes": server.processes,
        "body_bytes": {name: len(body) for name, body in raw.items()},
        "same_json": same,
        "rounds": sizes.poll_rounds,
        "seconds_per_load": sizes.poll_seconds,
        "servers": results,
        "ratios": ratios,
    }


def _get(url: str, headers: dict[str, str]) -> bytes:
    response = httpx.get(url, headers=headers, timeout=10)
    response.raise_for_status()
    return response.content


def _summary(loads: list[loadgen.Load]) -> dict[str, float | int]:
    return {
        "rps": round(median([x.rps for x in loads]), 1),
        "p50_ms": round(median([x.p50_ms for x in loads]), 3),
        "p99_ms": round(median([x.p99_ms for x in loads]), 3),
        "requests": sum(x.requests for x in loads),
        "errors": sum(x.errors for x in loads),
    }


def _paired(
    rounds: dict[str, dict[int, list[loadgen.Load]]], connections: int, key: str
) -> list[float]:
    pairs = zip(rounds["zorders"][connections], rounds["ceiling"][connections], strict=True)
    return [round(getattr(z, key) / getattr(c, key), 3) for z, c in pairs]


def _ratio(results: dict[str, Any], a: str, b: str, connections: int, key: str) -> float:
    ratio = float(results[a][str(connections)][key]) / float(results[b][str(connections)][key])
    return round(ratio, 3)
