"""The official Python SDK, zuora-sdk 3.21.0, driving a real ``zorders serve``.

What an SDK user does: point ``ZuoraClient`` at zorders, get a token through the SDK's own
client-credentials call, build requests with the SDK's models, submit async orders and
previews, and poll the jobs. Two SDK defects shape the tests (docs/compatibility-sdk.md):

* ``create_order_asynchronously`` maps only HTTP 202; on Zuora's current 200 it returns
  ``None``. The SDK-driven creates therefore use a tenant made with
  ``zorders tenants create --async-create-status 202``.
* ``get_job_status_and_response`` cannot deserialize any ``Completed`` job with a result
  ("Multiple matches found" on the result's oneOf). Completed jobs are read raw, through
  the SDK's own ``ApiClient`` (its headers, token and base URL), and parsed here.

One server per module, on a temporary SQLite file.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from zuora_sdk import (
    ApiClient,
    ChargeOverride,
    ChargeOverridePricing,
    CreateOrderAction,
    CreateOrderAsyncRequest,
    CreateOrderAsyncResponse,
    CreateOrderCreateSubscription,
    CreateOrderRatePlanOverride,
    CreateOrderSubscription,
    GetAsyncOrderJobResponse,
    InitialTerm,
    OAuthApi,
    OrderActionCreateSubscriptionTerms,
    OrderCreateAccount,
    OrderCreateAccountContact,
    PreviewAccountInfo,
    PreviewOptions,
    PreviewOrderAsyncRequest,
    PreviewOrderAsyncResponse,
    PreviewOrderCreateSubscription,
    PreviewOrderCreateSubscriptionTerms,
    PreviewOrderOrderAction,
    PreviewOrderRatePlanOverride,
    PreviewOrderSubscriptionsAsync,
    RecurringPerUnitPricingOverride,
)
from zuora_sdk.exceptions import BadRequestException, UnauthorizedException
from zuora_sdk.zuora_client import ZuoraClient, ZuoraEnvironment

from tests.processes import Server, poll_job, running_server
from tests.support import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, FLAT, PER_UNIT
from zorders.bootstrap import build
from zorders.config import Settings
from zorders.service.demo import add_demo_catalog

pytestmark = [
    pytest.mark.sdk,
    # Every zuora-sdk model's __init__ calls pydantic's deprecated ``construct()``.
    pytest.mark.filterwarnings(
        "ignore:The `construct` method is deprecated:pydantic.warnings.PydanticDeprecatedSince20"
    ),
]

#: Generous for a loaded 2-core CI machine; jobs take milliseconds when idle.
JOB_TIMEOUT = 60.0
HEX32 = re.compile(r"[0-9a-f]{32}")
ORDER_DATE = date(2027, 1, 15)


@dataclass(frozen=True)
class Zorders:
    server: Server
    #: A tenant answering ``POST /v1/async/orders`` with 202, as the SDK expects.
    client_id: str
    client_secret: str


def _without_zorders_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("ZORDERS_")}


def _create_202_tenant(database_url: str) -> dict[str, str]:
    """``zorders tenants create --async-create-status 202 --json`` (the documented way)."""
    done = subprocess.run(
        [sys.executable, "-m", "zorders", "tenants", "create", "--name", "sdk-202"]
        + ["--async-create-status", "202", "--json", "--database-url", database_url],
        capture_output=True,
        text=True,
        env=_without_zorders_env(),
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    credentials: dict[str, str] = json.loads(done.stdout.strip().splitlines()[-1])
    return credentials


def _add_demo_catalog(database_url: str, client_id: str) -> None:
    """Give the new tenant the demo catalog (a CLI-made tenant starts with none)."""
    runtime = build(Settings(database_url=database_url, workers=0))
    try:
        with runtime.store.begin() as uow:
            tenant = uow.tenants.by_client_id(client_id)
            assert tenant is not None
            add_demo_catalog(uow, tenant, clock=runtime.clock, ids=runtime.ids)
    finally:
        runtime.close()


@pytest.fixture(scope="module")
def zorders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Zorders]:
    directory: Path = tmp_path_factory.mktemp("sdk")
    database_url = f"sqlite:///{directory / 'zorders.db'}"
    credentials = _create_202_tenant(database_url)
    _add_demo_catalog(database_url, credentials["clientId"])
    with running_server(database_url=database_url, log=directory / "server.log") as server:
        yield Zorders(server, credentials["clientId"], credentials["clientSecret"])


def sdk_client(base_url: str, client_id: str, client_secret: str) -> ZuoraClient:
    """A ``ZuoraClient`` pointed at zorders, authenticated through the SDK's own OAuth call."""
    client = ZuoraClient(client_id, client_secret, ZuoraEnvironment.SBX)
    client.set_base_url(base_url)
    # initialize() would also start the SDK's 10-minute refresh thread; one token is enough.
    client.refresh_token()
    return client


