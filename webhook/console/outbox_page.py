"""Envois (`/admin/envois`): every SMS, WhatsApp and e-mail with its status; a failed one
(or one kept while sending was not configured) can be sent again."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from notify.outbox import STATUSES, Outbox
from notify.reasons_fr import CHANNEL_FR, STATUS_FR, reason_fr
from notify.reasons_fr import kind_fr as kind  # the words python -m notify --list uses
from salon.phone import mask
from webhook.console.helpers import PAGE_SIZE, ctx, db, page_param


def add_routes(bp: Blueprint) -> None:
    bp.add_url_rule("/envois", "outbox", outbox_page)
    bp.add_url_rule("/envois/<int:entry_id>/renvoyer", "retry", retry, methods=["POST"])


def recipient(value: str) -> str:
    """`p***@exemple.fr` for an e-mail address, the masked number otherwise."""
    if "@" in value:
        name, _, domain = value.partition("@")
        return f"{name[:1]}***@{domain}"
    return mask(value.removeprefix("whatsapp:"))


def outbox_page() -> str:
    status = request.args.get("statut") or None
    if status is not None and status not in STATUSES:
        abort(400, description="Statut inconnu.")
    page = page_param(request.args.get("page"))
    outbox = Outbox(conn=db())
    entries = outbox.entries(status=status, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    counts = outbox.counts()
    total = counts.get(status, 0) if status else sum(counts.values())
    return render_template(
        "outbox.html",
        page="outbox",
        entries=entries,
        counts=counts,
        status=status,
        statuses=STATUS_FR,
        channels=CHANNEL_FR,
        number=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        recipient=recipient,
        kind=kind,
        detail=reason_fr,
    )


def retry(entry_id: int) -> Any:
    console = ctx()
    outbox = Outbox(conn=db())
    if not outbox.retry(entry_id):
        flash("Ce message n'est ni en échec ni en attente de configuration : rien à renvoyer.",
              "erreur")  # fmt: skip
        return redirect(url_for("console.outbox"), code=303)
    backends = console.backends()
    try:
        console.loop.run(backends.outbox.drain())
    except Exception:  # it stays queued: the next drain (scripts/jobs) sends it
        flash("Message remis en file ; il partira au prochain passage.", "ok")
        return redirect(url_for("console.outbox"), code=303)
    entry = outbox.entry(entry_id)
    status = entry.status if entry else "queued"
    if status == "sent":
        flash("Message renvoyé.", "ok")
    elif status == "failed":
        flash(f"Nouvel échec : {reason_fr(entry.detail if entry else '')}", "erreur")
    else:
        flash(f"Message remis en file ({STATUS_FR.get(status, status)}).", "ok")
    return redirect(url_for("console.outbox", statut=request.form.get("statut") or None), code=303)
