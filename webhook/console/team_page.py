"""The team on the Salon page: who does what and when, their upcoming absences, and a
stylist's absence added or removed (`absences` writes it into `salon.toml`). After an
absence is added, the page lists the appointments already booked with that stylist
during it, each with a link to move it: nothing is moved by itself. A closure of the
salon (`salon_page`) lists every appointment of its days the same way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import Blueprint, abort, flash, redirect, request, url_for
from werkzeug.exceptions import HTTPException

from booking import Booking
from booking.hours import opening_hours
from salon.french import spans_words
from salon.profile import WEEKDAYS, WEEKDAYS_FR, ProfileError, SalonProfile
from salon.profile_fields import Closure
from salon.team import TeamMember
from webhook.console.absences import (
    MAX_DAYS,
    AbsenceRefused,
    NewAbsence,
    add_absence,
    remove_absence,
    stylist_named,
)
from webhook.console.bookings import bookings_between
from webhook.console.helpers import ctx, day_param, fr_day, local_day_bounds, local_now
from webhook.console.profile_write import ProfileEditRefused


def add_routes(bp: Blueprint) -> None:
    bp.add_url_rule("/salon/absences", "add_absence", absence, methods=["POST"])
    bp.add_url_rule("/salon/absences/retirer", "remove_absence", unabsence, methods=["POST"])


@dataclass(frozen=True)
class TeamRow:
    """One member as the owner reads them on the Salon page."""

    member: TeamMember
    week: list[str]  # « mardi et vendredi de 9h30 à 19h »; empty: the salon's week
    off: list[str]  # days the salon opens and they do not work
    services: list[str]  # categories when whole, else services; empty: every service
    absences: list[Closure]  # upcoming, in order


def team_rows(profile: SalonProfile, today: date) -> list[TeamRow]:
    rows = []
    for member in profile.team:
        open_days = [i for i, day in enumerate(WEEKDAYS) if profile.hours[day]]
        week: dict[str, list[str]] = {}
        off = []
        if member.hours is not None:
            for i in open_days:
                own = member.hours[WEEKDAYS[i]]
                if own:
                    week.setdefault(spans_words(own), []).append(WEEKDAYS_FR[i])
                else:
                    off.append(WEEKDAYS_FR[i])
        rows.append(
            TeamRow(
                member=member,
                week=[f"{_and(days)} {spans}" for spans, days in week.items()],
                off=off,
                services=_services(profile, member),
                absences=sorted(
                    (a for a in member.absences if a.end >= today), key=lambda a: a.start
                ),
            )  # fmt: skip
        )
    return rows


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} et {words[-1]}"


def _services(profile: SalonProfile, member: TeamMember) -> list[str]:
    """What the member does, in the salon's order: a category's name when they do all of
    it, else the services' names (empty: every service)."""
    if member.services is None:
        return []
    done = set(member.services)
    out: list[str] = []
    categories: dict[str, list[str]] = {}
    for service in profile.services:
        categories.setdefault(service.category, []).append(service.id)
    for category, ids in categories.items():
        if category and all(i in done for i in ids):
            out.append(category)
        else:
            out.extend(s.name for s in profile.services if s.id in ids and s.id in done)
    return out


# ---------------------------------------------------------------------- affected bookings


@dataclass(frozen=True)
class Affected:
    """The bookings still to come during one stylist's absence (`member`) or one closure
    of the salon (`member` None), to move: nothing is moved by itself."""

    member: TeamMember | None
    start: date
    end: date
    bookings: list[Booking]  # hers, then those with no stylist noted (to check)
    error: str | None
    unassigned: int = 0  # bookings of those days with no stylist noted (booked by chairs)
    reopens: date | None = None  # a closure: the first day the salon opens after it

    @property
    def sentence(self) -> str:
        if self.member is None:
            return self._closure_sentence()
        name = self.member.first_name
        if self.error:
            return f"Les rendez-vous de {name} n'ont pas pu être lus : {self.error}"
        mine = len(self.bookings) - self.unassigned
        if self.unassigned == 1:
            unknown = (
                " 1 rendez-vous de ces jours-là n'a pas de coiffeur noté dans l'agenda : "
                f"vérifiez s'il est avec {name}."
            )
        elif self.unassigned:
            unknown = (
                f" {self.unassigned} rendez-vous de ces jours-là n'ont pas de coiffeur noté "
                f"dans l'agenda : vérifiez s'ils sont avec {name}."
            )
        else:
            unknown = ""
        if not mine:
            return f"Aucun rendez-vous noté avec {name} pendant cette absence.{unknown}"
        return (
            f"{mine} rendez-vous de {name} pendant cette absence : à déplacer "
            f"ou à confier à quelqu'un d'autre.{unknown}"
        )

    def _closure_sentence(self) -> str:
        if self.error:
            return f"Les rendez-vous de ces jours-là n'ont pas pu être lus : {self.error}"
        if not self.bookings:
            return "Aucun rendez-vous noté pendant cette fermeture."
        return (
            f"{len(self.bookings)} rendez-vous déjà pris pendant cette fermeture : à déplacer "
            "sur un jour d'ouverture (le client reçoit un SMS)."
        )


