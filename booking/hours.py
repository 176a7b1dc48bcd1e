"""Opening hours of a given day: public holidays on top of the salon profile.

Public holidays come from the `holidays` package (no network, no data file) for France,
with the salon's `holidays_subdivision` from `salon.toml` when it has one: Alsace-Moselle
(`"57"`, `"6AE"`) adds Good Friday and 26 December, overseas departments (`"971"`…)
their own days. Names are French. Order of precedence for a day: an exceptional closure,
then special hours (a salon may open on a holiday on purpose), then the holiday, then
the weekly hours.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

from salon.french import day_words, spoken_time, time_words
from salon.profile import WEEKDAYS, WEEKDAYS_FR, Interval, SalonProfile, TeamMember


@lru_cache(maxsize=64)
def public_holidays(year: int, subdivision: str | None = None) -> dict[date, str]:
    """The French public holidays of `year` (for `subdivision` when given), by date,
    with their French names ("Lundi de Pâques", "Vendredi saint"…)."""
    import holidays

    found = holidays.country_holidays("FR", subdiv=subdivision, years=year, language="fr")
    return {day: str(name) for day, name in sorted(found.items())}


def public_holiday(day: date, *, subdivision: str | None = None) -> str | None:
    """The holiday's name when `day` is a public holiday there, else None."""
    return public_holidays(day.year, subdivision).get(day)


def opening_hours(profile: SalonProfile, day: date) -> tuple[Interval, ...]:
    """The salon's opening intervals (local times) on `day`, holidays included."""
    if profile.closure_on(day):
        return ()
    for special in profile.special_hours:
        if special.day == day:
            return special.hours
    if profile.closed_on_public_holidays and public_holiday(
        day, subdivision=profile.holidays_subdivision
    ):
        return ()
    return profile.hours_on(day)


def stylist_hours(profile: SalonProfile, member: TeamMember, day: date) -> tuple[Interval, ...]:
    """When `member` can take appointments on `day`: the salon's opening hours (holidays
    included), within their own week, none while they are absent. Special hours on a day
    the salon usually opens (« veille de Noël, 9h-16h ») shorten it: each member keeps
    their own week within them, their day off stays off. On a day it usually keeps closed
    (« ouverture exceptionnelle le lundi ») nobody has an own week: the whole team follows
    the salon's hours."""
    salon = opening_hours(profile, day)
    if not salon or member.absence_on(day) is not None:
        return ()
    own = member.week_hours(day)
    exceptional = any(s.day == day for s in profile.special_hours) and not profile.hours.get(
        WEEKDAYS[day.weekday()]
    )
    if own is None or exceptional:
        return salon
    out = []
    for lo, hi in salon:
        for a, b in own:
            start, end = max(lo, a), min(hi, b)
            if start < end:
                out.append((start, end))
    return tuple(sorted(out))


def fits_hours(
    profile: SalonProfile, start: datetime, end: datetime, member: TeamMember | None = None
) -> bool:
    """Whether salon.toml lets `[start, end)` (aware) be booked: within one opening interval
    of its local day (`opening_hours`: closures, special hours, public holidays) or, for
    `member`, one of their working intervals (`stylist_hours`: their week and absences).
    Both calendars ask it: the embedded one builds its slots from these hours, and Cal.com's
    slots, which know nothing of salon.toml, are kept only where it holds."""
    tz = profile.timezone
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    if local_start.date() != local_end.date() and local_end.time() != time(0):
        return False
    day = local_start.date()
    spans = opening_hours(profile, day) if member is None else stylist_hours(profile, member, day)
    return any(local_start.time() >= lo and local_end.time() <= hi for lo, hi in spans)


def grid_words(profile: SalonProfile, start: datetime) -> str | None:
    """Why `start` (aware) is no start of the salon's: starts come every
    `slot_step_minutes` from the opening of their interval, as both calendars offer them
    (Cal.com refuses others; the embedded calendar would leave gaps nobody can book).
    Names the two nearest (« Les rendez-vous commencent toutes les 15 minutes : 10h ou
    10h15, pas 10h07. »); None when `start` is on the grid or outside the opening hours
    (said otherwise)."""
    local = start.astimezone(profile.timezone)
    step = max(1, profile.slot_step_minutes)
    at = local.time()
    opening = next((lo for lo, hi in opening_hours(profile, local.date()) if lo <= at < hi), None)
    if opening is None:
        return None
    offset = (local.hour - opening.hour) * 60 + local.minute - opening.minute
    if offset % step == 0 and local.second == 0 and local.microsecond == 0:
        return None
    before = local.replace(second=0, microsecond=0) - timedelta(minutes=offset % step)
    after = before + timedelta(minutes=step)
    return (
        f"Les rendez-vous commencent toutes les {step} minutes : {time_words(before)} ou "
        f"{time_words(after)}, pas {time_words(local)}."
    )


