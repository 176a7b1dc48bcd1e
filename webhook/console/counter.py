"""Nouveau rendez-vous (`/admin/rendez-vous/nouveau`): the owner books a client at the
counter or on the phone — one service or a visit of two (« Couleur racines » then
« Coupe homme »), with the stylist they choose or « Peu importe » — among the free times
of that day, and the client gets the SMS a caller's booking sends.

Server-rendered: the first form (GET) chooses the visit, the stylist and the day and lists
the free times; the second (POST, CSRF-checked by the blueprint) books one of them. Every
choice is checked again on the server, whatever the page offered."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from booking import Slot
from salon.french import duration_words, visit_price_words
from salon.phone import region_of, to_e164
from salon.profile import SalonProfile, Service, TeamMember
from webhook.console import booking_actions as actions
from webhook.console.bookings import start_param
from webhook.console.helpers import ctx, day_param, db, fr_when, local_now
from webhook.console.reasons import day_problem

MAX_NAME = 80
ANYONE = ""  # the stylist field's « Peu importe »


def add_routes(bp: Blueprint) -> None:
    bp.add_url_rule("/rendez-vous/nouveau", "new_booking", new_booking, methods=["GET", "POST"])


@dataclass
class Choice:
    """What the form asked for: the visit's services, the stylist (None: anyone
    qualified) and the day; `problems` says in French what cannot be booked as asked."""

    services: tuple[Service, ...]
    stylist: TeamMember | None
    day: date
    problems: list[str] = field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        return [s.id for s in self.services]


def _service(profile: SalonProfile, service_id: str | None) -> Service | None:
    if not service_id:
        return None
    for service in profile.services:
        if service.id == service_id and service.bookable:
            return service
    abort(400, description="Cette prestation n'existe pas (ou ne se réserve pas).")


def _quoted(services: list[Service]) -> str:
    return " ni ".join(f"« {s.name} »" for s in services)


def _stylist(profile: SalonProfile, raw: str, services: tuple[Service, ...]) -> Choice:
    """The stylist asked for, checked against the team and the visit's services."""
    choice = Choice(services=services, stylist=None, day=date.min)
    if raw == ANYONE:
        if profile.stylists and services and not profile.stylists_for(choice.ids):
            names = " et ".join(f"« {s.name} »" for s in services)
            choice.problems.append(
                f"Personne dans l'équipe ne fait {names} dans le même rendez-vous : "
                "prenez deux rendez-vous."
                if len(services) > 1
                else f"Personne dans l'équipe ne fait {names}."
            )
        return choice
    if not profile.stylists:
        choice.problems.append("Le salon ne prend pas les rendez-vous par coiffeur.")
        return choice
    try:
        member = profile.stylist(raw)
    except KeyError:
        choice.problems.append(
            "Cette personne ne fait pas (ou plus) partie de l'équipe : choisissez dans la liste."
        )
        return choice
    choice.stylist = member
    undone = [s for s in services if not member.does(s.id)]
    if undone:
        choice.problems.append(
            f"{member.first_name} ne fait pas {_quoted(undone)} : choisissez une autre personne "
            "ou « Peu importe »."
        )
    return choice


def _choice(source: MultiDict[str, str]) -> Choice:
    """The visit, stylist and day of the form (GET or POST alike)."""
    profile = ctx().profile()
    first = _service(profile, source.get("prestation"))
    second = _service(profile, source.get("prestation2"))
    services = tuple(s for s in (first, second) if s is not None)
    problems = []
    if first is None and second is not None:
        problems.append("Choisissez la première prestation (la deuxième est facultative).")
    if first is not None and second is not None and first.id == second.id:
        problems.append("Choisissez deux prestations différentes (ou aucune deuxième).")
        services = (first,)
    choice = _stylist(profile, source.get("coiffeur", ANYONE), services)
    choice.day = day_param(source.get("jour"), default=local_now().date())
    choice.problems[:0] = problems
    return choice


def new_booking() -> Any:
    choice = _choice(request.form if request.method == "POST" else request.args)
    if request.method == "POST":
        return _book(choice)
    return _form(choice, problems=choice.problems, status=400 if choice.problems else 200)


def _slots(choice: Choice) -> tuple[list[Slot], str | None]:
    if not choice.services or choice.problems:
        return [], None
    console = ctx()
    profile = console.profile()
    members = (choice.stylist,) if choice.stylist else profile.stylists_for(choice.ids)
    why = day_problem(profile, choice.day, today=local_now().date(), members=members)
    if why is not None:  # said instead of « Aucun horaire libre ce jour-là »
        return [], why
    first, *extra = choice.services
    try:
        found = console.loop.run(
            actions.free_starts(
                console.backends(), service=first, day=choice.day, extra=tuple(extra),
                stylist=choice.stylist.id if choice.stylist else None,
            )
        )  # fmt: skip
    except actions.ActionRefused as exc:
        return [], exc.message
    return found, None


