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
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from booking import journal
from booking.base import Assignment, BaseCalendar, parse_utc, utc_text
from booking.calendar import Booking, Customer, InvalidRequest, SlotTaken
from booking.hours import fits_hours, grid_words, opening_hours, stylist_hours
from booking.journal import split_ids
from booking.services import fold
from salon import state_db
from salon.profile import SalonProfile, Service, TeamMember

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


# The slot search works on one day at a time with minute bitmasks: bit m of an int is
# wall-clock minute m from local midnight (Python ints make 1 500-bit sets cheap).


def _minutes(a: int, b: int) -> int:
    """The bitmask of minutes `[a, b)`."""
    return ((1 << (b - a)) - 1) << a if b > a else 0


def _fits(free: int, length: int) -> int:
    """Bit m set when minutes m to m + length - 1 are all set in `free`: where a block of
    `length` minutes may start (by doubling: log2(length) shifts)."""
    run, width = free, 1
    while width * 2 <= length:
        run &= run >> width
        width *= 2
    if width < length:
        run &= run >> (length - width)
    return run


def _each_minute(mask: int) -> list[int]:
    """The set bits of `mask`, lowest first."""
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


_ALL_DAY = _minutes(0, _DAY + 1)


def _saturated(spans: list[tuple[int, int, str | None]], chairs: int) -> int:
    """The minutes at which `chairs` bookings or more are in progress."""
    if chairs <= 0:
        return _ALL_DAY
    if len(spans) < chairs:
        return 0
    events = sorted([(a, 1) for a, _, _ in spans] + [(b, -1) for _, b, _ in spans])
    mask, current, since = 0, 0, 0
    for minute, delta in events:  # ends (-1) sort before starts (+1) at the same minute
        current += delta
        if delta == 1 and current == chairs:
            since = minute
        elif delta == -1 and current == chairs - 1:
            mask |= _minutes(since, minute)
    return mask


@dataclass
class _Worker:
    """One stylist on one day: their working minutes, each interval apart, without their
    booked minutes; `load` is how many minutes they are booked."""

    id: str
    free: tuple[int, ...]
    load: int

    def starts(self, length: int) -> int:
        """Where they can start a block of `length` minutes within one working interval."""
        mask = 0
        for minutes in self.free:
            mask |= _fits(minutes, length)
        return mask


