"""Cancelling and moving a booking from the console, each with « Prévenir le client par
SMS » (ticked by default, as on a new booking): the owner may already have told the
client at the counter.

A cancellation is confirmed first: `GET /rendez-vous/<uid>/annuler` shows the booking
and asks (no JavaScript needed); only its form's POST (CSRF-checked by the blueprint)
cancels. « Déplacer » (`bookings.move` lists the free times in `move.html`) posts the
chosen time here."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from webhook.console import booking_actions as actions
from webhook.console.bookings import _day_of_request, _find, start_param
from webhook.console.helpers import ctx


def add_routes(bp: Blueprint) -> None:
    bp.add_url_rule("/rendez-vous/<uid>/annuler", "cancel_confirm", cancel_page)
    bp.add_url_rule(
        "/rendez-vous/<uid>/annuler/confirme", "cancel_confirmed", cancel, methods=["POST"]
    )
    bp.add_url_rule("/rendez-vous/<uid>/deplacement", "move_to", move, methods=["POST"])


def _send_sms() -> bool:
    """The form's « Prévenir le client par SMS » box (unticked: absent from the form)."""
    return request.form.get("sms") == "oui"


def cancel_page(uid: str) -> str:
    """« Annuler ce rendez-vous ? »: nothing is cancelled by opening it."""
    day = _day_of_request()
    return render_template("cancel.html", page="bookings", booking=_find(uid, day), day=day)


def cancel(uid: str) -> Any:
    day = _day_of_request()
    booking = _find(uid, day)
    console = ctx()
    try:
        done = console.loop.run(actions.cancel(console.backends(), booking, send_sms=_send_sms()))
    except actions.ActionRefused as exc:
        flash(exc.message, "erreur")
        return redirect(url_for("console.booking", uid=uid, jour=day.isoformat()), code=303)
    flash(f"Rendez-vous annulé. {done.sms}", "ok")
    return redirect(url_for("console.bookings", jour=day.isoformat()), code=303)


def move(uid: str) -> Any:
    day = _day_of_request()
    booking = _find(uid, day)
    console = ctx()
    start = start_param(request.form.get("debut"))
    try:
        done = console.loop.run(
            actions.move(console.backends(), booking, start=start, send_sms=_send_sms())
        )
    except actions.ActionRefused as exc:
        flash(exc.message, "erreur")
        target = start.astimezone(console.profile().timezone).date()
        return redirect(url_for("console.move", uid=uid, jour=day.isoformat(),
                                vers=target.isoformat()), code=303)  # fmt: skip
    new_day = done.booking.start.astimezone(console.profile().timezone).date()
    flash(f"Rendez-vous déplacé. {done.sms}", "ok")
    return redirect(url_for("console.bookings", jour=new_day.isoformat()), code=303)
