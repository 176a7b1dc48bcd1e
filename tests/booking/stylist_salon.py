"""A test salon with a team: three stylists who do different services on different weeks,
one of them on holiday, and a receptionist who takes no appointment.

Used by `tests/booking/test_stylist_behaviour.py` (both calendars). Chloé's holiday is
placed relative to today (days 10 to 13 from now), inside the two-week search horizon.

| stylist | services                          | week (within the salon's)            |
|---------|-----------------------------------|--------------------------------------|
| chloe   | Femme, Couleur, coupe-enfant      | off Thursdays; Wednesdays 10h-16h    |
| yanis   | Homme, Enfants                    | off Wednesdays; Thursdays from 11h   |
| ines    | Femme, Couleur, Enfants           | off Tuesdays                         |

Nobody does « lissage-bresilien »; nobody does « coupe-homme » and « couleur » in one visit.
"""

from __future__ import annotations

import tomllib
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from booking.hours import opening_hours, stylist_hours
from salon.profile import SalonProfile, parse_profile

STYLIST_SALON = """
[salon]
id = "test-salon-equipe"
name = "Salon Test Équipe"
short_name = "Salon Équipe"
address = "2 rue de la Paix, 69002 Lyon"
phone = "+33478000001"
timezone = "Europe/Paris"
chairs = 3
slot_step_minutes = 15
closed_on_public_holidays = true

[hours]
monday = []
tuesday = [["09:00", "12:00"], ["14:00", "19:00"]]
wednesday = [["09:00", "19:00"]]
thursday = [["09:00", "20:00"]]
friday = [["09:00", "19:00"]]
saturday = [["09:00", "18:00"]]
sunday = []

[[services]]
id = "coupe-femme"
name = "Coupe femme"
category = "Femme"
duration = 45
price = 38
aliases = ["coupe femme"]
cal_event_type_id = 301
cal_event_type_slug = "coupe-femme"

[[services]]
id = "brushing"
name = "Brushing"
category = "Femme"
duration = 30
price = 25
aliases = ["brushing"]
cal_event_type_id = 302
cal_event_type_slug = "brushing"

[[services]]
id = "couleur"
name = "Couleur"
category = "Couleur"
duration = 90
price = 60
price_from = true
aliases = ["couleur", "coloration"]
cal_event_type_id = 303
cal_event_type_slug = "couleur"

[[services]]
id = "coupe-homme"
name = "Coupe homme"
category = "Homme"
duration = 30
price = 28
aliases = ["coupe homme"]
cal_event_type_id = 304
cal_event_type_slug = "coupe-homme"

[[services]]
id = "coupe-enfant"
name = "Coupe enfant"
category = "Enfants"
duration = 20
price = 16
aliases = ["coupe enfant"]
cal_event_type_id = 305
cal_event_type_slug = "coupe-enfant"

[[services]]
id = "lissage-bresilien"
name = "Lissage brésilien"
category = "Soins"
duration = 180
price = 150
aliases = ["lissage"]
cal_event_type_id = 306
cal_event_type_slug = "lissage-bresilien"

[[team]]
id = "chloe"
name = "Chloé Martin"
role = "coiffeuse coloriste"
services = ["Femme", "Couleur", "coupe-enfant"]
cal_username = "chloe-martin"
[team.hours]
tuesday = [["09:00", "19:00"]]
wednesday = [["10:00", "16:00"]]
friday = [["09:00", "19:00"]]
saturday = [["09:00", "18:00"]]
[[team.absences]]
start = "{absence_start}"
end = "{absence_end}"
reason = "congés"

[[team]]
id = "yanis"
name = "Yanis Benali"
role = "coiffeur barbier"
services = ["Homme", "Enfants"]
cal_username = "yanis-benali"
[team.hours]
tuesday = [["09:00", "19:00"]]
thursday = [["11:00", "20:00"]]
friday = [["09:00", "19:00"]]
saturday = [["09:00", "18:00"]]

[[team]]
id = "ines"
name = "Inès Roux"
role = "coiffeuse"
services = ["Femme", "Couleur", "Enfants"]
cal_username = "ines-roux"
[team.hours]
wednesday = [["09:00", "19:00"]]
thursday = [["09:00", "20:00"]]
friday = [["09:00", "19:00"]]
saturday = [["09:00", "18:00"]]

[[team]]
id = "sophie"
name = "Sophie Laurent"
role = "accueil"
books = false
"""

ABSENCE_FROM_DAYS, ABSENCE_TO_DAYS = 10, 13  # Chloé's holiday, in days from today


def today(profile: SalonProfile) -> date:
    return datetime.now(profile.timezone).date()


def make_stylist_profile(**overrides: object) -> SalonProfile:
    """The team salon; `overrides` replace keys of its `[salon]` table (e.g. chairs=2)."""
    now = datetime.now(ZoneInfo("Europe/Paris")).date()
    first = now + timedelta(days=ABSENCE_FROM_DAYS)
    last = now + timedelta(days=ABSENCE_TO_DAYS)
    text = STYLIST_SALON.replace("{absence_start}", first.isoformat()).replace(
        "{absence_end}", last.isoformat()
    )
    data = tomllib.loads(text)
    data["salon"].update(overrides)
    return parse_profile(data, Path("test-salon-equipe.toml"))


def absence(profile: SalonProfile) -> tuple[date, date]:
    """Chloé's holiday (inclusive)."""
    (closure,) = profile.stylist("chloe").absences
    return closure.start, closure.end


def work_day(
    profile: SalonProfile, stylist_id: str, *, weekday: int | None = None, after_days: int = 2
) -> date:
    """The first day at least `after_days` ahead, before Chloé's holiday when possible,
    on which `stylist_id` works (and, if given, of that weekday)."""
    member = profile.stylist(stylist_id)
    day = today(profile) + timedelta(days=after_days)
    for _ in range(120):
        if stylist_hours(profile, member, day) and weekday in (None, day.weekday()):
            return day
        day += timedelta(days=1)
    raise AssertionError(f"{stylist_id} never works on weekday {weekday}")


def day_off(profile: SalonProfile, stylist_id: str, *, after_days: int = 2) -> date:
    """The first day at least `after_days` ahead on which the salon is open but
    `stylist_id` does not work (and is not on holiday: their own week says so)."""
    member = profile.stylist(stylist_id)
    day = today(profile) + timedelta(days=after_days)
    for _ in range(120):
        if (
            opening_hours(profile, day)
            and member.absence_on(day) is None
            and not stylist_hours(profile, member, day)
        ):
            return day
        day += timedelta(days=1)
    raise AssertionError(f"{stylist_id} has no day off")
