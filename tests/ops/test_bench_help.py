"""Integration tier: `scripts/bench --help` is a question, not a mistake: the list of
benchmarks on stdout and exit 0; no benchmark or an unknown one is a usage error (exit 2)."""

from __future__ import annotations

import subprocess

import pytest

from tests.ops.conftest import ROOT

BENCH = str(ROOT / "scripts" / "bench")


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_lists_the_benchmarks_and_exits_0(flag: str) -> None:
    done = subprocess.run([BENCH, flag], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: scripts/bench kb|booking|agent|silence|webhook|")
    assert "  webhook " in done.stdout and done.stderr == ""


@pytest.mark.parametrize("argv", [[], ["nope"]])
def test_no_benchmark_or_an_unknown_one_is_a_usage_error(argv: list[str]) -> None:
    done = subprocess.run([BENCH, *argv], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith("usage: scripts/bench ") and done.stdout == ""
