"""``zorders serve --processes N``: N server processes share the port and one database."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.acceptance.helpers import sqlite_url
from tests.processes import Server, poll_job
from tests.support import FLAT, create_subscription, order

pytestmark = pytest.mark.acceptance


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def test_two_processes_serve_one_port_and_stop_on_sigterm(tmp_path: Path) -> None:
    server = Server(
        database_url=sqlite_url(tmp_path / "zorders.db"),
        log=tmp_path / "serve.log",
        env={"ZORDERS_PROCESSES": "2"},
    )
    try:
        token = server.token()
        # Each connection may land on either process: a token issued by one works on both,
        # and every job, whichever process accepted it, completes.
        jobs = []
        for _ in range(6):
            with server.client(token) as client:
                answer = client.post("/v1/async/orders", json=order(create_subscription(FLAT)))
                assert answer.status_code == 200, answer.text
                jobs.append(answer.json()["jobId"])
        with server.client(token) as client:
            for job_id in jobs:
                assert poll_job(client, job_id)["status"] == "Completed"
        # uvicorn's supervisor, its spawn helper and the two serving processes.
        assert len(_children(server.process.pid)) >= 2
    finally:
        assert server.terminate() == 0, server.log()