def _form(choice: Choice, *, problems: list[str], status: int) -> Any:
    profile = ctx().profile()
    slots, error = _slots(choice)
    if error in problems or (error == actions.UNAVAILABLE and actions.MAYBE_BOOKED in problems):
        error = None  # the calendar's one failure, said once
    team = profile.stylists
    qualified = {m.id for m in profile.stylists_for(choice.ids)} if choice.services else None
    body = render_template(
        "new_booking.html",
        page="bookings",
        services=[s for s in profile.services if s.bookable],
        choice=choice,
        first=choice.services[0] if choice.services else None,
        second=choice.services[1] if len(choice.services) > 1 else None,
        team=team,
        qualified=qualified,
        doers={s.id: " ".join(m.id for m in team if m.does(s.id)) for s in profile.services},
        visit=" + ".join(s.name for s in choice.services),
        length=duration_words(sum(s.duration for s in choice.services), short=True),
        price=visit_price_words(choice.services),
        slots=slots,
        error=error,
        problems=problems,
        form=request.form,
    )
    return body, status


def _not_booked_yet(attempt: actions.Attempt) -> None:
    """`ActionRefused` when this booking may already be made: the owner retries after
    the calendar did not answer (Cal.com slow: the client is booked, its journal entry
    still pending), or sends the form twice. Booking again would give the client a
    second appointment, with another stylist when « Peu importe », and a second SMS."""
    console = ctx()
    pending = actions.pending_attempt(db(), attempt)
    try:
        found = console.loop.run(actions.booked_already(console.backends(), attempt))
    except actions.ActionRefused as exc:
        raise actions.ActionRefused(
            actions.MAYBE_BOOKED if pending else exc.message, unavailable=exc.unavailable
        ) from exc
    if found is not None:
        who = console.profile().stylist_name(found.stylist_id)
        raise actions.ActionRefused(
            f"Ce rendez-vous est déjà dans l'agenda : {attempt.name}, {fr_when(found.start)}"
            f"{f' avec {who}' if who else ''}. Il n'a pas été pris une deuxième fois."
        )
    if pending is not None and pending.created_at > datetime.now(UTC) - actions.PENDING_GRACE:
        raise actions.ActionRefused(actions.MAYBE_BOOKED)


def _book(choice: Choice) -> Any:
    """Take the booking, or show the form again with the reasons (nothing typed is lost)."""
    console = ctx()
    form = request.form
    if form.get("etape") == "choix":  # the visit chosen again, the client typed kept
        return _form(choice, problems=choice.problems, status=400 if choice.problems else 200)
    name = " ".join(form.get("nom", "").split())
    # read as the salon dials: « 0596 … » is a Martinique landline in a Martinique salon
    region = region_of(console.profile().holidays_subdivision)
    phone = to_e164(form.get("telephone", ""), region=region)
    problems = list(choice.problems)
    if not choice.services:
        problems.append("Choisissez une prestation.")
    if not name or len(name) > MAX_NAME:
        problems.append(f"Indiquez le nom du client (au plus {MAX_NAME} caractères).")
    if phone is None:
        problems.append("Le numéro de téléphone n'est pas valide (par exemple 06 12 34 56 78).")
    if not form.get("debut"):
        problems.append("Choisissez un horaire.")
    if problems or phone is None:
        return _form(choice, problems=problems, status=400)
    start = start_param(form.get("debut"))
    first, *extra = choice.services
    attempt = actions.Attempt(services=choice.services, start=start, name=name, phone=phone)
    try:
        _not_booked_yet(attempt)
        done = console.loop.run(
            actions.book(
                console.backends(), service=first, extra=tuple(extra), start=start, name=name,
                phone=phone, send_sms=form.get("sms") == "oui",
                stylist=choice.stylist.id if choice.stylist else None,
            )
        )  # fmt: skip
    except actions.ActionRefused as exc:
        lost = exc.unavailable and actions.pending_attempt(db(), attempt) is not None
        return _form(choice, problems=[actions.MAYBE_BOOKED if lost else exc.message], status=409)
    who = console.profile().stylist_name(done.booking.stylist_id)
    flash(f"Rendez-vous noté pour {name}{f' avec {who}' if who else ''}. {done.sms}", "ok")
    local_day = done.booking.start.astimezone(console.profile().timezone).date()
    return redirect(url_for("console.bookings", jour=local_day.isoformat()), code=303)
