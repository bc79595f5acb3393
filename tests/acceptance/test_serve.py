"""``zorders serve`` as a real process: orders end to end, restarts, SIGTERM, load."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.acceptance.helpers import issue_token, one_line, sqlite_url, stop, submit
from tests.processes import Server, poll_job, running_server
from tests.support import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    FLAT,
    PER_UNIT,
    TIERED,
    create_subscription,
    order,
    preview,
)

pytestmark = pytest.mark.acceptance


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the tests that need no fresh database."""
    directory = tmp_path_factory.mktemp("serve")
    with running_server(
        database_url=sqlite_url(directory / "zorders.db"), log=directory / "serve.log"
    ) as s:
        yield s


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c


def _snapshot(client: httpx.Client, job_id: str) -> dict[str, Any]:
    """Everything one order made, as the API shows it."""
    job = client.get(f"/v1/async-jobs/{job_id}")
    assert job.status_code == 200, job.text
    result = job.json()["result"]
    reads = {
        "job": job,
        "order": client.get(f"/v1/orders/{result['orderNumber']}"),
        "account": client.get(f"/v1/accounts/{result['accountNumber']}"),
        "subscription": client.get(
            f"/v1/subscriptions/{result['subscriptions'][0]['subscriptionNumber']}"
        ),
    }
    for name, response in reads.items():
        assert response.status_code == 200, (name, response.text)
        assert response.json()["success"] is True, (name, response.text)
    return {name: response.json() for name, response in reads.items()}


def test_orders_tokens_and_demo_tenant_survive_a_restart(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "zorders.db")
    with running_server(database_url=url, log=tmp_path / "first.log") as first:
        issued = issue_token(first.base_url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
        assert issued.status_code == 200, issued.text
        grant = issued.json()
        assert grant["token_type"] == "bearer"
        assert grant["expires_in"] == 3599
        token = grant["access_token"]
        with first.client(token) as c:
            job_id = submit(c, "/v1/async/orders", order(create_subscription(FLAT)))
            job = poll_job(c, job_id)
            assert job["status"] == "Completed", job
            before = _snapshot(c, job_id)
            catalog_before = c.get("/v1/catalog/products").json()
        stop(first)  # SIGTERM: must be gone within a few seconds
        assert "Traceback" not in first.log()

    result = before["job"]["result"]
    assert result["orderNumber"] == "O-00000001"
    assert result["accountNumber"] == "A00000001"
    assert result["subscriptions"][0]["subscriptionNumber"] == "A-S00000001"
    assert before["order"]["order"]["orderNumber"] == "O-00000001"
    assert before["order"]["order"]["status"] == "Completed"
    assert before["account"]["basicInfo"]["accountNumber"] == "A00000001"
    assert before["account"]["basicInfo"]["name"] == "Acme"
    subscription = before["subscription"]
    assert subscription["subscriptionNumber"] == "A-S00000001"
    assert subscription["accountNumber"] == "A00000001"
    assert subscription["orderNumber"] == "O-00000001"
    assert subscription["status"] == "Active"
    assert subscription["ratePlans"][0]["productRatePlanNumber"] == FLAT
    assert subscription["contractedMrr"] == 100.0
    assert len(catalog_before["products"]) == 1

    with running_server(database_url=url, log=tmp_path / "second.log") as second:
        # Tokens are stored: the first server's token still works on the second.
        with second.client(token) as c:
            assert _snapshot(c, job_id) == before
            # The demo tenant was found, not made again: same tenant, one demo catalog.
            assert c.get("/v1/catalog/products").json() == catalog_before
            again = issue_token(second.base_url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
            assert again.status_code == 200, again.text
            assert again.json()["scope"] == grant["scope"]  # "user.<tenant id> …"
            # Numbering goes on where it stopped.
            next_job = poll_job(
                c, submit(c, "/v1/async/orders", order(create_subscription(PER_UNIT)))
            )
            assert next_job["status"] == "Completed", next_job
            assert next_job["result"]["orderNumber"] == "O-00000002"
            assert next_job["result"]["accountNumber"] == "A00000002"
            assert next_job["result"]["subscriptions"][0]["subscriptionNumber"] == "A-S00000002"
        with second.client(again.json()["access_token"]) as c:
            assert c.get(f"/v1/async-jobs/{job_id}").json() == before["job"]
    assert "Traceback" not in second.log()


def test_sigterm_stops_serve_cleanly_with_exit_code_0(tmp_path: Path) -> None:
    server = Server(database_url=sqlite_url(tmp_path / "zorders.db"), log=tmp_path / "serve.log")
    try:
        with server.client() as c:
            assert c.get("/v1/catalog/products").status_code == 200
    finally:
        code = stop(server)
    assert "Application shutdown complete" in server.log()
    assert code == 0, one_line(server.log())


def test_preview_job_through_the_real_server(client: httpx.Client) -> None:
    response = client.post("/v1/async/orders/preview", json=preview(create_subscription(FLAT)))
    assert response.status_code == 202, response.text
    job_id = response.json()["jobId"]
    assert response.headers["Location"] == f"/async-jobs/{job_id}"
    job = poll_job(client, job_id)
    assert job["status"] == "Completed", job
    result: Any = job["result"]
    assert result["jobType"] == "AsyncPreviewOrder"
    charge = result["chargeMetrics"][0]["charges"][0]
    assert charge["cmrr"]["regular"] == 100.0
    assert charge["tcv"]["regular"] == 1200.0
    invoice = result["invoices"][0]
    assert invoice["amount"] == 1200.0
    assert invoice["invoiceItems"][0]["amountWithoutTax"] == 54.84
    assert invoice["invoiceItems"][-1]["serviceEndDate"] == "2028-01-14"


def test_twenty_orders_back_to_back_all_complete_with_distinct_numbers(
    client: httpx.Client,
) -> None:
    plans = (FLAT, PER_UNIT, TIERED)
    job_ids = [
        submit(client, "/v1/async/orders", order(create_subscription(plans[n % 3])))
        for n in range(20)
    ]
    assert len(set(job_ids)) == 20
    jobs = [poll_job(client, job_id, timeout=30) for job_id in job_ids]
    assert [job["status"] for job in jobs] == ["Completed"] * 20, [
        job for job in jobs if job["status"] != "Completed"
    ]
    results: list[Any] = [job["result"] for job in jobs]
    orders = {r["orderNumber"] for r in results}
    accounts = {r["accountNumber"] for r in results}
    subscriptions = {r["subscriptions"][0]["subscriptionNumber"] for r in results}
    assert len(orders) == len(accounts) == len(subscriptions) == 20
    for n, r in enumerate(results):
        number = r["subscriptions"][0]["subscriptionNumber"]
        sub = client.get(f"/v1/subscriptions/{number}").json()
        assert sub["orderNumber"] == r["orderNumber"]
        assert sub["accountNumber"] == r["accountNumber"]
        assert sub["ratePlans"][0]["productRatePlanNumber"] == plans[n % 3]
