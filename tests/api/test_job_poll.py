"""The pure-ASGI poll route (http/poll.py) answers exactly as the FastAPI route it stands in for.

Each request goes to two apps on the same runtime: the real one, and one without
``JobPollRoute`` (so FastAPI's ``endpoints/jobs.py`` answers, with its dependencies, error
handlers and Starlette's gzip). Statuses, headers and bodies must match, byte for byte,
but for what differs per request anyway (request ids, the rate-limit countdown, process
ids in error bodies).
"""

from __future__ import annotations

from typing import Any

import httpx2
import orjson
import pytest
from fastapi.testclient import TestClient

from tests.conftest import ApiClient
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
from zorders.http.app import create_app
from zorders.http.hot_path import FusedPoll
from zorders.http.poll import JobPollRoute
from zorders.service.auth import Authenticator
from zorders.service.tenant_admin import create_tenant
from zorders.service.tenants import TenantSettings

_PER_REQUEST = {"zuora-request-id", "ratelimit-remaining"}


@pytest.fixture
def reference(client: ApiClient) -> TestClient:
    """The same app without the fast route: FastAPI's route answers polls."""
    app = create_app(client.runtime.api_context())
    app.user_middleware = [
        m for m in app.user_middleware if getattr(m, "cls", None) is not JobPollRoute
    ]
    return TestClient(app)


def _comparable(response: httpx2.Response) -> tuple[int, list[tuple[str, str]], Any]:
    ignored = set(_PER_REQUEST)
    body: Any = response.content
    if response.content and response.headers["content-type"].startswith("application/json"):
        body = orjson.loads(response.content)
        if (
            isinstance(body, dict)
            and body.pop("processId", None)
            and "content-encoding" in response.headers
        ):
            ignored.add("content-length")  # random hex compresses to one size or another
    headers = [(k, v) for k, v in response.headers.multi_items() if k not in ignored]
    return response.status_code, headers, body


def _same(client: ApiClient, reference: TestClient, path: str, **headers: str) -> int:
    sent = {"Authorization": client.headers.get("Authorization", ""), **headers}
    sent = {k: v for k, v in sent.items() if v}
    fast = client.get(path, headers=sent)
    slow = reference.get(path, headers=sent)
    assert _comparable(fast) == _comparable(slow)
    return fast.status_code


def _tenant(client: ApiClient, **settings: Any) -> str:
    with client.runtime.store.begin() as uow:
        issued = create_tenant(
            uow,
            name=f"other-{len(settings)}-{sorted(settings.items())}",
            settings=TenantSettings(**settings),
            clock=client.runtime.clock,
            ids=client.runtime.ids,
        )
    return client.token(client_id=issued.client_id, client_secret=issued.client_secret)


def test_jobs_in_every_state_and_version(client: ApiClient, reference: TestClient) -> None:
    done = client.post("/v1/async/orders", json=order(create_subscription(FLAT))).json()["jobId"]
    failed = client.post(
        "/v1/async/orders", json=order(create_subscription("PRP-99999999"))
    ).json()["jobId"]
    client.drain()
    waiting = client.post("/v1/async/orders", json=order(create_subscription(FLAT))).json()
    for job_id in (done, failed, waiting["jobId"]):
        for version in ("", "211.0", "223.0", "2024-05-20"):
            assert (
                _same(client, reference, f"/v1/async-jobs/{job_id}", **{"Zuora-Version": version})
                == 200
            )
    assert _same(client, reference, f"/v1/async-jobs/{done}", **{"Zuora-Track-Id": "t-1"}) == 200


def test_large_results_compress_as_starlette_does(client: ApiClient, reference: TestClient) -> None:
    created = client.post(
        "/v1/async/orders?returnIds=true",
        json=order(*(create_subscription(p) for p in (FLAT, PER_UNIT, TIERED) * 4)),
    ).json()["jobId"]
    previewed = client.post(
        "/v1/async/orders/preview", json=preview(create_subscription(FLAT, PER_UNIT))
    ).json()["jobId"]
    client.drain()
    for job_id in (created, previewed):
        path = f"/v1/async-jobs/{job_id}"
        assert len(client.get(path).content) > 1000
        _same(client, reference, path, **{"Accept-Encoding": "gzip"})
        _same(client, reference, path, **{"Accept-Encoding": "identity"})
        _same(client, reference, path, **{"Accept-Encoding": "br, gzip;q=0.5"})
    # An unknown id is echoed in the error: a long one makes a body worth compressing.
    _same(client, reference, "/v1/async-jobs/" + "f" * 2000, **{"Accept-Encoding": "gzip"})


def test_refusals(client: ApiClient, reference: TestClient) -> None:
    job_id = client.post("/v1/async/orders", json=order(create_subscription(FLAT))).json()["jobId"]
    path = f"/v1/async-jobs/{job_id}"
    for version in ("", "211.0", "2024-05-20"):
        header = {"Zuora-Version": version}
        assert _same(client, reference, "/v1/async-jobs/unknown", **header) in (200, 404)
        assert _same(client, reference, path, Authorization="Basic abc", **header) == 401
        assert _same(client, reference, path, Authorization="Bearer nope", **header) == 401
    client.headers.pop("Authorization")
    assert _same(client, reference, path) == 401
    for settings in ({}, {"orders_enabled": False}, {"zuora_version": "186.0"}):
        token = _tenant(client, **settings)
        for version in ("", "2024-05-20"):
            _same(
                client,
                reference,
                path,
                Authorization=f"Bearer {token}",
                **{"Zuora-Version": version},
            )


