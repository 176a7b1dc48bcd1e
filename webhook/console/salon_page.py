"""Salon (`/admin/salon`): the facts of `salon.toml` as the receptionist knows them
(hours, closures, special hours, services and prices, team), and an exceptional closure
or a stylist's absence (`team_page`) added from a form or an upcoming one removed,
written back into `salon.toml` with its comments kept. After a closure is added, the
appointments already booked on its days are listed, each with a link to move it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from salon.french import spans_words
from salon.profile import WEEKDAYS, WEEKDAYS_FR, Service
from webhook.console import team_page
from webhook.console.closures import NewClosure, add_closure, remove_closure
from webhook.console.helpers import ctx, fr_day, local_now
from webhook.console.profile_write import ProfileEditRefused


def add_routes(bp: Blueprint) -> None:
    bp.add_url_rule("/salon", "salon", salon_page)
    bp.add_url_rule("/salon/fermetures", "add_closure", closure, methods=["POST"])
    bp.add_url_rule("/salon/fermetures/retirer", "remove_closure", unclose, methods=["POST"])
    team_page.add_routes(bp)


def salon_page() -> str:
    profile = team_page.profile_or_error()
    today = datetime.now(profile.timezone).date()
    week = [
        (WEEKDAYS_FR[i].capitalize(), spans_words(profile.hours[day]) or "fermé")
        for i, day in enumerate(WEEKDAYS)
    ]
    # one group per category, in order of first appearance (salon.toml may list a
    # category's services in several places), the services in file order inside
    services: dict[str, list[Service]] = {}
    for service in profile.services:
        services.setdefault(service.category or "Autres", []).append(service)
    closures = sorted(profile.closures, key=lambda c: (c.start, c.end))
    return render_template(
        "salon.html",
        page="salon",
        profile=profile,
        week=week,
        closures=[c for c in closures if c.end >= today],
        past_closures=[c for c in closures if c.end < today],
        special=sorted((s for s in profile.special_hours if s.day >= today), key=lambda s: s.day),
        spans=spans_words,
        services=list(services.items()),
        today=today,
        form=request.form,
        team=team_page.team_rows(profile, today),
        stylists=profile.stylists,
        chosen=request.args.get("coiffeur", ""),
        affected=team_page.affected_from_args(profile),
    )


def closure() -> Any:
    console = ctx()
    today = local_now().date()
    try:
        new = NewClosure.from_form(
            start=request.form.get("debut", ""),
            end=request.form.get("fin", ""),
            reason=request.form.get("motif", ""),
            today=today,
        )
        add_closure(console.profile_path, new)
    except ProfileEditRefused as exc:
        flash(str(exc), "erreur")
        return redirect(url_for("console.salon"), code=303)
    flash(f"Fermeture ajoutée {_days(new.start, new.end)}. L'assistante ne proposera plus "
          "ces jours-là.", "ok")  # fmt: skip
    console.reindex.start(reason="fermeture ajoutée dans salon.toml")
    target = url_for("console.salon", fermeture="1", du=new.start.isoformat(),
                     au=new.end.isoformat())  # fmt: skip
    return redirect(target + "#a-reprendre", code=303)


def unclose() -> Any:
    """Remove an upcoming closure (the page's « Retirer »): the salon opens those days
    again with its usual hours; nothing else changes."""
    profile = team_page.profile_or_error()
    try:
        start = date.fromisoformat(request.form.get("debut", ""))
        end = date.fromisoformat(request.form.get("fin", ""))
    except ValueError:
        flash("Cette fermeture n'a pas été reconnue : rien n'a été modifié.", "erreur")
        return redirect(url_for("console.salon"), code=303)
    if end < datetime.now(profile.timezone).date():
        flash("Une fermeture passée reste dans salon.toml : rien n'a été modifié.", "erreur")
        return redirect(url_for("console.salon"), code=303)
    try:
        remove_closure(ctx().profile_path, start=start, end=end)
    except ProfileEditRefused as exc:
        flash(str(exc), "erreur")
        return redirect(url_for("console.salon"), code=303)
    these = "ce jour-là" if start == end else "ces jours-là"
    flash(f"Fermeture {_days(start, end, one='du')} retirée : le salon est de nouveau ouvert "
          f"{these} selon ses horaires habituels.", "ok")  # fmt: skip
    ctx().reindex.start(reason="fermeture retirée de salon.toml")
    return redirect(url_for("console.salon"), code=303)


def _days(start: date, end: date, *, one: str = "le") -> str:
    """« le mardi 8 décembre 2026 » (`one` day) or « du … au … »."""
    if start == end:
        return f"{one} {fr_day(start)}"
    return f"du {fr_day(start)} au {fr_day(end)}"
