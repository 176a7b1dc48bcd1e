"""Integration tier: the outbox benchmark's own accounting, on a small run."""

from __future__ import annotations

from notify.bench import main, run


def test_a_small_benchmark_run_loses_and_duplicates_nothing() -> None:
    result = run(messages=40, failure_rate=0.3, workers=2, validate=False)
    assert result["sent"] == 40 and result["received_by_stub"] == 40
    assert result["duplicates"] == 0 and result["lost"] == 0
    assert result["attempts"] == 40 + result["injected_failures"]
    assert result["injected_failures"] > 0


def test_the_benchmark_cli_prints_json_and_exits_0(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["--messages", "10", "--no-validate"]) == 0
    assert '"duplicates": 0' in capsys.readouterr().out
