"""Unit tier: service matching on the real salon profile, holidays closing the salon, slot
spreading, name and phone checks, error messages, and the calendar factory."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from booking import open_calendar
from booking.base import names_match, spread
from booking.calcom import CalComCalendar
from booking.calendar import (
    CalendarError,
    CalendarUnavailable,
    NotAllowed,
    SlotTaken,
    VerificationFailed,
    VerificationRequired,
    Window,
)
from booking.hours import opening_hours
from booking.local import LocalCalendar
from booking.services import match_service
from salon.profile import load_profile
from tests.booking.conftest import make_profile
from tests.fixtures.isolation import FIXTURE_PROFILE

SALON = load_profile(FIXTURE_PROFILE)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("une couleur avec un brushing", "forfait-couleur-coupe"),
        ("coupe pour mon fils", "coupe-enfant-moins-10"),
        ("je voudrais une coupe homme s'il vous plaît", "coupe-homme"),
        ("un dégradé", "coupe-homme-degrade"),
        ("balaillage cheveux longs", "balayage-longs"),  # speech-recognition slip
        ("BALAYAGE LONG", "balayage-longs"),
        ("lisage brésilien", "lissage-bresilien"),
        ("colleur racine", "couleur-racines"),
        ("taille de barbe", "taille-barbe"),
    ],
)
def test_what_a_caller_says_matches_one_service(said: str, expected: str) -> None:
    match = match_service(said, SALON.services)
    assert match.service is not None and match.service.id == expected, match


def test_balayage_alone_asks_which_one_in_french() -> None:
    match = match_service("balayage", SALON.services)
    assert match.service is None
    assert [c.id for c in match.candidates] == ["balayage-courts", "balayage-longs"]
    assert match.question and "Balayage, cheveux longs" in match.question


def test_a_vague_request_asks_at_most_three_choices() -> None:
    match = match_service("une coupe", SALON.services)
    assert match.service is None and 1 < len(match.candidates) <= 3
    assert match.question and match.question.endswith("?")


def test_something_the_salon_does_not_do_matches_nothing_and_asks_again() -> None:
    match = match_service("une vidange moteur", SALON.services)
    assert match.service is None and match.candidates == ()
    assert match.question and "prestation" in match.question


def test_holidays_close_the_salon_unless_special_hours_say_otherwise() -> None:
    assert opening_hours(SALON, date(2026, 5, 14)) == ()  # Ascension, a Thursday
    assert SALON.hours_on(date(2026, 5, 14))  # … open in the weekly hours
    assert opening_hours(SALON, date(2026, 12, 24))  # special hours on Christmas Eve
    assert opening_hours(SALON, date(2026, 12, 25)) == ()


def test_spread_picks_one_slot_per_day_or_spreads_over_one_day() -> None:
    base = datetime(2030, 1, 2, 9)
    starts = [base + timedelta(days=d, minutes=15 * i) for d in range(4) for i in range(20)]
    per_day = spread(starts, limit=3, one_day=False, earliest=False)
    assert [s.date() for s in per_day] == [base.date() + timedelta(days=d) for d in range(3)]
    one_day = spread(starts[:20], limit=3, one_day=True, earliest=False)
    assert one_day[0] == base and one_day[-1] == starts[19] and len(one_day) == 3
    earliest = spread(starts, limit=3, one_day=False, earliest=True)
    assert earliest == [base, base + timedelta(hours=1), base + timedelta(hours=2)]
    assert spread([], limit=3, one_day=False, earliest=False) == []


def test_window_words_are_understood() -> None:
    assert Window.parse("plutôt le matin") is Window.MATIN
    assert Window.parse("en début d'après-midi") is Window.APRES_MIDI
    assert Window.parse("apres midi") is Window.APRES_MIDI
    assert Window.parse("en fin de journée") is Window.SOIR
    assert Window.parse("n'importe quand") is None


def test_the_afternoon_starts_after_lunch_not_at_noon() -> None:
    start, end = Window.APRES_MIDI.bounds
    assert start == time(13) and end == time(17)
    assert Window.MATIN.bounds[1] == time(12)


@pytest.mark.parametrize(
    ("said", "registered", "same"),
    [
        ("Dupont", "Alice Dupont", True),
        ("alice dupont", "Alice Dupont", True),
        ("Hélène Lefèvre", "Helene Lefevre", True),
        ("Dupond", "Alice Dupont", True),  # sounds alike: an ASR slip
        ("Durand", "Alice Dupont", False),
        ("Al", "Alice Dupont", False),
        ("Alice Martin", "Alice Dupont", False),
        ("", "Alice Dupont", False),
    ],
)
def test_names_match_tolerates_accents_and_slips_but_not_other_names(
    said: str, registered: str, same: bool
) -> None:
    assert names_match(said, registered) is same


def test_every_error_has_a_short_french_message_safe_for_a_caller() -> None:
    errors: list[CalendarError] = [
        SlotTaken(),
        CalendarUnavailable(retryable=True),
        CalendarUnavailable(retryable=False),
        NotAllowed(),
        VerificationRequired(),
        VerificationFailed(attempts_left=1),
        VerificationFailed(attempts_left=0),
    ]
    for error in errors:
        assert 20 < len(error.caller_message) < 200
        assert not any(ch.isdigit() for ch in error.caller_message)
    assert isinstance(VerificationRequired(), NotAllowed)


def test_the_factory_picks_the_local_calendar_without_a_key_and_logs_it_once_at_info(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("CAL_API_KEY", raising=False)
    monkeypatch.setenv("CAL_API_KEY", "")
    with caplog.at_level(logging.INFO, logger="booking"):
        calendar = open_calendar(make_profile(), db=tmp_path / "s.db")
    assert isinstance(calendar, LocalCalendar)
    said = [
        r.levelno
        for r in caplog.records
        if r.message == "CAL_API_KEY is not set: using the embedded SQLite calendar"
    ]
    # INFO, not WARNING: logging's last-resort handler would print a WARNING in English
    # on the owner's terminal (`python -m booking` says it in French itself)
    assert said == [logging.INFO]
    calendar.close_db()


async def test_the_factory_picks_cal_com_with_a_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CAL_API_KEY", "cal_test_x")
    monkeypatch.setenv("CAL_API_URL", "http://127.0.0.1:9/v2")
    calendar = open_calendar(make_profile(), db=tmp_path / "s.db")
    assert isinstance(calendar, CalComCalendar)
    assert calendar.base_url == "http://127.0.0.1:9/v2"
    await calendar.aclose()
    calendar.close_db()
