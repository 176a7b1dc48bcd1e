"""Messages (`/admin/messages`): messages taken for the salon (by the receptionist during
a call, or received by SMS/WhatsApp), to call back; one opened shows the number; marked
done once handled."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from notify.reasons_fr import CHANNEL_FR as SENT_BY_FR
from records.listing import message_by_id
from records.store import CallRecords
from webhook.console.helpers import db

# where a message came from: a call, or the outbox's channels, in the same words
CHANNEL_FR = {"call": "appel", **SENT_BY_FR}


def add_routes(bp: Blueprint) -> None:
    bp.add_url_rule("/messages", "messages", messages_page)
    bp.add_url_rule("/messages/<int:message_id>", "message", message_page)
    bp.add_url_rule("/messages/<int:message_id>/traite", "message_done", done, methods=["POST"])


def messages_page() -> str:
    pending = CallRecords(conn=db()).pending_messages()
    return render_template("messages.html", page="messages", messages=pending, channels=CHANNEL_FR)


def message_page(message_id: int) -> str:
    try:
        call_sid, message = message_by_id(db(), message_id)
    except KeyError:
        abort(404, description="Ce message n'existe pas (ou a été effacé).")
    call_id = None
    if call_sid:
        record = CallRecords(conn=db()).get(call_sid)
        call_id = record.id if record else None
    return render_template(
        "message.html", page="messages", message=message, call_id=call_id, channels=CHANNEL_FR
    )


def done(message_id: int) -> Any:
    if CallRecords(conn=db()).mark_message_handled(message_id):
        flash("Message marqué comme traité.", "ok")
    else:
        flash("Ce message était déjà traité (ou n'existe plus).", "erreur")
    return redirect(url_for("console.messages"), code=303)
