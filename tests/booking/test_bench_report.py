"""Unit tier: what `scripts/bench booking` measures on and how it reads the silence report
(the benchmark itself is run on demand, never here)."""

from __future__ import annotations

import json
from pathlib import Path

from booking.bench import TARGET_SILENCE_MS, _silence, six_stylists
from salon.profile import load_profile
from tests.fixtures.isolation import FIXTURE_PROFILE


def _report(worst_ms: float, *, fast_lines: list[str], meets: bool) -> dict[str, object]:
    def turns(worst: float) -> dict[str, object]:
        summary = {"p50_ms": 1, "p95_ms": worst, "max_ms": worst}
        after_caller = {**summary, "max_ms": worst + 350}
        return {"silence_after_calendar_call_ms": summary, "silence_after_caller_ms": after_caller}

    return {
        "calendar_delay_s": 3.0,
        "before": turns(3400),
        "after": turns(worst_ms),
        "fast_calendar": {**turns(20), "lines": fast_lines},
        "meets_target": meets,
    }


def test_the_bench_salon_has_six_stylists_each_doing_something() -> None:
    profile = six_stylists(load_profile(FIXTURE_PROFILE))
    assert len(profile.stylists) == 6 and profile.chairs == 6
    assert all(m.services for m in profile.stylists)
    assert {"lucas", "emma"} <= {m.id for m in profile.stylists}


def test_the_silence_report_meets_the_target_only_under_a_second_and_silent_when_fast(
    tmp_path: Path,
) -> None:
    path = tmp_path / "silence.json"
    path.write_text(json.dumps(_report(820, fast_lines=[], meets=True)))
    good = _silence(path)
    assert good["meets_target"] is True
    assert (good["worst_silence_ms"], good["before_worst_silence_ms"]) == (820, 3400)
    assert good["worst_silence_after_caller_ms"] == 1170
    assert good["target_ms"] == TARGET_SILENCE_MS
    path.write_text(json.dumps(_report(1450, fast_lines=[], meets=False)))
    assert _silence(path)["meets_target"] is False
    path.write_text(json.dumps(_report(700, fast_lines=["Je regarde…"], meets=False)))
    slow_line = _silence(path)
    assert slow_line["meets_target"] is False and slow_line["lines_with_a_fast_calendar"] == 1


def test_an_unreadable_silence_report_is_said_so_not_a_crash(tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text("")
    assert "error" in _silence(empty)
    assert "error" in _silence(tmp_path / "missing.json")
