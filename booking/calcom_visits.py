"""A visit of several services in Cal.com: consecutive bookings with the same stylist.

Cal.com has no booking of several event types in one block, so a visit « une couleur et
une coupe » is booked part after part (`book_visit`); the first part's uid is the visit's.
Each part's `metadata` names the visit (`{"visit": "2/2", "services": "couleur,coupe",
"visitUid": <first uid>}`), so the owner sees in Cal.com what belongs together. A part
refused (taken meanwhile) or failing cancels the parts already made: a visit is booked
whole or not at all. A move reschedules each part by the same offset (`move_visit`), in
an order where the parts never overlap one another (the later ones first when moving
later), and puts the moved ones back when a part is refused. A single service is a visit
of one part: the same code paths, the same requests as before.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from booking.base import utc_text
from booking.calcom_client import V_BOOKINGS, CalComClient, with_customer
from booking.calcom_http import booking_data, is_taken
from booking.calendar import (
    Booking,
    BookingNotFound,
    CalendarError,
    CalendarUnavailable,
    Customer,
    NotAllowed,
    SlotTaken,
)
from salon.profile import Service, TeamMember

log = logging.getLogger("booking")

UNDONE_MESSAGE = (
    "Je n'ai pas pu modifier entièrement votre rendez-vous ; le salon vous rappellera "
    "pour le confirmer."
)


def offsets(services: Sequence[Service]) -> list[timedelta]:
    """When each part of the visit starts, after the visit's start."""
    out, total = [], 0
    for svc in services:
        out.append(timedelta(minutes=total))
        total += svc.duration
    return out


def visit_metadata(services: Sequence[Service], index: int, first_uid: str) -> dict[str, str]:
    if len(services) == 1:
        return {}
    meta = {"visit": f"{index + 1}/{len(services)}", "services": ",".join(s.id for s in services)}
    if first_uid:
        meta["visitUid"] = first_uid
    return meta


async def post_part(
    client: CalComClient,
    service: Service,
    start: datetime,
    customer: Customer,
    member: TeamMember | None,
    metadata: dict[str, str],
) -> Booking:
    """Book one part (not linked yet) or raise `SlotTaken`."""
    from booking.calcom_recovery import find_created  # recovery imports this module

    attendee: dict[str, Any] = {
        "name": customer.name,
        "timeZone": client.profile.timezone.key,
        "phoneNumber": customer.phone,
        "language": "fr",
    }
    if customer.email:
        attendee["email"] = customer.email
    body: dict[str, Any] = {
        "start": utc_text(start),
        "attendee": attendee,
        **client._event(service, member),
    }
    if metadata:
        body["metadata"] = metadata
    reply = await client._call(
        "POST",
        "/bookings",
        version=V_BOOKINGS,
        json=body,
        # A lost answer may hide a booking already made: look for it before sending
        # again, since with several chairs Cal.com would accept a second one.
        recover=lambda: find_created(client, service, start, customer),
    )
    if isinstance(reply.recovered, Booking):
        return reply.recovered
    if reply.status in (200, 201):
        return with_customer(client._to_booking(booking_data(reply)), customer)
    if is_taken(reply):
        if reply.ambiguous:  # our first attempt may have been booked after all
            mine = await find_created(client, service, start, customer)
            if mine is not None:
                return mine
        raise SlotTaken("Cal.com: slot taken")
    raise client._unexpected(reply, "booking")


async def book_visit(
    client: CalComClient,
    services: tuple[Service, ...],
    start: datetime,
    customer: Customer,
    member: TeamMember | None,
) -> Booking:
    """Book the whole visit with `member` and link it, or book nothing and raise."""
    parts: list[Booking] = []
    try:
        for i, (svc, offset) in enumerate(zip(services, offsets(services), strict=True)):
            meta = visit_metadata(services, i, parts[0].uid if parts else "")
            parts.append(await post_part(client, svc, start + offset, customer, member, meta))
    except Exception as exc:
        if parts and not await cancel_parts(client, [p.uid for p in parts], "visite incomplète"):
            # Left pending in the journal: `reconcile` cancels what is left of the visit.
            raise CalendarUnavailable(
                "Cal.com: part of a visit could not be undone", retryable=False
            ) from exc
        raise
    return linked_visit(client, services, parts, customer, member.id if member else None)


def linked_visit(
    client: CalComClient,
    services: Sequence[Service],
    parts: Sequence[Booking],
    customer: Customer,
    stylist_id: str | None = None,
) -> Booking:
    """The visit its Cal.com `parts` make (one per service, in order), its link rows
    written; the stylist is `stylist_id`, else the one Cal.com gave the first part."""
    visit = Booking(
        uid=parts[0].uid,
        service=services[0],
        start=parts[0].start,
        end=parts[-1].end,
        customer=customer,
        extra_services=tuple(services[1:]),
        stylist_id=stylist_id or parts[0].stylist_id,
    )
    link_visit(client, visit, parts)
    return visit


