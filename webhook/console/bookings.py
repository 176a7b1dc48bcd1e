"""Rendez-vous (`/admin/rendez-vous`): the appointment book by day or week, one booking
opened (with the customer's full number), cancelled or moved (the customer gets the SMS
a caller's change sends), and one taken at the counter."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from booking import Booking, waitlist
from booking.hours import opening_hours
from salon.phone import to_e164
from salon.profile import Service
from webhook.console import booking_actions as actions
from webhook.console.helpers import ctx, day_param, db, local_day_bounds, local_now

UID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_NAME = 80


def add_routes(bp: Blueprint) -> None:
    bp.add_url_rule("/rendez-vous", "bookings", book_page)
    bp.add_url_rule("/rendez-vous/<uid>", "booking", booking_page)
    bp.add_url_rule("/rendez-vous/<uid>/annuler", "cancel", cancel, methods=["POST"])
    bp.add_url_rule("/rendez-vous/<uid>/deplacer", "move", move, methods=["GET", "POST"])
    bp.add_url_rule("/rendez-vous/nouveau", "new_booking", new_booking, methods=["GET", "POST"])


def bookings_between(start: datetime, end: datetime) -> tuple[list[Booking], str | None]:
    """The bookings of `[start, end)`, or an empty list and the French reason."""
    console = ctx()
    try:
        return console.loop.run(actions.bookings_between(console.backends(), start, end)), None
    except actions.ActionRefused as exc:
        return [], exc.message


def book_page() -> str:
    today = local_now().date()
    day = day_param(request.args.get("jour"), default=today)
    week = request.args.get("vue") == "semaine"
    first = day - timedelta(days=day.weekday()) if week else day
    days = 7 if week else 1
    start, end = local_day_bounds(first, days=days)
    found, error = bookings_between(start, end)
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
        abort(404, description=exc.message)


def _day_of_request() -> date:
    raw = request.form.get("jour") if request.method == "POST" else request.args.get("jour")
    return day_param(raw, default=local_now().date())


def booking_page(uid: str) -> str:
    day = _day_of_request()
    return render_template("booking.html", page="bookings", booking=_find(uid, day), day=day)


def cancel(uid: str) -> Any:
    day = _day_of_request()
    booking = _find(uid, day)
    console = ctx()
    try:
        done = console.loop.run(actions.cancel(console.backends(), booking))
    except actions.ActionRefused as exc:
        flash(exc.message, "erreur")
        return redirect(url_for("console.booking", uid=uid, jour=day.isoformat()), code=303)
    flash(f"Rendez-vous annulé. {done.sms}", "ok")
    return redirect(url_for("console.bookings", jour=day.isoformat()), code=303)


def _start_param(raw: str | None) -> datetime:
    try:
        start = datetime.fromisoformat(raw or "")
    except ValueError:
        abort(400, description="Choisissez un horaire dans la liste.")
    if start.tzinfo is None:
        start = start.replace(tzinfo=ctx().profile().timezone)
    return start


def move(uid: str) -> Any:
    day = _day_of_request()
    booking = _find(uid, day)
    console = ctx()
    if request.method == "POST":
        start = _start_param(request.form.get("debut"))
        try:
            done = console.loop.run(actions.move(console.backends(), booking, start=start))
        except actions.ActionRefused as exc:
            flash(exc.message, "erreur")
            return redirect(url_for("console.move", uid=uid, jour=day.isoformat()), code=303)
        new_day = done.booking.start.astimezone(console.profile().timezone).date()
        flash(f"Rendez-vous déplacé. {done.sms}", "ok")
        return redirect(url_for("console.bookings", jour=new_day.isoformat()), code=303)
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


def _slots(service: Service, day: date) -> tuple[list[Any], str | None]:
    console = ctx()
    try:
        found = console.loop.run(actions.free_starts(console.backends(), service=service, day=day))
    except actions.ActionRefused as exc:
        return [], exc.message
    return found, None


def _service(service_id: str | None) -> Service | None:
    if not service_id:
        return None
    for service in ctx().profile().services:
        if service.id == service_id and service.bookable:
            return service
    abort(400, description="Cette prestation n'existe pas (ou ne se réserve pas).")


def new_booking() -> Any:
    today = local_now().date()
    source = request.form if request.method == "POST" else request.args
    service = _service(source.get("prestation"))
    day = day_param(source.get("jour"), default=today)
    if request.method == "POST":
        return _book(service, day)
    return _new_form(service, day, problems=[], status=200)


def _new_form(service: Service | None, day: date, *, problems: list[str], status: int) -> Any:
    slots, error = _slots(service, day) if service else ([], None)
    body = render_template(
        "new_booking.html",
        page="bookings",
        services=[s for s in ctx().profile().services if s.bookable],
        service=service,
        day=day,
        slots=slots,
        error=error,
        problems=problems,
        form=request.form,
    )
    return body, status


def _book(service: Service | None, day: date) -> Any:
    """Take the booking, or show the form again with the reasons (nothing typed is lost)."""
    console = ctx()
    form = request.form
    name = " ".join(form.get("nom", "").split())
    phone = to_e164(form.get("telephone", ""))
    problems = []
    if service is None:
        problems.append("Choisissez une prestation.")
    if not name or len(name) > MAX_NAME:
        problems.append(f"Indiquez le nom du client (au plus {MAX_NAME} caractères).")
    if phone is None:
        problems.append("Le numéro de téléphone n'est pas valide (par exemple 06 12 34 56 78).")
    if not form.get("debut"):
        problems.append("Choisissez un horaire.")
    if problems or service is None or phone is None:
        return _new_form(service, day, problems=problems, status=400)
    start = _start_param(form.get("debut"))
    try:
        done = console.loop.run(
            actions.book(
                console.backends(), service=service, start=start, name=name, phone=phone,
                send_sms=form.get("sms") == "oui",
            )
        )  # fmt: skip
    except actions.ActionRefused as exc:
        return _new_form(service, day, problems=[exc.message], status=409)
    flash(f"Rendez-vous noté pour {name}. {done.sms}", "ok")
    local_day = done.booking.start.astimezone(console.profile().timezone).date()
    return redirect(url_for("console.bookings", jour=local_day.isoformat()), code=303)
