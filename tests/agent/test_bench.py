"""Integration tier: `scripts/bench agent` runs end to end and prints one JSON object
(tiny sizes here; the real numbers come from running the benchmark itself)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent import bench


def test_the_benchmark_prints_every_measure_as_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--db", str(tmp_path / "no-index"), "--turns", "4", "--calls", "2"]
    assert bench.main([*argv, "--llm-ttft", "0.01", "--preflight", "0.02"]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["knowledge_base"] == "instant-fake"
    for design in ("llm_node", "hook"):
        assert result["overhead"][design]["turns"] == 4
        assert result["overhead"][design]["llm_requests_per_turn"] == 1.0
    assert result["realistic"]["hook_with_preemptive_on"]["llm_requests_per_turn"] >= 1.0
    assert result["concurrency"] == result["concurrency"] | {"calls": 2, "errors": 0, "booked": 2}
    assert result["rss_mb_after_prewarm"] is not None
