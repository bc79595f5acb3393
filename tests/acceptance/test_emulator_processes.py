"""Emulator controls against real processes, as an integrating team's pytest suite uses them."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from tests.acceptance.helpers import sqlite_url, stop, submit
from tests.processes import ZordersProcess, poll_job, running_server
from tests.support import FLAT, create_subscription, order

pytestmark = pytest.mark.acceptance


def _enable(c: httpx.Client) -> None:
    assert c.put("/zorders/emulator", json={"enabled": True}).status_code == 200


def test_a_crashed_worker_is_rescued_when_the_test_moves_the_clock(tmp_path: Path) -> None:
    with (
        running_server(database_url=sqlite_url(tmp_path / "z.db"), log=tmp_path / "s.log") as s,
        s.client() as c,
    ):
        _enable(c)
        job_id = c.post(
            "/v1/async/orders",
            json=order(create_subscription(FLAT)),
            headers={"Zorders-Emulate": "crash-once"},
        ).json()["jobId"]
        deadline = time.monotonic() + 20
        while "its worker crashed (emulated)" not in s.log():
            assert time.monotonic() < deadline, s.log()
            time.sleep(0.05)
        time.sleep(0.5)  # real time passes; the lease (30 s) holds the job all the same
        assert c.get(f"/v1/async-jobs/{job_id}").json()["status"] == "Processing"

        moved = c.post("/zorders/test-clock/advance", json={"seconds": 31}, timeout=40).json()
        assert moved["success"] is True, moved
        assert (moved["jobsRescued"], moved["busyJobs"]) == (1, 0)
        job = c.get(f"/v1/async-jobs/{job_id}").json()
        assert job["status"] == "Completed", job
        assert job["result"]["orderNumber"] == "O-00000001"
        assert c.get("/v1/orders/O-00000002").json()["success"] is False


def test_the_tenants_clock_holds_in_a_separate_worker_process(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "z.db")
    with (
        running_server(database_url=url, log=tmp_path / "s.log", workers=0) as s,
        s.client() as c,
    ):
        _enable(c)
        worker = ZordersProcess(["worker", "--database-url", url], log=tmp_path / "w.log")
        try:
            moved = c.post(
                "/zorders/test-clock/advance", json={"to": "2027-03-10T09:00:00Z"}
            ).json()
            assert moved["now"].startswith("2027-03-10T09:00:0"), moved  # real time goes on
            body = order(create_subscription(FLAT), processingOptions={"runBilling": True})
            job = poll_job(c, submit(c, "/v1/async/orders", body))
            assert job["status"] == "Completed", job
            invoice = c.get("/v1/invoices/INV00000001").json()
            # Billed by the worker process through the tenant's today, not the real one.
            assert (invoice["amount"], invoice["targetDate"]) == (254.84, "2027-03-10")
            assert c.post("/zorders/reset").json()["jobsDeleted"] == 1
            assert c.get("/zorders/test-clock").json()["offsetSeconds"] == 0.0
        finally:
            code = stop(worker)
        assert code == 0, worker.log()


def test_the_controls_switch_is_kept_in_the_database(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "z.db")
    with running_server(database_url=url, log=tmp_path / "a.log") as s, s.client() as c:
        _enable(c)
    with running_server(database_url=url, log=tmp_path / "b.log") as s, s.client() as c:
        assert c.get("/zorders/emulator").json()["enabled"] is True  # a restart keeps it
        assert c.put("/zorders/emulator", json={"enabled": False}).json()["enabled"] is False