def link_visit(
    client: CalComClient,
    visit: Booking,
    parts: Sequence[Booking],
    *,
    replaces: Sequence[str | None] = (),
) -> None:
    """Write the link rows of a visit: its first part as the visit, the later ones
    pointing at it. `replaces[i]` is the uid part i was moved from."""
    old = list(replaces) + [None] * (len(parts) - len(replaces))
    client._link(visit, replaces=old[0])
    for part, before in zip(parts[1:], old[1:], strict=True):
        linked = Booking(
            uid=part.uid,
            service=part.service,
            start=part.start,
            end=part.end,
            customer=visit.customer,
            stylist_id=visit.stylist_id,
        )
        client._link(linked, replaces=before, visit_uid=visit.uid)


async def cancel_parts(client: CalComClient, uids: Sequence[str], reason: str) -> bool:
    """Cancel these bookings; True when none is left active (already cancelled or gone
    counts), False when Cal.com could not be told for one of them."""
    done = True
    for uid in uids:
        try:
            reply = await client._call(
                "POST",
                f"/bookings/{uid}/cancel",
                version=V_BOOKINGS,
                json={"cancellationReason": reason},
            )
        except CalendarError:
            log.warning("part of a visit not cancelled", extra={"uid": uid})
            done = False
            continue
        gone = reply.status in (200, 201, 404) or (
            reply.status == 400 and "already" in reply.message.lower()
        )
        if gone:
            client._set_link_status(uid, "cancelled")
        else:
            log.warning("part of a visit not cancelled", extra={"uid": uid})
            done = False
    return done


async def reschedule_part(
    client: CalComClient, part: Booking, start: datetime, *, reason: str
) -> Booking:
    """Move one booking (Cal.com gives it a new uid, and records `reason`); not linked yet."""
    body = {"start": utc_text(start), "reschedulingReason": reason}
    reply = await client._call(
        "POST", f"/bookings/{part.uid}/reschedule", version=V_BOOKINGS, json=body
    )
    if reply.status in (200, 201):
        return with_customer(client._to_booking(booking_data(reply)), part.customer)
    if reply.ambiguous:  # the first attempt may have gone through
        old = await client._call("GET", f"/bookings/{part.uid}", version=V_BOOKINGS)
        new_uid = (old.body.get("data") or {}).get("rescheduledToUid")
        if old.status == 200 and new_uid:
            moved = await client._get(new_uid)
            if moved is not None:
                return with_customer(moved, part.customer)
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
    raise client._unexpected(reply, "reschedule")


def parts_of(client: CalComClient, booking: Booking) -> list[Booking]:
    """Every part of the visit `booking` (its first part, then the linked ones)."""
    head_end = booking.start + timedelta(minutes=booking.service.duration or 0)
    if not booking.extra_services:
        head_end = booking.end
    head = Booking(
        uid=booking.uid,
        service=booking.service,
        start=booking.start,
        end=head_end,
        customer=booking.customer,
        stylist_id=booking.stylist_id,
    )
    return [head, *client._later_parts(booking.uid)]


async def move_visit(
    client: CalComClient, booking: Booking, start: datetime, *, reason: str
) -> Booking:
    """Reschedule every part of the visit by the same offset, keeping its stylist.

    On a refused part the parts already moved are put back where they were (Cal.com
    gives them new uids, which the link table follows) and the error is raised; should
    putting one back fail too, the visit is linked as Cal.com now holds it and the caller
    hears that the salon will call back (`CalendarUnavailable`)."""
    parts = parts_of(client, booking)
    delta = start - booking.start
    order = list(range(len(parts)))
    if delta > timedelta(0):
        order.reverse()  # the later parts first: a part never lands on one not yet moved
    current: list[Booking] = list(parts)
    moved: list[int] = []
    try:
        for i in order:
            current[i] = await reschedule_part(
                client, parts[i], parts[i].start + delta, reason=reason
            )
            moved.append(i)
    except Exception:
        if not moved:
            raise
        whole = True
        for i in reversed(moved):
            try:
                current[i] = await reschedule_part(
                    client, current[i], parts[i].start, reason=reason
                )
            except CalendarError:
                whole = False
        _relink(client, booking, parts, current)
        if not whole:
            log.error("visit split by a failed move", extra={"uid": booking.uid})
            raise CalendarUnavailable(
                "Cal.com: a visit could not be moved back whole",
                retryable=False,
                caller_message=UNDONE_MESSAGE,
            ) from None
        raise
    return _relink(client, booking, parts, current)


def _relink(
    client: CalComClient, booking: Booking, before: list[Booking], now: list[Booking]
) -> Booking:
    visit = Booking(
        uid=now[0].uid,
        service=booking.service,
        start=now[0].start,
        end=max(p.end for p in now),
        customer=booking.customer,
        extra_services=booking.extra_services,
        stylist_id=booking.stylist_id,
    )
    replaces = [b.uid if b.uid != n.uid else None for b, n in zip(before, now, strict=True)]
    link_visit(client, visit, now, replaces=replaces)
    return visit
