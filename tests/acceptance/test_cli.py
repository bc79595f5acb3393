"""The ``zorders migrate`` and ``zorders tenants create`` commands, and what they make."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.acceptance.helpers import (
    issue_token,
    one_line,
    run_cli,
    run_cli_concurrently,
    sqlite_url,
    submit,
)
from tests.processes import Server, poll_job, running_server
from tests.support import FLAT, create_subscription, order, preview

pytestmark = pytest.mark.acceptance

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
#: Tenants made by the module fixture: name → extra flags of `tenants create`.
TENANTS = {
    "t1": [],
    "t202": ["--async-create-status", "202"],
    "closed": ["--no-orders-enabled"],
    "testing": ["--emulator"],
    "[/red] team": [],  # rich markup in a name (see test_duplicate_markup_name…)
}


def _rows(database: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(database)) as db:
        return db.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli") / "zorders.db"


@pytest.fixture(scope="module")
def server(database: Path) -> Iterator[Server]:
    with running_server(
        database_url=sqlite_url(database), log=database.with_name("serve.log")
    ) as s:
        yield s


@pytest.fixture(scope="module")
def created(server: Server, database: Path) -> dict[str, subprocess.CompletedProcess[str]]:
    """The TENANTS, created by concurrent `tenants create` runs while the server runs."""
    return run_cli_concurrently(
        {
            name: [
                "tenants",
                "create",
                "--name",
                name,
                "--json",
                "--database-url",
                sqlite_url(database),
                *flags,
            ]
            for name, flags in TENANTS.items()
        }
    )


def _credentials(result: subprocess.CompletedProcess[str]) -> dict[str, str]:
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    issued: dict[str, str] = json.loads(lines[-1])
    return issued


def _client(server: Server, result: subprocess.CompletedProcess[str]) -> httpx.Client:
    issued = _credentials(result)
    return server.client(server.token(issued["clientId"], issued["clientSecret"]))


def test_migrate_exits_0_and_is_idempotent(tmp_path: Path) -> None:
    database = tmp_path / "fresh" / "zorders.db"
    for _ in range(2):
        result = run_cli("migrate", "--database-url", sqlite_url(database))
        assert result.returncode == 0, result.stderr
        # rich folds long words at 80 columns, even the URL: compare without whitespace.
        assert "migrated" + sqlite_url(database) in "".join(result.stderr.split())
        assert result.stdout == ""
    assert len(_rows(database, "SELECT version_num FROM alembic_version")) == 1
    tables = {name for (name,) in _rows(database, "SELECT name FROM sqlite_master")}
    assert {"tenants", "tokens", "jobs", "orders", "subscriptions", "accounts"} <= tables
    assert _rows(database, "SELECT count(*) FROM tenants") == [(0,)]  # no demo tenant here


def test_tenants_create_json_prints_credentials_in_one_line(
    created: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    seen: set[str] = set()
    for name, result in created.items():
        assert result.returncode == 0, (name, result.stderr)
        lines = result.stdout.splitlines()
        assert len(lines) == 1, result.stdout
        issued = json.loads(lines[-1])
        assert set(issued) == {"clientId", "clientSecret"}
        assert len(issued["clientId"]) == 36
        assert UUID.fullmatch(issued["clientId"]), issued
        assert 1 <= len(issued["clientSecret"]) <= 42
        seen.update([issued["clientId"], issued["clientSecret"]])
    assert len(seen) == 2 * len(created)  # every tenant has its own id and secret


def test_created_tenant_gets_a_token_and_is_isolated(
    server: Server, created: dict[str, subprocess.CompletedProcess[str]]
) -> None:
    issued = _credentials(created["t1"])
    response = issue_token(server.base_url, issued["clientId"], issued["clientSecret"])
    assert response.status_code == 200, response.text
    assert response.json()["token_type"] == "bearer"
    wrong = issue_token(server.base_url, issued["clientId"], issued["clientSecret"] + "x")
    assert wrong.status_code == 401

    with server.client() as demo:
        demo_job = submit(demo, "/v1/async/orders", order(create_subscription(FLAT)))
        done = poll_job(demo, demo_job)
        assert done["status"] == "Completed", done
    number = done["result"]["subscriptions"][0]["subscriptionNumber"]  # type: ignore[index]
    with server.client(response.json()["access_token"]) as t1:
        # Async create answers 200 by default; a new tenant has an empty catalog.
        job_id = submit(t1, "/v1/async/orders", order(create_subscription(FLAT)), status=200)
        job = poll_job(t1, job_id)
        assert job["status"] == "Failed", job
        assert str(job["errors"]).startswith("[40000020]: "), job
        assert t1.get("/v1/catalog/products").json()["products"] == []
        # The demo tenant's data is not visible to t1.
        assert t1.get(f"/v1/async-jobs/{demo_job}").status_code == 404
        assert t1.get(f"/v1/subscriptions/{number}").status_code == 404


def test_async_create_status_202(
    server: Server, created: dict[str, subprocess.CompletedProcess[str]]
) -> None:
    with _client(server, created["t202"]) as c:
        response = c.post("/v1/async/orders", json=order(create_subscription(FLAT)))
        assert response.status_code == 202, response.text
        job_id = response.json()["jobId"]
        assert response.headers["Location"] == f"/async-jobs/{job_id}"
        assert poll_job(c, job_id)["status"] == "Failed"  # empty catalog, but it ran


def test_no_orders_enabled_refuses_order_routes_with_category_10(
    server: Server, created: dict[str, subprocess.CompletedProcess[str]]
) -> None:
    body = order(create_subscription(FLAT))
    with _client(server, created["closed"]) as c:
        responses = {
            "create async": c.post("/v1/async/orders", json=body),
            "preview async": c.post(
                "/v1/async/orders/preview", json=preview(create_subscription(FLAT))
            ),
            "create": c.post("/v1/orders", json=body),
            "preview": c.post("/v1/orders/preview", json=preview(create_subscription(FLAT))),
            "job": c.get("/v1/async-jobs/0123456789abcdef0123456789abcdef"),
            "order": c.get("/v1/orders/O-00000001"),
        }
        for route, response in responses.items():
            assert response.status_code == 403, (route, response.text)
            refusal = response.json()
            assert refusal["success"] is False, route
            assert refusal["reasons"][0]["code"] % 100 == 10, (route, refusal)
        # Not an authentication problem: other routes still answer.
        assert c.get("/v1/catalog/products").status_code == 200


def test_duplicate_name_exits_non_zero_with_a_clear_message(
    server: Server, database: Path, created: dict[str, subprocess.CompletedProcess[str]]
) -> None:
    first = _credentials(created["t1"])
    result = run_cli(
        "tenants", "create", "--name", "t1", "--json", "--database-url", sqlite_url(database)
    )
    assert result.returncode != 0
    assert result.stdout == ""
    assert "A tenant named 't1' exists already." in one_line(result.stderr)
    assert "Traceback" not in result.stderr
    assert _rows(database, "SELECT count(*) FROM tenants WHERE name = 't1'") == [(1,)]
    # The existing tenant keeps its credentials.
    assert issue_token(server.base_url, first["clientId"], first["clientSecret"]).status_code == 200


def test_async_create_status_201_is_refused(database: Path) -> None:
    result = run_cli(
        "tenants",
        "create",
        "--name",
        "t201",
        "--async-create-status",
        "201",
        "--database-url",
        sqlite_url(database),
    )
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    message = one_line(result.stderr)
    assert "--async-create-status" in message
    assert "must be 200 or 202" in message
    assert _rows(database, "SELECT count(*) FROM tenants WHERE name = 't201'") == [(0,)]


def test_duplicate_markup_name_exits_with_a_clear_message(
    database: Path, created: dict[str, subprocess.CompletedProcess[str]]
) -> None:
    assert created["[/red] team"].returncode == 0
    result = run_cli(
        "tenants", "create", "--name", "[/red] team", "--database-url", sqlite_url(database)
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "A tenant named '[/red] team' exists already." in one_line(result.stderr)


def test_a_tenant_created_with_emulator_controls_has_them_on(
    server: Server, created: dict[str, subprocess.CompletedProcess[str]]
) -> None:
    with _client(server, created["testing"]) as testing, _client(server, created["t1"]) as t1:
        assert testing.get("/zorders/emulator").json()["enabled"] is True
        assert t1.get("/zorders/emulator").json()["enabled"] is False
        assert testing.post("/zorders/test-clock/advance", json={"days": 1}).json()["success"]
