"""Reminders: one SMS (or WhatsApp) `REMINDER_HOURS_BEFORE` before each accepted booking.

For each booking of the next `lead + 24 h` (read from the calendar, the embedded one or
Cal.com, so bookings the owner made there count too):

- exactly once per booking and start time: the decision (queued or skipped, and why) is
  a row of `booking_reminders` keyed by (uid, start); the message's outbox key is
  `<uid>:reminder@<start>:<channel>`, so two processes queue it once. A moved booking has
  a new start (and often a new uid): it is reminded again;
- not for a booking made less than `lead` before it (the confirmation just went out); a
  Cal.com booking made outside the agent has no creation time here, so the first time a
  pass saw it stands for it (passes look a day further than the lead for that reason);
- never during quiet hours: a reminder due then goes at the end of the quiet period, or
  not at all when that leaves less than `min_reminder_lead` before the appointment;
- a reminder still unsent when its booking is cancelled or moved is withdrawn; one the
  outbox could not send before the appointment (Twilio down all along) is given up then.
"""

from __future__ import annotations

import logging
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from booking.agenda import AppointmentBook
from booking.calendar import Booking
from jobs.config import JobsSettings
from jobs.messages import Messages
from notify.base import Channel
from notify.texts import reminder_text
from salon import state_db
from salon.utc import parse_utc, utc_text

log = logging.getLogger("jobs")

OBSERVE_AHEAD = timedelta(hours=24)


@dataclass
class ReminderReport:
    queued: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    withdrawn: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"queued": self.queued, "skipped": dict(self.skipped), "withdrawn": self.withdrawn}


def reminder_key(uid: str, start: datetime, channel: Channel) -> str:
    return f"{uid}:reminder@{utc_text(start)}:{channel}"


async def send_reminders(
    *, book: AppointmentBook, messages: Messages, cfg: JobsSettings, now: datetime
) -> ReminderReport:
    """Queue the reminders due at `now`; see the module docstring."""
    conn, profile, channel = messages.conn, messages.profile, messages.channel
    report = ReminderReport()
    horizon = now + cfg.reminder_lead + OBSERVE_AHEAD
    bookings = [b for b in await book.bookings_between(now, horizon) if b.status == "accepted"]
    keys = {(b.uid, utc_text(b.start)) for b in bookings}
    decided = _decisions(conn, [b.uid for b in bookings])
    created = _created_at(
        conn, [b.uid for b in bookings if (b.uid, utc_text(b.start)) not in decided]
    )
    local_now = now.astimezone(profile.timezone)
    for booking in sorted(bookings, key=lambda b: b.start):
        key = (booking.uid, utc_text(booking.start))
        state = decided.get(key)
        if state is not None and state[0] != "seen":
            continue
        made = created.get(booking.uid) or (parse_utc(state[1]) if state else None)
        if made is None:  # made outside the agent: the first pass that saw it stands for it
            _decide(conn, key, "seen", None, now)
            made = now
        if now < booking.start - cfg.reminder_lead:
            continue  # not due yet
        if booking.start - made < cfg.reminder_lead:
            _skip(conn, report, booking, key, "booked_late", now)
            continue
        earliest = cfg.quiet.end_after(local_now)
        if booking.start - earliest < cfg.min_reminder_lead:
            _skip(conn, report, booking, key, "too_late", now)
            continue
        if earliest > local_now:
            continue  # quiet hours: at their end
        if _queue(messages, booking, now=now):
            _decide(conn, key, "queued", None, now)
            report.queued += 1
            log.info(
                "reminder queued",
                extra={"uid": booking.uid, "start": utc_text(booking.start), "channel": channel},
            )
        else:
            _skip(conn, report, booking, key, "not_mobile", now)
    report.withdrawn = _withdraw_stale(conn, keys=keys, now=now, horizon=horizon)
    return report


def _queue(messages: Messages, booking: Booking, *, now: datetime) -> bool:
    customer = booking.customer
    if customer is None or not customer.phone:
        return False
    services = [s.name for s in booking.services]
    stylist = messages.profile.stylist_name(booking.stylist_id)
    body = reminder_text(
        profile=messages.profile,
        service=services,
        start=booking.start,
        name=customer.name or None,
        replies=messages.replies,
        stylist=stylist,
        sent=now,  # queued outside quiet hours, it goes now: « aujourd'hui à 20h »
    )
    return messages.queue(
        to=customer.phone,
        body=body,
        dedupe_key=reminder_key(booking.uid, booking.start, messages.channel),
        service=services,
        start=booking.start,
        event="reminder",
        useless_after=booking.start,  # a reminder once the appointment began: no use
        stylist=stylist,
    )


