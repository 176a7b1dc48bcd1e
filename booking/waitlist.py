"""The waitlist: callers waiting for a service on a day, and the freed slots offered to them.

A caller for whom nothing fits the day asked joins the list (`join`). When a slot of that
service frees up on that day, `scripts/jobs` offers it to the first person waiting
(`create_offer`); they answer « OUI » by SMS before the offer's deadline (`claim_offer`,
then `settle_offer` once the booking is made or refused), or the offer expires
(`expire_offers`) and the slot goes to the next person.

The rules hold across processes because the database enforces them (migration 4): one
pending offer per slot (start time), one pending offer per person, never the same slot
offered twice to the same entry. Every check-and-write runs in one `BEGIN IMMEDIATE`
transaction. Times are `salon.utc.utc_text`; `day` is the salon's local date.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime

from salon import state_db
from salon.utc import parse_utc, utc_text

ENTRY_STATUSES = ("waiting", "booked", "left", "expired")
OFFER_STATUSES = ("pending", "accepted", "expired", "taken", "withdrawn")


@dataclass(frozen=True)
class Entry:
    """One person waiting for `service_id` on the local `day`."""

    id: int
    phone: str
    name: str
    service_id: str
    day: date
    status: str
    created_at: datetime

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Entry:
        return cls(
            id=int(row["id"]),
            phone=row["phone"],
            name=row["name"],
            service_id=row["service_id"],
            day=date.fromisoformat(row["day"]),
            status=row["status"],
            created_at=parse_utc(row["created_at"]),
        )


@dataclass(frozen=True)
class Offer:
    """A slot offered to one entry until `expires_at`."""

    id: int
    entry_id: int
    service_id: str
    start: datetime  # UTC
    end: datetime
    expires_at: datetime
    status: str
    phone: str = ""
    name: str = ""

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Offer:
        keys = row.keys()
        return cls(
            id=int(row["id"]),
            entry_id=int(row["entry_id"]),
            service_id=row["service_id"],
            start=parse_utc(row["start_utc"]),
            end=parse_utc(row["end_utc"]),
            expires_at=parse_utc(row["expires_at"]),
            status=row["status"],
            phone=row["phone"] if "phone" in keys else "",
            name=row["name"] if "name" in keys else "",
        )


_OFFER_WITH_ENTRY = (
    "SELECT o.*, w.phone, w.name FROM waitlist_offers o JOIN waitlist w ON w.id = o.entry_id"
)


def join(
    conn: sqlite3.Connection,
    *,
    phone: str,
    name: str,
    service_id: str,
    day: date,
    now: datetime,
) -> tuple[Entry, bool]:
    """Put `phone` on the list for `service_id` on `day`; (entry, created). Joining again
    for the same service and day keeps the first place (created is False)."""
    name = " ".join(name.split())
    if not name:
        raise ValueError("a name is required to join the waitlist")
    if not phone.startswith("+"):
        raise ValueError("the phone must be in E.164 (+33…)")
    with state_db.write_transaction(conn):
        cursor = conn.execute(
            "INSERT INTO waitlist (phone, name, service_id, day, created_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (phone, name, service_id, day.isoformat(), utc_text(now, precise=True)),
        )
        row = conn.execute(
            "SELECT * FROM waitlist WHERE phone = ? AND service_id = ? AND day = ? "
            "AND status = 'waiting'",
            (phone, service_id, day.isoformat()),
        ).fetchone()
    return Entry.from_row(row), cursor.rowcount == 1


def waiting_groups(conn: sqlite3.Connection, *, first_day: date) -> list[tuple[str, date]]:
    """(service, day) pairs with someone waiting, from `first_day` on, soonest first."""
    rows = conn.execute(
        "SELECT DISTINCT service_id, day FROM waitlist WHERE status = 'waiting' AND day >= ? "
        "ORDER BY day, service_id",
        (first_day.isoformat(),),
    ).fetchall()
    return [(r["service_id"], date.fromisoformat(r["day"])) for r in rows]


def waiting(conn: sqlite3.Connection, *, service_id: str, day: date) -> list[Entry]:
    """The people waiting for this service and day, first come first."""
    rows = conn.execute(
        "SELECT * FROM waitlist WHERE status = 'waiting' AND service_id = ? AND day = ? "
        "ORDER BY created_at, id",
        (service_id, day.isoformat()),
    ).fetchall()
    return [Entry.from_row(r) for r in rows]


def pending_offers(conn: sqlite3.Connection) -> list[Offer]:
    rows = conn.execute(_OFFER_WITH_ENTRY + " WHERE o.status = 'pending'").fetchall()
    return [Offer.from_row(r) for r in rows]


def create_offer(
    conn: sqlite3.Connection,
    *,
    entry_id: int,
    service_id: str,
    start: datetime,
    end: datetime,
    expires_at: datetime,
    now: datetime,
) -> Offer | None:
    """Offer [start, end) to the entry, or None when the rules forbid it: the entry is no
    longer waiting or already holds an offer, the slot (or an overlapping one) is already
    offered to someone, or this entry was offered this slot before."""
    start_text, end_text = utc_text(start), utc_text(end)
    with state_db.write_transaction(conn):
        entry = conn.execute("SELECT status FROM waitlist WHERE id = ?", (entry_id,)).fetchone()
        if entry is None or entry["status"] != "waiting":
            return None
        overlapping = conn.execute(
            "SELECT 1 FROM waitlist_offers WHERE status = 'pending' AND start_utc < ? "
            "AND end_utc > ? LIMIT 1",
            (end_text, start_text),
        ).fetchone()
        if overlapping is not None:
            return None
        try:
            cursor = conn.execute(
                "INSERT INTO waitlist_offers (entry_id, service_id, start_utc, end_utc, "
                "expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (entry_id, service_id, start_text, end_text, utc_text(expires_at),
                 utc_text(now)),
            )  # fmt: skip
        except sqlite3.IntegrityError:  # one of the unique rules: not this one
            return None
        row = conn.execute(_OFFER_WITH_ENTRY + " WHERE o.id = ?", (cursor.lastrowid,)).fetchone()
    return Offer.from_row(row)


def was_offered(conn: sqlite3.Connection, *, entry_id: int, start: datetime) -> bool:
    row = conn.execute(
        "SELECT 1 FROM waitlist_offers WHERE entry_id = ? AND start_utc = ?",
        (entry_id, utc_text(start)),
    ).fetchone()
    return row is not None


def withdraw(conn: sqlite3.Connection, *, offer_id: int, leave: bool = False) -> None:
    """Withdraw a pending offer (it could not be sent); `leave` also ends the entry."""
    with state_db.write_transaction(conn):
        conn.execute(
            "UPDATE waitlist_offers SET status = 'withdrawn' WHERE id = ? AND status = 'pending'",
            (offer_id,),
        )
        if leave:
            conn.execute(
                "UPDATE waitlist SET status = 'left' WHERE id = "
                "(SELECT entry_id FROM waitlist_offers WHERE id = ?)",
                (offer_id,),
            )


def expire_offers(conn: sqlite3.Connection, *, now: datetime) -> list[Offer]:
    """Mark the pending offers past their deadline as expired; returns them."""
    with state_db.write_transaction(conn):
        rows = conn.execute(
            "UPDATE waitlist_offers SET status = 'expired' "
            "WHERE status = 'pending' AND expires_at <= ? RETURNING *",
            (utc_text(now),),
        ).fetchall()
    return [Offer.from_row(r) for r in rows]


def end_past_days(conn: sqlite3.Connection, *, today: date) -> int:
    """Entries still waiting for a day that has passed become 'expired'."""
    with state_db.write_transaction(conn):
        return conn.execute(
            "UPDATE waitlist SET status = 'expired' WHERE status = 'waiting' AND day < ?",
            (today.isoformat(),),
        ).rowcount


def latest_offer(conn: sqlite3.Connection, *, phone: str) -> Offer | None:
    """The most recent offer made to `phone`, whatever its status."""
    row = conn.execute(
        _OFFER_WITH_ENTRY + " WHERE w.phone = ? ORDER BY o.created_at DESC, o.id DESC LIMIT 1",
        (phone,),
    ).fetchone()
    return Offer.from_row(row) if row is not None else None


def claim_offer(conn: sqlite3.Connection, *, phone: str, now: datetime) -> Offer | None:
    """Take the pending, unexpired offer of `phone` for booking (it leaves 'pending' at
    once, so a second « OUI » or another process cannot book it again); None if there
    is none."""
    with state_db.write_transaction(conn):
        row = conn.execute(
            _OFFER_WITH_ENTRY + " WHERE w.phone = ? AND o.status = 'pending' "
            "AND o.expires_at > ? ORDER BY o.created_at LIMIT 1",
            (phone, utc_text(now)),
        ).fetchone()
        if row is None:
            return None
        conn.execute(
            "UPDATE waitlist_offers SET status = 'accepted', answered_at = ? WHERE id = ?",
            (utc_text(now), row["id"]),
        )
    return Offer.from_row(row)


def settle_offer(
    conn: sqlite3.Connection, *, offer_id: int, booking_uid: str | None, now: datetime
) -> None:
    """After a claimed offer: booked (`booking_uid`, the entry is done) or taken meanwhile
    (None: the person stays on the list for other slots)."""
    with state_db.write_transaction(conn):
        if booking_uid is None:
            conn.execute(
                "UPDATE waitlist_offers SET status = 'taken', answered_at = ? WHERE id = ?",
                (utc_text(now), offer_id),
            )
            return
        conn.execute(
            "UPDATE waitlist_offers SET booking_uid = ?, answered_at = ? WHERE id = ?",
            (booking_uid, utc_text(now), offer_id),
        )
        conn.execute(
            "UPDATE waitlist SET status = 'booked', booking_uid = ? WHERE id = "
            "(SELECT entry_id FROM waitlist_offers WHERE id = ?)",
            (booking_uid, offer_id),
        )
