"""Real ``zorders`` processes for acceptance and compatibility tests: spawn, wait, stop, kill."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.support import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class ZordersProcess:
    """``python -m zorders <args>`` with its output in a log file."""

    def __init__(
        self, args: Sequence[str], *, log: Path, env: dict[str, str] | None = None
    ) -> None:
        self.args = list(args)
        self.log_path = log
        environ = {k: v for k, v in os.environ.items() if not k.startswith("ZORDERS_")}
        environ.update(env or {})
        self._log = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "zorders", *self.args],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=environ,
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def terminate(self, timeout: float = 15) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        return self.process.returncode

    def kill(self) -> None:
        """SIGKILL: no clean-up at all, as a crash."""
        self.process.kill()
        self.process.wait()
        self._log.close()


class Server(ZordersProcess):
    def __init__(
        self, *, database_url: str, log: Path, workers: int = 2, env: dict[str, str] | None = None
    ) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        super().__init__(
            [
                "serve",
                "--port",
                str(self.port),
                "--database-url",
                database_url,
                "--workers",
                str(workers),
            ],
            log=log,
            env=env,
        )
        try:
            self.wait_ready()
        except BaseException:
            self.kill()
            raise

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"zorders serve exited:\n{self.log()}")
            try:
                self.token()
                return
            except (httpx.HTTPError, AssertionError):
                time.sleep(0.1)
        raise RuntimeError(f"zorders serve did not start in {timeout}s:\n{self.log()}")

    def token(
        self, client_id: str = DEMO_CLIENT_ID, client_secret: str = DEMO_CLIENT_SECRET
    ) -> str:
        response = httpx.post(
            f"{self.base_url}/oauth/token",
            data={
                "client_id": client_id,
                "client_secret": client_secret,
                "grant_type": "client_credentials",
            },
            timeout=5,
        )
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token

    def client(self, token: str | None = None) -> httpx.Client:
        return httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {token or self.token()}"},
            timeout=10,
        )


@contextmanager
def running_server(**kwargs: object) -> Iterator[Server]:
    server = Server(**kwargs)  # type: ignore[arg-type]
    try:
        yield server
    finally:
        server.terminate()


def poll_job(client: httpx.Client, job_id: str, timeout: float = 20) -> dict[str, object]:
    """Poll as Zuora clients do until the job is Completed or Failed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body: dict[str, object] = client.get(f"/v1/async-jobs/{job_id}").json()
        if body["status"] in ("Completed", "Failed"):
            return body
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} still {body['status']} after {timeout}s")
