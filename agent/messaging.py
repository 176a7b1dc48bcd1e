"""The agent's side of notifications: confirmations, verification codes, salon messages.

Everything goes through the outbox of `notify` (stored first, then one drain pass
in the background), so a slow or absent Twilio never holds the caller. Each helper
returns a short French sentence telling the model what happened.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import datetime
from typing import Any

from agent.background import spawn
from agent.call_context import CallContext
from booking import Booking, CodeSender
from booking.journal import Confirm, JournalEntry
from notify import InvalidPhone
from notify import service as notify_service
from notify.outbox import Outbox
from notify.service import BookingEvent
from salon.french import visit_price_words
from salon.phone import display as display_phone
from salon.profile import SalonProfile

logger = logging.getLogger("agent")
_background: set[asyncio.Task[Any]] = set()


def drain_soon(outbox: Outbox | None) -> None:
    """One drain pass in the background; its failures are logged, never raised."""
    if outbox is None:
        return
    spawn(outbox.drain(), keep=_background, failure="outbox drain failed; messages stay queued")


async def wait_for_background() -> None:
    """Let pending drains finish (end of a call, end of the text mode)."""
    if _background:
        await asyncio.gather(*list(_background), return_exceptions=True)


async def queue_confirmation(
    call: CallContext,
    *,
    kind: BookingEvent,
    booking: Booking,
    phone: str | None,
    previous: datetime | None = None,
) -> str:
    """Queue the booked/moved/cancelled SMS (every service of the visit, its stylist, its
    total price); returns what to tell the caller about it."""
    if call.outbox is None or not phone:
        return "Pas de SMS de confirmation possible : confirmez oralement."
    try:
        await notify_service.confirm_booking(
            call.outbox,
            profile=call.profile,
            event=kind,
            booking_uid=booking.uid,
            phone=phone,
            service=[s.name for s in booking.services],
            start=booking.start,
            previous_start=previous,
            name=booking.customer.name if booking.customer else None,
            stylist=call.profile.stylist_name(booking.stylist_id),
            price=visit_price_words(booking.services),
        )
    except InvalidPhone as exc:
        _settle_journal(call, booking=booking, kind=kind)  # never sendable: owed no more
        return f"Pas de SMS possible sur ce numéro ({exc.reason}) : confirmez oralement."
    except Exception as exc:  # the journal still owes it: queued on the next start
        logger.warning("confirmation not queued", extra={"error": repr(exc)})
        return "Le SMS de confirmation n'a pas pu partir : confirmez oralement."
    _settle_journal(call, booking=booking, kind=kind)
    drain_soon(call.outbox)
    return "Un SMS de confirmation est envoyé."


def _settle_journal(call: CallContext, *, booking: Booking, kind: BookingEvent) -> None:
    """The booking journal no longer owes this confirmation (`booking.journal`)."""
    if call.calendar is None:
        return
    try:
        call.calendar.confirmation_queued(uid=booking.uid, kind=kind)
    except Exception as exc:  # harmless: reconciliation finds it already queued (dedupe)
        logger.warning("journal not updated", extra={"error": repr(exc)})


def owed_confirmer(outbox: Outbox, profile: SalonProfile) -> Confirm:
    """What `Calendar.reconcile` calls for each confirmation a crash left owed: notify's
    `confirm_owed` (same text and dedupe key as right after the booking)."""

    async def confirm(entry: JournalEntry) -> None:
        await notify_service.confirm_owed(outbox, profile=profile, entry=entry)

    return confirm


def code_sender(outbox: Outbox, profile: SalonProfile) -> CodeSender:
    """The calendar's `send_code(phone, code)`: notify's one-segment code SMS through the
    outbox (one request id per code, so a new code is a new SMS), sent by a drain in the
    background: the tool answers as fast whether an SMS went out or not (a booking that
    does not exist sends none), so the wait tells the caller nothing either."""

    async def send(phone: str, code: str) -> None:
        await notify_service.send_verification_code(
            outbox,
            profile=profile,
            phone=phone,
            code=code,
            request_id=uuid.uuid4().hex,
            drain=False,
        )
        drain_soon(outbox)

    return send


async def queue_salon_message(
    call: CallContext, *, name: str, message: str, callback: str | None
) -> None:
    """A message for the salon, by e-mail through the outbox (kept when SMTP is absent)."""
    recipient = notify_service.transcript_recipient(call.profile)
    if call.outbox is None or not recipient:
        return
    number = display_phone(callback, unknown="non communiqué")
    body = f"Message pris par l'assistante.\nDe : {name}\nRappel : {number}\n\n{message}\n"
    key = f"{call.call_sid or id(call)}:message:{len(call.messages)}:email"
    try:
        await call.outbox.enqueue(
            channel="email",
            to=recipient,
            subject=f"Message de {name}",
            body=body,
            dedupe_key=key,
        )
    except Exception as exc:
        logger.warning("salon message not queued", extra={"error": repr(exc)})
        return
    drain_soon(call.outbox)