def _skip(
    conn: sqlite3.Connection,
    report: ReminderReport,
    booking: Booking,
    key: tuple[str, str],
    reason: str,
    now: datetime,
) -> None:
    _decide(conn, key, "skipped", reason, now)
    report.skipped[reason] += 1
    log.info("reminder skipped", extra={"uid": booking.uid, "reason": reason})


def _decide(
    conn: sqlite3.Connection, key: tuple[str, str], outcome: str, reason: str | None, now: datetime
) -> None:
    """Record a decision once: a 'seen' row may become queued or skipped, never back."""
    with state_db.write_transaction(conn):
        conn.execute(
            "INSERT INTO booking_reminders (uid, start_utc, outcome, reason, first_seen_at, "
            "decided_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (uid, start_utc) DO UPDATE SET "
            "outcome = excluded.outcome, reason = excluded.reason, "
            "decided_at = excluded.decided_at WHERE booking_reminders.outcome = 'seen' "
            "AND excluded.outcome != 'seen'",
            (*key, outcome, reason, utc_text(now), None if outcome == "seen" else utc_text(now)),
        )


def _chunks(values: list[str], size: int = 500) -> list[list[str]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


def _decisions(conn: sqlite3.Connection, uids: list[str]) -> dict[tuple[str, str], tuple[str, str]]:
    """(uid, start) -> (outcome, first_seen_at) for these bookings."""
    out: dict[tuple[str, str], tuple[str, str]] = {}
    for chunk in _chunks(sorted(set(uids))):
        marks = ",".join("?" for _ in chunk)
        rows = conn.execute(
            "SELECT uid, start_utc, outcome, first_seen_at FROM booking_reminders "
            f"WHERE uid IN ({marks})",
            chunk,
        )
        out.update({(r[0], r[1]): (r[2], r[3]) for r in rows})
    return out


def _created_at(conn: sqlite3.Connection, uids: list[str]) -> dict[str, datetime]:
    """When each booking was made (or moved there), from the embedded calendar or the
    Cal.com phone table; absent for a Cal.com booking made outside the agent."""
    out: dict[str, datetime] = {}
    for chunk in _chunks(sorted(set(uids))):
        marks = ",".join("?" for _ in chunk)
        for table in ("local_bookings", "calcom_links"):
            rows = conn.execute(
                f"SELECT uid, created_at FROM {table} WHERE uid IN ({marks})", chunk
            )
            out.update({r[0]: parse_utc(r[1]) for r in rows if r[1]})
    return out


def _withdraw_stale(
    conn: sqlite3.Connection, *, keys: set[tuple[str, str]], now: datetime, horizon: datetime
) -> int:
    """Unsent reminders of bookings no longer there at that time (cancelled, moved)."""
    rows = conn.execute(
        "SELECT uid, start_utc FROM booking_reminders WHERE outcome = 'queued' "
        "AND start_utc > ? AND start_utc <= ?",
        (utc_text(now), utc_text(horizon)),
    ).fetchall()
    gone = [(r[0], r[1]) for r in rows if (r[0], r[1]) not in keys]
    withdrawn = 0
    for uid, start in gone:
        with state_db.write_transaction(conn):
            withdrawn += conn.execute(
                "DELETE FROM notify_outbox WHERE dedupe_key LIKE ? ESCAPE '\\' "
                "AND status IN ('queued', 'not_sent')",
                (_like(f"{uid}:reminder@{start}:") + "%",),
            ).rowcount
            conn.execute(
                "UPDATE booking_reminders SET outcome = 'skipped', reason = 'cancelled' "
                "WHERE uid = ? AND start_utc = ?",
                (uid, start),
            )
        log.info("reminder withdrawn, the booking changed", extra={"uid": uid})
    return withdrawn


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


__all__ = ["OBSERVE_AHEAD", "ReminderReport", "reminder_key", "send_reminders"]
