"""Integration tier: `scripts/bench silence` runs end to end on the Cal.com stub and
prints one JSON object whose figures show the line breaking the silence (small sizes
here; the real numbers come from running the benchmark itself)."""

from __future__ import annotations

import json

import pytest

from agent import bench_silence


def test_the_silence_benchmark_shows_the_line_breaking_the_wait_on_a_slow_calendar_only(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["--calls", "1", "--calendar-delay", "1.5", "--llm-ttft", "0.01"]
    assert bench_silence.main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    before, after, fast = result["before"], result["after"], result["fast_calendar"]
    assert before["lines"] == [] and fast["lines"] == []
    assert after["lines"] == [
        "Je regarde les disponibilités…",
        "Un instant, j'enregistre votre rendez-vous…",
    ]
    waited = "silence_after_calendar_call_ms"
    assert before[waited]["p50_ms"] >= 1500  # the answer only: the whole wait in silence
    assert after[waited]["max_ms"] < before[waited]["p50_ms"] - 500
    assert after[waited]["n"] == before[waited]["n"] == 2
    assert result["meets_target"] is (after[waited]["max_ms"] <= 1000)


def test_a_bad_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        bench_silence.main(["--calls", "0"])
    assert stopped.value.code == 2
    assert "--calls" in capsys.readouterr().err
