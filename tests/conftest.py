"""Fixtures shared by every tier: settings, a migrated store, the app and its client."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.stores import DATABASE_KINDS, STORE_KINDS, store_url
from tests.support import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, CountingIds, StubClock
from zorders.bootstrap import Runtime, build, ensure_demo, open_store
from zorders.config import Settings
from zorders.http.app import create_app
from zorders.service.ports import Store
from zorders.worker.runner import Worker

#: Where PostgreSQL tiers connect; `.ci/run` sets it, and requires it in CI.
POSTGRES_URL = os.environ.get("ZORDERS_TEST_POSTGRES_URL")
REQUIRE_POSTGRES = bool(os.environ.get("ZORDERS_REQUIRE_POSTGRES"))


def _admin_connect(url: str) -> Any:
    import psycopg

    return psycopg.connect(url, autocommit=True)


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A migrated template database; each test gets a fresh copy of it."""
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("ZORDERS_REQUIRE_POSTGRES is set but ZORDERS_TEST_POSTGRES_URL is not")
        pytest.skip("PostgreSQL tier: set ZORDERS_TEST_POSTGRES_URL (`.ci/run` does)")
    from zorders.store.migrate import upgrade
    from zorders.store.sql import make_engine

    name = f"zorders_tpl_{os.getpid()}"
    with _admin_connect(POSTGRES_URL) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield name
    with _admin_connect(POSTGRES_URL) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_url(postgres_template: str) -> Iterator[str]:
    assert POSTGRES_URL is not None
    name = f"zorders_t_{os.getpid()}_{next(_DATABASES)}"
    with _admin_connect(POSTGRES_URL) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"')
    yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    with _admin_connect(POSTGRES_URL) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_DATABASES = itertools.count()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file; each test starts from a copy (migrating every time is slow)."""
    from zorders.store.migrate import upgrade
    from zorders.store.sql import make_engine

    path = tmp_path_factory.mktemp("template") / "zorders.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(params=DATABASE_KINDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each database the product supports; the PostgreSQL tier needs a server."""
    return store_url(request.param, request, tmp_path)


@pytest.fixture(params=STORE_KINDS)
def store_kind(request: pytest.FixtureRequest) -> str:
    kind: str = request.param
    return kind


@pytest.fixture
def store(store_kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Each store, memory included, fresh for the test (tests/stores.py)."""
    opened = open_store(store_url(store_kind, request, tmp_path))
    yield opened
    opened.close()


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
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, workers=0)


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
