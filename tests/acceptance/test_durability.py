"""Crashes, retries and duplicates on real processes: nothing accepted is lost, nothing doubles.

Each test runs on SQLite (processes sharing one file) and on PostgreSQL.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from tests.processes import Server, ZordersProcess, poll_job
from tests.support import FLAT, create_subscription, order
from zorders.store import schema as t
from zorders.store.sql import make_engine

pytestmark = pytest.mark.acceptance

#: Short leases so a killed worker's job is rescued within seconds.
FAST_RESCUE = {"ZORDERS_JOB_LEASE_SECONDS": "2", "ZORDERS_POLL_INTERVAL": "0.2"}


def _count(database_url: str, table: object, *where: object) -> int:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()
            )  # type: ignore[arg-type]
    finally:
        engine.dispose()


def _wait_until(predicate: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _submit_many(server: Server, count: int) -> list[str]:
    token = server.token()

    def submit(_: int) -> str:
        with httpx.Client(base_url=server.base_url, timeout=30) as http:
            response = http.post(
                "/v1/async/orders",
                json=order(create_subscription(FLAT)),
                headers={"Authorization": f"Bearer {token}"},
            )
        assert response.status_code == 200, response.text
        job_id: str = response.json()["jobId"]
        return job_id

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(submit, range(count)))


@pytest.fixture
def processes() -> Iterator[list[ZordersProcess]]:
    started: list[ZordersProcess] = []
    yield started
    for process in started:
        process.terminate()  # also closes the log of a process that already exited


def test_killed_worker_loses_nothing_and_doubles_nothing(
    database_url: str, tmp_path: Path, processes: list[ZordersProcess]
) -> None:
    api = Server(database_url=database_url, log=tmp_path / "api.log", workers=0, env=FAST_RESCUE)
    processes.append(api)
    workers = [
        ZordersProcess(
            ["worker", "--database-url", database_url, "--concurrency", "2"],
            log=tmp_path / f"worker{n}.log",
            env=FAST_RESCUE,
        )
        for n in range(2)
    ]
    processes.extend(workers)
    jobs = _submit_many(api, 300)
    assert len(set(jobs)) == 300
    completed = t.jobs.c.status == "completed"
    _wait_until(lambda: _count(database_url, t.jobs, completed) >= 30, 60, "30 jobs")
    workers[0].kill()  # SIGKILL in the middle of the batch
    _wait_until(lambda: _count(database_url, t.jobs, completed) == 300, 180, "all 300 jobs")
    assert _count(database_url, t.jobs, t.jobs.c.status != "completed") == 0
    assert _count(database_url, t.orders) == 300
    assert _count(database_url, t.subscriptions) == 300
    assert _count(database_url, t.accounts) == 300
    with api.client() as http:
        for job_id in jobs[::25]:
            assert poll_job(http, job_id)["status"] == "Completed"


def test_killed_api_answers_only_for_committed_jobs(
    database_url: str, tmp_path: Path, processes: list[ZordersProcess]
) -> None:
    api = Server(database_url=database_url, log=tmp_path / "api1.log", workers=1)
    processes.append(api)
    token = api.token()
    answered: list[str] = []
    stop = threading.Event()

    def hammer() -> None:
        with httpx.Client(base_url=api.base_url, timeout=5) as http:
            while not stop.is_set():
                try:
                    response = http.post(
                        "/v1/async/orders",
                        json=order(create_subscription(FLAT)),
                        headers={"Authorization": f"Bearer {token}"},
                    )
                except httpx.HTTPError:
                    return  # the server died under us: no answer, no promise
                if response.status_code == 200:
                    answered.append(response.json()["jobId"])

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    _wait_until(lambda: len(answered) >= 20, 60, "20 answers")
    api.kill()  # SIGKILL with requests in flight
    stop.set()
    for thread in threads:
        thread.join()
    restarted = Server(database_url=database_url, log=tmp_path / "api2.log", workers=2)
    processes.append(restarted)
    with restarted.client(token) as http:  # tokens are persisted: the old one still works
        for job_id in answered:
            assert poll_job(http, job_id, timeout=60)["status"] == "Completed", job_id
    assert _count(database_url, t.orders) == _count(database_url, t.jobs) >= len(answered)


def test_parallel_duplicates_with_one_idempotency_key_make_one_job(
    database_url: str, tmp_path: Path, processes: list[ZordersProcess]
) -> None:
    api = Server(database_url=database_url, log=tmp_path / "api.log", workers=2)
    processes.append(api)
    token = api.token()
    body = order(create_subscription(FLAT))

    def post(_: int) -> httpx.Response:
        with httpx.Client(base_url=api.base_url, timeout=30) as http:
            return http.post(
                "/v1/async/orders",
                json=body,
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "one-key"},
            )

    with ThreadPoolExecutor(50) as pool:
        responses = list(pool.map(post, range(50)))
    statuses = {r.status_code for r in responses}
    assert statuses <= {200, 409}, statuses
    job_ids = {r.json()["jobId"] for r in responses if r.status_code == 200}
    assert len(job_ids) == 1
    assert _count(database_url, t.jobs) == 1
    with api.client(token) as http:
        assert poll_job(http, job_ids.pop())["status"] == "Completed"
    assert _count(database_url, t.orders) == 1