@pytest.fixture(scope="module")
def sdk(zorders: Zorders) -> ZuoraClient:
    """The SDK as the 202 tenant."""
    return sdk_client(zorders.server.base_url, zorders.client_id, zorders.client_secret)


@pytest.fixture(scope="module")
def sdk_demo(zorders: Zorders) -> ZuoraClient:
    """The SDK as the demo tenant, which answers async creates with 200 like Zuora today."""
    return sdk_client(zorders.server.base_url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)


# --- request builders: the SDK's own models ------------------------------------------------


def create_request(
    *plans: str, overrides: list[ChargeOverride] | None = None
) -> CreateOrderAsyncRequest:
    return CreateOrderAsyncRequest(
        order_date=ORDER_DATE,
        new_account=OrderCreateAccount(
            name="Acme",
            currency="USD",
            bill_cycle_day=1,
            bill_to_contact=OrderCreateAccountContact(
                first_name="Ada", last_name="Lovelace", work_email="ada@example.com"
            ),
        ),
        subscriptions=[
            CreateOrderSubscription(
                order_actions=[
                    CreateOrderAction(
                        type="CreateSubscription",
                        create_subscription=CreateOrderCreateSubscription(
                            terms=OrderActionCreateSubscriptionTerms(
                                initial_term=InitialTerm(
                                    term_type="TERMED", period=12, period_type="Month"
                                )
                            ),
                            subscribe_to_rate_plans=[
                                CreateOrderRatePlanOverride(
                                    product_rate_plan_number=plan,
                                    charge_overrides=overrides,
                                )
                                for plan in plans
                            ],
                        ),
                    )
                ]
            )
        ],
    )


def preview_request(plan: str) -> PreviewOrderAsyncRequest:
    return PreviewOrderAsyncRequest(
        order_date=ORDER_DATE,
        preview_options=PreviewOptions(
            preview_thru_type="TermEnd", preview_types=["ChargeMetrics", "BillingDocs"]
        ),
        preview_account_info=PreviewAccountInfo(currency="USD", bill_cycle_day=1),
        subscriptions=[
            PreviewOrderSubscriptionsAsync(
                order_actions=[
                    PreviewOrderOrderAction(
                        type="CreateSubscription",
                        create_subscription=PreviewOrderCreateSubscription(
                            terms=PreviewOrderCreateSubscriptionTerms(
                                initial_term=InitialTerm(
                                    term_type="TERMED", period=12, period_type="Month"
                                )
                            ),
                            subscribe_to_rate_plans=[
                                PreviewOrderRatePlanOverride(product_rate_plan_number=plan)
                            ],
                        ),
                    )
                ]
            )
        ],
    )


# --- polling ----------------------------------------------------------------------------------


def raw_job(client: ZuoraClient, job_id: str) -> dict[str, Any]:
    """``GET /v1/async-jobs/{jobId}`` through the SDK's ApiClient, without its deserializer.

    This is what the ``*_without_preload_content`` variant of newer generators does; 3.21.0
    has no such method, so the request is built with the public ``param_serialize``.
    """
    api = client.api_client
    request = api.param_serialize(
        "GET",
        "/v1/async-jobs/{jobId}",
        path_params={"jobId": job_id},
        header_params={"Accept": "application/json"},
    )
    response = api.call_api(*request)
    response.read()
    assert response.status == 200, response.data
    body: dict[str, Any] = json.loads(response.data)
    return body


def wait_for_job(client: ZuoraClient, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + JOB_TIMEOUT
    while True:
        body = raw_job(client, job_id)
        if body["status"] != "Processing":
            return body
        assert time.monotonic() < deadline, f"job {job_id} still Processing"
        time.sleep(0.05)