def _workers(
    profile: SalonProfile,
    stylists: tuple[TeamMember, ...],
    day: date,
    spans: list[tuple[int, int, str | None]],
) -> list[_Worker]:
    """The stylists working on `day`, least booked first (so « peu importe » spreads the
    day's work)."""
    by_who: dict[str | None, list[tuple[int, int]]] = {}
    for a, b, who in spans:
        by_who.setdefault(who, []).append((a, b))
    out = []
    for member in stylists:
        hours = stylist_hours(profile, member, day)
        if not hours:
            continue
        mine = by_who.get(member.id, [])
        booked = 0
        for a, b in mine:
            booked |= _minutes(a, b)
        free = tuple(
            _minutes(lo.hour * 60 + lo.minute, hi.hour * 60 + hi.minute) & ~booked
            for lo, hi in hours
        )
        out.append(_Worker(member.id, free, sum(b - a for a, b in mine)))
    return sorted(out, key=lambda w: w.load)


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
            extra_services=tuple(self._any_service(x) for x in split_ids(row["extra_services"])),
            stylist_id=row["stylist_id"],
        )

    def _any_service(self, service_id: str) -> Service:
        try:
            return self.profile.service(service_id)
        except KeyError:
            return Service(id=service_id, name=service_id, category="", duration=0, price=0)

    def _busy(
        self, conn: sqlite3.Connection, start: datetime, end: datetime, *, skip: str = ""
    ) -> list[tuple[datetime, datetime, str | None]]:
        rows = conn.execute(
            "SELECT start_utc, end_utc, stylist_id FROM local_bookings WHERE status = 'accepted' "
            "AND start_utc < ? AND end_utc > ? AND uid != ?",
            (utc_text(end), utc_text(start), skip),
        ).fetchall()
        return [(parse_utc(r[0]), parse_utc(r[1]), r[2]) for r in rows]

    def _within(self, start: datetime, end: datetime, member: TeamMember | None) -> bool:
        return fits_hours(self.profile, start, end, member)

    def _check_grid(self, start: datetime) -> None:
        """`SlotTaken` for a start the calendar never offers (« 10h07 » on a quarter-hour
        grid), as for one outside the hours: the agent books only offered slots and the
        console checks first, so only a stray caller of the API gets here."""
        why = grid_words(self.profile, start)
        if why is not None:
            raise SlotTaken(
                "start off the salon's grid of slots",
                caller_message=f"{why} Voulez-vous que je vous propose un horaire libre ?",
            )

    def _free_for(
        self,
        conn: sqlite3.Connection,
        start: datetime,
        end: datetime,
        member: TeamMember | None,
        *,
        skip: str = "",
    ) -> bool:
        """`member` (None: any chair) can take `[start, end)`: working then, no booking of
        theirs overlapping, and fewer than `chairs` bookings at every instant."""
        if not self._within(start, end, member):
            return False
        busy = self._busy(conn, start, end, skip=skip)
        if member is not None and any(who == member.id for _, _, who in busy):
            return False
        spans = [(s, e) for s, e, _ in busy]
        return max_overlap(spans, start, end) < self.profile.chairs

    def _pick(
        self,
        conn: sqlite3.Connection,
        start: datetime,
        end: datetime,
        assignment: Assignment,
        *,
        skip: str = "",
    ) -> str | None:
        """The stylist who takes the booking (checked inside the write transaction), or
        `SlotTaken` when neither the one offered nor, if the caller did not ask for
        them, another qualified stylist is free for the whole visit."""
        candidates: tuple[TeamMember | None, ...] = assignment.candidates or (None,)
        for member in candidates:
            if self._free_for(conn, start, end, member, skip=skip):
                return None if member is None else member.id
        raise SlotTaken("no qualified stylist or chair free for the whole visit")

    # ---------------------------------------------------------------- raw back-end

    def _starts_sync(
        self, services: tuple[Service, ...], start: datetime, end: datetime,
        stylists: tuple[TeamMember, ...], replacing: str | None = None,
    ) -> list[tuple[datetime, str | None]]:  # fmt: skip
        """Free starts in `[start, end)`: opening hours stepped by `slot_step_minutes`,
        kept when a stylist able to do the visit works the whole block and has no booking
        in it, and fewer than `chairs` bookings overlap at every minute. Minutes are
        wall-clock minutes from local midnight (aware arithmetic in one zone), each day's
        sets of minutes bitmasks (`_fits`: where a whole block fits)."""
        tz = self.profile.timezone
        chairs = self.profile.chairs
        duration = sum(s.duration for s in services)
        step = max(1, self.profile.slot_step_minutes)
        rows = self._run(
            lambda c: self._busy(c, start, end + timedelta(minutes=duration), skip=replacing or "")
        )
        busy: dict[date, list[tuple[int, int, str | None]]] = {}
        for s, e, who in rows:
            local_s, local_e = s.astimezone(tz), e.astimezone(tz)
            day = local_s.date()
            if local_e.date() == day:  # the usual case: wall-clock minutes of one day
                a = local_s.hour * 60 + local_s.minute
                b = local_e.hour * 60 + local_e.minute
                b += 1 if local_e.second or local_e.microsecond else 0  # rounded up
                if b > a:
                    busy.setdefault(day, []).append((a, b, who))
                continue
            while day <= local_e.date():
                midnight = datetime.combine(day, time(0), tzinfo=tz)
                a = max(0, int((local_s - midnight).total_seconds() // 60))
                b = min(_DAY, -int(-(local_e - midnight).total_seconds() // 60))
                if b > a:
                    busy.setdefault(day, []).append((a, b, who))
                day += timedelta(days=1)
        local_start, local_end = start.astimezone(tz), end.astimezone(tz)
        out: list[tuple[datetime, str | None]] = []
        day = local_start.date()
        while day <= local_end.date():
            current, day = day, day + timedelta(days=1)
            midnight = datetime.combine(current, time(0), tzinfo=tz)
            first = (local_start - midnight).total_seconds()
            last = (local_end - midnight).total_seconds()
            grid = 0  # the steps of each opening interval where the block ends in it
            for lo, hi in opening_hours(self.profile, current):
                a, b = lo.hour * 60 + lo.minute, hi.hour * 60 + hi.minute
                for minute in range(a, b - duration + 1, step):
                    grid |= 1 << minute
            # within [start, end): first <= minute * 60 < last
            grid &= _minutes(max(0, -int(-first // 60)), min(_DAY, -int(-last // 60)))
            if not grid:
                continue
            spans = busy.get(current, [])
            grid &= _fits(_ALL_DAY & ~_saturated(spans, chairs), duration)
            if not stylists:
                out.extend((midnight + timedelta(minutes=m), None) for m in _each_minute(grid))
                continue
            people = _workers(self.profile, stylists, current, spans)
            free = [(w.id, w.starts(duration) & grid) for w in people]
            anyone = 0
            for _, mask in free:
                anyone |= mask
            for minute in _each_minute(anyone):
                moment = midnight + timedelta(minutes=minute)
                out.extend((moment, who) for who, mask in free if mask >> minute & 1)
        return out

    async def _available_starts(
        self,
        services: tuple[Service, ...],
        start: datetime,
        end: datetime,
        stylists: tuple[TeamMember, ...],
        replacing: str | None = None,
    ) -> list[tuple[datetime, str | None]]:
        return self._starts_sync(services, start, end, stylists, replacing)

    async def _create(
        self,
        services: tuple[Service, ...],
        start: datetime,
        customer: Customer,
        stylist: Assignment,
    ) -> Booking:
        self._check_grid(start)
        end = start + timedelta(minutes=sum(s.duration for s in services))
        first, extra = services[0], ",".join(s.id for s in services[1:])

        def create(conn: sqlite3.Connection) -> Booking:
            with state_db.write_transaction(conn):
                # The same request retried (same phone, visit, start and name, without
                # case or accents) is one booking; a parent booking for a child with the
                # same phone is another person, hence another booking.
                same = conn.execute(
                    "SELECT * FROM local_bookings WHERE status = 'accepted' AND phone = ? "
                    "AND service_id = ? AND extra_services = ? AND start_utc = ? "
                    "AND name_folded = ?",
                    (customer.phone, first.id, extra, utc_text(start), fold(customer.name)),
                ).fetchone()
                if same is not None:
                    return self._row_booking(same)
                who = self._pick(conn, start, end, stylist)
                uid = secrets.token_urlsafe(12)
                conn.execute(
                    "INSERT INTO local_bookings (uid, service_id, start_utc, end_utc, name, "
                    "name_folded, phone, email, created_at, stylist_id, extra_services) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        uid,
                        first.id,
                        utc_text(start),
                        utc_text(end),
                        customer.name,
                        fold(customer.name),
                        customer.phone,
                        customer.email,
                        utc_text(datetime.now(UTC)),
                        who,
                        extra,
                    ),
                )
                journal.record(
                    conn, kind="booked", state="done", uid=uid, service_id=first.id,
                    start=start, phone=customer.phone, name=customer.name, stylist_id=who,
                    extra_service_ids=tuple(s.id for s in services[1:]),
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

    async def _history(self, phone: str, before: datetime) -> list[Booking]:
        rows = self._run(
            lambda c: c.execute(
                "SELECT * FROM local_bookings WHERE phone = ? AND status = 'accepted' "
                "AND start_utc < ? ORDER BY start_utc DESC LIMIT 50",
                (phone, utc_text(before)),
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

    async def _move(
        self, booking: Booking, start: datetime, stylist: Assignment, *, reason: str
    ) -> Booking:
        if booking.customer is None:
            raise InvalidRequest("cannot move a redacted booking")
        self._check_grid(start)
        end = start + (booking.end - booking.start)

        def move(conn: sqlite3.Connection) -> Booking:
            with state_db.write_transaction(conn):
                row = conn.execute(
                    "SELECT * FROM local_bookings WHERE uid = ? AND status = 'accepted'",
                    (booking.uid,),
                ).fetchone()
                if row is None:
                    raise SlotTaken("booking changed meanwhile")
                who = self._pick(conn, start, end, stylist, skip=booking.uid)
                uid = secrets.token_urlsafe(12)
                conn.execute(
                    "INSERT INTO local_bookings (uid, service_id, start_utc, end_utc, name, "
                    "name_folded, phone, email, created_at, stylist_id, extra_services) "
                    "SELECT ?, service_id, ?, ?, name, name_folded, phone, email, ?, ?, "
                    "extra_services FROM local_bookings WHERE uid = ?",
                    (uid, utc_text(start), utc_text(end), utc_text(datetime.now(UTC)), who,
                     row["uid"]),
                )  # fmt: skip
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
                    stylist_id=who, extra_service_ids=split_ids(row["extra_services"]),
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
                        phone=row["phone"], name=row["name"], stylist_id=row["stylist_id"],
                        extra_service_ids=split_ids(row["extra_services"]),
                    )  # fmt: skip
                return self._row_booking(row)

        return await asyncio.to_thread(self._run, cancel)
