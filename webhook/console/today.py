"""Aujourd'hui (`/admin/`): today's and tomorrow's appointments, calls since yesterday,
messages to call back, questions left unanswered, at one glance — and, when SMS, WhatsApp
messages or e-mails could not go out for good lately (an invalid number, Twilio down for
a day, a reminder too late), a notice pointing to the Envois page, where alone they show."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, render_template

from booking.hours import opening_hours
from notify.outbox import Outbox
from records.listing import count_calls, recent_calls
from records.store import CallRecords
from salon.french import count_fr
from webhook.console.bookings import bookings_between
from webhook.console.helpers import ctx, db, local_day_bounds, local_now

CALLS_SHOWN = 10
GAPS_SHOWN = 5
# A salon shut on Sunday and Monday still sees on Tuesday what failed on Saturday.
FAILED_DAYS = 7
CHANNEL_WORDS = {
    "sms": ("SMS", "SMS"),
    "whatsapp": ("message WhatsApp", "messages WhatsApp"),
    "email": ("e-mail", "e-mails"),
}


def failed_notice(counts: dict[str, int]) -> str | None:
    """« 2 SMS et 1 e-mail n'ont pas pu partir ces 7 derniers jours », None for none."""
    order = [*CHANNEL_WORDS, *sorted(set(counts) - set(CHANNEL_WORDS))]
    parts = [
        count_fr(counts[channel], *CHANNEL_WORDS.get(channel, ("message", "messages")))
        for channel in order
        if counts.get(channel, 0) > 0
    ]
    if not parts:
        return None
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " et " + parts[-1]
    verb = "n'a pas pu partir" if sum(counts.values()) == 1 else "n'ont pas pu partir"
    return f"{listed} {verb} ces {FAILED_DAYS} derniers jours"


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
    failed = Outbox(conn=conn).failed_since((now - timedelta(days=FAILED_DAYS)).timestamp())
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
        failed_notice=failed_notice(failed),
        reindex=ctx().reindex.last,
        hours={day: opening_hours(ctx().profile(), day) for day in by_day},
    )
