"""Appels (`/admin/appels`): each call with its time, masked number, intent, outcome and
duration; one call opened shows the number, the summary and the whole transcript."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from records.listing import count_calls, recent_calls
from records.report import INTENT_FR, OUTCOME_FR, ROLE_FR, actions_words
from records.store import CallRecords
from webhook.console.helpers import PAGE_SIZE, db, page_param


def add_routes(bp: Blueprint) -> None:
    bp.add_url_rule("/appels", "calls", calls_page)
    bp.add_url_rule("/appels/<int:call_id>", "call", call_page)


def calls_page() -> str:
    page = page_param(request.args.get("page"))
    conn = db()
    total = count_calls(conn)
    rows = recent_calls(conn, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render_template(
        "calls.html",
        page="calls",
        calls=rows,
        total=total,
        number=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        intents=INTENT_FR,
        outcomes=OUTCOME_FR,
    )


def call_page(call_id: int) -> str:
    record = CallRecords(conn=db()).get_by_id(call_id)
    if record is None:
        abort(404, description="Cet appel n'existe pas (ou ses données ont été effacées).")
    return render_template(
        "call.html",
        page="calls",
        call=record,
        intents=INTENT_FR,
        outcomes=OUTCOME_FR,
        roles=ROLE_FR,
        tools=actions_words(record.tools_used),
    )
