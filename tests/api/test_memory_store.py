"""The API on the memory store (``memory://``): the app's flows need nothing of SQL.

The ``client`` fixture builds its runtime from ``database_url``, which this module points at
the memory store; the flows imported below are the api tier's own tests, run again here.
"""

from __future__ import annotations

import pytest

from tests.api.test_async_jobs import (
    test_completed_create_names_what_it_created as test_completed_create_names_what_it_created,
)
from tests.api.test_async_jobs import (
    test_failed_order_leaves_nothing_behind as test_failed_order_leaves_nothing_behind,
)
from tests.api.test_async_jobs import (
    test_preview_writes_nothing_and_uses_no_numbers as test_preview_writes_nothing_and_uses_no_numbers,
)
from tests.api.test_billing_run import (
    test_collect_payment_pays_the_invoice as test_collect_payment_pays_the_invoice,
)
from tests.api.test_idempotency import (
    test_replay_returns_the_same_job as test_replay_returns_the_same_job,
)
from tests.api.test_lifecycle import (
    test_lifecycle_through_the_async_api as test_lifecycle_through_the_async_api,
)
from tests.api.test_lifecycle import (
    test_orders_are_listed_newest_first_in_pages as test_orders_are_listed_newest_first_in_pages,
)
from tests.conftest import ApiClient
from tests.support import FLAT, create_subscription, order, preview
from zorders.config import MEMORY_URL
from zorders.store.memory import MemoryStore


@pytest.fixture
def database_url() -> str:
    return MEMORY_URL


def test_an_async_order_completes_and_a_preview_previews(client: ApiClient) -> None:
    assert isinstance(client.runtime.store, MemoryStore)
    submitted = client.post("/v1/async/orders", json=order(create_subscription(FLAT)))
    assert submitted.status_code == 200, submitted.text
    job_id = submitted.json()["jobId"]
    assert client.get(f"/v1/async-jobs/{job_id}").json()["status"] == "Processing"
    assert client.drain() == 1
    job = client.get(f"/v1/async-jobs/{job_id}").json()
    assert job["status"] == "Completed", job
    number = job["result"]["subscriptions"][0]["subscriptionNumber"]
    subscription = client.get(f"/v1/subscriptions/{number}").json()
    assert subscription["success"] is True and subscription["status"] == "Active"
    previewed = client.submit_and_run(
        "/v1/async/orders/preview", preview(create_subscription(FLAT))
    )
    assert previewed["status"] == "Completed", previewed
    assert previewed["result"]["jobType"] == "AsyncPreviewOrder"
    assert client.get("/readyz").status_code == 200
