"""Opening hours of a given day: French public holidays on top of the salon profile.

The public holidays of metropolitan France are computed (fixed dates, plus Easter
Monday, Ascension Thursday and Whit Monday from the Gregorian Easter date): no network,
no data file. Order of precedence for a day: an exceptional closure, then special hours
(a salon may open on a holiday on purpose), then the holiday, then the weekly hours.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from salon.profile import Interval, SalonProfile


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=64)
def french_public_holidays(year: int) -> dict[date, str]:
    """The eleven public holidays of metropolitan France for `year`, with their names."""
    easter = easter_sunday(year)
    return {
        date(year, 1, 1): "jour de l'An",
        easter + timedelta(days=1): "lundi de Pâques",
        date(year, 5, 1): "fête du Travail",
        date(year, 5, 8): "Victoire 1945",
        easter + timedelta(days=39): "Ascension",
        easter + timedelta(days=50): "lundi de Pentecôte",
        date(year, 7, 14): "fête nationale",
        date(year, 8, 15): "Assomption",
        date(year, 11, 1): "Toussaint",
        date(year, 11, 11): "Armistice 1918",
        date(year, 12, 25): "Noël",
    }


def public_holiday(day: date) -> str | None:
    """The holiday's name when `day` is a French public holiday, else None."""
    return french_public_holidays(day.year).get(day)


def opening_hours(profile: SalonProfile, day: date) -> tuple[Interval, ...]:
    """The salon's opening intervals (local times) on `day`, holidays included."""
    if profile.closure_on(day):
        return ()
    for special in profile.special_hours:
        if special.day == day:
            return special.hours
    if profile.closed_on_public_holidays and public_holiday(day):
        return ()
    return profile.hours_on(day)
