"""Aujourd'hui (`/admin/`): today's and tomorrow's appointments, calls since yesterday,
messages to call back, questions left unanswered, at one glance."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, render_template

from booking.hours import opening_hours
from records.listing import count_calls, recent_calls
from records.store import CallRecords
from webhook.console.bookings import bookings_between
from webhook.console.helpers import ctx, db, local_day_bounds, local_now

CALLS_SHOWN = 10
GAPS_SHOWN = 5


def add_routes(bp: Blueprint) -> None:
    bp.add_url_rule("/", "today", today)


def today() -> str:
    now = local_now()
    start, end = local_day_bounds(now.date(), days=2)
    book, book_error = bookings_between(start, end)
    tomorrow = now.date() + timedelta(days=1)
    by_day = {
        now.date(): [b for b in book if b.start.date() == now.date()],
        tomorrow: [b for b in book if b.start.date() == tomorrow],
    }
    since, _ = local_day_bounds(now.date() - timedelta(days=1))
    conn = db()
    records = CallRecords(conn=conn)
    gaps = records.knowledge_gaps()
    return render_template(
        "today.html",
        page="today",
        now=now,
        by_day=by_day,
        book_error=book_error,
        calls=recent_calls(conn, limit=CALLS_SHOWN, since=since),
        calls_count=count_calls(conn, since=since),
        messages=records.pending_messages(),
        gaps=gaps[:GAPS_SHOWN],
        gaps_count=len(gaps),
        reindex=ctx().reindex.last,
        hours={day: opening_hours(ctx().profile(), day) for day in by_day},
    )
