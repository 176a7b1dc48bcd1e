"""Salon (`/admin/salon`): the facts of `salon.toml` as the receptionist knows them
(hours, closures, special hours, services and prices, team), and an exceptional closure
or a stylist's absence (`team_page`) added from a form, written back into `salon.toml`
with its comments kept."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from salon.french import spans_words
from salon.profile import WEEKDAYS, WEEKDAYS_FR, Service
from webhook.console import team_page
from webhook.console.bookings import bookings_between
from webhook.console.closures import NewClosure, add_closure
from webhook.console.helpers import ctx, fr_day, local_day_bounds, local_now
from webhook.console.profile_write import ProfileEditRefused


def add_routes(bp: Blueprint) -> None:
    bp.add_url_rule("/salon", "salon", salon_page)
    bp.add_url_rule("/salon/fermetures", "add_closure", closure, methods=["POST"])
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
    start, _ = local_day_bounds(new.start)
    _, end = local_day_bounds(new.end)
    found, _error = bookings_between(start, end)
    days = f"le {fr_day(new.start)}"
    if new.end != new.start:
        days = f"du {fr_day(new.start)} au {fr_day(new.end)}"
    flash(f"Fermeture ajoutée {days}. L'assistante ne proposera plus ces jours-là.", "ok")
    if found:
        flash(f"Attention : {len(found)} rendez-vous déjà pris tombent pendant cette fermeture "
              "(voir Rendez-vous).", "erreur")  # fmt: skip
    console.reindex.start(reason="fermeture ajoutée dans salon.toml")
    return redirect(url_for("console.salon"), code=303)
