"""Operations surface: probes, Prometheus metrics, the job listing extension, JSON logs."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import ApiClient
from tests.support import FLAT, create_subscription, order, preview
from zorders.http.app import create_app
from zorders.http.operations import Operations
from zorders.observability.logs import ContextFilter, JsonFormatter, TextFormatter, log_context

BAD_PLAN = "PRP-99999999"  # no such plan: a business failure, so a Failed job


def anonymous(client: ApiClient) -> TestClient:
    return TestClient(client.app)


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of an exposition, parsed by Prometheus's own client library."""
    out = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def value(text: str, name: str, **labels: str) -> float:
    return samples(text)[(name, tuple(sorted(labels.items())))]


def run_jobs(client: ApiClient) -> int:
    """Drain the queue with a worker that reports to the runtime's metrics."""
    return client.runtime.worker("metrics-worker").run_until_idle()


# -- probes ------------------------------------------------------------------------------


def test_healthz_and_readyz_need_no_token(client: ApiClient) -> None:
    bare = anonymous(client)
    assert bare.get("/healthz").json() == {"status": "ok"}
    ready = bare.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok"}


def test_readyz_is_503_when_the_database_does_not_answer(client: ApiClient) -> None:
    def unreachable() -> None:
        raise ConnectionError("connection refused")

    context = client.runtime.api_context()
    broken = create_app(
        type(context)(
            **{
                **{f: getattr(context, f) for f in context.__dataclass_fields__},
                "ops": Operations(check_ready=unreachable),
            }
        )
    )
    with TestClient(broken) as bare:
        answer = bare.get("/readyz")
        assert bare.get("/healthz").status_code == 200  # alive, just not ready
    assert answer.status_code == 503
    assert answer.json() == {"status": "unavailable", "error": "ConnectionError"}


# -- metrics -----------------------------------------------------------------------------


def test_metrics_are_prometheus_text_without_a_token(client: ApiClient) -> None:
    answer = anonymous(client).get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain; version=0.0.4")
    names = {family.name for family in text_string_to_metric_families(answer.text)}
    assert {
        "zorders_jobs_submitted",
        "zorders_jobs_handed_over",
        "zorders_jobs_completed",
        "zorders_jobs_failed",
        "zorders_job_duration_seconds",
        "zorders_http_request_duration_seconds",
        "zorders_queue_depth",
    } <= names
    assert all(name.startswith("zorders_") for name in names)


def test_jobs_are_counted_by_kind_where_they_happen(client: ApiClient) -> None:
    client.post("/v1/async/orders", json=order(create_subscription(FLAT)))
    client.post("/v1/async/orders", json=order(create_subscription(BAD_PLAN)))
    client.post("/v1/async/orders/preview", json=preview(create_subscription(FLAT)))
    before = client.get("/metrics").text
    assert value(before, "zorders_jobs_submitted_total", kind="AsyncCreateOrder") == 2
    assert value(before, "zorders_jobs_submitted_total", kind="AsyncPreviewOrder") == 1
    assert value(before, "zorders_queue_depth", status="pending") == 3
    assert value(before, "zorders_jobs_completed_total", kind="AsyncCreateOrder") == 0

    assert run_jobs(client) == 3
    after = client.get("/metrics").text
    assert value(after, "zorders_jobs_completed_total", kind="AsyncCreateOrder") == 1
    assert value(after, "zorders_jobs_failed_total", kind="AsyncCreateOrder") == 1
    assert value(after, "zorders_jobs_completed_total", kind="AsyncPreviewOrder") == 1
    assert value(after, "zorders_queue_depth", status="pending") == 0
    assert (
        value(
            after,
            "zorders_job_duration_seconds_count",
            kind="AsyncCreateOrder",
            outcome="failed",
        )
        == 1
    )
    assert value(after, "zorders_job_queue_wait_seconds_count", kind="AsyncCreateOrder") == 2


def test_a_refused_request_starts_no_job_and_counts_none(client: ApiClient) -> None:
    assert client.post("/v1/async/orders", json={"orderDate": "x"}).status_code == 400
    text = client.get("/metrics").text
    assert value(text, "zorders_jobs_submitted_total", kind="AsyncCreateOrder") == 0


def test_http_latency_is_labelled_by_route_template_and_status(client: ApiClient) -> None:
    job_id = client.post("/v1/async/orders", json=order(create_subscription(FLAT))).json()["jobId"]
    for _ in range(3):
        assert client.get(f"/v1/async-jobs/{job_id}").status_code == 200
    client.get("/v1/async-jobs/unknown", headers={"Zuora-Version": "2024-05-20"})
    client.get("/no/such/path/abc123")
    text = client.get("/metrics").text
    poll = {"method": "GET", "route": "/v1/async-jobs/{jobId}"}
    assert value(text, "zorders_http_request_duration_seconds_count", **poll, status="200") == 3
    assert value(text, "zorders_http_request_duration_seconds_count", **poll, status="404") == 1
    # POSTs reach the router through a copy of the scope; their route is still known.
    created = {"method": "POST", "route": "/v1/async/orders", "status": "200"}
    assert value(text, "zorders_http_request_duration_seconds_count", **created) == 1
    unmatched = {"method": "GET", "route": "<unmatched>", "status": "404"}
    assert value(text, "zorders_http_request_duration_seconds_count", **unmatched) == 1
    assert "abc123" not in text  # paths never become labels


