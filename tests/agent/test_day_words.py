"""Unit tier: the day words a caller uses, as the booking tools read them — a date said
with its month or its weekday, and a weekday named on that very day once the salon can
take nobody more today (« samedi » on Saturday evening means next Saturday)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from agent.day_words import day_asked, parse_day
from agent.tool_support import today_is_over
from salon.profile import SalonProfile, load_profile

WEDNESDAY = date(2026, 11, 25)
PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("jeudi 17", date(2026, 12, 17)),  # not the next Thursday (26 November)
        ("le jeudi 17 décembre", date(2026, 12, 17)),
        ("17 décembre", date(2026, 12, 17)),
        ("1er décembre", date(2026, 12, 1)),
        ("3 fevrier", date(2027, 2, 3)),
        ("20 novembre", date(2027, 11, 20)),  # past this year: next year's
        ("12 janvier 2027", date(2027, 1, 12)),
        ("ce samedi", date(2026, 11, 28)),
        ("pour samedi", date(2026, 11, 28)),
        ("le 31", date(2026, 12, 31)),  # no 31 November: the next 31st
    ],
)
def test_days_said_with_their_month_or_number(said: str, expected: date) -> None:
    assert parse_day(said, WEDNESDAY) == expected


def test_a_date_that_does_not_exist_gives_none() -> None:
    assert parse_day("31 février", WEDNESDAY) is None


SATURDAY_EVENING = datetime(2026, 12, 12, 19, 30, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("said", "over", "expected"),
    [
        ("samedi", True, date(2026, 12, 19)),
        ("Samedi après-midi", True, date(2026, 12, 19)),
        ("samedi", False, date(2026, 12, 12)),  # the salon still takes people today
        ("aujourd'hui", True, date(2026, 12, 12)),  # said as today: today, full or not
        ("2026-12-12", True, date(2026, 12, 12)),  # a date is that date
        ("samedi 12", True, date(2026, 12, 12)),
        ("samedi prochain", True, date(2026, 12, 19)),
        ("dimanche", True, date(2026, 12, 13)),
    ],
)
def test_a_weekday_named_on_that_day_is_next_week_once_today_is_over(
    said: str, over: bool, expected: date
) -> None:
    assert day_asked(said, SATURDAY_EVENING, today_is_over=over) == expected


def _open_day(profile: SalonProfile) -> date:
    from booking.hours import opening_hours

    day = date(2027, 3, 1)
    while not opening_hours(profile, day):
        day += timedelta(days=1)
    return day


def test_today_is_over_once_no_visit_can_start_before_closing() -> None:
    from booking.hours import opening_hours

    profile = load_profile()
    day = _open_day(profile)
    closing = max(hi for _, hi in opening_hours(profile, day))
    tz = profile.timezone
    at_closing = datetime.combine(day, closing, tzinfo=tz)
    hour = timedelta(hours=1)
    assert today_is_over(profile, at_closing - hour, hour)
    assert not today_is_over(profile, at_closing - 2 * hour, hour)
    assert not today_is_over(profile, at_closing - timedelta(minutes=30), timedelta(0))
    closed = day + timedelta(days=1)
    while opening_hours(profile, closed):
        closed += timedelta(days=1)
    morning = datetime.combine(closed, datetime.min.time(), tzinfo=tz).replace(hour=8)
    assert today_is_over(profile, morning, hour)
