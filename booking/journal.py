"""The booking journal: each booking, move and cancellation made through a calendar, and
whether the confirmation it owes was queued (table `booking_journal`, migration 5).

A change in the calendar and its confirmation SMS must not be separated by a crash, and
`booking` may not import `notify`. So the calendar writes what it did here, and the
confirmation is queued from this record:

- the embedded calendar writes the entry in the SAME `BEGIN IMMEDIATE` transaction as the
  booking row (`record` is a plain insert on the caller's connection): both are committed,
  or neither;
- Cal.com cannot share our transaction: the entry is written `pending` BEFORE the HTTP
  call, then settled `done` (with the uid) or `failed`; one a crash left pending is looked
  up in Cal.com later (`reconcile` calls the calendar's `_resolve_pending`);
- whoever queues the confirmation — the agent right after its tool, or `reconcile` on the
  next start — marks the entry notified. The outbox's dedupe key ("<uid>:booked:sms")
  makes a confirmation queued twice one message, so "at least once" here is exactly once.

Entries hold the customer's phone and name (personal data); those dealt with more than
`KEEP` ago are deleted by `scripts/jobs`' retention on every pass (and by `reconcile`
when a worker starts).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from booking.calendar import CalendarError
from salon.utc import parse_utc, utc_text

if TYPE_CHECKING:
    from booking.base import BaseCalendar

log = logging.getLogger("booking")

Kind = Literal["booked", "moved", "cancelled"]
State = Literal["pending", "done", "failed"]
KINDS: tuple[str, ...] = ("booked", "moved", "cancelled")
KEEP = timedelta(days=7)  # settled entries are kept that long after they were dealt with


@dataclass(frozen=True)
class JournalEntry:
    """One change and where its confirmation goes; `start` is the (new) start, in UTC."""

    id: int
    kind: Kind
    state: State
    uid: str | None
    previous_uid: str | None
    service_id: str
    start: datetime
    previous_start: datetime | None
    phone: str
    name: str
    created_at: datetime
    stylist_id: str | None = None
    extra_service_ids: tuple[str, ...] = ()
    reason: str | None = None  # a move's or cancellation's; None when not kept

    @property
    def service_ids(self) -> tuple[str, ...]:
        """Every service of the visit, in order."""
        return (self.service_id, *self.extra_service_ids)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> JournalEntry:
        previous = row["previous_start_utc"]
        return cls(
            id=int(row["id"]),
            kind=row["kind"],
            state=row["state"],
            uid=row["uid"],
            previous_uid=row["previous_uid"],
            service_id=row["service_id"],
            start=parse_utc(row["start_utc"]),
            previous_start=parse_utc(previous) if previous else None,
            phone=row["phone"],
            name=row["name"],
            created_at=parse_utc(row["created_at"]),
            stylist_id=row["stylist_id"],
            extra_service_ids=split_ids(row["extra_services"]),
            reason=row["reason"],
        )


def split_ids(text: str | None) -> tuple[str, ...]:
    """`"a,b"` → `("a", "b")`; the form of `extra_services` columns."""
    return tuple(x for x in (text or "").split(",") if x)


def record(
    conn: sqlite3.Connection,
    *,
    kind: Kind,
    state: State,
    service_id: str,
    start: datetime,
    phone: str,
    name: str,
    uid: str | None = None,
    previous_uid: str | None = None,
    previous_start: datetime | None = None,
    now: datetime | None = None,
    stylist_id: str | None = None,
    extra_service_ids: tuple[str, ...] = (),
    reason: str | None = None,
) -> int:
    """Write one entry with a plain INSERT: inside the caller's transaction when one is
    open (the embedded calendar), else committed at once (autocommit)."""
    if kind not in KINDS:
        raise ValueError(f"unknown journal kind {kind!r}")
    moment = utc_text(now or datetime.now(UTC))
    cur = conn.execute(
        "INSERT INTO booking_journal (kind, state, uid, previous_uid, service_id, start_utc, "
        "previous_start_utc, phone, name, created_at, settled_at, stylist_id, extra_services, "
        "reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            kind,
            state,
            uid,
            previous_uid,
            service_id,
            utc_text(start),
            utc_text(previous_start) if previous_start else None,
            phone,
            name,
            moment,
            None if state == "pending" else moment,
            stylist_id,
            ",".join(extra_service_ids),
            reason,
        ),
    )
    return int(cur.lastrowid or 0)


def settle(
    conn: sqlite3.Connection, entry_id: int, *, state: State, uid: str | None = None
) -> None:
    """A pending entry's outcome: `done` (with the booking's uid) or `failed`. A `done`
    learnt by the call itself wins over a `failed` guessed by an early reconciliation."""
    conn.execute(
        "UPDATE booking_journal SET state = ?, uid = COALESCE(?, uid), settled_at = ? "
        "WHERE id = ? AND (state = 'pending' OR (state = 'failed' AND ? = 'done'))",
        (state, uid, utc_text(datetime.now(UTC)), entry_id, state),
    )


def pending(conn: sqlite3.Connection, *, created_before: datetime) -> list[JournalEntry]:
    rows = conn.execute(
        "SELECT * FROM booking_journal WHERE state = 'pending' AND created_at <= ? ORDER BY id",
        (utc_text(created_before),),
    ).fetchall()
    return [JournalEntry.from_row(r) for r in rows]


def owed(conn: sqlite3.Connection, *, settled_before: datetime) -> list[JournalEntry]:
    """Done entries whose confirmation was never queued, oldest first."""
    rows = conn.execute(
        "SELECT * FROM booking_journal WHERE state = 'done' AND notified_at IS NULL "
        "AND uid IS NOT NULL AND settled_at <= ? ORDER BY id",
        (utc_text(settled_before),),
    ).fetchall()
    return [JournalEntry.from_row(r) for r in rows]


def mark_notified(conn: sqlite3.Connection, *, uid: str, kind: str) -> int:
    """The confirmation of (uid, kind) is queued; returns how many entries that settled."""
    cur = conn.execute(
        "UPDATE booking_journal SET notified_at = ? "
        "WHERE uid = ? AND kind = ? AND state = 'done' AND notified_at IS NULL",
        (utc_text(datetime.now(UTC)), uid, kind),
    )
    return cur.rowcount


def prune(conn: sqlite3.Connection, *, before: datetime) -> int:
    """Delete entries dealt with (notified, or failed) before `before`."""
    cur = conn.execute(
        "DELETE FROM booking_journal WHERE notified_at < ? "
        "OR (state = 'failed' AND settled_at < ?)",
        (utc_text(before), utc_text(before)),
    )
    return cur.rowcount


Confirm = Callable[[JournalEntry], Awaitable[None]]
"""Queues the confirmation of one entry (the agent's and `scripts/jobs`'s own, through
`notify`); raising leaves the entry owed for the next pass."""


@dataclass
class ReconcileReport:
    """What one `reconcile` pass did."""

    resolved: int = 0  # pending Cal.com calls settled (done or failed)
    unresolved: int = 0  # still pending: the calendar could not be asked
    confirmed: int = 0  # confirmations queued for entries that owed one
    errors: list[str] = field(default_factory=list)


async def reconcile(
    calendar: BaseCalendar,
    *,
    confirm: Confirm,
    grace: timedelta = timedelta(minutes=1),
    now: datetime | None = None,
) -> ReconcileReport:
    """Put right what a crash left: settle the Cal.com calls pending for more than
    `grace` (younger ones may still be under way) by asking the calendar, then queue
    every confirmation still owed (`confirm`) and mark it notified. Safe while calls go
    on, and from several processes at once: a confirmation the agent is about to queue
    too has the same dedupe key in the outbox, so it is one message."""
    moment = now or datetime.now(UTC)
    report = ReconcileReport()
    for entry in calendar._run(lambda c: pending(c, created_before=moment - grace)):
        try:
            state, uid = await calendar._resolve_pending(entry)
        except CalendarError as exc:
            report.unresolved += 1
            report.errors.append(type(exc).__name__)
            continue
        calendar._run(_settler(entry.id, state, uid))
        report.resolved += 1
        log.info("pending booking call settled", extra={"entry": entry.id, "state": state})
    # Entries settled just above count too: their `settled_at` is later than `moment`,
    # and past a second boundary (a slow Cal.com) a `moment` cut-off would skip them.
    settled_by = max(moment, datetime.now(UTC))
    for entry in calendar._run(lambda c: owed(c, settled_before=settled_by)):
        try:
            await confirm(entry)
        except Exception as exc:
            report.errors.append(type(exc).__name__)
            log.warning("owed confirmation not queued", extra={"entry": entry.id})
            continue
        calendar._run(_notifier(entry))
        report.confirmed += 1
        log.info("owed confirmation queued", extra={"entry": entry.id, "kind": entry.kind})
    calendar._run(lambda c: prune(c, before=moment - KEEP))
    return report


def _settler(entry_id: int, state: State, uid: str | None) -> Callable[[sqlite3.Connection], None]:
    return lambda conn: settle(conn, entry_id, state=state, uid=uid)


def _notifier(entry: JournalEntry) -> Callable[[sqlite3.Connection], int]:
    return lambda conn: mark_notified(conn, uid=entry.uid or "", kind=entry.kind)
