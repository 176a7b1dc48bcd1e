"""Appels (`/admin/appels`): each call with its time, masked number, intent, outcome,
duration and the questions still waiting for an answer; one call opened shows the
number, the summary (each question marked once it was answered since) and the whole
transcript."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime

from flask import Blueprint, abort, render_template, request

from records.listing import count_calls, gap_key, recent_calls
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
        unanswered=_unanswered(conn, [(c.call_sid, c.started_at) for c in rows if c.gaps]),
    )


def _unanswered(
    conn: sqlite3.Connection, calls: Iterable[tuple[str | None, datetime]]
) -> dict[str, set[str]]:
    """For each call (call_sid, start), the questions (`gap_key`) it left that nothing
    has answered since: the owner's answers (Questions page, `python -m records answer`)
    mark a question answered for every call that asked it, and the call list must stop
    counting it. A call without a call_sid cannot be told apart: it is left out, and the
    pages keep counting its questions as unanswered."""
    asked = [(sid, started) for sid, started in calls if sid]
    if not asked:
        return {}
    sids = {sid for sid, _ in asked}
    since = min(started for _, started in asked)
    found: dict[str, set[str]] = {}
    for gap in CallRecords(conn=conn).knowledge_gaps(since=since):
        for sid in sids.intersection(gap.call_sids):
            found.setdefault(sid, set()).add(gap_key(gap.question))
    return found


def call_page(call_id: int) -> str:
    record = CallRecords(conn=db()).get_by_id(call_id)
    if record is None:
        abort(404, description="Cet appel n'existe pas (ou ses données ont été effacées).")
    still_open = _unanswered(db(), [(record.call_sid, record.started_at)])
    return render_template(
        "call.html",
        page="calls",
        call=record,
        questions=[
            (q, record.call_sid is None or gap_key(q) in still_open.get(record.call_sid, set()))
            for q in record.knowledge_gaps
        ],
        intents=INTENT_FR,
        outcomes=OUTCOME_FR,
        roles=ROLE_FR,
        tools=actions_words(record.tools_used),
    )