# -- the job listing (a zorders extension) -----------------------------------------------


def submit(client: ApiClient, body: dict[str, Any], track: str) -> str:
    answer = client.post("/v1/async/orders", json=body, headers={"Zuora-Track-Id": track})
    assert answer.status_code == 200, answer.text
    job_id: str = answer.json()["jobId"]
    return job_id


@pytest.fixture
def three_jobs(client: ApiClient) -> Iterator[list[str]]:
    """Completed, Failed, then Processing — oldest first."""
    done = submit(client, order(create_subscription(FLAT)), "t-done")
    client.runtime.clock.advance(seconds=1)  # type: ignore[attr-defined]
    failed = submit(client, order(create_subscription(BAD_PLAN)), "t-failed")
    run_jobs(client)
    client.runtime.clock.advance(seconds=1)  # type: ignore[attr-defined]
    waiting = submit(client, order(create_subscription(FLAT)), "t-waiting")
    yield [done, failed, waiting]


def test_jobs_are_listed_newest_first_with_zuora_statuses(
    client: ApiClient, three_jobs: list[str]
) -> None:
    done, failed, waiting = three_jobs
    page = client.get("/zorders/jobs").json()
    assert page["success"] is True
    assert [j["jobId"] for j in page["jobs"]] == [waiting, failed, done]
    assert [j["status"] for j in page["jobs"]] == ["Processing", "Failed", "Completed"]
    assert [j["trackId"] for j in page["jobs"]] == ["t-waiting", "t-failed", "t-done"]
    assert page["jobs"][1]["errors"].startswith("[")
    assert page["nextOffset"] is None


@pytest.mark.parametrize(("status", "index"), [("Completed", 0), ("Failed", 1), ("Processing", 2)])
def test_jobs_filter_by_status(
    client: ApiClient, three_jobs: list[str], status: str, index: int
) -> None:
    page = client.get("/zorders/jobs", params={"status": status}).json()
    assert [j["jobId"] for j in page["jobs"]] == [three_jobs[index]]


def test_processing_covers_waiting_and_running_jobs_in_order(client: ApiClient) -> None:
    first = submit(client, order(create_subscription(FLAT)), "a")
    client.runtime.clock.advance(seconds=1)  # type: ignore[attr-defined]
    second = submit(client, order(create_subscription(FLAT)), "b")
    now = client.runtime.clock.now()
    with client.runtime.store.begin() as uow:  # a worker claims the oldest: now running
        claimed = uow.jobs.claim(worker_id="w", now=now, lease_until=now)
    assert claimed is not None and claimed.id == first
    page = client.get("/zorders/jobs", params={"status": "Processing", "limit": 1}).json()
    assert [j["jobId"] for j in page["jobs"]] == [second]
    assert page["nextOffset"] == 1
    rest = client.get("/zorders/jobs", params={"status": "Processing", "offset": 1}).json()
    assert [(j["jobId"], j["queueStatus"]) for j in rest["jobs"]] == [(first, "processing")]


def test_jobs_pages(client: ApiClient) -> None:
    ids = [submit(client, order(create_subscription(FLAT)), str(n)) for n in range(5)]
    seen: list[str] = []
    offset: int | None = 0
    while offset is not None:
        page = client.get("/zorders/jobs", params={"limit": 2, "offset": offset}).json()
        seen += [j["jobId"] for j in page["jobs"]]
        offset = page["nextOffset"]
    assert sorted(seen) == sorted(ids)
    assert len(seen) == 5


def test_jobs_listing_refuses_bad_parameters(client: ApiClient) -> None:
    headers = {"Zuora-Version": "2024-05-20"}
    bad = client.get("/zorders/jobs", params={"status": "Done"}, headers=headers)
    assert bad.status_code == 400
    assert str(bad.json()["reasons"][0]["code"]).endswith("20")
    assert client.get("/zorders/jobs", params={"limit": 0}, headers=headers).status_code == 400
    assert client.get("/zorders/jobs", params={"limit": 101}, headers=headers).status_code == 400


def test_jobs_listing_needs_a_token_and_shows_only_the_tenants_jobs(client: ApiClient) -> None:
    submit(client, order(create_subscription(FLAT)), "mine")
    assert anonymous(client).get("/zorders/jobs").status_code == 401
    from zorders.service.tenant_admin import create_tenant
    from zorders.service.tenants import TenantSettings

    with client.runtime.store.begin() as uow:
        other = create_tenant(
            uow,
            name="other",
            settings=TenantSettings(),
            clock=client.runtime.clock,
            ids=client.runtime.ids,
        )
    token = client.token(other.client_id, other.client_secret)
    theirs = client.get("/zorders/jobs", headers={"Authorization": f"Bearer {token}"}).json()
    assert theirs["jobs"] == []


