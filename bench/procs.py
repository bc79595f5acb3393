"""The processes of a run: zorders servers and workers, the reference apps; readiness and RSS."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

DEMO_CLIENT_ID = "00000000-0000-4000-8000-000000000001"
DEMO_CLIENT_SECRET = "zorders-demo-secret"
#: The benchmark measures throughput, not the per-tenant limits: raise them out of the way
#: (the limiter still runs on every request, as in production).
UNLIMITED = {
    "ZORDERS_RATE_LIMIT_PER_MINUTE": "1000000000",
    "ZORDERS_CONCURRENCY_LIMIT": "1000000",
    "ZORDERS_HIGH_VOLUME_CONCURRENCY_LIMIT": "1000000",
}
START_TIMEOUT = 60.0
#: Children run from the repository, so ``python -m bench.refapps`` finds this package.
ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def zorders_env(**extra: str) -> dict[str, str]:
    """This environment without the caller's ZORDERS_* settings, quiet logs, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZORDERS_")}
    env.update({"ZORDERS_LOG_LEVEL": "warning", **extra})
    return env


def peak_rss_mb(pid: int) -> float | None:
    """The process's peak resident set (VmHWM) so far, in MiB; None off Linux."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def cpu_seconds(pid: int) -> float:
    """User and system CPU the process has used so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[int, int]:
    """(busy, total) jiffies of every core since boot, from /proc/stat."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return (0, 0)
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return (sum(values) - idle, sum(values))


def machine_busy(before: tuple[int, int], after: tuple[int, int]) -> float:
    """The share of all cores' time spent busy between two readings (anyone's work)."""
    total = after[1] - before[1]
    return (after[0] - before[0]) / total if total else 0.0


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (a server's worker processes)."""
    found = [pid]
    for tid in _listdir(f"/proc/{pid}/task"):
        try:
            children = Path(f"/proc/{pid}/task/{tid}/children").read_text().split()
        except OSError:
            continue
        for child in children:
            found += process_tree(int(child))
    return found


def _listdir(path: str) -> list[str]:
    try:
        return os.listdir(path)
    except OSError:
        return []


class Proc:
    """A child process with its output in a log file; stopped with SIGTERM, then SIGKILL."""

    def __init__(self, name: str, argv: list[str], *, env: dict[str, str], logs: Path) -> None:
        self.name = name
        self.log_path = logs / f"{name}.log"
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            argv, stdout=self._log, stderr=subprocess.STDOUT, env=env, cwd=ROOT
        )
        self.peak_rss: float | None = None

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            raise RuntimeError(f"{self.name} exited:\n{self.log()[-3000:]}")

    def note_rss(self) -> float | None:
        """Read the peak RSS while the process is alive (it is gone once it has exited):
        the largest of its process tree (with ``--processes N``, one of the N)."""
        peaks = [rss for pid in process_tree(self.pid) if (rss := peak_rss_mb(pid)) is not None]
        if peaks:
            self.peak_rss = max(*peaks, self.peak_rss or 0.0)
        return self.peak_rss

    def stop(self, timeout: float = 20.0) -> None:
        if self.process.poll() is None:
            self.note_rss()
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


class Server(Proc):
    """``zorders serve`` on a free port, ready once it issues a token."""

    def __init__(
        self,
        name: str,
        *,
        database_url: str,
        workers: int,
        logs: Path,
        env: dict[str, str],
        processes: int = 1,
    ) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.processes = processes
        argv = [sys.executable, "-m", "zorders", "serve", "--port", str(self.port)]
        argv += ["--database-url", database_url, "--workers", str(workers)]
        argv += ["--processes", str(processes)]
        super().__init__(name, argv, env=zorders_env(**UNLIMITED, **env), logs=logs)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            self.check_alive()
            try:
                self.token = self.issue_token()
                return
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"{name} did not start:\n{self.log()[-3000:]}") from None
                time.sleep(0.1)

    def issue_token(self) -> str:
        response = httpx.post(
            f"{self.base_url}/oauth/token",
            data={
                "client_id": DEMO_CLIENT_ID,
                "client_secret": DEMO_CLIENT_SECRET,
                "grant_type": "client_credentials",
            },
            timeout=10,
        )
        response.raise_for_status()
        token: str = response.json()["access_token"]
        return token

    def client(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.base_url, headers={"Authorization": f"Bearer {self.token}"}, timeout=30
        )


class Worker(Proc):
    """``zorders worker``; ready once it has printed its banner (its threads are running)."""

    def __init__(
        self, name: str, *, database_url: str, concurrency: int, logs: Path, env: dict[str, str]
    ) -> None:
        argv = [sys.executable, "-m", "zorders", "worker", "--database-url", database_url]
        argv += ["--concurrency", str(concurrency)]
        super().__init__(name, argv, env=zorders_env(**env), logs=logs)

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while "zorders worker:" not in self.log():
            self.check_alive()
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not start:\n{self.log()[-3000:]}")
            time.sleep(0.05)


class RefApp(Proc):
    """A reference app of ``bench.refapps`` under uvicorn, as ``zorders serve`` runs."""

    def __init__(
        self,
        kind: str,
        *,
        database: str,
        tenant_id: str,
        probe_path: str,
        logs: Path,
        processes: int = 1,
    ) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        argv = [sys.executable, "-m", "bench.refapps", kind, "--port", str(self.port)]
        argv += ["--database", database, "--tenant", tenant_id, "--processes", str(processes)]
        super().__init__(f"{kind}-p{processes}", argv, env=zorders_env(), logs=logs)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            self.check_alive()
            try:
                httpx.get(self.base_url + probe_path, timeout=5).raise_for_status()
                return
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"{kind} did not start:\n{self.log()[-3000:]}") from None
                time.sleep(0.1)
