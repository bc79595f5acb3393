"""Fixtures shared by every tier: settings, a migrated store, the app and its client."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, CountingIds, StubClock
from zorders.bootstrap import Runtime, build, ensure_demo
from zorders.config import Settings
from zorders.http.app import create_app
from zorders.worker.runner import Worker

#: Where PostgreSQL tiers connect; `.ci/run` sets it, and requires it in CI.
POSTGRES_URL = os.environ.get("ZORDERS_TEST_POSTGRES_URL")
REQUIRE_POSTGRES = bool(os.environ.get("ZORDERS_REQUIRE_POSTGRES"))


@pytest.fixture(autouse=True)
def _no_zorders_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests build their settings explicitly; a developer's ZORDERS_* must not leak in."""
    for name in list(os.environ):
        if name.startswith("ZORDERS_") and not name.startswith("ZORDERS_TEST_"):
            monkeypatch.delenv(name)


@pytest.fixture
def clock() -> StubClock:
    return StubClock()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'zorders.db'}", workers=0)


@pytest.fixture
def runtime(settings: Settings, clock: StubClock) -> Iterator[Runtime]:
    rt = build(settings, clock=clock, ids=CountingIds())
    ensure_demo(rt)
    yield rt
    rt.close()


class ApiClient(TestClient):
    """A TestClient that knows how to get a token and drain the job queue."""

    runtime: Runtime
    worker: Worker

    def token(
        self, client_id: str = DEMO_CLIENT_ID, client_secret: str = DEMO_CLIENT_SECRET
    ) -> str:
        response = self.post(
            "/oauth/token",
            data={
                "client_id": client_id,
                "client_secret": client_secret,
                "grant_type": "client_credentials",
            },
        )
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token

    def login(self, **credentials: str) -> None:
        self.headers["Authorization"] = f"Bearer {self.token(**credentials)}"

    def drain(self) -> int:
        """Run every runnable job now (no sleeping, no threads)."""
        return self.worker.run_until_idle()

    def submit_and_run(self, path: str, body: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        submitted = self.post(path, json=body, **kwargs)
        assert submitted.status_code in (200, 202), submitted.text
        self.drain()
        job = self.get(f"/v1/async-jobs/{submitted.json()['jobId']}")
        assert job.status_code == 200, job.text
        result: dict[str, Any] = job.json()
        return result


@pytest.fixture
def client(runtime: Runtime) -> Iterator[ApiClient]:
    app = create_app(runtime.api_context())
    with ApiClient(app) as c:
        c.runtime = runtime
        c.worker = Worker(runtime.store, runtime.clock, runtime.ids, name="test-worker")
        c.login()
        yield c
