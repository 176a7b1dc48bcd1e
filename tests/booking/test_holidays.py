"""Unit tier: public holidays from the `holidays` package, per the salon's subdivision.

Metropolitan France has eleven; Alsace-Moselle adds Good Friday and 26 December; the
overseas departments add their own. The subdivision comes from `salon.toml`
(`holidays_subdivision`), validated with an error that names the field.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

import pytest

from booking.hours import opening_hours, public_holiday, public_holidays
from salon.profile import ProfileError, SpecialHours
from tests.booking.conftest import make_profile

GOOD_FRIDAY_2026 = date(2026, 4, 3)
SAINT_STEPHEN_2026 = date(2026, 12, 26)


def test_metropolitan_france_has_eleven_public_holidays_with_french_names() -> None:
    days = public_holidays(2026)
    assert len(days) == 11
    assert days[date(2026, 4, 6)] == "Lundi de Pâques"
    assert days[date(2026, 5, 14)] == "Ascension"
    assert days[date(2026, 5, 25)] == "Lundi de Pentecôte"
    assert days[date(2026, 7, 14)] == "Fête nationale"
    assert date(2026, 11, 11) in days and date(2026, 12, 25) in days
    assert GOOD_FRIDAY_2026 not in days and SAINT_STEPHEN_2026 not in days


def test_easter_moves_the_movable_holidays_each_year() -> None:
    assert public_holiday(date(2027, 3, 29)) == "Lundi de Pâques"  # Easter 2027: 28 March
    assert public_holiday(date(2025, 4, 21)) == "Lundi de Pâques"  # Easter 2025: 20 April
    assert public_holiday(date(2026, 3, 30)) is None


@pytest.mark.parametrize("written", ["57", "Moselle", "moselle", "6AE", "Alsace", "67", 57])
def test_alsace_moselle_adds_good_friday_and_the_26th_of_december(written: object) -> None:
    profile = make_profile(holidays_subdivision=written)
    assert profile.holidays_subdivision in ("57", "6AE")
    days = public_holidays(2026, profile.holidays_subdivision)
    assert days[GOOD_FRIDAY_2026] == "Vendredi saint"
    assert days[SAINT_STEPHEN_2026] == "Saint-Étienne"
    assert len(days) == 13


def test_an_overseas_department_has_its_own_holidays() -> None:
    profile = make_profile(holidays_subdivision="Guadeloupe")
    assert profile.holidays_subdivision == "971"
    names = set(public_holidays(2026, "971").values())
    assert "Abolition de l'esclavage" in names
    assert "Abolition de l'esclavage" not in set(public_holidays(2026).values())


def test_a_salon_in_moselle_is_closed_on_good_friday_and_a_lyon_salon_is_not() -> None:
    lyon, metz = make_profile(), make_profile(holidays_subdivision="57")
    assert GOOD_FRIDAY_2026.weekday() == 4  # a Friday: open in the weekly hours
    assert opening_hours(lyon, GOOD_FRIDAY_2026) == ((time(9), time(19)),)
    assert opening_hours(metz, GOOD_FRIDAY_2026) == ()
    assert opening_hours(metz, SAINT_STEPHEN_2026) == ()  # a Saturday, open otherwise
    assert opening_hours(lyon, SAINT_STEPHEN_2026) == ((time(9), time(18)),)


def test_special_hours_open_the_salon_on_a_holiday_on_purpose() -> None:
    metz = make_profile(holidays_subdivision="57")
    opened = replace(
        metz, special_hours=(SpecialHours(day=GOOD_FRIDAY_2026, hours=((time(10), time(16)),)),)
    )
    assert opening_hours(opened, GOOD_FRIDAY_2026) == ((time(10), time(16)),)


def test_a_salon_open_on_public_holidays_ignores_them() -> None:
    profile = make_profile(holidays_subdivision="57", closed_on_public_holidays=False)
    assert opening_hours(profile, GOOD_FRIDAY_2026) == ((time(9), time(19)),)


@pytest.mark.parametrize("written", ["99", "Bretagne", "Zone A", "975", True])
def test_an_unknown_subdivision_is_refused_with_the_field_and_the_choices(
    written: object,
) -> None:
    with pytest.raises(ProfileError) as caught:
        make_profile(holidays_subdivision=written)
    message = str(caught.value)
    assert "salon.holidays_subdivision" in message and "test-salon.toml" in message
    assert "57" in message and "971" in message  # the valid choices are listed


def test_no_subdivision_means_metropolitan_france() -> None:
    assert make_profile().holidays_subdivision is None
    assert make_profile(holidays_subdivision="").holidays_subdivision is None


def test_a_shortened_day_keeps_each_stylists_own_week_and_an_exceptional_one_opens_to_all() -> None:
    """The fixture's 24 December (a Thursday, « veille de Noël » 9h-16h) shortens a day the
    salon opens anyway: Chloé is off on Thursdays and stays off, Yanis starts at 11h as every
    Thursday. Its 21 December (a Monday, usually closed) opens exceptionally 10h-18h: nobody
    has a Monday of their own, so the whole team follows the salon's hours."""
    from booking.hours import stylist_hours
    from salon.profile import load_profile
    from tests.fixtures.isolation import FIXTURE_SALON

    profile = load_profile(FIXTURE_SALON / "salon.toml")
    chloe, yanis = profile.stylist("chloe"), profile.stylist("yanis")
    eve, monday = date(2026, 12, 24), date(2026, 12, 21)
    assert opening_hours(profile, eve) == ((time(9), time(16)),)
    assert stylist_hours(profile, chloe, eve) == ()
    assert stylist_hours(profile, yanis, eve) == ((time(11), time(16)),)
    assert stylist_hours(profile, chloe, monday) == ((time(10), time(18)),)
    assert stylist_hours(profile, yanis, monday) == ((time(10), time(18)),)
