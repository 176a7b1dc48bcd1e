"""`LocalCalendar`: the embedded calendar, in the one SQLite state db (`salon.state_db`).

Free slots come from the weekly hours, exceptional closures, special hours and French
public holidays (`booking.hours`), the service's duration and the salon's `chairs`
(how many appointments may overlap). Booking and moving run in `BEGIN IMMEDIATE`
transactions that re-check capacity, so concurrent attempts on one slot from several
threads or processes yield exactly one booking. Each booking, move and cancellation
writes its `booking.journal` entry in the same transaction: the confirmation it owes
cannot be lost to a crash.
"""

from __future__ import annotations

import asyncio
import secrets
import sqlite3
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate

from booking import journal
from booking.base import BaseCalendar, parse_utc, utc_text
from booking.calendar import Booking, Customer, InvalidRequest, SlotTaken
from booking.hours import opening_hours
from booking.services import fold
from salon import state_db
from salon.profile import Service

_DAY = 24 * 60 + 60  # minutes in the longest (DST) day


def max_overlap(intervals: list[tuple[datetime, datetime]], start: datetime, end: datetime) -> int:
    """How many of `intervals` overlap at the busiest instant of `[start, end)`."""
    inside = [(max(s, start), min(e, end)) for s, e in intervals if s < end and e > start]
    if not inside:
        return 0
    events = sorted([(s, 1) for s, _ in inside] + [(e, -1) for _, e in inside])
    best = current = 0
    for _, delta in events:  # ends (-1) sort before starts (+1) at the same instant
        current += delta
        best = max(best, current)
    return best


