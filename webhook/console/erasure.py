"""Effacer un numéro (`/admin/effacer`, RGPD): the console's door to
`records.erasure.forget`, the function behind `python -m records forget`.

From an opened call, message or booking the owner asks to erase everything kept about
that number: a first page shows what would go (a dry run) and the upcoming bookings that
stay (the salon still needs them; cancel them if the person asks); confirming erases and
shows the report. Both steps are POSTs with the CSRF token, so the number never sits in
an address bar or a history.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, render_template, request

from records.erasure import NotAPhoneNumber, forget
from records.forget_cli import done_words
from salon.phone import region_of
from webhook.console.helpers import ctx, db


def add_routes(bp: Blueprint) -> None:
    bp.add_url_rule("/effacer", "erase", erase, methods=["POST"])


def erase() -> str:
    number = request.form.get("numero", "")
    confirmed = request.form.get("confirme") == "oui"
    profile = ctx().profile()
    try:
        report = forget(
            db(),
            phone=number,
            now=datetime.now(UTC),
            dry_run=not confirmed,
            region=region_of(profile.holidays_subdivision),
        )
    except NotAPhoneNumber:
        abort(400, description="Ce n'est pas un numéro de téléphone.")
    names = {s.id: s.name for s in profile.services}
    return render_template(
        "erase.html",
        page="calls",
        number=number,
        report=report,
        done=[(count, done_words(kind, count)) for kind, count in report.done.items()],
        upcoming=[(b, names.get(b.service_id, b.service_id)) for b in report.upcoming],
    )
