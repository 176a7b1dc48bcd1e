"""Unit tests of what a caller hears in the fallback."""

from __future__ import annotations

import dataclasses
from datetime import time

import pytest

from salon.french import spoken_time
from salon.profile import load_profile
from tests.webhook.conftest import PROFILE
from webhook.fallback import fallback_twiml, hours_sentence

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("hour", "minute", "words"),
    [
        (9, 0, "9 heures"),
        (9, 30, "9 heures 30"),
        (12, 0, "midi"),
        (12, 15, "midi 15"),
        (1, 5, "1 heure 5"),
        (12, 30, "midi 30"),
        (0, 0, "minuit"),
    ],
)
def test_times_are_written_to_be_read_aloud(hour: int, minute: int, words: str) -> None:
    assert spoken_time(time(hour, minute)) == words


def test_consecutive_days_with_the_same_hours_are_grouped() -> None:
    profile = load_profile(PROFILE)
    day = ((time(9, 0), time(12, 0)), (time(14, 0), time(19, 0)))
    hours = {**profile.hours, "tuesday": day, "wednesday": day, "thursday": day, "friday": day}
    sentence = hours_sentence(dataclasses.replace(profile, hours=hours))
    assert sentence.startswith(
        "Le salon est ouvert du mardi au vendredi de 9 heures à midi et de 14 heures à 19 heures"
    )
    assert sentence.endswith("et le samedi de 9 heures à 18 heures.")


def test_a_salon_closed_all_week_says_no_hours() -> None:
    profile = load_profile(PROFILE)
    closed = dataclasses.replace(
        profile, hours={day: () for day in profile.hours}, special_hours=(), transfer_number=None
    )
    assert hours_sentence(closed) == ""
    body = fallback_twiml(closed)
    assert "ouvert" not in body and "<Dial" not in body
    assert "Le salon est fermé pour le moment. Merci de rappeler un peu plus tard." in body
