"""Measurements 2 and 3: submitting orders, the queue's overhead, and workers' throughput.

- accepted/s: wrk POSTs the README's order to ``zorders serve --workers 0`` (jobs pile up).
- submit → Completed: one order at a time (light load) on ``zorders serve`` with its
  in-process workers, seen by a client polling every half millisecond and in the job's own
  timestamps; against the same order executed in-process (``OrderService.create``) at the
  same pace (and back to back, for reference).
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
from bench.procs import Server, Worker, cpu_seconds, machine_busy, machine_cpu
from bench.rawhttp import RawClient
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


#: Light load: one order at a time, this long apart (the latency loop and its baseline).
#: After a pause the caches are cold again, so an order then costs about a third more
#: than one of a back-to-back loop; the queue's overhead is judged at the same pace.
LIGHT_LOAD_PAUSE = 0.02


def execution_time(folder: Path, repeats: int) -> dict[str, dict[str, float]]:
    """The README's order through ``OrderService.create`` in this process: no queue, no
    HTTP; ``paced`` one order every ``LIGHT_LOAD_PAUSE`` as the latency loop submits them,
    ``back_to_back`` in a tight loop."""
    runtime, tenant_id = db.runtime_for(f"sqlite:///{folder / 'inprocess.db'}")
    service = OrderService(runtime.store, runtime.clock, runtime.ids)
    request = create_request(create_body())
    service.create(tenant_id, request)  # warm-up
    found = {}
    for name, pause in (("paced", LIGHT_LOAD_PAUSE), ("back_to_back", 0.0)):
        times = []
        for _ in range(repeats):
            if pause:
                time.sleep(pause)
            started = time.perf_counter()
            service.create(tenant_id, request)
            times.append((time.perf_counter() - started) * 1000)
        found[name] = _ms(times)
    runtime.close()
    return found


def submit_to_completed(run: Run, server: Server, database_url: str) -> dict[str, Any]:
    """One order at a time: POST, then poll every half millisecond until it is done."""
    body = create_body()
    seen: list[float] = []
    job_ids = []
    headers = {"Authorization": f"Bearer {server.token}"}
    waited_before = _queue_wait(server)
    with RawClient("127.0.0.1", server.port, headers=headers) as client:
        for _ in range(run.sizes.latency_orders):
            started = time.perf_counter()
            status, answer = client.post("/v1/async/orders", body)
            if status != 200:
                raise RuntimeError(f"submit answered {status}: {answer}")
            job_id = answer["jobId"]
            while client.get(f"/v1/async-jobs/{job_id}")[1]["status"] == "Processing":
                time.sleep(0.0005)
            seen.append((time.perf_counter() - started) * 1000)
            job_ids.append(job_id)
            time.sleep(LIGHT_LOAD_PAUSE)
    waited_after = _queue_wait(server)
    server.note_rss()
    runtime, _ = db.runtime_for(database_url)
    timings = db.timings(runtime, job_ids)
    runtime.close()
    runs = waited_after[1] - waited_before[1]
    return {
        "orders": len(job_ids),
        "client_ms": _ms(seen),
        "server_ms": _ms([t.total_ms for t in timings]),
        # An idle in-process worker is handed each job at its submission (worker/handoff.py):
        # the job commits claimed, so its timestamps show no wait; the worker's own
        # measure of it, from commit to its run's start, is the server's histogram.
        "handed_over": sum(t.claim_ms == 0 for t in timings),
        "wait_mean_ms": round((waited_after[0] - waited_before[0]) / runs * 1000, 3),
    }


def _queue_wait(server: Server) -> tuple[float, int]:
    """(sum of seconds, count) of the server's ``zorders_job_queue_wait_seconds``."""
    with server.client() as client:
        text = client.get("/metrics").text
    total, count = 0.0, 0
    for line in text.splitlines():
        if line.startswith("zorders_job_queue_wait_seconds_sum"):
            total += float(line.rsplit(" ", 1)[1])
        elif line.startswith("zorders_job_queue_wait_seconds_count"):
            count += int(float(line.rsplit(" ", 1)[1]))
    return total, count


def workers(run: Run, database_url: str, dialect: str) -> dict[str, Any]:
    """Orders/s of 1, 2, 4 worker processes, in alternating repetitions (the median of
    each count); then claim latency at light load."""
    runtime, tenant_id = db.runtime_for(database_url)
    request = create_request(create_body())
    # Worker processes share no in-process wake-up with this one: on SQLite they find
    # new jobs by their poll, so poll often here (PostgreSQL wakes them by NOTIFY).
    env = {"ZORDERS_POLL_INTERVAL": "0.05"}
    runs: dict[int, list[dict[str, Any]]] = {count: [] for count in run.sizes.worker_counts}
    for repetition in range(run.sizes.worker_repeats):
        for count in run.sizes.worker_counts:
            name = f"worker-{dialect}-{count}-{repetition}"
            runs[count].append(
                _drain(run, runtime, tenant_id, request, database_url, name, count, env)
            )
    rates: dict[str, Any] = {}
    for count, results in runs.items():
        rates[str(count)] = {
            "jobs": sum(r["jobs"] for r in results),
            "failed": sum(r["failed"] for r in results),
            "orders_per_s": round(median([r["orders_per_s"] for r in results]), 1),
            "runs": [r["orders_per_s"] for r in results],
            "worker_cpu_ms_per_order": round(median([r["cpu_ms"] for r in results]), 3),
            "machine_busy": round(median([r["busy"] for r in results]), 3),
        }
    first = rates[str(run.sizes.worker_counts[0])]["orders_per_s"]
    for entry in rates.values():
        entry["speedup"] = round(entry["orders_per_s"] / first, 3)
    claim = claim_latency(run, runtime, tenant_id, database_url, dialect, env)
    runtime.close()
    return {"by_workers": rates, "claim_ms": claim, "poll_interval_s": 0.05}


def _drain(
    run: Run,
    runtime: Any,
    tenant_id: Any,
    request: Any,
    database_url: str,
    name: str,
    count: int,
    env: dict[str, str],
) -> dict[str, Any]:
    """``count`` worker processes, ready, then a batch committed at once; drained."""
    procs = [
        run.started(
            Worker(f"{name}-{n}", database_url=database_url, concurrency=1, logs=run.logs, env=env)
        )
        for n in range(count)
    ]
    for proc in procs:
        proc.wait_ready()
    cpu_before = sum(cpu_seconds(p.pid) for p in procs)
    machine_before = machine_cpu()
    job_ids = db.submit_batch(runtime, tenant_id, request, run.sizes.worker_jobs)
    db.wait_finished(runtime, job_ids, timeout=600)
    cpu = sum(cpu_seconds(p.pid) for p in procs) - cpu_before
    busy = machine_busy(machine_before, machine_cpu())
    for proc in procs:
        proc.stop()
    timings = db.timings(runtime, job_ids)
    span = max(t.finished_at for t in timings) - min(t.started_at for t in timings)
    return {
        "jobs": len(job_ids),
        "failed": sum(t.status != "completed" for t in timings),
        "orders_per_s": len(job_ids) / span.total_seconds(),
        "cpu_ms": cpu * 1000 / len(job_ids),
        "busy": busy,
    }


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
