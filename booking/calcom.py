"""`CalComCalendar`: the Cal.com API v2 client (async httpx), behind the `Calendar` protocol.

Wire rules (see FIELD-NOTES): `cal-api-version` per endpoint family, UTC on the wire and
the salon's IANA zone as the attendee's `timeZone`, phone-only attendees (no e-mail).
Every call runs within an overall deadline short enough for a live phone call
(`CAL_API_DEADLINE`, default 4 s), with bounded per-attempt timeouts and retries on
429/5xx/timeouts. A retry after an ambiguous failure (timeout, 5xx) cannot double-book:
Cal.com refuses a second booking of the slot, and the client then finds the booking its
first attempt created. Cal.com cannot search bookings by phone, so a local table
(`calcom_links`, in the state db) links caller phones to booking uids; a reschedule
creates a new uid there too. Each change is written `pending` to `booking.journal`
before its HTTP call and settled after; one a crash cut short is looked up in Cal.com
by `reconcile` on the next start, so its confirmation is still queued, once.

Stylists are Cal.com users with their own event types (`booking.calcom_client`); a
visit of several services is consecutive bookings with one stylist
(`booking.calcom_visits`), booked, moved and cancelled whole.

This module holds the calendar's operations. Beneath it: `booking.calcom_client`
(settings, transport, JSON conversion, the link table), `booking.calcom_http` (one call
within the deadline), `booking.calcom_visits` (the parts of a visit),
`booking.calcom_recovery` (journal, lost answers, reconciliation) and
`booking.calcom_owner` (setup check and listing for the owner's commands).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

from booking import calcom_owner, journal
from booking.base import Assignment, utc_text
from booking.calcom_client import DEFAULT_URL, V_BOOKINGS, V_SLOTS, CalComClient, overlaps
from booking.calcom_recovery import journaled, linked_booking, resolve_pending
from booking.calcom_visits import book_visit, cancel_parts, move_visit, offsets
from booking.calendar import (
    Booking,
    BookingNotFound,
    CalendarError,
    CalendarUnavailable,
    Customer,
    InvalidRequest,
    SlotTaken,
)
from booking.hours import fits_hours
from salon.profile import Service, TeamMember

log = logging.getLogger("booking")

__all__ = ["DEFAULT_URL", "CalComCalendar"]


class CalComCalendar(CalComClient):
    """Cal.com v2 back-end: the salon's real calendar when `CAL_API_KEY` is set."""

    async def check_setup(self) -> list[str]:
        """Problems that would break phone bookings (`booking.calcom_owner.check_setup`);
        empty when all is well."""
        return await calcom_owner.check_setup(self)

    async def bookings_between(self, start: datetime, end: datetime) -> list[Booking]:
        """The owner's view: active bookings starting in `[start, end)`, by start time
        (`booking.calcom_owner.bookings_between`)."""
        return await calcom_owner.bookings_between(self, start, end)

    # ----------------------------------------------------------------- raw back-end

    async def _available_starts(
        self,
        services: tuple[Service, ...],
        start: datetime,
        end: datetime,
        stylists: tuple[TeamMember, ...],
        replacing: str | None = None,
    ) -> list[tuple[datetime, str | None]]:
        """Every candidate stylist's slots for every part of the visit, asked at once
        (`asyncio.gather`, each call within the client's deadline): a start is free for a
        stylist when each later part's slots hold it shifted by the earlier parts'
        lengths. Cal.com knows nothing of salon.toml: a start is kept only when the whole
        visit fits the salon's hours that day and the stylist's (`booking.hours.fits_hours`:
        exceptional closures, special hours, public holidays, absences, the stylist's week),
        as in the embedded calendar. The least busy stylist comes first (the most free
        starts in the range, then the profile's order). A stylist whose slots could not be
        read is left out when others answered (logged), else the error is raised."""
        members: list[TeamMember | None] = list(stylists) or [None]
        events: list[tuple[TeamMember | None, list[dict[str, Any]]]] = []
        for member in members:
            try:
                events.append((member, [self._event(s, member) for s in services]))
            except InvalidRequest:
                if len(members) == 1:
                    raise
                log.warning("stylist without Cal.com event types", extra={"stylist": member})
        if not events:
            raise InvalidRequest("no stylist has a cal_username in salon.toml")
        shifts = offsets(services)
        moving = self._moving_parts(replacing, len(services))
        asks = [
            self._slot_starts(event, start + shift, end + shift, part)
            for _, per_service in events
            for event, shift, part in zip(per_service, shifts, moving, strict=True)
        ]
        total = shifts[-1] + timedelta(minutes=services[-1].duration)
        bound = stylists and self._chairs_bind()  # `chairs` bounds the salon as a whole
        load = self._full_spans(start, end + total) if bound else _no_spans()
        answers, full = await asyncio.gather(asyncio.gather(*asks, return_exceptions=True), load)
        free: list[tuple[int, TeamMember | None, list[datetime]]] = []
        failure: BaseException | None = None
        for i, (member, _) in enumerate(events):
            mine = answers[i * len(services) : (i + 1) * len(services)]
            bad = next((a for a in mine if isinstance(a, BaseException)), None)
            if bad is not None:
                if not isinstance(bad, CalendarError):
                    raise bad
                failure = failure or bad
                log.warning("stylist's slots not read", extra={"stylist": member and member.id})
                continue
            lists = [a for a in mine if not isinstance(a, BaseException)]
            later = [{t.timestamp() for t in got} for got in lists[1:]]
            ok = [
                t
                for t in lists[0]
                if all(
                    (t + shift).timestamp() in got
                    for got, shift in zip(later, shifts[1:], strict=True)
                )
                and not overlaps(full, t, t + total)
                and fits_hours(self.profile, t, t + total, member)
            ]
            free.append((i, member, ok))
        if not free and failure is not None:
            raise failure
        free.sort(key=lambda x: (-len(x[2]), x[0]))
        return [(t, m.id if m else None) for _, m, ok in free for t in ok]

    def _moving_parts(self, uid: str | None, parts: int) -> list[str | None]:
        """The uid of each part of the visit being moved, in order (None: no move, or a
        visit of other services), for Cal.com's `bookingUidToReschedule`."""
        if uid is None:
            return [None] * parts
        later = [p.uid for p in self._later_parts(uid)]
        uids: list[str | None] = [uid, *later]
        return uids if len(uids) == parts else [uid] + [None] * (parts - 1)

    async def _slot_starts(
        self, event: dict[str, Any], start: datetime, end: datetime, replacing: str | None = None
    ) -> list[datetime]:
        params = {
            **event,
            "start": utc_text(start),
            "end": utc_text(end),
            "timeZone": self.profile.timezone.key,
        }
        if replacing:  # the booking being moved does not hold its own time
            params["bookingUidToReschedule"] = replacing
        reply = await self._call("GET", "/slots", version=V_SLOTS, params=params)
        if reply.status != 200:
            raise self._unexpected(reply, "slots")
        data = reply.body.get("data") or {}
        out = []
        for items in data.values() if isinstance(data, dict) else ():
            for item in items:
                raw = item.get("start") if isinstance(item, dict) else item
                if isinstance(raw, str):
                    out.append(datetime.fromisoformat(raw.replace("Z", "+00:00")))
        return sorted(out)

    async def _create(
        self,
        services: tuple[Service, ...],
        start: datetime,
        customer: Customer,
        assignment: Assignment,
    ) -> Booking:
        # The same request retried (same phone, services, start and name, without case or
        # accents) is one booking, as in the embedded calendar; with several chairs
        # Cal.com would accept a second one. Another name is another person: booked.
        retried = await linked_booking(self, services, start, customer)
        if retried is not None:
            return retried
        member = assignment.member
        entry = self._run(
            lambda c: journal.record(
                c, kind="booked", state="pending", service_id=services[0].id, start=start,
                phone=customer.phone, name=customer.name,
                stylist_id=member.id if member else None,
                extra_service_ids=tuple(s.id for s in services[1:]),
            )
        )  # fmt: skip
        return await journaled(self, entry, self._book_any(services, start, customer, assignment))

    async def _book_any(
        self,
        services: tuple[Service, ...],
        start: datetime,
        customer: Customer,
        assignment: Assignment,
    ) -> Booking:
        """The visit with the assigned stylist, else (when the caller did not ask for
        them) with the next qualified one free at that time."""
        end = start + _length(services)
        candidates = self._working(assignment.candidates or (None,), start, end)
        if not candidates:
            raise SlotTaken("salon.toml: the salon is closed or the stylist away then")
        if assignment.member is not None:
            await self._check_chairs(start, end)
        for member in candidates:
            try:
                return await book_visit(self, services, start, customer, member)
            except SlotTaken:
                log.info("stylist taken", extra={"stylist": member.id if member else None})
        raise SlotTaken("Cal.com: slot taken")

    def _working(
        self, members: tuple[TeamMember | None, ...], start: datetime, end: datetime
    ) -> tuple[TeamMember | None, ...]:
        """Those of `members` salon.toml lets take `[start, end)` (None: the salon itself,
        booking by chairs): the last check before a booking call, since Cal.com accepts
        any time its own schedules allow (`booking.hours.fits_hours`)."""
        return tuple(m for m in members if fits_hours(self.profile, start, end, m))

    async def _by_phone(self, phone: str, after: datetime) -> list[Booking]:
        rows = self._run(
            lambda c: c.execute(
                "SELECT uid FROM calcom_links WHERE phone = ? AND status = 'accepted' "
                "AND visit_uid IS NULL AND end_utc > ?",
                (phone, utc_text(after)),
            ).fetchall()
        )
        found = await asyncio.gather(*(self._get(r["uid"]) for r in rows))
        out = []
        for row, booking in zip(rows, found, strict=True):
            if booking is None or booking.status != "accepted":
                self._set_link_status(row["uid"], "cancelled")  # changed outside the agent
            else:
                out.append(booking)
        return out

    async def _history(self, phone: str, before: datetime) -> list[Booking]:
        """From the link table alone (no HTTP): the visits this agent booked or moved on
        that number, started before `before`, neither cancelled nor moved away through
        the agent (a change made in Cal.com's own pages is not seen here)."""
        rows = self._run(
            lambda c: c.execute(
                "SELECT uid, phone, name, service_id, extra_services, stylist_id, start_utc, "
                "end_utc FROM calcom_links WHERE phone = ? AND status = 'accepted' "
                "AND visit_uid IS NULL AND start_utc < ? ORDER BY start_utc DESC",
                (phone, utc_text(before)),
            ).fetchall()
        )
        return [self._link_booking(r) for r in rows]

    async def _by_name_day(self, name: str, day: date) -> list[Booking]:
        tz = self.profile.timezone
        lo = datetime.combine(day, time(0), tzinfo=tz)
        params = {
            "afterStart": utc_text(lo),
            "beforeEnd": utc_text(lo + timedelta(days=1, hours=6)),
            "status": "upcoming",
            "take": 100,
        }
        reply = await self._call("GET", "/bookings", version=V_BOOKINGS, params=params)
        if reply.status != 200:
            raise self._unexpected(reply, "booking search")
        data = [d for d in reply.body.get("data") or [] if "uid" in d]
        parts = self._part_uids([d["uid"] for d in data])  # shown with their visit
        bookings = [self._to_booking(d) for d in data if d["uid"] not in parts]
        return [b for b in bookings if b.start.date() == day]

    async def _move(
        self, booking: Booking, start: datetime, assignment: Assignment, *, reason: str
    ) -> Booking:
        customer = _customer_of(booking)
        member = assignment.member
        entry = self._run(
            lambda c: journal.record(
                c, kind="moved", state="pending", previous_uid=booking.uid,
                service_id=booking.service.id, start=start, previous_start=booking.start,
                phone=customer.phone, name=customer.name,
                stylist_id=member.id if member else booking.stylist_id,
                extra_service_ids=tuple(s.id for s in booking.extra_services), reason=reason,
            )
        )  # fmt: skip
        moving = self._move_visit(booking, start, assignment, reason=reason)
        return await journaled(self, entry, moving)

    async def _move_visit(
        self, booking: Booking, start: datetime, assignment: Assignment, *, reason: str
    ) -> Booking:
        """Keep the stylist: Cal.com reschedules each part. Another stylist (asked for,
        or the same one taken and the caller did not mind): a new visit with them, then
        the old one cancelled."""
        member = assignment.member
        end = start + _length(booking.services)
        same = member is None or member.id == booking.stylist_id
        if member is not None:
            own = frozenset([booking.uid, *(p.uid for p in self._later_parts(booking.uid))])
            await self._check_chairs(start, end, skip=own)
        if same:
            if self._working((member,), start, end):
                try:
                    return await move_visit(self, booking, start, reason=reason)
                except SlotTaken:
                    if not assignment.others:
                        raise
            others = assignment.others
        else:
            others = assignment.candidates
        for other in self._working(others, start, end):
            try:
                moved = await book_visit(
                    self, booking.services, start, _customer_of(booking), other
                )
            except SlotTaken:
                continue
            return await self._drop_old(booking, moved, reason=reason)
        raise SlotTaken("Cal.com: new slot taken")

    async def _drop_old(self, booking: Booking, moved: Booking, *, reason: str) -> Booking:
        """The visit was booked anew (another stylist): cancel the old one. If Cal.com
        cannot be told, the new one is cancelled instead, so the caller keeps one."""
        old = [booking.uid, *(p.uid for p in self._later_parts(booking.uid))]
        if await cancel_parts(self, old, reason):
            for uid in old:
                self._set_link_status(uid, "rescheduled")
            self._run(
                lambda c: c.execute(
                    "UPDATE calcom_links SET replaced_by = ? WHERE uid = ?",
                    (moved.uid, booking.uid),
                )
            )
            return moved
        new = [moved.uid, *(p.uid for p in self._later_parts(moved.uid))]
        await cancel_parts(self, new, "Déplacement abandonné")
        raise CalendarUnavailable("Cal.com: the old visit could not be cancelled", retryable=True)

    async def _cancel(self, booking: Booking, reason: str) -> Booking:
        customer = _customer_of(booking)
        entry = self._run(
            lambda c: journal.record(
                c, kind="cancelled", state="pending", uid=booking.uid,
                service_id=booking.service.id, start=booking.start,
                phone=customer.phone, name=customer.name, stylist_id=booking.stylist_id,
                extra_service_ids=tuple(s.id for s in booking.extra_services), reason=reason,
            )
        )  # fmt: skip
        return await journaled(self, entry, self._post_cancel(booking, reason))

    async def _post_cancel(self, booking: Booking, reason: str) -> Booking:
        """Cancel the first part (the visit counts as cancelled from then on), then the
        later ones; one Cal.com could not be told about is logged, and `reconcile` tries
        it again only when a crash left the entry pending."""
        later = [p.uid for p in self._later_parts(booking.uid)]
        reply = await self._call(
            "POST",
            f"/bookings/{booking.uid}/cancel",
            version=V_BOOKINGS,
            json={"cancellationReason": reason},
        )
        already = reply.ambiguous and "already" in reply.message.lower()
        if reply.status in (200, 201) or already:
            self._set_link_status(booking.uid, "cancelled")
            if later and not await cancel_parts(self, later, reason):
                log.error("visit cancelled in part only", extra={"uid": booking.uid})
            return replace(booking, status="cancelled")
        if reply.status == 404:
            raise BookingNotFound("Cal.com: booking vanished")
        raise self._unexpected(reply, "cancel")

    # ------------------------------------------------------------- reconciliation

    async def _resolve_pending(
        self, entry: journal.JournalEntry
    ) -> tuple[journal.State, str | None]:
        """Ask Cal.com whether a change a crash left pending went through."""
        return await resolve_pending(self, entry)


async def _no_spans() -> list[tuple[datetime, datetime]]:
    return []


def _length(services: tuple[Service, ...]) -> timedelta:
    return timedelta(minutes=sum(s.duration for s in services))


def _customer_of(booking: Booking) -> Customer:
    if booking.customer is None:
        raise InvalidRequest("a booking without its customer cannot be changed")
    return booking.customer
