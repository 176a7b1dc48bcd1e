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
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import httpx

from booking import journal
from booking.base import BaseCalendar, parse_utc, utc_text
from booking.calcom_http import Reply, booking_data, call, is_taken
from booking.calendar import (
    Booking,
    BookingNotFound,
    CalendarUnavailable,
    CodeSender,
    Customer,
    InvalidRequest,
    NotAllowed,
    SlotTaken,
)
from booking.services import fold
from salon import settings
from salon.phone import to_e164
from salon.profile import SalonProfile, Service

log = logging.getLogger("booking")

DEFAULT_URL = "https://api.cal.com/v2"
V_SLOTS, V_BOOKINGS, V_EVENT_TYPES = "2024-09-04", "2024-08-13", "2024-06-14"
_MAX_PAGES = 50  # booking list pages read at most for one listing


class CalComCalendar(BaseCalendar):
    """Cal.com v2 back-end: the salon's real calendar when `CAL_API_KEY` is set."""

    list_page_size = 100  # bookings per `GET /v2/bookings` page in `bookings_between`

    def __init__(
        self,
        profile: SalonProfile,
        *,
        db: sqlite3.Connection | str | Path | None = None,
        send_code: CodeSender | None = None,
        api_key: str | None = None,
        base_url: str | None = None,
        username: str | None = None,
        deadline: float | None = None,
        attempt_timeout: float = 2.5,
        min_notice: timedelta = timedelta(minutes=60),
    ) -> None:
        super().__init__(profile, db=db, send_code=send_code, min_notice=min_notice)
        key = api_key or settings.require("CAL_API_KEY", "Cal.com API key")
        self.base_url = (base_url or settings.get("CAL_API_URL", DEFAULT_URL) or "").rstrip("/")
        self.username = username or settings.get("CAL_USERNAME")
        self.deadline = (
            deadline if deadline is not None else settings.get_float("CAL_API_DEADLINE", 4.0)
        )
        self.attempt_timeout = attempt_timeout
        self._client = httpx.AsyncClient(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {key}", "Accept": "application/json"},
            timeout=httpx.Timeout(attempt_timeout, connect=min(1.0, attempt_timeout)),
        )

    async def aclose(self) -> None:
        await self._client.aclose()
        await super().aclose()

    # ------------------------------------------------------------------- transport

    async def _call(
        self,
        method: str,
        path: str,
        *,
        version: str,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
        recover: Callable[[], Awaitable[Any | None]] | None = None,
    ) -> Reply:
        return await call(
            self._client,
            method,
            path,
            version=version,
            deadline=self.deadline,
            attempt_timeout=self.attempt_timeout,
            params=params,
            json=json,
            recover=recover,
        )

    def _unexpected(self, reply: Reply, what: str) -> CalendarUnavailable:
        log.warning("Cal.com error", extra={"what": what, "status": reply.status})
        return CalendarUnavailable(
            f"Cal.com {what}: HTTP {reply.status} {reply.message[:200]}", retryable=False
        )

    # ------------------------------------------------------------------ converting

    def _event(self, service: Service) -> dict[str, Any]:
        if service.cal_event_type_id is not None:
            return {"eventTypeId": service.cal_event_type_id}
        if service.cal_event_type_slug and self.username:
            return {"eventTypeSlug": service.cal_event_type_slug, "username": self.username}
        raise InvalidRequest(
            f"service {service.id} has no Cal.com event type (cal_event_type_id in salon.toml)"
        )

    def _service_of(self, data: dict[str, Any]) -> Service:
        event = data.get("eventType") or {}
        ident, slug = event.get("id", data.get("eventTypeId")), event.get("slug")
        for svc in self.profile.services:
            if (ident is not None and svc.cal_event_type_id == int(ident)) or (
                slug and svc.cal_event_type_slug == slug
            ):
                return svc
        return Service(
            id=str(slug or ident), name=str(data.get("title", "")), category="",
            duration=int(data.get("duration") or 0), price=0,
        )  # fmt: skip

    def _to_booking(self, data: dict[str, Any]) -> Booking:
        tz = self.profile.timezone
        link = self._run(
            lambda c: c.execute(
                "SELECT phone, name FROM calcom_links WHERE uid = ?", (data["uid"],)
            ).fetchone()
        )
        attendee = (data.get("attendees") or [{}])[0]
        phone = link["phone"] if link else to_e164(attendee.get("phoneNumber")) or ""
        email = attendee.get("email") or None
        if email and email.endswith("@sms.cal.com"):
            email = None  # Cal.com's placeholder for phone-only attendees
        status = "accepted" if data.get("status") in ("accepted", "pending") else "cancelled"
        return Booking(
            uid=data["uid"],
            service=self._service_of(data),
            start=parse_utc(data["start"]).astimezone(tz),
            end=parse_utc(data["end"]).astimezone(tz),
            customer=Customer(name=attendee.get("name", ""), phone=phone, email=email),
            status=status,
        )

    def _link(self, booking: Booking, *, replaces: str | None = None) -> None:
        assert booking.customer is not None

        def write(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT OR REPLACE INTO calcom_links (uid, phone, name, service_id, start_utc, "
                "end_utc, status, created_at) VALUES (?, ?, ?, ?, ?, ?, 'accepted', ?)",
                (
                    booking.uid,
                    booking.customer.phone if booking.customer else "",
                    booking.customer.name if booking.customer else "",
                    booking.service.id,
                    utc_text(booking.start),
                    utc_text(booking.end),
                    utc_text(datetime.now(UTC)),
                ),
            )
            if replaces:
                conn.execute(
                    "UPDATE calcom_links SET status = 'rescheduled', replaced_by = ? WHERE uid = ?",
                    (booking.uid, replaces),
                )

        self._run(write)

    def _set_link_status(self, uid: str, status: str) -> None:
        self._run(
            lambda c: c.execute("UPDATE calcom_links SET status = ? WHERE uid = ?", (status, uid))
        )

    # ---------------------------------------------------------------- setup check

    async def check_setup(self) -> list[str]:
        """Problems that would break phone bookings: a bookable service without a Cal.com
        event type, a length that differs from salon.toml, or an event type whose e-mail
        field is required (phone-only attendees would be refused). Empty when all is well."""
        params = {"username": self.username} if self.username else None
        reply = await self._call("GET", "/event-types", version=V_EVENT_TYPES, params=params)
        if reply.status != 200:
            return [f"cannot list Cal.com event types: HTTP {reply.status} {reply.message}"]
        found = {int(e["id"]): e for e in reply.body.get("data") or [] if "id" in e}
        problems = []
        for svc in self.services():
            ident = svc.cal_event_type_id
            if ident is None:
                problems.append(f"{svc.id}: no cal_event_type_id in salon.toml")
                continue
            event = found.get(ident)
            if event is None:
                problems.append(f"{svc.id}: event type {ident} not found in Cal.com")
                continue
            if int(event.get("lengthInMinutes") or 0) != svc.duration:
                problems.append(
                    f"{svc.id}: Cal.com length {event.get('lengthInMinutes')} min "
                    f"!= {svc.duration} min in salon.toml"
                )
            for booking_field in event.get("bookingFields") or []:
                if booking_field.get("type") == "email" and (
                    booking_field.get("required") is True and not booking_field.get("hidden")
                ):
                    problems.append(
                        f"{svc.id}: event type {ident} requires an e-mail; hide the e-mail "
                        "booking field or make it optional so phone-only callers can book"
                    )
        return problems

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
        retried = await self._linked_booking(service, start, customer)
        if retried is not None:
            return retried
        entry = self._run(
            lambda c: journal.record(
                c, kind="booked", state="pending", service_id=service.id, start=start,
                phone=customer.phone, name=customer.name,
            )
        )  # fmt: skip
        return await self._journaled(entry, self._post_booking(service, start, customer))

    async def _journaled(self, entry: int, action: Awaitable[Booking]) -> Booking:
        """Run a Cal.com change whose journal entry is pending and settle it: `done` with
        the resulting uid, `failed` when Cal.com surely did nothing. A timeout or a 5xx
        leaves it pending: `reconcile` asks Cal.com later whether it went through."""
        try:
            booking = await action
        except (SlotTaken, InvalidRequest, NotAllowed, BookingNotFound):
            self._run(lambda c: journal.settle(c, entry, state="failed"))
            raise
        self._run(lambda c: journal.settle(c, entry, state="done", uid=booking.uid))
        return booking

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
            recover=lambda: self._find_created(service, start, customer),
        )
        if isinstance(reply.recovered, Booking):
            self._link(reply.recovered)
            return reply.recovered
        if reply.status in (200, 201):
            booking = self._to_booking(booking_data(reply))
            booking = _with_customer(booking, customer)
            self._link(booking)
            return booking
        if is_taken(reply):
            if reply.ambiguous:  # our first attempt may have been booked after all
                mine = await self._find_created(service, start, customer)
                if mine is not None:
                    self._link(mine)
                    return mine
            raise SlotTaken("Cal.com: slot taken")
        raise self._unexpected(reply, "booking")

    async def _linked_booking(
        self, service: Service, start: datetime, customer: Customer
    ) -> Booking | None:
        """The active booking this agent already made for this person, service and start."""
        rows = self._run(
            lambda c: c.execute(
                "SELECT uid, name FROM calcom_links WHERE phone = ? AND service_id = ? "
                "AND start_utc = ? AND status = 'accepted'",
                (customer.phone, service.id, utc_text(start)),
            ).fetchall()
        )
        for row in rows:
            if fold(row["name"]) != fold(customer.name):
                continue
            booking = await self._get(row["uid"])
            if booking is not None and booking.status == "accepted":
                return _with_customer(booking, customer)
            self._set_link_status(row["uid"], "cancelled")  # cancelled outside the agent
        return None

    async def _find_created(
        self, service: Service, start: datetime, customer: Customer
    ) -> Booking | None:
        params = {
            "afterStart": utc_text(start - timedelta(minutes=1)),
            "beforeEnd": utc_text(start + timedelta(minutes=service.duration + 1)),
            "status": "upcoming",
        }
        reply = await self._call("GET", "/bookings", version=V_BOOKINGS, params=params)
        if reply.status != 200:  # unknown: not knowing must not lead to a second booking
            raise self._unexpected(reply, "booking lookup")
        for data in reply.body.get("data") or []:
            attendee = (data.get("attendees") or [{}])[0]
            if (
                parse_utc(data["start"]) == start.astimezone(UTC)
                and to_e164(attendee.get("phoneNumber")) == customer.phone
                and fold(str(attendee.get("name", ""))) == fold(customer.name)
                and self._service_of(data).id == service.id
            ):
                return _with_customer(self._to_booking(data), customer)
        return None

    async def _get(self, uid: str) -> Booking | None:
        reply = await self._call("GET", f"/bookings/{uid}", version=V_BOOKINGS)
        if reply.status in (400, 404):
            return None
        if reply.status != 200:
            raise self._unexpected(reply, "booking lookup")
        data = reply.body.get("data")
        if not isinstance(data, dict):
            return None
        return self._to_booking(data)

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

    async def bookings_between(self, start: datetime, end: datetime) -> list[Booking]:
        """The owner's view: active bookings starting in `[start, end)`, by start time
        (`GET /v2/bookings`, every page; cancelled and rejected ones left out)."""
        out: list[Booking] = []
        for page in range(_MAX_PAGES):
            params = {
                "afterStart": utc_text(start),
                "beforeEnd": utc_text(end + timedelta(hours=12)),  # a start filter, really
                "sortStart": "asc",
                "take": self.list_page_size,
                "skip": page * self.list_page_size,
            }
            reply = await self._call("GET", "/bookings", version=V_BOOKINGS, params=params)
            if reply.status != 200:
                raise self._unexpected(reply, "booking list")
            data = [d for d in reply.body.get("data") or [] if isinstance(d, dict) and "uid" in d]
            for booking in (self._to_booking(d) for d in data):
                if booking.status == "accepted" and start <= booking.start < end:
                    out.append(booking)
            more = (reply.body.get("pagination") or {}).get("hasNextPage")
            if not data or more is False or (more is None and len(data) < self.list_page_size):
                break
        else:
            log.warning("Cal.com booking list cut short", extra={"pages": _MAX_PAGES})
        return sorted(out, key=lambda b: b.start)

    async def _move(self, booking: Booking, start: datetime) -> Booking:
        customer = _customer_of(booking)
        entry = self._run(
            lambda c: journal.record(
                c, kind="moved", state="pending", previous_uid=booking.uid,
                service_id=booking.service.id, start=start, previous_start=booking.start,
                phone=customer.phone, name=customer.name,
            )
        )  # fmt: skip
        return await self._journaled(entry, self._post_move(booking, start))

    async def _post_move(self, booking: Booking, start: datetime) -> Booking:
        body = {"start": utc_text(start), "reschedulingReason": "Déplacé par téléphone"}
        reply = await self._call(
            "POST", f"/bookings/{booking.uid}/reschedule", version=V_BOOKINGS, json=body
        )
        if reply.status in (200, 201):
            moved = _with_customer(self._to_booking(booking_data(reply)), booking.customer)
            self._link(moved, replaces=booking.uid)
            return moved
        if reply.ambiguous:  # the first attempt may have gone through
            old = await self._call("GET", f"/bookings/{booking.uid}", version=V_BOOKINGS)
            new_uid = (old.body.get("data") or {}).get("rescheduledToUid")
            if old.status == 200 and new_uid:
                moved_opt = await self._get(new_uid)
                if moved_opt is not None:
                    moved = _with_customer(moved_opt, booking.customer)
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
        return await self._journaled(entry, self._post_cancel(booking, reason))

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
        customer = Customer(name=entry.name, phone=entry.phone)
        if entry.kind == "booked":
            try:
                service = self.profile.service(entry.service_id)
            except KeyError:  # no longer in salon.toml: cannot be looked up
                return "failed", None
            start = entry.start.astimezone(self.profile.timezone)
            found = await self._find_created(service, start, customer)
            if found is None:
                return "failed", None
            self._link(found)
            return "done", found.uid
        uid = entry.previous_uid if entry.kind == "moved" else entry.uid
        old = await self._call("GET", f"/bookings/{uid}", version=V_BOOKINGS)
        if old.status in (400, 404):
            return "failed", None
        if old.status != 200:
            raise self._unexpected(old, "booking lookup")
        data = old.body.get("data") or {}
        if entry.kind == "cancelled":
            if data.get("status") in ("cancelled", "rejected"):
                self._set_link_status(entry.uid or "", "cancelled")
                return "done", entry.uid
            return "failed", None
        new_uid = data.get("rescheduledToUid")
        moved = await self._get(new_uid) if new_uid else None
        if moved is None:
            return "failed", None
        self._link(_with_customer(moved, customer), replaces=uid)
        return "done", moved.uid


def _customer_of(booking: Booking) -> Customer:
    if booking.customer is None:
        raise InvalidRequest("a booking without its customer cannot be changed")
    return booking.customer


def _with_customer(booking: Booking, customer: Customer | None) -> Booking:
    """Keep the phone and e-mail we sent (Cal.com may echo a placeholder e-mail)."""
    if customer is None:
        return booking
    return Booking(
        uid=booking.uid,
        service=booking.service,
        start=booking.start,
        end=booking.end,
        customer=customer,
        status=booking.status,
    )
