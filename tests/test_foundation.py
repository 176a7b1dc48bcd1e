"""Unit tier: the salon profile, the settings and French wording shared by every part."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import pytest

from salon import french, settings
from salon.profile import ProfileError, load_profile


def test_sample_profile_loads_with_rich_services() -> None:
    profile = load_profile()
    assert profile.name == "Maison Margaux Coiffure"
    assert len(profile.services) >= 40
    assert profile.timezone.key == "Europe/Paris"
    assert profile.sms_sender and len(profile.sms_sender) <= 11


def test_closures_and_special_hours_override_the_week() -> None:
    profile = load_profile()
    assert profile.hours_on(date(2026, 12, 25)) == ()  # closure
    assert profile.hours_on(date(2026, 12, 24)) == ((time(9), time(16)),)  # special hours
    assert profile.hours_on(date(2026, 12, 21)) == ((time(10), time(18)),)  # a Monday, opened
    assert profile.hours_on(date(2026, 12, 14)) == ()  # an ordinary Monday


def test_is_open_at_respects_the_salon_time_zone() -> None:
    profile = load_profile()
    tue_morning = datetime(2026, 12, 1, 9, 45, tzinfo=profile.timezone)
    assert profile.is_open_at(tue_morning)
    assert not profile.is_open_at(tue_morning.replace(hour=19, minute=30))


def test_invalid_profile_names_the_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "salon.toml"
    bad.write_text('[salon]\nname = "X"\naddress = "a"\nphone = "1"\ntimezone = "Mars/Olympus"\n')
    with pytest.raises(ProfileError) as zone:
        load_profile(bad)
    assert str(zone.value) == (
        f'{bad} : salon.timezone : fuseau horaire inconnu "Mars/Olympus" : écrivez par '
        'exemple "Europe/Paris"'
    )
    with pytest.raises(ProfileError) as missing:
        load_profile(tmp_path / "missing.toml")
    assert str(missing.value) == (
        f"{tmp_path / 'missing.toml'} : profil du salon introuvable ; créez ce fichier ou "
        "indiquez son chemin dans SALON_PROFILE"
    )
    bad.write_text("pas du toml [", encoding="utf-8")
    with pytest.raises(ProfileError) as unreadable:
        load_profile(bad)
    assert str(unreadable.value).startswith(
        f"{bad} : ligne 1, colonne 5 : il manque le signe = après le nom du champ"
    )


def test_missing_required_setting_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CAL_API_KEY", raising=False)
    with pytest.raises(settings.MissingSetting, match="CAL_API_KEY"):
        settings.require("CAL_API_KEY")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2026, 12, 1), "mardi 1er décembre"),
        (date(2026, 12, 3), "jeudi 3 décembre"),
    ],
)
def test_day_words(value: date, expected: str) -> None:
    assert french.day_words(value) == expected


@pytest.mark.parametrize(
    ("euros", "from_price", "expected"),
    [
        (54, False, "54 €"),
        (12.5, False, "12,50 €"),
        (79, True, "à partir de 79 €"),
        (0, False, "gratuit"),
    ],
)
def test_price_words(euros: float, from_price: bool, expected: str) -> None:
    assert french.price_words(euros, from_price=from_price) == expected


def test_time_and_duration_words() -> None:
    assert french.time_words(time(14, 30)) == "14h30"
    assert french.time_words(time(9, 0)) == "9h"
    assert french.duration_words(90) == "1 heure 30"
    assert french.duration_words(45) == "45 minutes"
    assert french.duration_words(150, short=True) == "2 h 30"
    assert french.duration_words(60, short=True) == "1 h"
    assert french.duration_words(45, short=True) == "45 min"


def test_opening_spans_are_written_or_said() -> None:
    spans = ((time(9, 30), time(12, 0)), (time(14, 0), time(19, 0)))
    assert french.spans_words(spans) == "de 9h30 à 12h et de 14h à 19h"
    assert french.spans_words(spans, spoken=True) == (
        "de 9 heures 30 à midi et de 14 heures à 19 heures"
    )
