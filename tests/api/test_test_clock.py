"""Emulator controls over time: a tenant's test clock, and a worker that crashes once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import ApiClient
from tests.support import FLAT, create_subscription, order

NEW_VERSION = {"Zuora-Version": "2024-05-20"}
#: The tests' StubClock starts at 2026-11-28T12:00Z (tests/support.py).
START = "2026-11-28T12:00:00Z"
#: More than the default 30 s lease: a crashed worker's job is rescued.
PAST_THE_LEASE = {"seconds": 31}


@pytest.fixture
def enabled(client: ApiClient) -> ApiClient:
    assert client.put("/zorders/emulator", json={"enabled": True}).status_code == 200
    return client


@pytest.fixture
def working(enabled: ApiClient) -> Iterator[ApiClient]:
    """Workers running in the background, as in ``zorders serve``."""
    enabled.runtime.start_background(1)
    yield enabled
    enabled.runtime.stop_background()


def advance(client: ApiClient, **body: Any) -> dict[str, Any]:
    answer = client.post("/zorders/test-clock/advance", json=body)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    assert result["success"] is True, result
    return result


def settled(client: ApiClient, body: dict[str, Any]) -> dict[str, Any]:
    """Submit, wait for the tenant's queue to go quiet (an advance by 0), poll once."""
    submitted = client.post("/v1/async/orders", json=body)
    assert submitted.status_code == 200, submitted.text
    advance(client, seconds=0)
    return job(client, submitted.json()["jobId"])


def job(client: ApiClient, job_id: str) -> dict[str, Any]:
    body: dict[str, Any] = client.get(f"/v1/async-jobs/{job_id}").json()
    return body


def test_the_clock_starts_at_real_time_and_only_moves_forward(enabled: ApiClient) -> None:
    assert enabled.get("/zorders/test-clock").json() == {
        "success": True,
        "now": START,
        "offsetSeconds": 0.0,
    }
    moved = advance(enabled, days=1, seconds=30)
    assert (moved["now"], moved["offsetSeconds"]) == ("2026-11-29T12:00:30Z", 86430.0)
    assert (moved["jobsMoved"], moved["busyJobs"]) == (0, 0)
    reached = advance(enabled, to="2027-01-01T00:00:00Z")
    assert reached["now"] == "2027-01-01T00:00:00Z"
    # Real time goes on underneath: the offset holds.
    enabled.runtime.clock.advance(seconds=5)  # type: ignore[attr-defined]
    assert enabled.get("/zorders/test-clock").json()["now"] == "2027-01-01T00:00:05Z"

    for body, message in [
        ({"to": "2026-12-01T00:00:00Z"}, "only moves forward"),
        ({"to": "2028-01-01T00:00:00"}, "time zone"),
        ({"to": "2028-01-01T00:00:00Z", "days": 1}, "not both"),
        ({"days": 365 * 25}, "20 years"),
        ({"seconds": -1}, "seconds"),
        ({"waitSeconds": 301}, "waitSeconds"),
        ({"hours": 1}, "hours"),
    ]:
        refused = enabled.post("/zorders/test-clock/advance", json=body, headers=NEW_VERSION)
        assert refused.status_code == 400, (body, refused.text)
        reason = refused.json()["reasons"][0]
        assert message in reason["message"], (body, reason)
    assert enabled.get("/zorders/test-clock").json()["now"] == "2027-01-01T00:00:05Z"


def test_moving_the_clock_needs_the_controls_on(client: ApiClient) -> None:
    refused = client.post("/zorders/test-clock/advance", json={"days": 1}, headers=NEW_VERSION)
    assert refused.status_code == 400
    assert "Emulator controls are off" in refused.json()["reasons"][0]["message"]
    assert client.get("/zorders/test-clock").json()["offsetSeconds"] == 0.0


def test_orders_and_billing_take_today_from_the_tenants_clock(working: ApiClient) -> None:
    # Billing with no target date bills through "today": on the real date, nothing is due
    # yet for a subscription that starts on 2027-01-15…
    body = order(create_subscription(FLAT), processingOptions={"runBilling": True})
    first = settled(working, body)
    assert first["status"] == "Completed", first
    assert "invoiceNumbers" not in first["result"]
    # …and two months later the same order bills Jan 15–31 (17/31 × 100), Feb and Mar.
    advance(working, to="2027-03-10T12:00:00Z")
    later = settled(working, body)
    assert later["result"]["invoiceNumbers"] == ["INV00000001"], later
    invoice = working.get("/v1/invoices/INV00000001").json()
    assert (invoice["amount"], invoice["invoiceDate"], invoice["targetDate"]) == (
        254.84,
        "2027-03-10",
        "2027-03-10",
    )
    # A sync preview bills through the same "today" (TermEnd would not; SpecificDate does).
    created = working.get(f"/v1/orders/{later['result']['orderNumber']}").json()["order"]
    assert created["createdDate"].startswith("2027-03-10")


