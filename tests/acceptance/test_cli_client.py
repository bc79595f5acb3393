"""``zorders submit`` and ``zorders jobs …`` as a user runs them, against a real server."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.acceptance.helpers import clean_env, one_line, run_cli, sqlite_url
from tests.processes import Server
from tests.support import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, FLAT, create_subscription, order
from zorders.client import hosts

pytestmark = pytest.mark.acceptance


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    base = tmp_path_factory.mktemp("cli-client")
    process = Server(database_url=sqlite_url(base / "zorders.db"), log=base / "serve.log")
    yield process
    process.terminate()


@pytest.fixture
def env(server: Server, tmp_path: Path) -> dict[str, str]:
    """A user's shell: credentials and base URL in the environment, a private cache dir."""
    return clean_env(
        ZUORA_BASE_URL=server.base_url,
        ZUORA_CLIENT_ID=DEMO_CLIENT_ID,
        ZUORA_CLIENT_SECRET=DEMO_CLIENT_SECRET,
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )


def write(tmp_path: Path, body: object, name: str = "order.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(body))
    return str(path)


def test_submit_wait_prints_the_completed_job_and_exits_0(
    env: dict[str, str], tmp_path: Path
) -> None:
    done = run_cli("submit", write(tmp_path, order(create_subscription(FLAT))), "--wait", env=env)
    assert done.returncode == 0, done.stderr
    job = json.loads(done.stdout)
    assert job["status"] == "Completed"
    assert job["result"]["jobType"] == "AsyncCreateOrder"
    assert job["result"]["orderNumber"].startswith("O-")
    assert "submitted job" in done.stderr


def test_a_failed_job_exits_1_with_the_zuora_error(env: dict[str, str], tmp_path: Path) -> None:
    body = order(create_subscription("PRP-99999999"))  # no such plan: a business failure
    done = run_cli("submit", write(tmp_path, body), "--wait", env=env)
    assert done.returncode == 1, done.stderr
    job = json.loads(done.stdout)
    assert job["status"] == "Failed"
    assert job["errors"].startswith("[")
    assert "failed:" in one_line(done.stderr)
    assert job["errors"].split("]")[0] in done.stderr


def test_preview_wait(env: dict[str, str], tmp_path: Path) -> None:
    body = {
        "orderDate": "2027-01-15",
        "previewOptions": {"previewThruType": "TermEnd", "previewTypes": ["ChargeMetrics"]},
        "previewAccountInfo": {"currency": "USD", "billCycleDay": 1},
        "subscriptions": [{"orderActions": [create_subscription(FLAT)]}],
    }
    done = run_cli("submit", write(tmp_path, body), "--preview", "--wait", env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["result"]["jobType"] == "AsyncPreviewOrder"


def test_submit_without_wait_then_jobs_get(env: dict[str, str], tmp_path: Path) -> None:
    submitted = run_cli(
        "submit",
        write(tmp_path, order(create_subscription(FLAT))),
        "--track-id",
        "cli-track-1",
        env=env,
    )
    assert submitted.returncode == 0, submitted.stderr
    job_id = json.loads(submitted.stdout)["jobId"]
    got = run_cli("jobs", "get", job_id, env=env)
    assert got.returncode == 0, got.stderr
    assert json.loads(got.stdout)["success"] is True

    listed = run_cli("jobs", "list", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    mine = [j for j in json.loads(listed.stdout)["jobs"] if j["jobId"] == job_id]
    assert mine and mine[0]["trackId"] == "cli-track-1"


def test_an_unknown_job_exits_3_with_zuoras_reason(env: dict[str, str]) -> None:
    done = run_cli("jobs", "get", "f" * 32, env=env)
    assert done.returncode == 3
    assert "50000040" in done.stderr


def test_a_malformed_order_is_refused_with_exit_3(env: dict[str, str], tmp_path: Path) -> None:
    done = run_cli("submit", write(tmp_path, {"orderDate": "not a date"}), env=env)
    assert done.returncode == 3
    assert "error:" in done.stderr


def test_jobs_list_filters_by_status_in_a_table(env: dict[str, str], tmp_path: Path) -> None:
    run_cli("submit", write(tmp_path, order(create_subscription(FLAT))), "--wait", env=env)
    table = run_cli("jobs", "list", "--status", "Completed", env=env)
    assert table.returncode == 0, table.stderr
    assert "Completed" in table.stdout
    assert "Failed" not in table.stdout
    as_json = run_cli("jobs", "list", "--status", "Failed", "--json", env=env)
    assert all(j["status"] == "Failed" for j in json.loads(as_json.stdout)["jobs"])


def test_jobs_watch_refreshes_a_table(env: dict[str, str]) -> None:
    done = run_cli("jobs", "watch", "--count", "2", "--interval", "0.1", env=env)
    assert done.returncode == 0, done.stderr
    assert "jobs at" in done.stdout


def test_the_token_is_cached_privately_and_renewed_when_rejected(
    env: dict[str, str], server: Server, tmp_path: Path
) -> None:
    assert run_cli("jobs", "list", env=env).returncode == 0
    cache = tmp_path / "cache" / "zorders" / "tokens.json"
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    entries = json.loads(cache.read_text())
    key = f"{server.base_url} {DEMO_CLIENT_ID}"
    assert DEMO_CLIENT_SECRET not in cache.read_text()
    first = entries[key]["access_token"]

    assert run_cli("jobs", "list", env=env).returncode == 0
    assert json.loads(cache.read_text())[key]["access_token"] == first  # reused

    entries[key]["access_token"] = "revoked-token"  # the server rejects it: 401
    cache.write_text(json.dumps(entries))
    assert run_cli("jobs", "list", env=env).returncode == 0
    renewed = json.loads(cache.read_text())[key]["access_token"]
    assert renewed not in ("revoked-token", first)


def test_credentials_from_flags_and_their_absence(server: Server, tmp_path: Path) -> None:
    bare = clean_env(XDG_CACHE_HOME=str(tmp_path / "cache"))
    missing = run_cli("jobs", "list", "--base-url", server.base_url, env=bare)
    assert missing.returncode == 2
    assert "ZUORA_CLIENT_ID" in one_line(missing.stderr)
    flags = run_cli(
        "jobs",
        "list",
        "--base-url",
        server.base_url,
        "--client-id",
        DEMO_CLIENT_ID,
        "--client-secret",
        DEMO_CLIENT_SECRET,
        env=bare,
    )
    assert flags.returncode == 0, flags.stderr
    wrong = run_cli(
        "jobs",
        "list",
        "--base-url",
        server.base_url,
        "--client-id",
        DEMO_CLIENT_ID,
        "--client-secret",
        "wrong",
        env=bare,
    )
    assert wrong.returncode == 3
    assert "could not get a token" in one_line(wrong.stderr)


def test_an_unreachable_server_exits_3(tmp_path: Path) -> None:
    env = clean_env(
        ZUORA_CLIENT_ID=DEMO_CLIENT_ID,
        ZUORA_CLIENT_SECRET=DEMO_CLIENT_SECRET,
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )
    done = run_cli("jobs", "get", "x", "--base-url", "http://127.0.0.1:9", env=env)
    assert done.returncode == 3
    assert "cannot reach" in one_line(done.stderr)


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("us", "https://rest.zuora.com"),
        ("na", "https://rest.na.zuora.com"),
        ("eu", "https://rest.eu.zuora.com"),
        ("ap", "https://rest.ap.zuora.com"),
        ("us-sandbox", "https://rest.apisandbox.zuora.com"),
        ("na-sandbox", "https://rest.sandbox.na.zuora.com"),
        ("eu-sandbox", "https://rest.sandbox.eu.zuora.com"),
        ("us-test", "https://rest.test.zuora.com"),
        ("eu-test", "https://rest.test.eu.zuora.com"),
        ("ap-test", "https://rest.test.ap.zuora.com"),
    ],
)
def test_env_names_zuoras_published_hosts(name: str, url: str) -> None:
    assert hosts.base_url(None, name) == url
    assert hosts.base_url(None, name.upper()) == url


def test_env_and_base_url_exclude_each_other(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not both"):
        hosts.base_url("http://x", "eu")
    env = clean_env(ZUORA_CLIENT_ID="a", ZUORA_CLIENT_SECRET="b")
    done = run_cli("jobs", "get", "x", "--env", "mars", env=env)
    assert done.returncode == 2
    assert "unknown environment" in one_line(done.stderr)


def test_emulator_commands_switch_move_the_clock_and_reset(
    env: dict[str, str], tmp_path: Path
) -> None:
    refused = run_cli("emulator", "clock", "--days", "1", env=env)
    assert refused.returncode == 3, refused.stderr
    assert "Emulator controls are off" in one_line(refused.stderr)
    on = run_cli("emulator", "on", env=env)
    assert on.returncode == 0, on.stderr
    assert json.loads(on.stdout)["enabled"] is True
    try:
        shown = json.loads(run_cli("emulator", "clock", env=env).stdout)
        assert shown["offsetSeconds"] == 0.0
        moved = run_cli("emulator", "clock", "--days", "2", "--seconds", "30", env=env)
        assert moved.returncode == 0, moved.stderr
        assert json.loads(moved.stdout)["offsetSeconds"] == 2 * 86400 + 30
        reached = run_cli("emulator", "clock", "--to", "2040-01-01", env=env)
        assert reached.returncode == 0, reached.stderr
        assert json.loads(reached.stdout)["now"].startswith("2040-01-01T00:00:0")
        both = run_cli("emulator", "clock", "--to", "2041-02-01", "--days", "1", env=env)
        assert both.returncode == 2
        done = run_cli(
            "submit", write(tmp_path, order(create_subscription(FLAT))), "--wait", env=env
        )
        assert done.returncode == 0, done.stderr
        wiped = run_cli("emulator", "reset", env=env)
        assert wiped.returncode == 0, wiped.stderr
        assert json.loads(wiped.stdout)["jobsDeleted"] >= 1
        assert json.loads(run_cli("emulator", "clock", env=env).stdout)["offsetSeconds"] == 0.0
        listed = run_cli("jobs", "list", env=env)
        assert "AsyncCreateOrder" not in listed.stdout
    finally:
        off = run_cli("emulator", "off", env=env)
        assert json.loads(off.stdout)["enabled"] is False