class LocalCalendar(BaseCalendar):
    """The embedded SQLite calendar (the default when `CAL_API_KEY` is unset)."""

    # -------------------------------------------------------------------- helpers

    def _row_booking(self, row: sqlite3.Row) -> Booking:
        tz = self.profile.timezone
        return Booking(
            uid=row["uid"],
            service=self._any_service(row["service_id"]),
            start=parse_utc(row["start_utc"]).astimezone(tz),
            end=parse_utc(row["end_utc"]).astimezone(tz),
            customer=Customer(name=row["name"], phone=row["phone"], email=row["email"]),
            status=row["status"],
        )

    def _any_service(self, service_id: str) -> Service:
        try:
            return self.profile.service(service_id)
        except KeyError:
            return Service(id=service_id, name=service_id, category="", duration=0, price=0)

    def _busy(
        self, conn: sqlite3.Connection, start: datetime, end: datetime, *, skip: str = ""
    ) -> list[tuple[datetime, datetime]]:
        rows = conn.execute(
            "SELECT start_utc, end_utc FROM local_bookings WHERE status = 'accepted' "
            "AND start_utc < ? AND end_utc > ? AND uid != ?",
            (utc_text(end), utc_text(start), skip),
        ).fetchall()
        return [(parse_utc(r[0]), parse_utc(r[1])) for r in rows]

    def _within_hours(self, start: datetime, end: datetime) -> bool:
        tz = self.profile.timezone
        local_start, local_end = start.astimezone(tz), end.astimezone(tz)
        if local_start.date() != local_end.date() and local_end.time() != time(0):
            return False
        return any(
            local_start.time() >= lo and local_end.time() <= hi
            for lo, hi in opening_hours(self.profile, local_start.date())
        )

    def _check_capacity(
        self, conn: sqlite3.Connection, start: datetime, end: datetime, *, skip: str = ""
    ) -> None:
        if not self._within_hours(start, end):
            raise SlotTaken("outside opening hours")
        if max_overlap(self._busy(conn, start, end, skip=skip), start, end) >= self.profile.chairs:
            raise SlotTaken("no chair free at this time")

    # ---------------------------------------------------------------- raw back-end

    def _starts_sync(self, service: Service, start: datetime, end: datetime) -> list[datetime]:
        """Free starts in `[start, end)`: opening hours stepped by `slot_step_minutes`,
        kept when fewer than `chairs` bookings overlap at every minute of the service.
        Minutes are wall-clock minutes from local midnight (aware arithmetic in one zone)."""
        tz = self.profile.timezone
        chairs, duration = self.profile.chairs, service.duration
        step = max(1, self.profile.slot_step_minutes)
        rows = self._run(lambda c: self._busy(c, start, end + timedelta(minutes=duration)))
        busy: dict[date, list[tuple[int, int]]] = {}
        for s, e in rows:
            local_s, local_e = s.astimezone(tz), e.astimezone(tz)
            day = local_s.date()
            while day <= local_e.date():
                midnight = datetime.combine(day, time(0), tzinfo=tz)
                a = max(0, int((local_s - midnight).total_seconds() // 60))
                b = min(_DAY, -int(-(local_e - midnight).total_seconds() // 60))
                if b > a:
                    busy.setdefault(day, []).append((a, b))
                day += timedelta(days=1)
        local_start, local_end = start.astimezone(tz), end.astimezone(tz)
        out: list[datetime] = []
        day = local_start.date()
        while day <= local_end.date():
            midnight = datetime.combine(day, time(0), tzinfo=tz)
            first = (local_start - midnight).total_seconds()
            last = (local_end - midnight).total_seconds()
            spans = busy.get(day, [])
            occupancy: list[int] | None = None
            if len(spans) >= chairs:
                diff = [0] * (_DAY + 1)
                for a, b in spans:
                    diff[a] += 1
                    diff[b] -= 1
                occupancy = list(accumulate(diff))
            for lo, hi in opening_hours(self.profile, day):
                minute, close = lo.hour * 60 + lo.minute, hi.hour * 60 + hi.minute
                while minute + duration <= close:
                    if first <= minute * 60 < last and (
                        occupancy is None or max(occupancy[minute : minute + duration]) < chairs
                    ):
                        out.append(midnight + timedelta(minutes=minute))
                    minute += step
            day += timedelta(days=1)
        return out

    async def _available_starts(
        self, service: Service, start: datetime, end: datetime
    ) -> list[datetime]:
        return self._starts_sync(service, start, end)

    async def _create(self, service: Service, start: datetime, customer: Customer) -> Booking:
        end = start + timedelta(minutes=service.duration)

        def create(conn: sqlite3.Connection) -> Booking:
            with state_db.write_transaction(conn):
                # The same request retried (same phone, service, start and name, without
                # case or accents) is one booking; a parent booking for a child with the
                # same phone is another person, hence another booking.
                same = conn.execute(
                    "SELECT * FROM local_bookings WHERE status = 'accepted' AND phone = ? "
                    "AND service_id = ? AND start_utc = ? AND name_folded = ?",
                    (customer.phone, service.id, utc_text(start), fold(customer.name)),
                ).fetchone()
                if same is not None:
                    return self._row_booking(same)
                self._check_capacity(conn, start, end)
                uid = secrets.token_urlsafe(12)
                conn.execute(
                    "INSERT INTO local_bookings (uid, service_id, start_utc, end_utc, name, "
                    "name_folded, phone, email, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        uid,
                        service.id,
                        utc_text(start),
                        utc_text(end),
                        customer.name,
                        fold(customer.name),
                        customer.phone,
                        customer.email,
                        utc_text(datetime.now(UTC)),
                    ),
                )
                journal.record(
                    conn, kind="booked", state="done", uid=uid, service_id=service.id,
                    start=start, phone=customer.phone, name=customer.name,
                )  # fmt: skip
                row = conn.execute("SELECT * FROM local_bookings WHERE uid = ?", (uid,)).fetchone()
                return self._row_booking(row)

        return await asyncio.to_thread(self._run, create)

    async def _get(self, uid: str) -> Booking | None:
        row = self._run(
            lambda c: c.execute("SELECT * FROM local_bookings WHERE uid = ?", (uid,)).fetchone()
        )
        return None if row is None else self._row_booking(row)

    async def _by_phone(self, phone: str, after: datetime) -> list[Booking]:
        rows = self._run(
            lambda c: c.execute(
                "SELECT * FROM local_bookings WHERE phone = ? AND status = 'accepted' "
                "AND end_utc > ? ORDER BY start_utc",
                (phone, utc_text(after)),
            ).fetchall()
        )
        return [self._row_booking(r) for r in rows]

    async def _by_name_day(self, name: str, day: date) -> list[Booking]:
        tz = self.profile.timezone
        lo = datetime.combine(day, time(0), tzinfo=tz)
        hi = lo + timedelta(days=1)
        rows = self._run(
            lambda c: c.execute(
                "SELECT * FROM local_bookings WHERE status = 'accepted' AND start_utc >= ? "
                "AND start_utc < ? ORDER BY start_utc",
                (utc_text(lo), utc_text(hi)),
            ).fetchall()
        )
        return [self._row_booking(r) for r in rows]

    async def bookings_between(self, start: datetime, end: datetime) -> list[Booking]:
        """The owner's view: active bookings starting in `[start, end)`, by start time."""
        rows = self._run(
            lambda c: c.execute(
                "SELECT * FROM local_bookings WHERE status = 'accepted' AND start_utc >= ? "
                "AND start_utc < ? ORDER BY start_utc, created_at",
                (utc_text(start), utc_text(end)),
            ).fetchall()
        )
        return [self._row_booking(r) for r in rows]

    async def _move(self, booking: Booking, start: datetime) -> Booking:
        if booking.customer is None:
            raise InvalidRequest("cannot move a redacted booking")
        end = start + (booking.end - booking.start)

        def move(conn: sqlite3.Connection) -> Booking:
            with state_db.write_transaction(conn):
                row = conn.execute(
                    "SELECT * FROM local_bookings WHERE uid = ? AND status = 'accepted'",
                    (booking.uid,),
                ).fetchone()
                if row is None:
                    raise SlotTaken("booking changed meanwhile")
                self._check_capacity(conn, start, end, skip=booking.uid)
                uid = secrets.token_urlsafe(12)
                conn.execute(
                    "INSERT INTO local_bookings (uid, service_id, start_utc, end_utc, name, "
                    "name_folded, phone, email, created_at) SELECT ?, service_id, ?, ?, name, "
                    "name_folded, phone, email, ? FROM local_bookings WHERE uid = ?",
                    (uid, utc_text(start), utc_text(end), utc_text(datetime.now(UTC)), row["uid"]),
                )
                conn.execute(
                    "UPDATE local_bookings SET status = 'cancelled', reason = 'déplacé', "
                    "rescheduled_to = ? WHERE uid = ?",
                    (uid, row["uid"]),
                )
                new = conn.execute("SELECT * FROM local_bookings WHERE uid = ?", (uid,)).fetchone()
                journal.record(
                    conn, kind="moved", state="done", uid=uid, previous_uid=row["uid"],
                    service_id=row["service_id"], start=start, phone=row["phone"],
                    name=row["name"], previous_start=parse_utc(row["start_utc"]),
                )  # fmt: skip
                return self._row_booking(new)

        return await asyncio.to_thread(self._run, move)

    async def _cancel(self, booking: Booking, reason: str) -> Booking:
        def cancel(conn: sqlite3.Connection) -> Booking:
            with state_db.write_transaction(conn):
                changed = conn.execute(
                    "UPDATE local_bookings SET status = 'cancelled', reason = ? "
                    "WHERE uid = ? AND status = 'accepted'",
                    (reason, booking.uid),
                ).rowcount
                row = conn.execute(
                    "SELECT * FROM local_bookings WHERE uid = ?", (booking.uid,)
                ).fetchone()
                if changed:
                    journal.record(
                        conn, kind="cancelled", state="done", uid=row["uid"],
                        service_id=row["service_id"], start=parse_utc(row["start_utc"]),
                        phone=row["phone"], name=row["name"],
                    )  # fmt: skip
                return self._row_booking(row)

        return await asyncio.to_thread(self._run, cancel)