def test_other_tenants_keep_real_time(enabled: ApiClient) -> None:
    from zorders.service.tenant_admin import create_tenant
    from zorders.service.tenants import TenantSettings

    runtime = enabled.runtime
    with runtime.store.begin() as uow:
        other = create_tenant(
            uow, name="other", settings=TenantSettings(), clock=runtime.clock, ids=runtime.ids
        )
    advance(enabled, days=30)
    token = enabled.token(other.client_id, other.client_secret)
    theirs = enabled.get("/zorders/test-clock", headers={"Authorization": f"Bearer {token}"})
    assert theirs.json()["now"] == START


def test_a_hold_in_milliseconds_ends_when_the_clock_passes_it(working: ApiClient) -> None:
    job_id = working.post(
        "/v1/async/orders",
        json=order(create_subscription(FLAT)),
        headers={"Zorders-Emulate": "hold-ms=600000"},  # ten minutes
    ).json()["jobId"]
    advance(working, seconds=0)  # returns once the job has run
    assert job(working, job_id)["status"] == "Processing"
    advance(working, seconds=599)
    assert job(working, job_id)["status"] == "Processing"
    advance(working, seconds=1)
    assert job(working, job_id)["status"] == "Completed"


def test_a_crashed_worker_s_job_is_rescued_once_its_lease_runs_out(working: ApiClient) -> None:
    job_id = working.post(
        "/v1/async/orders",
        json=order(create_subscription(FLAT)),
        headers={"Zorders-Emulate": "crash-once"},
    ).json()["jobId"]
    # The worker ran the order and crashed before committing: the job stays Processing,
    # holding its lease, and nothing it wrote exists.
    crashed = 'zorders_job_duration_seconds_count{kind="AsyncCreateOrder",outcome="crashed"} 1'
    deadline = time.monotonic() + 20
    while crashed not in working.get("/metrics").text:
        assert time.monotonic() < deadline, "the worker never crashed"
        time.sleep(0.02)
    stuck = advance(working, seconds=0, waitSeconds=0)
    assert stuck["busyJobs"] == 1
    assert job(working, job_id)["status"] == "Processing"
    assert working.get("/v1/accounts/A00000001", headers=NEW_VERSION).status_code == 404
    # Until the lease has run out in the tenant's time, the queue is not quiet: waiting
    # briefly for it is an error a test sees, not a silent early return.
    busy = working.post(
        "/zorders/test-clock/advance",
        json={"seconds": 1, "waitSeconds": 0.2},
        headers=NEW_VERSION,
    )
    assert busy.status_code == 500  # a temporary error (category 61)
    assert busy.json()["reasons"][0]["code"] == 55000061, busy.json()
    assert "1 of the tenant's jobs" in busy.json()["reasons"][0]["message"]

    rescued = advance(working, **PAST_THE_LEASE)
    assert (rescued["jobsMoved"], rescued["jobsRescued"], rescued["busyJobs"]) == (1, 1, 0)
    done = job(working, job_id)
    assert done["status"] == "Completed", done
    # Exactly once: the crashed run's writes were rolled back, the second run's kept.
    assert done["result"]["orderNumber"] == "O-00000001"
    assert working.get("/v1/orders/O-00000002", headers=NEW_VERSION).status_code == 404
    metrics = working.get("/metrics").text
    assert crashed in metrics
    assert 'zorders_jobs_completed_total{kind="AsyncCreateOrder"} 1' in metrics


def test_a_queued_crash_with_the_queue_run_by_the_test(enabled: ApiClient) -> None:
    """Without background workers: the test drains the queue itself and never waits."""
    queued = enabled.post("/zorders/emulator/next", json={"crashOnce": True}).json()
    assert queued["next"] == [{"holdMs": 0, "holdPolls": 0, "failWith": None, "crashOnce": True}]
    job_id = enabled.post("/v1/async/orders", json=order(create_subscription(FLAT))).json()["jobId"]
    worker = enabled.runtime.worker("emulated-worker")
    assert worker.run_until_idle() == 1  # the crashed run
    assert worker.run_until_idle() == 0  # its lease still holds the job
    assert job(enabled, job_id)["status"] == "Processing"
    moved = advance(enabled, **PAST_THE_LEASE, waitSeconds=0)
    assert (moved["jobsRescued"], moved["busyJobs"]) == (1, 1)
    assert worker.run_until_idle() == 1
    assert job(enabled, job_id)["status"] == "Completed"


def test_a_crash_once_header_is_parsed(enabled: ApiClient) -> None:
    for header in ("crash-once", "crash-once=1; hold-polls=1", "hold-ms=5;crash-once=true"):
        answer = enabled.post(
            "/v1/async/orders",
            json=order(create_subscription(FLAT)),
            headers={"Zorders-Emulate": header},
        )
        assert answer.status_code == 200, (header, answer.text)
    refused = enabled.post(
        "/v1/async/orders",
        json=order(create_subscription(FLAT)),
        headers={"Zorders-Emulate": "crash-once=2", **NEW_VERSION},
    )
    assert refused.status_code == 400
    assert "crash-once" in refused.json()["reasons"][0]["message"]
