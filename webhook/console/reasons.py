"""Why the owner cannot book (or move a booking) on a day or at a time, in French, from
salon.toml alone: a past day, the salon closed (`booking.hours.closed_words`: « Le salon
est fermé ce jour-là (fêtes de Noël). »), a stylist's day off or absence
(`booking.hours.off_words`, the agent's own words), a start before opening or a visit ending after closing. The console says it
instead of « Aucun horaire libre » or « Ce créneau n'est plus libre », which only the
bookings already taken should explain.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from booking.hours import closed_words, grid_words, off_words, opening_hours, stylist_hours
from salon.french import spans_words, time_words
from salon.profile import SalonProfile, TeamMember


def day_problem(
    profile: SalonProfile,
    day: date,
    *,
    today: date,
    members: Sequence[TeamMember] = (),
) -> str | None:
    """Why nothing can be booked on `day`: past, the salon closed, or each of `members`
    (the stylist asked for, or everyone who does the visit) off that day; else None."""
    if day < today:
        return "Ce jour est passé."
    closed = closed_words(profile, day)
    if closed is not None:
        return closed
    off = [off_words(profile, m, day) for m in members]
    if members and all(off):
        return " ; ".join(str(words) for words in off) + "."
    return None


def start_problem(
    profile: SalonProfile,
    start: datetime,
    *,
    minutes: int,
    now: datetime,
    member: TeamMember | None = None,
) -> str | None:
    """Why a visit of `minutes` cannot start at `start` (aware), whatever is booked:
    past, closed that day, `member` off, outside the opening hours (or `member`'s), or
    off the salon's grid of starts (`slot_step_minutes`); else None."""
    tz = profile.timezone
    local = start.astimezone(tz)
    day, at = local.date(), local.time()
    found = day_problem(profile, day, today=now.astimezone(tz).date(),
                        members=(member,) if member else ())  # fmt: skip
    if found is not None:
        return found
    if start <= now:
        return f"Cet horaire est passé (il est {time_words(now.astimezone(tz))})."
    salon = opening_hours(profile, day)
    spans = salon if member is None else stylist_hours(profile, member, day)
    end = (local + timedelta(minutes=minutes)).time()
    for lo, hi in spans:
        if lo <= at < hi:
            if end > hi or end < at:  # `end < at`: past midnight
                who = "le salon ferme" if member is None else f"{member.first_name} finit"
                return f"Le rendez-vous finirait à {time_words(end)} : {who} à {time_words(hi)}."
            return grid_words(profile, local)
    if member is not None and any(lo <= at < hi for lo, hi in salon):
        return (
            f"{member.first_name} travaille {spans_words(spans)} ce jour-là, pas à "
            f"{time_words(at)}."
        )
    if at < salon[0][0]:
        return f"{time_words(at)} est avant l'ouverture ({time_words(salon[0][0])})."
    if at >= salon[-1][1]:
        return f"{time_words(at)} est après la fermeture ({time_words(salon[-1][1])})."
    return f"À {time_words(at)}, le salon est fermé : il est ouvert {spans_words(salon)}."
