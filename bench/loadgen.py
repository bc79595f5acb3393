"""HTTP load with wrk: a Lua script per run (method, headers, body) that reports JSON at the end."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

#: wrk calls ``done`` once with the whole run's statistics; it prints them as one line.
_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""
_MARK = "BENCH_JSON "


@dataclass(frozen=True, kw_only=True, slots=True)
class Load:
    connections: int
    seconds: float
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    #: Socket errors, timeouts and non-2xx/3xx answers: a valid run has none.
    errors: int

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def available() -> bool:
    return shutil.which("wrk") is not None


def _lua_string(text: str) -> str:
    level = "=" * 4
    assert f"]{level}]" not in text
    return f"[{level}[{text}]{level}]"


def script(*, method: str, headers: dict[str, str], body: str | None) -> str:
    lines = [f"wrk.method = {_lua_string(method)}"]
    # A space after "[": "[[" would open a Lua long string.
    lines += [f"wrk.headers[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in headers.items()]
    if body is not None:
        lines.append(f"wrk.body = {_lua_string(body)}")
    return "\n".join(lines) + "\n" + _DONE


def parse(output: str, connections: int) -> Load:
    """The statistics line of a wrk run (``done`` above)."""
    for line in output.splitlines():
        if line.startswith(_MARK):
            raw = json.loads(line[len(_MARK) :])
            break
    else:
        raise RuntimeError(f"wrk printed no statistics:\n{output}")
    seconds = raw["duration_us"] / 1e6
    return Load(
        connections=connections,
        seconds=round(seconds, 3),
        requests=raw["requests"],
        rps=round(raw["requests"] / seconds, 1),
        p50_ms=raw["p50_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        errors=sum(raw[k] for k in ("connect", "read", "write", "status", "timeout")),
    )


def run(
    url: str,
    *,
    connections: int,
    seconds: int,
    headers: dict[str, str],
    method: str = "GET",
    body: str | None = None,
) -> Load:
    """``wrk`` for ``seconds`` with ``connections`` (at most two threads: two cores)."""
    with tempfile.TemporaryDirectory(prefix="zorders-wrk-") as folder:
        lua = Path(folder) / "load.lua"
        lua.write_text(script(method=method, headers=headers, body=body))
        argv = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s"]
        argv += ["--timeout", "10s", "-s", str(lua), url]
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=seconds + 60, check=False
        )
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return parse(done.stdout, connections)
