"""Measuring: percentiles of timings, a process's CPU time and memory, the local
processes a benchmark starts.

One definition of a percentile (nearest rank) serves the owner's call-latency report,
the retrieval evaluation and every benchmark, so that their p95 figures mean the same
thing. The process figures read Linux's `/proc`, as the salon's machine does.
"""

from __future__ import annotations

import math
import os
import socket
import statistics
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def percentile(values: Iterable[float], q: float) -> float:
    """The nearest-rank `q` quantile (`q` in 0..1) of `values`: the smallest value with at
    least a fraction `q` of them at or below it; 0.0 for no values."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = math.ceil(round(len(ordered) * q, 9))  # round: 100 * 0.07 is 7.000000000000001
    return ordered[min(len(ordered), max(1, rank)) - 1]


def latency_summary(samples_ms: Iterable[float], *, digits: int) -> dict[str, float]:
    """`p50_ms` (the median), `p95_ms`, `max_ms` rounded to `digits`, and the count `n`,
    of non-empty millisecond timings."""
    ordered = sorted(samples_ms)
    return {
        "p50_ms": round(statistics.median(ordered), digits),
        "p95_ms": round(percentile(ordered, 0.95), digits),
        "max_ms": round(ordered[-1], digits),
        "n": len(ordered),
    }


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux `/proc`); 0.0 where unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """A memory figure of a process from `/proc/<pid>/status` (`VmRSS`, the peak
    `VmHWM`…), in MB rounded to 0.1."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError(f"no {field} for process {pid}")


def free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop_process(proc: subprocess.Popen[Any], *, timeout: float = 10) -> None:
    """Terminate `proc`; kill it when it has not exited within `timeout` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout)
