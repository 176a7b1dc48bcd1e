"""Unit tier: the one percentile of the latency report, the evaluation and the benchmarks,
and the process figures the benchmarks read."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from salon.measure import (
    cpu_seconds,
    free_port,
    latency_summary,
    percentile,
    rss_mb,
    stop_process,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([100.0 * i for i in range(1, 21)], 0.5, 1000.0),  # the 10th of 20
        ([100.0 * i for i in range(1, 21)], 0.95, 1900.0),  # the 19th of 20
        ([100.0 * i for i in range(1, 21)], 1.0, 2000.0),
        ([4.0, 1.0, 3.0, 2.0], 0.5, 2.0),  # unsorted input, the 2nd of 4
        ([7.0], 0.99, 7.0),
        ([float(i) for i in range(1, 101)], 0.07, 7.0),  # 100 * 0.07 is 7.000000000000001
        ([1.0, 2.0, 3.0], 0.0, 1.0),
    ],
)
def test_the_percentile_is_the_nearest_rank(values: list[float], q: float, expected: float) -> None:
    assert percentile(values, q) == expected


def test_the_percentile_of_no_values_is_zero() -> None:
    assert percentile([], 0.95) == 0.0


def test_a_latency_summary_gives_the_median_p95_max_and_count() -> None:
    summary = latency_summary([1.23456, 2.0, 3.0, 10.0], digits=2)
    assert summary == {"p50_ms": 2.5, "p95_ms": 10.0, "max_ms": 10.0, "n": 4}


def test_a_free_port_can_be_listened_on() -> None:
    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))
        sock.listen()


def test_a_process_is_measured_then_stopped() -> None:
    script = "import time; print('ready', flush=True); time.sleep(60)"
    with subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE) as proc:
        try:
            assert proc.stdout is not None and proc.stdout.readline() == b"ready\n"
            assert rss_mb(proc.pid) > 1.0
            assert rss_mb(proc.pid, "VmHWM") >= rss_mb(proc.pid)
            assert cpu_seconds(proc.pid) >= 0.0
        finally:
            stop_process(proc, timeout=5)
        assert proc.returncode == -15  # SIGTERM was enough


def test_the_cpu_time_of_a_gone_process_is_zero() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    assert cpu_seconds(proc.pid) == 0.0
