"""Rendez-vous (`/admin/rendez-vous`): the appointment book by day or week, one booking
opened (with the customer's full number), and the free times to move it to. Cancelling
and moving are `changes` (a cancellation asks first); booking at the counter is `counter`."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    render_template,
    request,
)

from booking import Booking, CalendarUnavailable, waitlist
from booking.hours import opening_hours
from webhook.console import booking_actions as actions
from webhook.console.helpers import ctx, day_param, db, local_day_bounds, local_now

UID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def add_routes(bp: Blueprint) -> None:
    bp.add_url_rule("/rendez-vous", "bookings", book_page)
    bp.add_url_rule("/rendez-vous/<uid>", "booking", booking_page)
    bp.add_url_rule("/rendez-vous/<uid>/deplacer", "move", move)


def unreadable(*, week: bool = False) -> str:
    """What the owner reads when the calendar cannot be read (Cal.com down or too slow,
    `CAL_API_DEADLINE`): the bookings are unknown for now, not absent."""
    which = "de cette semaine" if week else "de ce jour"
    return (
        f"Impossible de lire l'agenda pour le moment : les rendez-vous {which} ne peuvent "
        "pas être affichés. Réessayez dans un instant."
    )


def _read(start: datetime, end: datetime) -> tuple[list[Booking], actions.ActionRefused | None]:
    console = ctx()
    try:
        return console.loop.run(actions.bookings_between(console.backends(), start, end)), None
    except actions.ActionRefused as exc:
        return [], exc


def _unavailable(refused: actions.ActionRefused) -> bool:
    """The calendar did not answer (rather than refused): what it holds is unknown."""
    return isinstance(refused.__cause__, CalendarUnavailable)


def bookings_between(start: datetime, end: datetime) -> tuple[list[Booking], str | None]:
    """The bookings of `[start, end)`, or an empty list and the French reason."""
    found, refused = _read(start, end)
    return found, refused.message if refused is not None else None


def book_page() -> str:
    today = local_now().date()
    day = day_param(request.args.get("jour"), default=today)
    week = request.args.get("vue") == "semaine"
    first = day - timedelta(days=day.weekday()) if week else day
    days = 7 if week else 1
    start, end = local_day_bounds(first, days=days)
    found, refused = _read(start, end)
    error = None  # the calendar could not be read: no count, no « Aucun rendez-vous »
    if refused is not None:
        error = (
            unreadable(week=week)
            if _unavailable(refused)
            else f"{refused.message} Les rendez-vous ne peuvent pas être affichés."
        )
    by_day: dict[date, list[Booking]] = {first + timedelta(days=i): [] for i in range(days)}
    tz = ctx().profile().timezone
    for booking in found:
        by_day.setdefault(booking.start.astimezone(tz).date(), []).append(booking)
    step = timedelta(days=days)
    return render_template(
        "bookings.html",
        page="bookings",
        day=day,
        first=first,
        week=week,
        by_day=by_day,
        count=len(found),
        error=error,
        previous=first - step,
        next=first + step,
        today=today,
        hours={d: opening_hours(ctx().profile(), d) for d in by_day},
        waitlist=_waitlist(first, days),
    )


def _waitlist(first: date, days: int) -> dict[date, list[tuple[str, list[waitlist.Entry]]]]:
    """Who waits for a freed slot on each day shown (`scripts/jobs` offers them one)."""
    profile = ctx().profile()
    names = {s.id: s.name for s in profile.services}
    found: dict[date, list[tuple[str, list[waitlist.Entry]]]] = {}
    last = first + timedelta(days=days)
    for service_id, day in waitlist.waiting_groups(db(), first_day=first):
        if day >= last:
            break
        people = waitlist.waiting(db(), service_id=service_id, day=day)
        found.setdefault(day, []).append((names.get(service_id, service_id), people))
    return found


def _uid(uid: str) -> str:
    if not UID.match(uid):
        abort(404)
    return uid


def _find(uid: str, day: date) -> Booking:
    console = ctx()
    start, end = local_day_bounds(day)
    try:
        return console.loop.run(
            actions.find(console.backends(), uid=_uid(uid), day=day, start=start, end=end)
        )
    except actions.ActionRefused as exc:
        if _unavailable(exc):  # not « Page introuvable »: the booking may well exist
            page = render_template(
                "booking.html", page="bookings", booking=None, uid=uid, day=day, error=unreadable()
            )
            abort(Response(page, status=503, mimetype="text/html"))
        abort(404, description=exc.message)


def _day_of_request() -> date:
    raw = request.form.get("jour") if request.method == "POST" else request.args.get("jour")
    return day_param(raw, default=local_now().date())


def booking_page(uid: str) -> str:
    day = _day_of_request()
    return render_template("booking.html", page="bookings", booking=_find(uid, day), day=day)


def start_param(raw: str | None) -> datetime:
    try:
        start = datetime.fromisoformat(raw or "")
    except ValueError:
        abort(400, description="Choisissez un horaire dans la liste.")
    if start.tzinfo is None:
        start = start.replace(tzinfo=ctx().profile().timezone)
    return start


def move(uid: str) -> str:
    """« Déplacer »: the free times of the chosen day; the chosen one posts to
    `changes.move` (`console.move_to`)."""
    day = _day_of_request()
    booking = _find(uid, day)
    console = ctx()
    target = day_param(request.args.get("vers"), default=day)
    try:
        slots, error = (
            console.loop.run(actions.move_starts(console.backends(), booking, day=target)),
            None,
        )
    except actions.ActionRefused as exc:
        slots, error = [], exc.message
    names = {m.id: m.first_name for m in console.profile().stylists}
    return render_template(
        "move.html", page="bookings", booking=booking, day=day, target=target, slots=slots,
        error=error, stylist_names=names,
    )  # fmt: skip
