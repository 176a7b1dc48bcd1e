"""Proofs of ownership: one-time codes sent by SMS to a booking's number, and the
temporary right ("grant") a caller earns by reading the code back.

Codes are 6 digits, stored hashed (never in clear), valid 10 minutes, 3 tries each, at most
3 codes sent per booking per day (`issue_code` stores one past that quota without sending
it, and limits each caller number instead); a grant lasts 30 minutes, per booking and
caller number. A code used or out of tries loses its hash at once (`scripts/jobs` blanks
expired ones too); the bare row counts towards the daily quota, then retention deletes it.
Tables `booking_codes` and `booking_grants` live in the state db; every check-and-write
runs in one `BEGIN IMMEDIATE` transaction.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from datetime import datetime, timedelta

from booking.calendar import TooManyAttempts, VerificationRequired
from salon import state_db
from salon.utc import parse_utc, utc_text

CODE_TTL = timedelta(minutes=10)
GRANT_TTL = timedelta(minutes=30)
TRIES_PER_CODE = 3
CODES_PER_DAY = 3
CALLER_REQUESTS_PER_DAY = 5  # codes one caller number may ask for, whatever the bookings


def _hash(uid: str, code: str) -> str:
    return hashlib.sha256(f"{uid}:{code}".encode()).hexdigest()


def has_grant(conn: sqlite3.Connection, *, uid: str, phone: str, now: datetime) -> bool:
    row = conn.execute(
        "SELECT expires_at FROM booking_grants WHERE uid = ? AND caller_phone = ?",
        (uid, phone),
    ).fetchone()
    return row is not None and parse_utc(row["expires_at"]) > now


def new_code(conn: sqlite3.Connection, *, uid: str, phone: str, now: datetime) -> str:
    """Store and return a fresh code; raises `TooManyAttempts` past the daily quota."""
    code = f"{secrets.randbelow(1_000_000):06d}"
    with state_db.write_transaction(conn):
        sent = conn.execute(
            "SELECT COUNT(*) FROM booking_codes WHERE uid = ? AND created_at > ?",
            (uid, utc_text(now - timedelta(days=1), precise=True)),
        ).fetchone()[0]
        if sent >= CODES_PER_DAY:
            raise TooManyAttempts("code quota reached for this booking")
        conn.execute(
            "INSERT INTO booking_codes (uid, caller_phone, code_hash, expires_at, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (uid, phone, _hash(uid, code), utc_text(now + CODE_TTL), utc_text(now, precise=True)),
        )
    return code


def issue_code(
    conn: sqlite3.Connection, *, uid: str, phone: str, now: datetime
) -> tuple[str, bool]:
    """Store a fresh code for (uid, caller) and return it with whether it may be SENT.

    Unlike `new_code`, a booking past its daily quota (or one that does not exist) still
    gets a stored code, never sent: the caller hears the same thing and `check_code`
    answers the same way, so quotas tell nothing about whether a booking exists. Only
    the caller's own number is limited: `TooManyAttempts` past `CALLER_REQUESTS_PER_DAY`.
    """
    code = f"{secrets.randbelow(1_000_000):06d}"
    since = utc_text(now - timedelta(days=1), precise=True)
    with state_db.write_transaction(conn):
        asked = conn.execute(
            "SELECT COUNT(*) FROM booking_codes WHERE caller_phone = ? AND created_at > ?",
            (phone, since),
        ).fetchone()[0]
        if asked >= CALLER_REQUESTS_PER_DAY:
            raise TooManyAttempts("code requests of this caller reached for today")
        sent = conn.execute(
            "SELECT COUNT(*) FROM booking_codes WHERE uid = ? AND created_at > ?", (uid, since)
        ).fetchone()[0]
        conn.execute(
            "INSERT INTO booking_codes (uid, caller_phone, code_hash, expires_at, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (uid, phone, _hash(uid, code), utc_text(now + CODE_TTL), utc_text(now, precise=True)),
        )
    return code, sent < CODES_PER_DAY


def check_code(
    conn: sqlite3.Connection, *, uid: str, phone: str, code: str, now: datetime
) -> int | None:
    """None when the code is right (a grant is recorded), else the tries left.

    Raises `VerificationRequired` when no code was sent (or it expired) and
    `TooManyAttempts` once the code's tries are used up."""
    with state_db.write_transaction(conn):
        row = conn.execute(
            "SELECT rowid, code_hash, expires_at, tries FROM booking_codes "
            "WHERE uid = ? AND caller_phone = ? ORDER BY created_at DESC LIMIT 1",
            (uid, phone),
        ).fetchone()
        if row is None:
            raise VerificationRequired("no code was sent to this caller")
        if row["tries"] >= TRIES_PER_CODE:
            raise TooManyAttempts("too many wrong codes")
        if parse_utc(row["expires_at"]) <= now:
            raise VerificationRequired(
                "code expired",
                caller_message="Ce code a expiré. Voulez-vous que je vous en envoie un nouveau ?",
            )
        if hmac.compare_digest(row["code_hash"], _hash(uid, code)):
            # Used: the code itself (its hash) goes at once; the row still counts
            # towards the daily quota until retention deletes it (records.retention).
            conn.execute(
                "UPDATE booking_codes SET tries = ?, code_hash = '' WHERE rowid = ?",
                (TRIES_PER_CODE, row[0]),
            )
            conn.execute(
                "INSERT OR REPLACE INTO booking_grants VALUES (?, ?, ?)",
                (uid, phone, utc_text(now + GRANT_TTL)),
            )
            return None
        tries = row["tries"] + 1
        conn.execute(
            "UPDATE booking_codes SET tries = ?, code_hash = CASE WHEN ? >= ? THEN '' "
            "ELSE code_hash END WHERE rowid = ?",
            (tries, tries, TRIES_PER_CODE, row[0]),
        )
        return TRIES_PER_CODE - tries


def carry_grants(conn: sqlite3.Connection, *, old_uid: str, new_uid: str) -> None:
    """A booking moved to a new uid keeps the rights proven on the old one."""
    if old_uid != new_uid:
        conn.execute(
            "INSERT OR REPLACE INTO booking_grants SELECT ?, caller_phone, expires_at "
            "FROM booking_grants WHERE uid = ?",
            (new_uid, old_uid),
        )
