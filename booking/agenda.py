"""The appointment book for the owner: the bookings of a few days, from either calendar.

`python -m booking list` prints it (see `booking.__main__`). Both back-ends answer
`bookings_between(start, end)`: the embedded calendar from its table, Cal.com with
`GET /v2/bookings`. Times are the salon's; phone numbers are masked (`+336******78`); a
visit shows all its services and its stylist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from booking.calendar import Booking
from salon.french import day_words, time_words
from salon.phone import mask
from salon.profile import SalonProfile, TeamMember

DEFAULT_DAYS_AHEAD = 7  # today and the next seven days
MISSING = "—"


class AppointmentBook(Protocol):
    profile: SalonProfile

    async def bookings_between(self, start: datetime, end: datetime) -> list[Booking]:
        """Active bookings starting in `[start, end)`, by start time."""
        ...


@dataclass(frozen=True)
class Period:
    """Local days `first` to `last`, both included."""

    first: date
    last: date

    @classmethod
    def around(
        cls, *, today: date, day: date | None = None, first: date | None = None,
        last: date | None = None,
    ) -> Period:  # fmt: skip
        """`day` alone; or `first`..`last` (a missing end is a week after the start, a
        missing start is today); by default today and the next seven days. Raises `ValueError`
        when the end comes before the start or `day` is mixed with a range."""
        if day is not None:
            if first is not None or last is not None:
                raise ValueError("--day ne va pas avec --from ni --to")
            return cls(day, day)
        first = first or today
        last = last or first + timedelta(days=DEFAULT_DAYS_AHEAD)
        if last < first:
            raise ValueError(f"--to {last.isoformat()} tombe avant --from {first.isoformat()}")
        return cls(first, last)

    def bounds(self, profile: SalonProfile) -> tuple[datetime, datetime]:
        """Local midnight of the first day to local midnight after the last one."""
        tz = profile.timezone
        start = datetime.combine(self.first, time(0), tzinfo=tz)
        return start, datetime.combine(self.last + timedelta(days=1), time(0), tzinfo=tz)

    def words(self) -> str:
        """`du lundi 7 décembre au lundi 14 décembre 2026`, `le samedi 12 décembre 2026`."""
        if self.first == self.last:
            return f"le {day_words(self.first)} {self.first.year}"
        head = day_words(self.first)
        if self.first.year != self.last.year:
            head += f" {self.first.year}"
        return f"du {head} au {day_words(self.last)} {self.last.year}"


async def bookings_in(book: AppointmentBook, period: Period) -> list[Booking]:
    """The active bookings of `period`, by start time."""
    start, end = period.bounds(book.profile)
    return sorted(await book.bookings_between(start, end), key=lambda b: b.start)


def _phone(booking: Booking) -> str:
    phone = booking.customer.phone if booking.customer else ""
    return mask(phone) if phone else MISSING


def _name(booking: Booking) -> str:
    return (booking.customer.name if booking.customer else "") or MISSING


def visit_words(booking: Booking) -> str:
    """Every service of the visit in order: `Couleur racines + Coupe homme`."""
    return " + ".join(s.name for s in booking.services)


def stylist_of(booking: Booking, profile: SalonProfile) -> TeamMember | None:
    """The team member doing the booking; None without one, or once they left the team."""
    if not booking.stylist_id:
        return None
    try:
        return profile.stylist(booking.stylist_id)
    except KeyError:
        return None


def stylist_words(booking: Booking, profile: SalonProfile) -> str:
    """The stylist's first name (`Chloé`); for someone who left the team, the id stored
    with the booking and that they left (« sarah (plus dans l'équipe) »), so the owner
    knows to reassign it; `—` for a booking without one."""
    member = stylist_of(booking, profile)
    if member is not None:
        return member.first_name
    return f"{booking.stylist_id} (plus dans l'équipe)" if booking.stylist_id else MISSING


def table(bookings: list[Booking], *, profile: SalonProfile, period: Period) -> str:
    """A readable table in French: day, time, services, stylist (when the salon books by
    stylist), customer, masked phone."""
    tz = profile.timezone
    if not bookings:
        return f"Aucun rendez-vous {period.words()}."
    by_stylist = bool(profile.stylists) or any(b.stylist_id for b in bookings)
    head = ["jour", "heure", "prestation", *(["avec"] if by_stylist else []), "client"]
    rows = [(*head, "téléphone")]
    previous_day: date | None = None
    for b in bookings:
        start, end = b.start.astimezone(tz), b.end.astimezone(tz)
        day = start.date()
        rows.append(
            (
                day_words(day) if day != previous_day else "",
                f"{time_words(start)} – {time_words(end)}",
                visit_words(b),
                *([stylist_words(b, profile)] if by_stylist else []),
                _name(b),
                _phone(b),
            )
        )
        previous_day = day
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    count = len(bookings)
    lines += ["", f"{count} rendez-vous {period.words()} (heure de {_zone_words(profile)})."]
    return "\n".join(lines)


def _zone_words(profile: SalonProfile) -> str:
    """`Paris` for Europe/Paris: the city part of the salon's zone."""
    return profile.timezone.key.rsplit("/", 1)[-1].replace("_", " ")


def as_json(
    bookings: list[Booking], *, profile: SalonProfile, period: Period, calendar: str
) -> dict[str, Any]:
    """One JSON-ready object: the period, the calendar used and the bookings (`service_id`
    and `service` are the visit's first; `service_ids`/`services` all of it in order;
    `stylist` the team member's full name, null without one or once they left)."""
    tz = profile.timezone
    return {
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "timezone": tz.key,
        "calendar": calendar,
        "bookings": [
            {
                "uid": b.uid,
                "service_id": b.service.id,
                "service": b.service.name,
                "service_ids": [s.id for s in b.services],
                "services": [s.name for s in b.services],
                "stylist_id": b.stylist_id,
                "stylist": member.name if (member := stylist_of(b, profile)) else None,
                "start": b.start.astimezone(tz).isoformat(),
                "end": b.end.astimezone(tz).isoformat(),
                "customer": b.customer.name if b.customer else None,
                "phone": mask(b.customer.phone) if b.customer and b.customer.phone else None,
            }
            for b in bookings
        ],
    }
