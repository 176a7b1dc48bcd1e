"""Seeding the console tests' state: bookings, calls, messages, gaps."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from booking.hours import opening_hours
from booking.services import fold
from records.store import CallRecords
from records.types import CallRecord, TakenMessage, TranscriptLine
from salon import state_db
from salon.profile import SalonProfile
from salon.utc import utc_text

PHONE = "+33612345678"  # shown masked: +336******78
SHOWN = "06 12 34 56 78"


def open_day(profile: SalonProfile, *, after: date) -> date:
    """The first day from `after` on when the salon is open (holidays included)."""
    day = after
    while not opening_hours(profile, day):
        day += timedelta(days=1)
    return day


def insert_booking(
    db: Path, *, service_id: str, start: datetime, minutes: int, name: str, phone: str = PHONE,
    stylist_id: str | None = None,
) -> str:  # fmt: skip
    """A booking row written directly (for pages that show days the calendar may refuse,
    like today when the salon is closed)."""
    uid = secrets.token_urlsafe(12)
    conn = state_db.connect(db)
    conn.execute(
        "INSERT INTO local_bookings (uid, service_id, start_utc, end_utc, name, name_folded,"
        " phone, created_at, stylist_id) VALUES (?,?,?,?,?,?,?,?,?)",
        (uid, service_id, utc_text(start), utc_text(start + timedelta(minutes=minutes)), name,
         fold(name), phone, utc_text(datetime.now(UTC)), stylist_id),
    )  # fmt: skip
    conn.close()
    return uid


def save_call(
    db: Path,
    *,
    started: datetime,
    caller: str | None = PHONE,
    said: str = "Bonjour, c'est pour un rendez-vous.",
    gaps: list[str] | None = None,
    message: str | None = None,
    outcome: str = "answered",
    sid: str | None = None,
) -> int:
    store = CallRecords(path=db)
    record = CallRecord(
        call_sid=sid or "CA" + secrets.token_hex(16),
        started_at=started,
        ended_at=started + timedelta(seconds=75),
        caller=caller,
        intent="question",
        outcome=outcome,
        transcript=[
            TranscriptLine("agent", "Bonjour, Maison Margaux, que puis-je pour vous ?", started),
            TranscriptLine("caller", said, started + timedelta(seconds=5)),
        ],
        knowledge_gaps=gaps or [],
        messages=[TakenMessage(text=message, caller_name="Élodie Lefèvre", callback_number=caller)]
        if message
        else [],
    )
    call_id = store.save(record)
    store.conn.close()
    return call_id
