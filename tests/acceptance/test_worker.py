"""``zorders serve --workers 0`` (API only) with a separate ``zorders worker`` process."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.acceptance.helpers import sqlite_url, stop, submit
from tests.processes import ZordersProcess, poll_job, running_server
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
