"""How a Cal.com change is made neither twice nor lost.

Cal.com cannot share our transaction, so each change runs inside a `booking.journal`
entry written `pending` before its HTTP call (`journaled` settles it). A retried request
finds the booking this agent already made (`linked_booking`); an answer lost to a
timeout or a 5xx is looked for in Cal.com before sending again (`find_created`); and a
change a crash left pending is resolved on the next start (`resolve_pending`, called
through `CalComCalendar._resolve_pending` by `journal.reconcile`).

A visit of several services is several Cal.com bookings. When a crash cut its booking
half-way (some parts made, not all), `resolve_pending` cancels the parts it finds and
settles the entry `failed`: the caller never heard it confirmed, and half a visit would
hold the stylist for a service nobody asked for alone. A visit found whole is linked and
confirmed as usual. A cancellation cut half-way is finished (the later parts cancelled
once the first one is); a move cut half-way is linked as Cal.com holds it and logged.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta

from booking import journal
from booking.base import parse_utc, utc_text
from booking.calcom_client import V_BOOKINGS, CalComClient, with_customer
from booking.calcom_visits import cancel_parts, link_visit, linked_visit, offsets
from booking.calendar import (
    Booking,
    BookingNotFound,
    CalendarUnavailable,
    Customer,
    InvalidRequest,
    NotAllowed,
    SlotTaken,
)
from booking.services import fold
from salon.phone import to_e164
from salon.profile import Service

log = logging.getLogger("booking")

# What Cal.com records when a change is finished for an entry that did not keep the
# reason it was started with (written before migration 8): it may have come from the
# phone, an SMS or the console, so neither is claimed.
MOVED = "Rendez-vous déplacé"
CANCELLED = "Rendez-vous annulé"


async def journaled(client: CalComClient, entry: int, action: Awaitable[Booking]) -> Booking:
    """Run a Cal.com change whose journal entry is pending and settle it: `done` with
    the resulting uid, `failed` when Cal.com surely did nothing. A timeout or a 5xx
    leaves it pending: `reconcile` asks Cal.com later whether it went through."""
    try:
        booking = await action
    except (SlotTaken, InvalidRequest, NotAllowed, BookingNotFound):
        client._run(lambda c: journal.settle(c, entry, state="failed"))
        raise

    def settle(conn: sqlite3.Connection) -> None:
        journal.settle(conn, entry, state="done", uid=booking.uid)
        # Another qualified stylist may have taken the visit (`Assignment.others`).
        conn.execute(
            "UPDATE booking_journal SET stylist_id = ? WHERE id = ?", (booking.stylist_id, entry)
        )

    client._run(settle)
    return booking


async def linked_booking(
    client: CalComClient, services: tuple[Service, ...], start: datetime, customer: Customer
) -> Booking | None:
    """The active visit this agent already made for this person, services and start."""
    extra = ",".join(s.id for s in services[1:])
    rows = client._run(
        lambda c: c.execute(
            "SELECT uid, name FROM calcom_links WHERE phone = ? AND service_id = ? "
            "AND extra_services = ? AND start_utc = ? AND status = 'accepted' "
            "AND visit_uid IS NULL",
            (customer.phone, services[0].id, extra, utc_text(start)),
        ).fetchall()
    )
    for row in rows:
        if fold(row["name"]) != fold(customer.name):
            continue
        booking = await client._get(row["uid"])
        if booking is not None and booking.status == "accepted":
            return with_customer(booking, customer)
        client._set_link_status(row["uid"], "cancelled")  # cancelled outside the agent
    return None


async def find_created(
    client: CalComClient, service: Service, start: datetime, customer: Customer
) -> Booking | None:
    """The booking Cal.com holds for this person, service and start, if any."""
    params = {
        "afterStart": utc_text(start - timedelta(minutes=1)),
        "beforeEnd": utc_text(start + timedelta(minutes=service.duration + 1)),
        "status": "upcoming",
    }
    reply = await client._call("GET", "/bookings", version=V_BOOKINGS, params=params)
    if reply.status != 200:  # unknown: not knowing must not lead to a second booking
        raise client._unexpected(reply, "booking lookup")
    for data in reply.body.get("data") or []:
        attendee = (data.get("attendees") or [{}])[0]
        if (
            parse_utc(data["start"]) == start.astimezone(UTC)
            and to_e164(attendee.get("phoneNumber")) == customer.phone
            and fold(str(attendee.get("name", ""))) == fold(customer.name)
            and client._service_of(data).id == service.id
        ):
            return with_customer(client._to_booking(data), customer)
    return None


async def resolve_pending(
    client: CalComClient, entry: journal.JournalEntry
) -> tuple[journal.State, str | None]:
    """Ask Cal.com whether a change a crash left pending went through."""
    customer = Customer(name=entry.name, phone=entry.phone)
    if entry.kind == "booked":
        try:
            services = tuple(client.profile.service(x) for x in entry.service_ids)
        except KeyError:  # no longer in salon.toml: cannot be looked up
            return "failed", None
        start = entry.start.astimezone(client.profile.timezone)
        found = await find_visit(client, services, start, customer)
        return ("done", found.uid) if found is not None else ("failed", None)
    uid = entry.previous_uid if entry.kind == "moved" else entry.uid
    old = await client._call("GET", f"/bookings/{uid}", version=V_BOOKINGS)
    if old.status in (400, 404):
        return "failed", None
    if old.status != 200:
        raise client._unexpected(old, "booking lookup")
    data = old.body.get("data") or {}
    if entry.kind == "cancelled":
        if data.get("status") in ("cancelled", "rejected"):
            later = [p.uid for p in client._later_parts(entry.uid or "")]
            reason = entry.reason or data.get("cancellationReason") or CANCELLED
            await cancel_parts(client, later, reason)  # finish the visit's
            client._set_link_status(entry.uid or "", "cancelled")
            return "done", entry.uid
        return "failed", None
    return await _resolve_move(client, entry, uid or "", data, customer)


async def _resolve_move(
    client: CalComClient,
    entry: journal.JournalEntry,
    uid: str,
    data: dict,
    customer: Customer,
) -> tuple[journal.State, str | None]:
    """A move left pending: rescheduled in Cal.com (each part followed to its new uid),
    or rebooked with another stylist (a new visit at the new start, then the old one
    cancelled), or not done at all."""
    new_uid = data.get("rescheduledToUid")
    if not new_uid:  # maybe moved to another stylist: a new visit, then the old cancelled
        try:
            services = tuple(client.profile.service(x) for x in entry.service_ids)
        except KeyError:
            return "failed", None
        start = entry.start.astimezone(client.profile.timezone)
        found = await find_visit(client, services, start, customer)
        if found is None:
            return "failed", None
        old = [uid, *(p.uid for p in client._later_parts(uid))]
        await cancel_parts(client, old, entry.reason or MOVED)
        for old_uid in old:
            client._set_link_status(old_uid, "rescheduled")
        return "done", found.uid
    moved = await client._get(new_uid)
    if moved is None:
        return "failed", None
    before = [with_customer(moved, customer)]
    replaced: list[str | None] = [uid]
    for part in client._later_parts(uid):
        reply = await client._call("GET", f"/bookings/{part.uid}", version=V_BOOKINGS)
        part_uid = (
            (reply.body.get("data") or {}).get("rescheduledToUid") if reply.status == 200 else None
        )
        now = await client._get(part_uid) if part_uid else None
        if now is None:
            log.warning("visit moved only in part", extra={"uid": uid, "part": part.uid})
            before.append(part)
            replaced.append(None)
        else:
            before.append(with_customer(now, customer))
            replaced.append(part.uid)
    head = before[0]
    visit = Booking(
        uid=head.uid,
        service=head.service,
        start=head.start,
        end=max(p.end for p in before),
        customer=customer,
        extra_services=tuple(p.service for p in before[1:]),
        stylist_id=head.stylist_id or entry.stylist_id,
    )
    link_visit(client, visit, before, replaces=replaced)
    return "done", visit.uid


async def find_visit(
    client: CalComClient, services: tuple[Service, ...], start: datetime, customer: Customer
) -> Booking | None:
    """The whole visit Cal.com holds for this person at `start`, linked; None when it
    holds none, or only part of it (those parts are then cancelled)."""
    parts: list[Booking] = []
    for svc, offset in zip(services, offsets(services), strict=True):
        found = await find_created(client, svc, start + offset, customer)
        if found is None:
            break
        parts.append(found)
    if len(parts) < len(services):
        if parts:
            log.warning("incomplete visit cancelled", extra={"uid": parts[0].uid})
            if not await cancel_parts(client, [p.uid for p in parts], "visite incomplète"):
                raise CalendarUnavailable("Cal.com: incomplete visit not cancelled", retryable=True)
        return None
    return linked_visit(client, services, parts, customer)
