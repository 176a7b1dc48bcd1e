"""Unit tier: number settings fall back to their default and name the variable when bad."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from salon.settings import get_float, get_int

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("getter", "raw", "message"),
    [(get_int, "3.5", "must be an integer"), (get_float, "vite", "must be a number")],
)
def test_a_bad_number_setting_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, getter: Callable[[str, int], float], raw: str, message: str
) -> None:
    monkeypatch.setenv("BENCH_TEST_SETTING", raw)
    with pytest.raises(ValueError, match=f"setting BENCH_TEST_SETTING {message}, got '{raw}'"):
        getter("BENCH_TEST_SETTING", 1)


def test_number_settings_fall_back_to_their_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BENCH_TEST_SETTING", raising=False)
    assert get_int("BENCH_TEST_SETTING", 4) == 4
    monkeypatch.setenv("BENCH_TEST_SETTING", " 2.5 ")
    assert get_float("BENCH_TEST_SETTING", 1.0) == 2.5