def off_words(profile: SalonProfile, member: TeamMember, day: date) -> str | None:
    """Why `member` takes no appointment on `day` (the salon being open), else None."""
    if not opening_hours(profile, day) or stylist_hours(profile, member, day):
        return None
    absence = member.absence_on(day)
    if absence is not None:
        back = absence.end + timedelta(days=1)
        for _ in range(62):  # the first day they work again, not a Sunday or their day off
            if stylist_hours(profile, member, back):
                break
            back += timedelta(days=1)
        else:
            back = absence.end + timedelta(days=1)
        reason = f" ({absence.reason})" if absence.reason else ""
        if absence.start == absence.end:
            return f"{member.first_name} n'est pas au salon le {day_words(day)}{reason}"
        return (
            f"{member.first_name} n'est pas au salon du {day_words(absence.start)} au "
            f"{day_words(absence.end)}{reason} ; retour le {day_words(back)}"
        )
    return f"{member.first_name} ne travaille pas le {WEEKDAYS_FR[day.weekday()]}"


def closed_reason(profile: SalonProfile, day: date) -> str | None:
    """Why the salon is closed on `day`, in a few words for parentheses: its closure's or
    special day's reason ("" when it gives none), « Noël, jour férié », or the weekday it
    always closes on (« dimanche »); None when it opens that day."""
    why = _closed(profile, day)
    return None if why is None else why[0]


def closed_words(profile: SalonProfile, day: date) -> str | None:
    """Why the salon is closed on `day` (« Le salon est fermé ce jour-là (fêtes de
    Noël). », « … (Noël, jour férié). », « Le salon est fermé le lundi. »), None when
    it opens. The order is `opening_hours`'s; the console, the agent and `python -m booking slots`
    say it."""
    why = _closed(profile, day)
    if why is None:
        return None
    reason, weekly = why
    if weekly:
        return f"Le salon est fermé le {reason}."
    return (
        f"Le salon est fermé ce jour-là ({reason})." if reason else "Le salon est fermé ce jour-là."
    )


def _closed(profile: SalonProfile, day: date) -> tuple[str, bool] | None:
    """(reason, whether it is the weekly day off), in `opening_hours`'s order; None when
    the salon opens on `day`."""
    if opening_hours(profile, day):
        return None
    closure = profile.closure_on(day)
    special = next((s for s in profile.special_hours if s.day == day), None)
    holiday = public_holiday(day, subdivision=profile.holidays_subdivision)
    if closure is not None:
        return closure.reason, False
    if special is not None:
        return special.reason, False
    if holiday and profile.closed_on_public_holidays:
        return f"{holiday}, jour férié", False
    return WEEKDAYS_FR[day.weekday()], True


REOPEN_HORIZON_DAYS = 62


def local_time(profile: SalonProfile, moment: datetime) -> datetime:
    """`moment` in the salon's zone; a naive datetime is taken as salon-local time."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=profile.timezone)
    return moment.astimezone(profile.timezone)


def is_open(profile: SalonProfile, moment: datetime) -> bool:
    """Open at `moment`, with closures, special hours and public holidays applied."""
    local = local_time(profile, moment)
    return any(a <= local.time() < b for a, b in opening_hours(profile, local.date()))


def next_opening(profile: SalonProfile, moment: datetime) -> datetime | None:
    """The next time the salon opens after `moment` (local time), or None within ~2 months."""
    local = local_time(profile, moment)
    for offset in range(REOPEN_HORIZON_DAYS):
        day = local.date() + timedelta(days=offset)
        for start, _end in opening_hours(profile, day):
            candidate = datetime.combine(day, start, tzinfo=profile.timezone)
            if candidate > local:
                return candidate
    return None


def reopening_words(profile: SalonProfile, moment: datetime) -> str | None:
    """ "Nous rouvrons mardi à 9 heures 30." (today, tomorrow, a weekday, or a date)."""
    opening = next_opening(profile, moment)
    if opening is None:
        return None
    today = local_time(profile, moment).date()
    days = (opening.date() - today).days
    at = f"à {spoken_time(opening)}"
    if days == 0:
        when = f"aujourd'hui {at}"
    elif days == 1:
        when = f"demain {at}"
    elif days < 7:
        when = f"{WEEKDAYS_FR[opening.weekday()]} {at}"
    else:
        when = f"le {day_words(opening.date())} {at}"
    return f"Nous rouvrons {when}."
