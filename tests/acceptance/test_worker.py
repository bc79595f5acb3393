"""``zorders serve --workers 0`` (API only) with a separate ``zorders worker`` process."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import httpx
import pytest

from tests.acceptance.helpers import one_line, run_cli, sqlite_url, stop, submit
from tests.processes import ZordersProcess, free_port, poll_job, running_server
from tests.support import FLAT, PER_UNIT, create_subscription, order

pytestmark = pytest.mark.acceptance


def test_api_only_server_leaves_jobs_to_a_separate_worker(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "zorders.db")
    with (
        running_server(database_url=url, log=tmp_path / "serve.log", workers=0) as server,
        server.client() as c,
    ):
        job_id = submit(c, "/v1/async/orders", order(create_subscription(FLAT)))
        time.sleep(1.0)
        waiting = c.get(f"/v1/async-jobs/{job_id}").json()
        assert waiting == {"status": "Processing", "errors": None, "result": None, "success": True}

        worker = ZordersProcess(["worker", "--database-url", url], log=tmp_path / "worker.log")
        try:
            job = poll_job(c, job_id)
            assert job["status"] == "Completed", job
            # A job submitted while the worker runs: another process's commit, so the
            # worker finds it by polling the shared database.
            later = poll_job(c, submit(c, "/v1/async/orders", order(create_subscription(PER_UNIT))))
            assert later["status"] == "Completed", later
        finally:
            code = stop(worker)
        assert code == 0, worker.log()
        assert "Traceback" not in worker.log()

        result = job["result"]
        assert isinstance(result, dict)
        number = result["subscriptions"][0]["subscriptionNumber"]
        subscription = c.get(f"/v1/subscriptions/{number}").json()
        assert subscription["orderNumber"] == result["orderNumber"] == "O-00000001"
        assert subscription["status"] == "Active"
        assert c.get(f"/v1/orders/{result['orderNumber']}").json()["order"]["status"] == (
            "Completed"
        )


def test_a_worker_process_serves_its_metrics_and_probes(tmp_path: Path) -> None:
    """``zorders worker --metrics-port``: the jobs a worker process ran are scrapeable."""
    url = sqlite_url(tmp_path / "zorders.db")
    port = free_port()
    with (
        running_server(database_url=url, log=tmp_path / "serve.log", workers=0) as server,
        server.client() as c,
    ):
        worker = ZordersProcess(
            ["worker", "--database-url", url, "--metrics-port", str(port)],
            log=tmp_path / "worker.log",
        )
        try:
            assert (
                poll_job(c, submit(c, "/v1/async/orders", order(create_subscription(FLAT))))[
                    "status"
                ]
                == "Completed"
            )
            base = f"http://127.0.0.1:{port}"
            metrics = httpx.get(f"{base}/metrics", timeout=5)
            assert metrics.status_code == 200
            assert metrics.headers["content-type"].startswith("text/plain; version=0.0.4")
            lines = metrics.text.splitlines()
            assert 'zorders_jobs_completed_total{kind="AsyncCreateOrder"} 1' in lines, metrics.text
            assert any(line.startswith("zorders_queue_depth{") for line in lines)
            assert any(line.startswith("zorders_job_duration_seconds_bucket{") for line in lines)
            assert httpx.get(f"{base}/healthz", timeout=5).json() == {"status": "ok"}
            assert httpx.get(f"{base}/readyz", timeout=5).json() == {"status": "ok"}
            assert httpx.get(f"{base}/nothing", timeout=5).status_code == 404
        finally:
            code = stop(worker)
        assert code == 0, worker.log()
        assert f"metrics on http://127.0.0.1:{port}/metrics" in one_line(worker.log())


def test_a_worker_refuses_a_metrics_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli(
            "worker", "--database-url", sqlite_url(tmp_path / "z.db"), "--metrics-port", str(port)
        )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "--metrics-port" in result.stderr
