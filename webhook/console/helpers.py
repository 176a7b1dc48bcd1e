"""Small helpers of the console's views: the request's database connection, the CSRF
token, dates from the query string, and the French filters the templates use."""

from __future__ import annotations

import secrets
import sqlite3
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import abort, current_app, g, session
from werkzeug.exceptions import BadRequest

from booking.agenda import stylist_words, visit_words
from booking.calendar import Booking
from kb.report_fr import count_fr
from records.report import OUTCOME_FR
from salon.french import (
    day_words,
    decimal_words,
    duration_words,
    price_words,
    short_slot_words,
    spans_words,
    time_words,
)
from salon.phone import display, mask
from webhook.console.context import ConsoleContext

PAGE_SIZE = 50


def ctx() -> ConsoleContext:
    console: ConsoleContext = current_app.extensions["salon_console"]
    return console


def db() -> sqlite3.Connection:
    """The state database, opened once per request (closed by the teardown)."""
    conn: sqlite3.Connection | None = g.get("console_db")
    if conn is None:
        conn = ctx().connect()
        g.console_db = conn
    return conn


def close_db(_exc: BaseException | None = None) -> None:
    conn: sqlite3.Connection | None = g.pop("console_db", None)
    if conn is not None:
        conn.close()


def csrf_token() -> str:
    """This session's CSRF token (created on first use), for the hidden `csrf_token` field."""
    token = session.get("csrf")
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def local_now() -> datetime:
    return datetime.now(ctx().profile().timezone)


def day_param(raw: str | None, *, default: date) -> date:
    """`?jour=AAAA-MM-JJ`; a malformed date is a 400 (with a French message)."""
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadRequest("La date doit s'écrire AAAA-MM-JJ, par exemple 2026-12-08.") from None


def page_param(raw: str | None) -> int:
    try:
        page = int(raw or "1")
    except ValueError:
        abort(400, description="Numéro de page invalide.")
    if not 1 <= page <= 100_000:
        abort(400, description="Numéro de page invalide.")
    return page


def local_day_bounds(day: date, days: int = 1) -> tuple[datetime, datetime]:
    tz = ctx().profile().timezone
    start = datetime.combine(day, time(0), tzinfo=tz)
    return start, datetime.combine(day + timedelta(days=days), time(0), tzinfo=tz)


# ----------------------------------------------------------------- template filters


def _local(moment: datetime) -> datetime:
    """`moment` in the salon's zone (read once per request: a page formats hundreds)."""
    zone = g.get("console_zone")
    if zone is None:
        zone = g.console_zone = ctx().profile().timezone
    return moment.astimezone(zone)


def fr_day(value: date | datetime) -> str:
    """`mardi 8 décembre 2026`."""
    day = _local(value).date() if isinstance(value, datetime) else value
    return f"{day_words(day)} {day.year}"


def fr_time(value: datetime) -> str:
    return time_words(_local(value))


def fr_when(value: datetime | None) -> str:
    """`mar. 8 déc. à 14h30` in the salon's time."""
    return short_slot_words(_local(value)) if value else "—"


def fr_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def fr_epoch(value: float | None) -> str:
    if not value:
        return "—"
    return fr_when(datetime.fromtimestamp(value).astimezone())


def fr_count(n: int, singular: str, plural: str | None = None) -> str:
    """`1 question`, `2 questions` (`kb.report_fr.count_fr`, the reindex's own): never
    « question(s) »."""
    return count_fr(int(n), singular, plural)


def fr_size(size: int) -> str:
    """`312 octets`, `7 Ko`, `1,2 Mo`."""
    if size < 1024:
        return f"{size} octets"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} Ko"
    return f"{decimal_words(size / (1024 * 1024), digits=1)} Mo"


def fr_iso(value: str | None) -> str:
    """An ISO 8601 instant (the index's build time) in the salon's words."""
    if not value:
        return "—"
    try:
        return fr_when(datetime.fromisoformat(value))
    except ValueError:
        return value


def iso_day(value: datetime) -> str:
    """The salon's local date of an instant, `2026-12-08` (for `?jour=`)."""
    return _local(value).date().isoformat()


MENU = (
    ("today", "console.today", "Aujourd'hui"),
    ("bookings", "console.bookings", "Rendez-vous"),
    ("calls", "console.calls", "Appels"),
    ("questions", "console.questions", "Questions"),
    ("messages", "console.messages", "Messages"),
    ("outbox", "console.outbox", "Envois"),
    ("documents", "console.documents", "Documents"),
    ("salon", "console.salon", "Salon"),
)


def salon_name() -> str:
    try:
        return ctx().profile().name
    except Exception:  # an unreadable salon.toml must not hide the login page
        return "Console du salon"


def stylist_first_name(booking: Booking) -> str:
    """`Chloé` for a booking with a stylist of the team, « sarah (plus dans l'équipe) »
    for one who left it (the owner has a booking to reassign), '' for none."""
    return stylist_words(booking, ctx().profile()) if booking.stylist_id else ""


GLOBALS: dict[str, Any] = {
    "menu": lambda: MENU,
    "salon_name": salon_name,
    "outcome_fr": lambda outcome: OUTCOME_FR.get(outcome, outcome),
    "spans": spans_words,
}

FILTERS: dict[str, Any] = {
    "iso_quand": fr_iso,
    "taille": fr_size,
    "jour_iso": iso_day,
    "jour": fr_day,
    "heure": fr_time,
    "quand": fr_when,
    "duree": lambda minutes: duration_words(int(minutes), short=True),
    "secondes": fr_seconds,
    "decimal": lambda value: decimal_words(float(value), digits=1),
    "nombre": fr_count,
    "prix": lambda service: price_words(service.price, from_price=service.price_from),
    "masque": lambda number: mask(number) if number else "numéro masqué",
    "telephone": lambda number: display(number),
    "epoch": fr_epoch,
    "visite": visit_words,
    "coiffeur": stylist_first_name,
}
