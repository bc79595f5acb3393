"""Emulator controls: off by default; hold a job Processing for N polls or N ms, or fail it."""

from __future__ import annotations

import pytest

from tests.conftest import ApiClient
from tests.support import FLAT, create_subscription, order

NEW_VERSION = {"Zuora-Version": "2024-05-20"}


def run_jobs(client: ApiClient) -> int:
    return client.runtime.worker("emulated-worker").run_until_idle()


def status(client: ApiClient, job_id: str) -> str:
    body = client.get(f"/v1/async-jobs/{job_id}").json()
    return str(body["status"])


@pytest.fixture
def enabled(client: ApiClient) -> ApiClient:
    answer = client.put("/zorders/emulator", json={"enabled": True})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"success": True, "enabled": True, "next": []}
    return client


def test_controls_are_off_unless_the_tenant_turns_them_on(client: ApiClient) -> None:
    assert client.get("/zorders/emulator").json()["enabled"] is False
    refused = client.post(
        "/v1/async/orders",
        json=order(create_subscription(FLAT)),
        headers={"Zorders-Emulate": "fail=40000020", **NEW_VERSION},
    )
    assert refused.status_code == 400
    assert "Emulator controls are off" in refused.json()["reasons"][0]["message"]
    queued = client.post("/zorders/emulator/next", json={"holdPolls": 1}, headers=NEW_VERSION)
    assert queued.status_code == 400
    assert client.get("/zorders/jobs").json()["jobs"] == []  # nothing was submitted


def test_a_header_fails_the_job_with_the_given_code_and_nothing_is_created(
    enabled: ApiClient,
) -> None:
    job_id = enabled.post(
        "/v1/async/orders",
        json=order(create_subscription(FLAT)),
        headers={"Zorders-Emulate": "fail=40000020; message=Rate plan is not effective; sorry"},
    ).json()["jobId"]
    run_jobs(enabled)
    job = enabled.get(f"/v1/async-jobs/{job_id}").json()
    assert job == {
        "status": "Failed",
        "errors": "[40000020]: Rate plan is not effective; sorry",
        "result": None,
        "success": True,
    }
    missing = enabled.get("/v1/accounts/A00000001", headers=NEW_VERSION)
    assert missing.status_code == 404  # a failed job has no effects


def test_hold_polls_answers_processing_for_that_many_polls(enabled: ApiClient) -> None:
    job_id = enabled.post(
        "/v1/async/orders",
        json=order(create_subscription(FLAT)),
        headers={"Zorders-Emulate": "hold-polls=3"},
    ).json()["jobId"]
    run_jobs(enabled)  # it really ran…
    assert [status(enabled, job_id) for _ in range(4)] == [
        "Processing",
        "Processing",
        "Processing",
        "Completed",
    ]
    held = enabled.get("/zorders/jobs").json()["jobs"][0]
    assert held["status"] == "Completed"  # …and the dashboard shows the truth


def test_hold_ms_answers_processing_until_the_time_passes(enabled: ApiClient) -> None:
    job_id = enabled.post(
        "/v1/async/orders",
        json=order(create_subscription(FLAT)),
        headers={"Zorders-Emulate": "hold-ms=1500"},
    ).json()["jobId"]
    run_jobs(enabled)
    assert status(enabled, job_id) == "Processing"
    enabled.runtime.clock.advance(milliseconds=1499)  # type: ignore[attr-defined]
    assert status(enabled, job_id) == "Processing"
    enabled.runtime.clock.advance(milliseconds=1)  # type: ignore[attr-defined]
    assert status(enabled, job_id) == "Completed"


def test_queued_directives_apply_to_the_next_jobs_in_order(enabled: ApiClient) -> None:
    queued = enabled.post(
        "/zorders/emulator/next",
        json={"failWith": {"code": 40000050, "message": "Lock competition"}, "count": 2},
    ).json()
    assert (
        queued["next"]
        == [
            {
                "holdMs": 0,
                "holdPolls": 0,
                "failWith": {"code": 40000050, "message": "Lock competition"},
                "crashOnce": False,
            }
        ]
        * 2
    )
    ids = [
        enabled.post("/v1/async/orders", json=order(create_subscription(FLAT))).json()["jobId"]
        for _ in range(3)
    ]
    run_jobs(enabled)
    assert [status(enabled, job_id) for job_id in ids] == ["Failed", "Failed", "Completed"]
    assert enabled.get("/zorders/emulator").json()["next"] == []


def test_clearing_and_turning_off(enabled: ApiClient) -> None:
    enabled.post("/zorders/emulator/next", json={"holdPolls": 5})
    assert enabled.delete("/zorders/emulator/next").json()["next"] == []
    enabled.post("/zorders/emulator/next", json={"holdPolls": 5})
    assert enabled.put("/zorders/emulator", json={"enabled": False}).json() == {
        "success": True,
        "enabled": False,
        "next": [],
    }
    job_id = enabled.post("/v1/async/orders", json=order(create_subscription(FLAT))).json()["jobId"]
    run_jobs(enabled)
    assert status(enabled, job_id) == "Completed"


@pytest.mark.parametrize(
    "header",
    ["fail=123", "hold-ms=soon", "explode=1", "message=no code", "fail=4000002O"],
)
def test_a_malformed_header_is_refused_at_once(enabled: ApiClient, header: str) -> None:
    answer = enabled.post(
        "/v1/async/orders",
        json=order(create_subscription(FLAT)),
        headers={"Zorders-Emulate": header, **NEW_VERSION},
    )
    assert answer.status_code == 400, answer.text
    assert str(answer.json()["reasons"][0]["code"]).endswith("20")
    assert enabled.get("/zorders/jobs").json()["jobs"] == []


def test_controls_belong_to_one_tenant(enabled: ApiClient) -> None:
    from zorders.service.tenant_admin import create_tenant
    from zorders.service.tenants import TenantSettings

    runtime = enabled.runtime
    with runtime.store.begin() as uow:
        other = create_tenant(
            uow, name="other", settings=TenantSettings(), clock=runtime.clock, ids=runtime.ids
        )
    token = enabled.token(other.client_id, other.client_secret)
    theirs = enabled.get("/zorders/emulator", headers={"Authorization": f"Bearer {token}"})
    assert theirs.json()["enabled"] is False
