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

This module holds the calendar's operations. Beneath it: `booking.calcom_client`
(settings, transport, JSON conversion, the link table), `booking.calcom_http` (one call
within the deadline), `booking.calcom_recovery` (journal, lost answers, reconciliation)
and `booking.calcom_owner` (setup check and listing for the owner's commands).
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta
from typing import Any

from booking import calcom_owner, journal
from booking.base import utc_text
from booking.calcom_client import DEFAULT_URL, V_BOOKINGS, V_SLOTS, CalComClient, with_customer
from booking.calcom_http import booking_data, is_taken
from booking.calcom_recovery import find_created, journaled, linked_booking, resolve_pending
from booking.calendar import (
    Booking,
    BookingNotFound,
    Customer,
    InvalidRequest,
    NotAllowed,
    SlotTaken,
)
from salon.profile import Service

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
        self, service: Service, start: datetime, end: datetime
    ) -> list[datetime]:
        params = {
            **self._event(service),
            "start": utc_text(start),
            "end": utc_text(end),
            "timeZone": self.profile.timezone.key,
        }
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

    async def _create(self, service: Service, start: datetime, customer: Customer) -> Booking:
        # The same request retried (same phone, service, start and name, without case or
        # accents) is one booking, as in the embedded calendar; with several chairs
        # Cal.com would accept a second one. Another name is another person: booked.
        retried = await linked_booking(self, service, start, customer)
        if retried is not None:
            return retried
        entry = self._run(
            lambda c: journal.record(
                c, kind="booked", state="pending", service_id=service.id, start=start,
                phone=customer.phone, name=customer.name,
            )
        )  # fmt: skip
        return await journaled(self, entry, self._post_booking(service, start, customer))

    async def _post_booking(self, service: Service, start: datetime, customer: Customer) -> Booking:
        attendee: dict[str, Any] = {
            "name": customer.name,
            "timeZone": self.profile.timezone.key,
            "phoneNumber": customer.phone,
            "language": "fr",
        }
        if customer.email:
            attendee["email"] = customer.email
        body = {"start": utc_text(start), "attendee": attendee, **self._event(service)}
        reply = await self._call(
            "POST",
            "/bookings",
            version=V_BOOKINGS,
            json=body,
            # A lost answer may hide a booking already made: look for it before sending
            # again, since with several chairs Cal.com would accept a second one.
            recover=lambda: find_created(self, service, start, customer),
        )
        if isinstance(reply.recovered, Booking):
            self._link(reply.recovered)
            return reply.recovered
        if reply.status in (200, 201):
            booking = self._to_booking(booking_data(reply))
            booking = with_customer(booking, customer)
            self._link(booking)
            return booking
        if is_taken(reply):
            if reply.ambiguous:  # our first attempt may have been booked after all
                mine = await find_created(self, service, start, customer)
                if mine is not None:
                    self._link(mine)
                    return mine
            raise SlotTaken("Cal.com: slot taken")
        raise self._unexpected(reply, "booking")

    async def _by_phone(self, phone: str, after: datetime) -> list[Booking]:
        rows = self._run(
            lambda c: c.execute(
                "SELECT uid FROM calcom_links WHERE phone = ? AND status = 'accepted' "
                "AND end_utc > ?",
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
        bookings = [self._to_booking(d) for d in reply.body.get("data") or [] if "uid" in d]
        return [b for b in bookings if b.start.date() == day]

    async def _move(self, booking: Booking, start: datetime) -> Booking:
        customer = _customer_of(booking)
        entry = self._run(
            lambda c: journal.record(
                c, kind="moved", state="pending", previous_uid=booking.uid,
                service_id=booking.service.id, start=start, previous_start=booking.start,
                phone=customer.phone, name=customer.name,
            )
        )  # fmt: skip
        return await journaled(self, entry, self._post_move(booking, start))

    async def _post_move(self, booking: Booking, start: datetime) -> Booking:
        body = {"start": utc_text(start), "reschedulingReason": "Déplacé par téléphone"}
        reply = await self._call(
            "POST", f"/bookings/{booking.uid}/reschedule", version=V_BOOKINGS, json=body
        )
        if reply.status in (200, 201):
            moved = with_customer(self._to_booking(booking_data(reply)), booking.customer)
            self._link(moved, replaces=booking.uid)
            return moved
        if reply.ambiguous:  # the first attempt may have gone through
            old = await self._call("GET", f"/bookings/{booking.uid}", version=V_BOOKINGS)
            new_uid = (old.body.get("data") or {}).get("rescheduledToUid")
            if old.status == 200 and new_uid:
                moved_opt = await self._get(new_uid)
                if moved_opt is not None:
                    moved = with_customer(moved_opt, booking.customer)
                    self._link(moved, replaces=booking.uid)
                    return moved
        if is_taken(reply):
            raise SlotTaken("Cal.com: new slot taken")
        if reply.status == 404:
            raise BookingNotFound("Cal.com: booking vanished")
        if 400 <= reply.status < 500:
            raise NotAllowed(
                f"Cal.com refused the reschedule: {reply.message[:200]}",
                caller_message="Je ne peux pas déplacer ce rendez-vous automatiquement ; "
                "votre rendez-vous actuel est conservé. Le salon pourra vous aider.",
            )
        raise self._unexpected(reply, "reschedule")

    async def _cancel(self, booking: Booking, reason: str) -> Booking:
        customer = _customer_of(booking)
        entry = self._run(
            lambda c: journal.record(
                c, kind="cancelled", state="pending", uid=booking.uid,
                service_id=booking.service.id, start=booking.start,
                phone=customer.phone, name=customer.name,
            )
        )  # fmt: skip
        return await journaled(self, entry, self._post_cancel(booking, reason))

    async def _post_cancel(self, booking: Booking, reason: str) -> Booking:
        reply = await self._call(
            "POST",
            f"/bookings/{booking.uid}/cancel",
            version=V_BOOKINGS,
            json={"cancellationReason": reason},
        )
        already = reply.ambiguous and "already" in reply.message.lower()
        if reply.status in (200, 201) or already:
            self._set_link_status(booking.uid, "cancelled")
            return Booking(
                uid=booking.uid,
                service=booking.service,
                start=booking.start,
                end=booking.end,
                customer=booking.customer,
                status="cancelled",
            )
        if reply.status == 404:
            raise BookingNotFound("Cal.com: booking vanished")
        raise self._unexpected(reply, "cancel")

    # ------------------------------------------------------------- reconciliation

    async def _resolve_pending(
        self, entry: journal.JournalEntry
    ) -> tuple[journal.State, str | None]:
        """Ask Cal.com whether a change a crash left pending went through."""
        return await resolve_pending(self, entry)


def _customer_of(booking: Booking) -> Customer:
    if booking.customer is None:
        raise InvalidRequest("a booking without its customer cannot be changed")
    return booking.customer
