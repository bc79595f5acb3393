"""Helpers of the acceptance tier: CLI runs, env-only servers, stopping with SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from tests.processes import Server, ZordersProcess

#: Generous: a loaded 2-core machine can take a few seconds to import and migrate.
CLI_TIMEOUT = 60


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without any ZORDERS_* variable, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZORDERS_")}
    env.update(extra)
    return env


def cli_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "zorders", *args]


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m zorders <args>`` to completion, stdout and stderr captured."""
    return subprocess.run(
        cli_command(*args),
        capture_output=True,
        text=True,
        env=env if env is not None else clean_env(),
        timeout=CLI_TIMEOUT,
        check=False,
    )


def run_cli_concurrently(
    commands: dict[str, Sequence[str]],
) -> dict[str, subprocess.CompletedProcess[str]]:
    """Several ``zorders`` commands started together; their results by key."""
    started = {
        key: subprocess.Popen(
            cli_command(*args),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=clean_env(),
        )
        for key, args in commands.items()
    }
    results: dict[str, subprocess.CompletedProcess[str]] = {}
    for key, process in started.items():
        with process:
            try:
                stdout, stderr = process.communicate(timeout=CLI_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                stdout, stderr = process.communicate()
        results[key] = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    return results


def one_line(text: str) -> str:
    """``text`` with its whitespace collapsed: rich wraps console output at 80 columns."""
    return " ".join(text.split())


def stop(process: ZordersProcess, timeout: float = 5.0) -> int:
    """SIGTERM ``process`` and return its exit code; fail (after killing it) if it hangs."""
    if process.process.poll() is None:
        process.process.send_signal(signal.SIGTERM)
        try:
            process.process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            raise AssertionError(
                f"{process.args[0]} still running {timeout}s after SIGTERM:\n{process.log()}"
            ) from None
    return process.terminate()  # already exited: only closes the log


def issue_token(base_url: str, client_id: str, client_secret: str) -> httpx.Response:
    return httpx.post(
        f"{base_url}/oauth/token",
        data={
            "client_id": client_id,
            "client_secret": client_secret,
            "grant_type": "client_credentials",
        },
        timeout=10,
    )


def submit(client: httpx.Client, path: str, body: dict[str, Any], status: int = 200) -> str:
    """POST an async order or preview and return its job id."""
    response = client.post(path, json=body)
    assert response.status_code == status, response.text
    job_id: str = response.json()["jobId"]
    return job_id


class EnvServer(Server):
    """``zorders serve`` with no flags at all: everything from ZORDERS_* variables."""

    def __init__(self, *, env: dict[str, str], log: Path, client_id: str, client_secret: str):
        self.port = int(env["ZORDERS_PORT"])
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.client_id = client_id
        self.client_secret = client_secret
        ZordersProcess.__init__(self, ["serve"], log=log, env=env)
        try:
            self.wait_ready()
        except BaseException:
            self.kill()
            raise

    def token(self, client_id: str | None = None, client_secret: str | None = None) -> str:
        return super().token(client_id or self.client_id, client_secret or self.client_secret)
