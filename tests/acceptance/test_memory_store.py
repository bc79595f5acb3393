"""``zorders serve --database-url memory://`` as a real process, and what memory:// refuses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.acceptance.helpers import one_line, run_cli, stop, submit
from tests.processes import poll_job, running_server
from tests.support import FLAT, create_subscription, order, preview

pytestmark = pytest.mark.acceptance


def test_serve_on_memory_completes_async_orders_and_forgets_them_on_exit(tmp_path: Path) -> None:
    with running_server(database_url="memory://", log=tmp_path / "first.log") as server:
        with server.client() as client:
            job_id = submit(client, "/v1/async/orders", order(create_subscription(FLAT)))
            job = poll_job(client, job_id)
            assert job["status"] == "Completed", job
            result = job["result"]
            assert isinstance(result, dict)
            account = client.get(f"/v1/accounts/{result['accountNumber']}")
            assert account.status_code == 200 and account.json()["success"] is True
            previewed = poll_job(
                client,
                submit(
                    client,
                    "/v1/async/orders/preview",
                    preview(create_subscription(FLAT)),
                    status=202,
                ),
            )
            assert previewed["status"] == "Completed", previewed
            assert client.get("/readyz").status_code == 200
            metrics = client.get("/metrics").text
            # The queue depth comes through the Store port; the memory store counts its jobs.
            assert re.search(r'^zorders_queue_depth\{status="pending"\} 0(\.0)?$', metrics, re.M)
        assert stop(server) == 0
        assert "Traceback" not in server.log()
        assert "memory://" in server.log()
    with running_server(database_url="memory://", log=tmp_path / "second.log") as again:
        with again.client() as client:
            # A new process, a new store: only the demo tenant, made at start-up.
            gone = client.get(f"/v1/async-jobs/{job_id}")
            assert gone.json()["success"] is False
            assert gone.json()["reasons"][0]["code"] == 50000040


@pytest.mark.parametrize(
    ("args", "refused"),
    [
        (["worker"], "zorders worker"),
        (["serve", "--processes", "2"], "--processes 2"),
        (["tenants", "create", "--name", "acme"], "zorders tenants create"),
    ],
)
def test_memory_refuses_what_another_process_would_have_to_see(
    args: list[str], refused: str
) -> None:
    done = run_cli(*args, "--database-url", "memory://")
    assert done.returncode == 2, done.stdout + done.stderr
    message = one_line(done.stderr.replace("│", " "))
    assert f"{refused} needs a database other processes can open" in message, message
    assert "Traceback" not in done.stderr


def test_migrate_on_memory_has_nothing_to_do() -> None:
    done = run_cli("migrate", "--database-url", "memory://")
    assert done.returncode == 0, done.stderr
    assert "no schema to migrate" in done.stderr
