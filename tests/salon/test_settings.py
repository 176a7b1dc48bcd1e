"""Unit tier: number settings fall back to their default and name the variable when bad;
a missing required setting is named in French (the owner reads these messages)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from salon.settings import (
    MissingSetting,
    SettingOutOfRange,
    get_bool,
    get_float,
    get_int,
    require,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("getter", "raw", "message"),
    [(get_int, "3.5", "doit être un nombre entier"), (get_float, "vite", "doit être un nombre")],
)
def test_a_bad_number_setting_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, getter: Callable[[str, int], float], raw: str, message: str
) -> None:
    monkeypatch.setenv("BENCH_TEST_SETTING", raw)
    with pytest.raises(ValueError, match=f"^le réglage BENCH_TEST_SETTING {message}, pas '{raw}'$"):
        getter("BENCH_TEST_SETTING", 1)


def test_number_settings_fall_back_to_their_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BENCH_TEST_SETTING", raising=False)
    assert get_int("BENCH_TEST_SETTING", 4) == 4
    monkeypatch.setenv("BENCH_TEST_SETTING", " 2.5 ")
    assert get_float("BENCH_TEST_SETTING", 1.0) == 2.5


def test_a_bad_yes_no_setting_names_the_variable_in_french(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BENCH_TEST_SETTING", "peut-être")
    with pytest.raises(ValueError) as bad:
        get_bool("BENCH_TEST_SETTING", True)
    assert (
        str(bad.value) == "le réglage BENCH_TEST_SETTING doit être true ou false, pas 'peut-être'"
    )


def test_a_missing_setting_is_named_in_french_with_its_purpose_and_where_to_set_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("BENCH_TEST_SETTING", raising=False)
    with pytest.raises(MissingSetting) as missing:
        require("BENCH_TEST_SETTING", "la clé de l'API Cal.com")
    assert missing.value.name == "BENCH_TEST_SETTING"
    assert str(missing.value) == (
        "réglage manquant : BENCH_TEST_SETTING (la clé de l'API Cal.com) ; ajoutez-le dans "
        ".env ou dans l'environnement (tous les réglages sont décrits dans .env.example)"
    )
    assert str(MissingSetting("BENCH_TEST_SETTING")).startswith(
        "réglage manquant : BENCH_TEST_SETTING ; ajoutez-le"
    )


def test_a_number_out_of_range_is_quoted_as_the_owner_wrote_it_or_as_the_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    refused = SettingOutOfRange("BENCH_TEST_SETTING", "un nombre entre 1 et 9", 0.0)
    assert str(refused) == "le réglage BENCH_TEST_SETTING doit être un nombre entre 1 et 9, pas '0'"
    monkeypatch.setenv("BENCH_TEST_SETTING", " 0.00 ")
    assert str(refused.typed()) == (
        "le réglage BENCH_TEST_SETTING doit être un nombre entre 1 et 9, pas '0.00'"
    )
    monkeypatch.delenv("BENCH_TEST_SETTING")
    assert str(refused.typed()) == (
        "le réglage BENCH_TEST_SETTING doit être un nombre entre 1 et 9, "
        "pas 0 (sa valeur par défaut)"
    )
    assert isinstance(refused.typed(), ValueError)
