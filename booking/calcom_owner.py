"""What the owner's commands read from Cal.com, off the phone path: the setup check
(`python -m booking check`, `ops.doctor`) and the bookings listing (`python -m booking
list`). `CalComCalendar.check_setup` and `.bookings_between` call these."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from booking.base import utc_text
from booking.calcom_client import V_BOOKINGS, V_EVENT_TYPES, CalComClient
from booking.calendar import Booking

log = logging.getLogger("booking")

_MAX_PAGES = 50  # booking list pages read at most for one listing


async def check_setup(client: CalComClient) -> list[str]:
    """Problems that would break phone bookings: a bookable service without a Cal.com
    event type, a length that differs from salon.toml, or an event type whose e-mail
    field is required (phone-only attendees would be refused). Empty when all is well."""
    params = {"username": client.username} if client.username else None
    reply = await client._call("GET", "/event-types", version=V_EVENT_TYPES, params=params)
    if reply.status != 200:
        return [f"cannot list Cal.com event types: HTTP {reply.status} {reply.message}"]
    found = {int(e["id"]): e for e in reply.body.get("data") or [] if "id" in e}
    problems = []
    for svc in client.services():
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


async def bookings_between(client: CalComClient, start: datetime, end: datetime) -> list[Booking]:
    """Active bookings starting in `[start, end)`, by start time (`GET /v2/bookings`,
    every page; cancelled and rejected ones left out)."""
    out: list[Booking] = []
    page_size = client.list_page_size
    for page in range(_MAX_PAGES):
        params = {
            "afterStart": utc_text(start),
            "beforeEnd": utc_text(end + timedelta(hours=12)),  # a start filter, really
            "sortStart": "asc",
            "take": page_size,
            "skip": page * page_size,
        }
        reply = await client._call("GET", "/bookings", version=V_BOOKINGS, params=params)
        if reply.status != 200:
            raise client._unexpected(reply, "booking list")
        data = [d for d in reply.body.get("data") or [] if isinstance(d, dict) and "uid" in d]
        for booking in (client._to_booking(d) for d in data):
            if booking.status == "accepted" and start <= booking.start < end:
                out.append(booking)
        more = (reply.body.get("pagination") or {}).get("hasNextPage")
        if not data or more is False or (more is None and len(data) < page_size):
            break
    else:
        log.warning("Cal.com booking list cut short", extra={"pages": _MAX_PAGES})
    return sorted(out, key=lambda b: b.start)