def affected_from_args(profile: SalonProfile) -> Affected | None:
    """`?absence=<id>&du=…&au=…`: that stylist's bookings still to come in those days;
    `?fermeture=1&du=…&au=…`: every booking still to come in those days."""
    stylist = request.args.get("absence")
    closed = request.args.get("fermeture")
    if not stylist and not closed:
        return None
    member = None
    if stylist:
        try:
            member = stylist_named(profile, stylist)
        except AbsenceRefused:
            abort(404, description="Cette personne n'est pas dans l'équipe.")
    today = local_now().date()
    first = day_param(request.args.get("du"), default=today)
    last = day_param(request.args.get("au"), default=first)
    if last < first or (last - first).days >= MAX_DAYS:
        what = "une absence" if member else "une fermeture"
        abort(400, description=f"Ces dates ne forment pas {what}.")
    if member is None:
        return closure_affected(profile, first, last)
    return affected(member, first, last)


def coming_bookings(first: date, last: date) -> tuple[list[Booking], str | None]:
    """The bookings kept (not cancelled) and not over yet on the local days `first` to
    `last`, or an empty list and the French reason they could not be read."""
    start, _ = local_day_bounds(first)
    _, end = local_day_bounds(last)
    now = local_now()
    found, error = bookings_between(start, end)
    return [b for b in found if b.status == "accepted" and b.end > now], error


def affected(member: TeamMember, first: date, last: date) -> Affected:
    coming, error = coming_bookings(first, last)
    mine = [b for b in coming if b.stylist_id == member.id]
    unknown = [b for b in coming if b.stylist_id is None]  # booked by chairs: maybe hers
    return Affected(
        member=member, start=first, end=last, bookings=mine + unknown, error=error,
        unassigned=len(unknown),
    )  # fmt: skip


def closure_affected(profile: SalonProfile, first: date, last: date) -> Affected:
    """Every booking still to come while the salon is closed `first`–`last`."""
    coming, error = coming_bookings(first, last)
    reopens = next(
        (
            day
            for day in (last + timedelta(days=n) for n in range(1, MAX_DAYS + 1))
            if opening_hours(profile, day)
        ),
        None,
    )
    return Affected(
        member=None, start=first, end=last, bookings=coming, error=error, reopens=reopens
    )


# ---------------------------------------------------------------------- the forms


def profile_or_error() -> SalonProfile:
    """The profile, or the French error page when `salon.toml` cannot be read now."""
    try:
        return ctx().profile()
    except (ProfileError, OSError) as exc:
        raise UnreadableProfile(exc) from exc


class UnreadableProfile(HTTPException):
    code = 500

    def __init__(self, exc: Exception) -> None:
        super().__init__(
            f"salon.toml ne peut pas être lu en ce moment ({exc}) : rien n'a été modifié. "
            "Corrigez le fichier (ou remettez sa version précédente), lancez scripts/doctor "
            "pour vérifier, puis recommencez."
        )


def absence() -> Any:
    profile = profile_or_error()
    today = datetime.now(profile.timezone).date()
    stylist = request.form.get("coiffeur", "")
    try:
        new = NewAbsence.from_form(
            stylist=stylist,
            start=request.form.get("debut", ""),
            end=request.form.get("fin", ""),
            reason=request.form.get("motif", ""),
            today=today,
            profile=profile,
        )
        add_absence(ctx().profile_path, new)
    except ProfileEditRefused as exc:
        flash(str(exc), "erreur")
        return redirect(url_for("console.salon", coiffeur=stylist or None) + "#absence", 303)
    name = stylist_named(profile, new.stylist_id).first_name
    days = f"le {fr_day(new.start)}"
    if new.end != new.start:
        days = f"du {fr_day(new.start)} au {fr_day(new.end)}"
    flash(f"Absence de {name} ajoutée {days}. L'assistante ne proposera plus {name} "
          "ces jours-là.", "ok")  # fmt: skip
    ctx().reindex.start(reason="absence ajoutée dans salon.toml")
    target = url_for("console.salon", absence=new.stylist_id, du=new.start.isoformat(),
                     au=new.end.isoformat())  # fmt: skip
    return redirect(target + "#a-reprendre", code=303)


def unabsence() -> Any:
    profile = profile_or_error()
    form = request.form
    try:
        member = stylist_named(profile, form.get("coiffeur", ""))
        start = date.fromisoformat(form.get("debut", ""))
        end = date.fromisoformat(form.get("fin", ""))
    except ValueError:  # AbsenceRefused included
        flash("Cette absence n'a pas été reconnue : rien n'a été modifié.", "erreur")
        return redirect(url_for("console.salon"), code=303)
    if end < datetime.now(profile.timezone).date():
        flash("Une absence passée reste dans salon.toml : rien n'a été modifié.", "erreur")
        return redirect(url_for("console.salon"), code=303)
    try:
        remove_absence(ctx().profile_path, stylist_id=member.id, start=start, end=end)
    except ProfileEditRefused as exc:
        flash(str(exc), "erreur")
        return redirect(url_for("console.salon"), code=303)
    days = f"le {fr_day(start)}" if start == end else f"du {fr_day(start)} au {fr_day(end)}"
    flash(f"Absence de {member.first_name} {days} retirée : l'assistante peut de nouveau "
          f"proposer {member.first_name} ces jours-là.", "ok")  # fmt: skip
    ctx().reindex.start(reason="absence retirée de salon.toml")
    return redirect(url_for("console.salon"), code=303)
