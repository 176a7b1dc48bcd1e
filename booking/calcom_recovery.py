"""How a Cal.com change is made neither twice nor lost.

Cal.com cannot share our transaction, so each change runs inside a `booking.journal`
entry written `pending` before its HTTP call (`journaled` settles it). A retried request
finds the booking this agent already made (`linked_booking`); an answer lost to a
timeout or a 5xx is looked for in Cal.com before sending again (`find_created`); and a
change a crash left pending is resolved on the next start (`resolve_pending`, called
through `CalComCalendar._resolve_pending` by `journal.reconcile`).
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta

from booking import journal
from booking.base import parse_utc, utc_text
from booking.calcom_client import V_BOOKINGS, CalComClient, with_customer
from booking.calendar import (
    Booking,
    BookingNotFound,
    Customer,
    InvalidRequest,
    NotAllowed,
    SlotTaken,
)
from booking.services import fold
from salon.phone import to_e164
from salon.profile import Service


async def journaled(client: CalComClient, entry: int, action: Awaitable[Booking]) -> Booking:
    """Run a Cal.com change whose journal entry is pending and settle it: `done` with
    the resulting uid, `failed` when Cal.com surely did nothing. A timeout or a 5xx
    leaves it pending: `reconcile` asks Cal.com later whether it went through."""
    try:
        booking = await action
    except (SlotTaken, InvalidRequest, NotAllowed, BookingNotFound):
        client._run(lambda c: journal.settle(c, entry, state="failed"))
        raise
    client._run(lambda c: journal.settle(c, entry, state="done", uid=booking.uid))
    return booking


async def linked_booking(
    client: CalComClient, service: Service, start: datetime, customer: Customer
) -> Booking | None:
    """The active booking this agent already made for this person, service and start."""
    rows = client._run(
        lambda c: c.execute(
            "SELECT uid, name FROM calcom_links WHERE phone = ? AND service_id = ? "
            "AND start_utc = ? AND status = 'accepted'",
            (customer.phone, service.id, utc_text(start)),
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
            service = client.profile.service(entry.service_id)
        except KeyError:  # no longer in salon.toml: cannot be looked up
            return "failed", None
        start = entry.start.astimezone(client.profile.timezone)
        found = await find_created(client, service, start, customer)
        if found is None:
            return "failed", None
        client._link(found)
        return "done", found.uid
    uid = entry.previous_uid if entry.kind == "moved" else entry.uid
    old = await client._call("GET", f"/bookings/{uid}", version=V_BOOKINGS)
    if old.status in (400, 404):
        return "failed", None
    if old.status != 200:
        raise client._unexpected(old, "booking lookup")
    data = old.body.get("data") or {}
    if entry.kind == "cancelled":
        if data.get("status") in ("cancelled", "rejected"):
            client._set_link_status(entry.uid or "", "cancelled")
            return "done", entry.uid
        return "failed", None
    new_uid = data.get("rescheduledToUid")
    moved = await client._get(new_uid) if new_uid else None
    if moved is None:
        return "failed", None
    client._link(with_customer(moved, customer), replaces=uid)
    return "done", moved.uid
