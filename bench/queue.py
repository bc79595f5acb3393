"""Measurements 2 and 3: submitting orders, the queue's overhead, and workers' throughput.

- accepted/s: wrk POSTs the README's order to ``zorders serve --workers 0`` (jobs pile up).
- submit → Completed: one order at a time (light load) on ``zorders serve`` with its
  in-process workers, seen by a client polling every millisecond and in the job's own
  timestamps; against the same order executed in-process (``OrderService.create``).
- workers: N ``zorders worker`` processes drain a batch committed in one transaction;
  orders/s from the jobs' own ``started_at``/``finished_at`` (process start-up excluded).
- claim latency (commit → claimed) at light load across processes.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import orjson

from bench import db, loadgen
from bench.procs import Server, Worker
from bench.run import Run
from bench.stats import median, percentile
from bench.workload import create_body, create_request
from zorders.service.orders import OrderService


def accept_rate(run: Run, database_url: str, name: str) -> dict[str, Any]:
    server = run.started(Server(name, database_url=database_url, workers=0, logs=run.logs, env={}))
    headers = {"Authorization": f"Bearer {server.token}", "Content-Type": "application/json"}
    url = server.base_url + "/v1/async/orders"
    body = orjson.dumps(create_body()).decode()
    loadgen.run(url, connections=16, seconds=1, headers=headers, method="POST", body=body)
    load = loadgen.run(
        url,
        connections=16,
        seconds=run.sizes.accept_seconds,
        headers=headers,
        method="POST",
        body=body,
    )
    server.stop()
    return load.as_dict()


def execution_time(folder: Path, repeats: int) -> dict[str, float]:
    """The README's order through ``OrderService.create`` in this process: no queue, no HTTP."""
    runtime, tenant_id = db.runtime_for(f"sqlite:///{folder / 'inprocess.db'}")
    service = OrderService(runtime.store, runtime.clock, runtime.ids)
    request = create_request(create_body())
    service.create(tenant_id, request)  # warm-up
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        service.create(tenant_id, request)
        times.append((time.perf_counter() - started) * 1000)
    runtime.close()
    return _ms(times)


def submit_to_completed(run: Run, server: Server, database_url: str) -> dict[str, Any]:
    """One order at a time: POST, then poll every millisecond until Completed."""
    body = create_body()
    seen: list[float] = []
    job_ids = []
    with server.client() as client:
        for _ in range(run.sizes.latency_orders):
            started = time.perf_counter()
            job_id = client.post("/v1/async/orders", json=body).json()["jobId"]
            while client.get(f"/v1/async-jobs/{job_id}").json()["status"] == "Processing":
                time.sleep(0.001)
            seen.append((time.perf_counter() - started) * 1000)
            job_ids.append(job_id)
            time.sleep(0.02)
    server.note_rss()
    runtime, _ = db.runtime_for(database_url)
    timings = db.timings(runtime, job_ids)
    runtime.close()
    return {
        "orders": len(job_ids),
        "client_ms": _ms(seen),
        "server_ms": _ms([t.total_ms for t in timings]),
        "claim_ms": _ms([t.claim_ms for t in timings]),
    }


def workers(run: Run, database_url: str, dialect: str) -> dict[str, Any]:
    """Orders/s of 1, 2, 4 worker processes; then claim latency at light load."""
    runtime, tenant_id = db.runtime_for(database_url)
    request = create_request(create_body())
    # Worker processes share no in-process wake-up with this one: on SQLite they find
    # new jobs by their poll, so poll often here (PostgreSQL wakes them by NOTIFY).
    env = {"ZORDERS_POLL_INTERVAL": "0.05"}
    rates: dict[str, Any] = {}
    for count in run.sizes.worker_counts:
        procs = [
            run.started(
                Worker(
                    f"worker-{dialect}-{count}-{n}",
                    database_url=database_url,
                    concurrency=1,
                    logs=run.logs,
                    env=env,
                )
            )
            for n in range(count)
        ]
        for proc in procs:
            proc.wait_ready()
        job_ids = db.submit_batch(runtime, tenant_id, request, run.sizes.worker_jobs)
        db.wait_finished(runtime, job_ids, timeout=600)
        for proc in procs:
            proc.stop()
        timings = db.timings(runtime, job_ids)
        span = max(t.finished_at for t in timings) - min(t.started_at for t in timings)
        rates[str(count)] = {
            "jobs": len(job_ids),
            "failed": sum(t.status != "completed" for t in timings),
            "seconds": round(span.total_seconds(), 3),
            "orders_per_s": round(len(job_ids) / span.total_seconds(), 1),
        }
    first = rates[str(run.sizes.worker_counts[0])]["orders_per_s"]
    for entry in rates.values():
        entry["speedup"] = round(entry["orders_per_s"] / first, 3)
    claim = claim_latency(run, runtime, tenant_id, database_url, dialect, env)
    runtime.close()
    return {"by_workers": rates, "claim_ms": claim}


def claim_latency(
    run: Run,
    runtime: Any,
    tenant_id: Any,
    database_url: str,
    dialect: str,
    env: dict[str, str],
) -> dict[str, float]:
    """Jobs committed one at a time, with an idle worker process waiting for them."""
    worker = run.started(
        Worker(
            f"worker-{dialect}-claim",
            database_url=database_url,
            concurrency=1,
            logs=run.logs,
            env=env,
        )
    )
    worker.wait_ready()
    request = create_request(create_body())
    job_ids = []
    for _ in range(run.sizes.claim_jobs):
        job_ids.append(db.submit_one(runtime, tenant_id, request))
        db.wait_finished(runtime, job_ids[-1:], timeout=60)
        time.sleep(0.02)
    worker.stop()
    return _ms([t.claim_ms for t in db.timings(runtime, job_ids)])


def _ms(values: list[float]) -> dict[str, float]:
    return {
        "p50": round(median(values), 3),
        "p99": round(percentile(values, 99), 3),
        "max": round(max(values), 3),
    }
