"""A real server's probes, scrape and JSON logs (ZORDERS_LOG_FORMAT=json)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.acceptance.helpers import sqlite_url, submit
from tests.processes import Server, poll_job
from tests.support import FLAT, create_subscription, order

pytestmark = pytest.mark.acceptance


def test_json_logs_probes_and_metrics_of_a_running_server(tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    server = Server(
        database_url=sqlite_url(tmp_path / "zorders.db"),
        log=log,
        env={"ZORDERS_LOG_FORMAT": "json", "ZORDERS_LOG_LEVEL": "debug"},
    )
    try:
        assert httpx.get(f"{server.base_url}/healthz").json() == {"status": "ok"}
        assert httpx.get(f"{server.base_url}/readyz").json() == {"status": "ok"}
        with server.client() as client:
            client.headers["Zuora-Track-Id"] = "json-logs-1"
            job_id = submit(client, "/v1/async/orders", order(create_subscription(FLAT)))
            assert poll_job(client, job_id)["status"] == "Completed"
        scrape = httpx.get(f"{server.base_url}/metrics").text
        assert 'zorders_jobs_completed_total{kind="AsyncCreateOrder"} 1' in scrape
    finally:
        server.terminate()
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    assert any("client_id=" in e["message"] for e in entries)  # the banner too
    assert any(e["logger"].startswith("uvicorn") for e in entries)
    tracked = [e for e in entries if e.get("track_id") == "json-logs-1"]
    assert tracked and all(e.get("request_id") for e in tracked)