def test_job_detail_has_request_response_timings_and_links(client: ApiClient) -> None:
    job_id = submit(client, order(create_subscription(FLAT)), "t-detail")
    client.runtime.clock.advance(seconds=2)  # type: ignore[attr-defined]
    run_jobs(client)
    job = client.get(f"/zorders/jobs/{job_id}").json()["job"]
    assert job["jobId"] == job_id
    assert job["status"] == "Completed"
    assert job["trackId"] == "t-detail"
    assert job["timings"] == {"queuedMs": 2000, "runMs": 0, "totalMs": 2000}
    assert job["response"] == client.get(f"/v1/async-jobs/{job_id}").json()
    assert job["request"]["order_date"] == "2027-01-15"
    assert job["links"] == {
        "job": f"/v1/async-jobs/{job_id}",
        "order": "/v1/orders/O-00000001",
        "account": "/v1/accounts/A00000001",
        "subscriptions": ["/v1/subscriptions/A-S00000001"],
    }
    for link in (job["links"]["order"], *job["links"]["subscriptions"]):
        assert client.get(link).status_code == 200


def test_an_unknown_job_detail_is_zuoras_not_found(client: ApiClient) -> None:
    answer = client.get("/zorders/jobs/" + "f" * 32, headers={"Zuora-Version": "2024-05-20"})
    assert answer.status_code == 404
    assert answer.json()["reasons"][0]["code"] == 50000040


# -- logs --------------------------------------------------------------------------------


class Collect(logging.Handler):
    def __init__(self, formatter: logging.Formatter) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.addFilter(ContextFilter())
        self.setFormatter(formatter)

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def json_lines() -> Iterator[list[str]]:
    handler = Collect(JsonFormatter())
    root = logging.getLogger("zorders")
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler.lines
    root.removeHandler(handler)
    root.setLevel(previous)


def test_request_logs_carry_request_and_track_ids(client: ApiClient, json_lines: list[str]) -> None:
    answer = client.get("/v1/async-jobs/" + "0" * 32, headers={"Zuora-Track-Id": "trace-42"})
    entries = [json.loads(line) for line in json_lines]
    access = [e for e in entries if e["logger"] == "zorders.access"]
    assert access, entries
    assert access[-1]["request_id"] == answer.headers["Zuora-Request-Id"]
    assert access[-1]["track_id"] == "trace-42"
    assert access[-1]["route"] == "/v1/async-jobs/{jobId}"
    assert access[-1]["level"] == "debug"


def test_logs_inside_a_request_see_its_ids_through_contextvars(
    client: ApiClient, json_lines: list[str]
) -> None:
    def unreachable() -> None:
        raise ConnectionError("refused")

    context = client.runtime.api_context()
    fields = {f: getattr(context, f) for f in context.__dataclass_fields__}
    app = create_app(type(context)(**{**fields, "ops": Operations(check_ready=unreachable)}))
    with TestClient(app) as bare:
        answer = bare.get("/readyz", headers={"Zuora-Track-Id": "probe-7"})
    warning = next(json.loads(x) for x in json_lines if "not ready" in x)
    assert warning["request_id"] == answer.headers["Zuora-Request-Id"]
    assert warning["track_id"] == "probe-7"
    assert warning["level"] == "warning"


def test_worker_logs_carry_the_job_and_its_track_id() -> None:
    record = logging.LogRecord("zorders.worker", logging.ERROR, __file__, 1, "boom", None, None)
    with log_context(job_id="j1", track_id="t1"):
        ContextFilter().filter(record)
    assert json.loads(JsonFormatter().format(record))["job_id"] == "j1"
    assert TextFormatter().format(record).endswith("boom [track_id=t1 job_id=j1]")


# -- OAuth for consoles ------------------------------------------------------------------


def test_oauth_token_accepts_http_basic_client_credentials(client: ApiClient) -> None:
    import base64

    from tests.support import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

    basic = base64.b64encode(f"{DEMO_CLIENT_ID}:{DEMO_CLIENT_SECRET}".encode()).decode()
    answer = anonymous(client).post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": ""},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert answer.status_code == 200, answer.text
    wrong = base64.b64encode(f"{DEMO_CLIENT_ID}:nope".encode()).decode()
    refused = anonymous(client).post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {wrong}"},
    )
    assert refused.status_code == 401
    assert refused.json()["error"] == "invalid_client"


# -- dashboard assets --------------------------------------------------------------------


def test_the_dashboard_is_served_without_a_token(client: ApiClient) -> None:
    bare = anonymous(client)
    page = bare.get("/ui/")
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    assert '<script src="app.js">' in page.text
    assert bare.get("/ui/app.js").status_code == 200
    home = bare.get("/", follow_redirects=False)
    assert home.status_code in (302, 307)
    assert home.headers["location"] == "/ui/"