def test_other_paths_and_methods_reach_the_router(client: ApiClient, reference: TestClient) -> None:
    job_id = client.post("/v1/async/orders", json=order(create_subscription(FLAT))).json()["jobId"]
    _same(client, reference, f"/v1/async-jobs/{job_id}/")  # redirected, by the router
    assert _same(client, reference, "/v1/async-jobs/") == 404
    for method in ("POST", "DELETE", "HEAD"):
        fast = client.request(method, f"/v1/async-jobs/{job_id}")
        slow = reference.request(
            method,
            f"/v1/async-jobs/{job_id}",
            headers={"Authorization": client.headers["Authorization"]},
        )
        assert _comparable(fast) == _comparable(slow)
        assert fast.status_code == 405


def _handed_to_the_layers(client: ApiClient) -> list[str]:
    """The polls ``FusedPoll`` hands to the layered stack from now on (their paths)."""
    client.get("/v1/async-jobs/warm-up")  # the poll stack is built on the first poll
    fused = client.app._poll_stack  # type: ignore[attr-defined]
    assert isinstance(fused, FusedPoll)
    handed: list[str] = []
    layered = fused.stack

    async def spy(scope: Any, receive: Any, send: Any) -> None:
        handed.append(scope["path"])
        await layered(scope, receive, send)

    fused.stack = spy
    return handed


def test_everyday_polls_are_fused_and_the_rest_layered(
    client: ApiClient, reference: TestClient
) -> None:
    job_id = client.post("/v1/async/orders", json=order(create_subscription(FLAT))).json()["jobId"]
    client.drain()
    path = f"/v1/async-jobs/{job_id}"
    handed = _handed_to_the_layers(client)
    for headers in (
        {},
        {"Zuora-Track-Id": "t-1"},
        {"Zuora-Version": "223.0"},
        {"Zuora-Version": "2024-05-20", "Zuora-Track-Id": "x" * 64},
        {"Zuora-Version": ""},
        {"Accept-Encoding": "gzip"},
    ):
        assert _same(client, reference, path, **headers) == 200
    assert _same(client, reference, "/v1/async-jobs/unknown") == 404
    assert handed == []
    for headers in (
        {"Zuora-Track-Id": "a:b"},
        {"Zuora-Track-Id": "x" * 65},
        {"Zuora-Version": "banana"},
        {"Zuora-Version": " "},
        {"Authorization": "Bearer nope"},
        {"Authorization": "Basic abc"},
    ):
        assert _same(client, reference, path, **headers) in (400, 401)
    assert handed == [path] * 6


def test_a_token_new_to_the_process_is_checked_by_the_layers_once(client: ApiClient) -> None:
    job_id = client.post("/v1/async/orders", json=order(create_subscription(FLAT))).json()["jobId"]
    handed = _handed_to_the_layers(client)
    # A token another process issued: in the store, unknown to this one.
    other = Authenticator(client.runtime.store, client.runtime.clock, client.runtime.ids)
    client.headers["Authorization"] = (
        f"Bearer {other.issue_token(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET).token}"
    )
    statuses = [client.get(f"/v1/async-jobs/{job_id}").status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    assert len(handed) == 1


def test_fused_polls_count_against_the_limits_and_release_them(client: ApiClient) -> None:
    job_id = client.post("/v1/async/orders", json=order(create_subscription(FLAT))).json()["jobId"]
    client.headers["Authorization"] = f"Bearer {_tenant(client, rate_limit_per_minute=3)}"
    path = f"/v1/async-jobs/{job_id}"
    client.get(path)  # the new token is resolved by the layers
    handed = _handed_to_the_layers(client)  # its warm-up poll is the second of three
    fused = client.get("/v1/async-jobs/unknown", headers={"Zuora-Version": "2024-05-20"})
    assert fused.status_code == 404
    assert fused.headers["RateLimit-Remaining"] == "0"
    assert fused.headers["Concurrency-Limit-Remaining"] == "39"  # released after each call
    assert handed == []
    refused = client.get(path, headers={"Zuora-Track-Id": "t-429"})
    assert refused.status_code == 429
    assert refused.json()["reasons"][0]["code"] % 100 == 70
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["Zuora-Track-Id"] == "t-429"
    assert len(refused.headers["Zuora-Request-Id"]) == 36
    assert handed == [path]  # refused by the layers, which answer 429 as ever


def test_a_finished_job_polled_again_answers_alike_until_it_is_deleted(
    client: ApiClient, reference: TestClient
) -> None:
    """Finished answers are rendered once per version (http/poll.py): never for the wrong
    version, and never for a job no longer in the store."""
    done = client.post("/v1/async/orders", json=order(create_subscription(FLAT))).json()["jobId"]
    client.drain()
    path = f"/v1/async-jobs/{done}"
    for _ in range(2):
        for version in ("", "211.0", "2024-05-20"):
            assert _same(client, reference, path, **{"Zuora-Version": version}) == 200
    first = client.get(path, headers={"Zuora-Version": "211.0"})
    again = client.get(path, headers={"Zuora-Version": "211.0"})
    assert first.content == again.content
    assert first.content != client.get(path).content  # 211.0 answers in its own shape
    with client.runtime.store.begin() as uow:
        (demo,) = uow.tenants.list()
        assert uow.jobs.delete_tenant(demo.id) == 1
    assert _same(client, reference, path) == 404
