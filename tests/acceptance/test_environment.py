"""``zorders serve`` configured through ZORDERS_* variables alone, with no flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.acceptance.helpers import (
    EnvServer,
    clean_env,
    issue_token,
    one_line,
    run_cli,
    sqlite_url,
    stop,
    submit,
)
from tests.processes import free_port, poll_job
from tests.support import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, FLAT, create_subscription, order

pytestmark = pytest.mark.acceptance

CUSTOM_CLIENT_ID = "5b0e7c1a-92d4-4f3e-8a61-0c9d2e4f7a13"
CUSTOM_CLIENT_SECRET = "configured-through-the-environment"


def test_serve_reads_port_database_and_demo_credentials_from_the_environment(
    tmp_path: Path,
) -> None:
    database = tmp_path / "env" / "zorders.db"
    env = {
        "ZORDERS_PORT": str(free_port()),
        "ZORDERS_DATABASE_URL": sqlite_url(database),
        "ZORDERS_DEMO_CLIENT_ID": CUSTOM_CLIENT_ID,
        "ZORDERS_DEMO_CLIENT_SECRET": CUSTOM_CLIENT_SECRET,
        "ZORDERS_WORKERS": "1",
    }
    assert len(CUSTOM_CLIENT_ID) == 36
    server = EnvServer(
        env=env,
        log=tmp_path / "serve.log",
        client_id=CUSTOM_CLIENT_ID,
        client_secret=CUSTOM_CLIENT_SECRET,
    )
    try:
        assert server.args == ["serve"]
        assert database.exists()  # ZORDERS_DATABASE_URL, its directory made on the way
        # The configured credentials work...
        with server.client() as c:
            job = poll_job(c, submit(c, "/v1/async/orders", order(create_subscription(FLAT))))
            assert job["status"] == "Completed", job  # the ZORDERS_WORKERS worker ran it
        # ...and the documented defaults do not, alone or mixed with the custom ones.
        for client_id, secret in [
            (DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),
            (DEMO_CLIENT_ID, CUSTOM_CLIENT_SECRET),
            (CUSTOM_CLIENT_ID, DEMO_CLIENT_SECRET),
        ]:
            refused = issue_token(server.base_url, client_id, secret)
            assert refused.status_code == 401, refused.text
            assert refused.json()["error"] == "invalid_client"
        banner = one_line(server.log())
        assert f"client_id={CUSTOM_CLIENT_ID}" in banner
        assert "1 worker(s)" in banner
    finally:
        stop(server)


def test_a_demo_secret_with_brackets_is_served_and_shown_as_is(tmp_path: Path) -> None:
    secret = "pa[/ss]w[red]rd"
    env = {
        "ZORDERS_PORT": str(free_port()),
        "ZORDERS_DATABASE_URL": sqlite_url(tmp_path / "zorders.db"),
        "ZORDERS_DEMO_CLIENT_SECRET": secret,
    }
    server = EnvServer(
        env=env, log=tmp_path / "serve.log", client_id=DEMO_CLIENT_ID, client_secret=secret
    )
    try:
        assert f"client_secret={secret}" in one_line(server.log())
    finally:
        stop(server)


def test_an_invalid_environment_value_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli(
        "migrate",
        env=clean_env(
            ZORDERS_POLL_INTERVAL="soon", ZORDERS_DATABASE_URL=sqlite_url(tmp_path / "zorders.db")
        ),
    )
    assert result.returncode != 0
    assert "ZORDERS_POLL_INTERVAL" in result.stderr
    assert "Traceback" not in result.stderr
