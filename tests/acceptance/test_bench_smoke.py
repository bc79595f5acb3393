"""The benchmark harness (bench/, `make bench`) in its quick mode, so that it cannot rot.

`make test` never runs the benchmark itself: this runs every measurement at tiny sizes
(seconds) against real processes and checks that the results hold together.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bench import loadgen, report

pytestmark = pytest.mark.acceptance

ROOT = Path(__file__).resolve().parents[2]


def test_quick_run_writes_every_measurement(tmp_path: Path) -> None:
    argv = [sys.executable, "-m", "bench", "--quick", "--results", str(tmp_path)]
    postgres = os.environ.get("ZORDERS_TEST_POSTGRES_URL")
    argv += ["--postgres-url", postgres] if postgres else ["--no-postgres"]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((tmp_path / "latest.json").read_text())
    assert len(list(tmp_path.glob("2*.json"))) == 1  # the timestamped copy
    assert results["meta"]["mode"] == "quick"
    if shutil.which("wrk"):
        poll = results["poll"]["1"]
        assert poll["same_json"]
        assert all(row["16"]["errors"] == 0 for row in poll["servers"].values())
        assert len(poll["ratios"]["16"]["rounds"]["throughput_vs_ceiling"]) == 1
        assert results["submit"]["accepted"]["sqlite"]["errors"] == 0
    latency = results["submit"]["latency"]
    assert latency["client_ms"]["p50"] >= latency["server_ms"]["p50"] > 0
    sqlite = results["workers"]["sqlite"]["by_workers"]
    assert sqlite["1"]["failed"] == 0 and sqlite["1"]["speedup"] == 1
    assert ("postgresql" in results["workers"]) == bool(postgres)
    assert results["preview"]["subscriptions"]["points"]["3"]["invoice_items"] == 39
    assert any(name.startswith("zorders serve") for name in results["memory"])
    assert {t["name"] for t in results["targets"]} >= {
        "queue overhead p50, light load",
        "preview cost linear in periods",
    }
    if importlib.util.find_spec("matplotlib"):
        assert (tmp_path / "latest.png").stat().st_size > 10_000
    assert "Targets" in done.stdout


def test_wrk_statistics_are_parsed() -> None:
    output = (
        "Running 1s test @ http://127.0.0.1:1/v1/async-jobs/x\n"
        "  14952 requests in 1.10s, 3.42MB read\n"
        'BENCH_JSON {"requests": 14952, "duration_us": 1100000, "p50_us": 1140, '
        '"p99_us": 10870, "max_us": 12000, "connect": 0, "read": 0, "write": 0, '
        '"status": 3, "timeout": 1}\n'
    )
    load = loadgen.parse(output, connections=16)
    assert (load.requests, load.rps, load.p50_ms, load.p99_ms) == (14952, 13592.7, 1.14, 10.87)
    assert load.errors == 4


def test_wrk_script_quotes_what_it_sends() -> None:
    script = loadgen.script(
        method="POST", headers={"Authorization": "Bearer t"}, body='{"a": "[[x]]"}'
    )
    assert "wrk.headers[ [====[Authorization]====] ] = [====[Bearer t]====]" in script
    assert 'wrk.body = [====[{"a": "[[x]]"}]====]' in script


def test_a_target_missed_in_a_digit_rounding_hides_shows_that_digit() -> None:
    poll = {"ratios": {"16": {"throughput_vs_ceiling": 0.4984, "p99_vs_ceiling": 1.617}}}
    shown = {t.name: (t.measured, t.passed) for t in report.targets({"poll": {"1": poll}})}
    assert shown["poll throughput, 16 connections, 1 process"] == ("0.498 x", False)
    assert shown["poll p99, 16 connections, 1 process"] == ("1.62 x", True)


def test_a_poll_target_shows_the_range_of_its_rounds_ratios() -> None:
    rounds = {"throughput_vs_ceiling": [0.47, 0.391, 0.56], "p99_vs_ceiling": [1.9, 2.31, 1.2]}
    poll = {
        "ratios": {"16": {"throughput_vs_ceiling": 0.52, "p99_vs_ceiling": 1.9, "rounds": rounds}}
    }
    shown = {t.name: (t.measured, t.passed) for t in report.targets({"poll": {"1": poll}})}
    assert shown["poll throughput, 16 connections, 1 process"] == (
        "0.52 x (rounds 0.39-0.56)",
        True,
    )
    assert shown["poll p99, 16 connections, 1 process"] == ("1.90 x (rounds 1.20-2.31)", True)
