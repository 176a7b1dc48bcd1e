"""What the owner does to the appointment book, and the customer's SMS that follows.

The owner acts as the booking's own number would (the console's login is the proof), so
the calendar's caller-safety rules pass through, and the customer gets exactly the text
a caller's change sends: `notify.service.confirm_booking`, the same outbox, the same
dedupe keys. Each function runs on the console's event loop (`ConsoleContext.loop`).
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from booking import (
    Booking,
    CalendarError,
    CalendarUnavailable,
    Customer,
    Slot,
    SlotPreferences,
    SlotTaken,
    journal,
)
from booking.agenda import stylist_of
from notify.phone import InvalidPhone
from notify.service import BookingEvent, confirm_booking
from salon.french import visit_price_words
from salon.profile import Service
from salon.text import fold
from webhook.console.context import Backends
from webhook.console.reasons import day_problem, start_problem

logger = logging.getLogger("webhook")
CANCEL_REASON = "annulé par le salon"
MAX_SLOTS = 200


# A booking whose answer was lost (Cal.com too slow) may still have been made: the
# owner must look before booking again, or the client is booked twice.
MAYBE_BOOKED = (
    "Ce rendez-vous a peut-être déjà été enregistré : vérifiez l'agenda avant de recommencer."
)
UNAVAILABLE = "L'agenda ne répond pas pour le moment : réessayez dans un instant."
# How long a booking call left pending may still be under way in Cal.com: past that (its
# deadline is seconds), a visit it made is in the agenda, and one not there was not made.
PENDING_GRACE = timedelta(minutes=2)


class ActionRefused(Exception):
    """The calendar refused; `message` is French, for the owner. `unavailable`: the
    calendar did not answer, so a change it was asked for may or may not be made."""

    def __init__(self, message: str, *, unavailable: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.unavailable = unavailable


def refusal(exc: CalendarError) -> ActionRefused:
    """The owner's wording of a calendar error."""
    if isinstance(exc, SlotTaken):
        return ActionRefused("Ce créneau n'est plus libre (ou hors des heures d'ouverture).")
    if isinstance(exc, CalendarUnavailable):
        return ActionRefused(UNAVAILABLE, unavailable=True)
    return ActionRefused(exc.caller_message)  # French, and safe to show


@dataclass(frozen=True)
class Attempt:
    """A counter booking as the owner asked for it: the visit, its start, the client."""

    services: tuple[Service, ...]
    start: datetime
    name: str
    phone: str

    def same_client(self, name: str, phone: str) -> bool:
        return phone == self.phone and fold(name) == fold(self.name)


def pending_attempt(conn: sqlite3.Connection, attempt: Attempt) -> journal.JournalEntry | None:
    """The latest booking of this very visit for this client whose call to the calendar
    has not settled (`booking.journal`: Cal.com's answer was lost), else None."""
    ids = tuple(s.id for s in attempt.services)
    for entry in reversed(journal.pending(conn, created_before=datetime.now(UTC))):
        if (
            entry.kind == "booked"
            and entry.service_ids == ids
            and entry.start == attempt.start
            and attempt.same_client(entry.name, entry.phone)
        ):
            return entry
    return None


async def booked_already(b: Backends, attempt: Attempt) -> Booking | None:
    """This client's booking of the visit's first service at its start, when the
    calendar already holds one (an earlier attempt went through). `ActionRefused` when
    the calendar cannot be read."""
    start = attempt.start
    for booking in await bookings_between(b, start, start + timedelta(minutes=1)):
        customer = booking.customer
        if (
            booking.start == start
            and booking.service.id == attempt.services[0].id
            and customer is not None
            and attempt.same_client(customer.name, customer.phone)
        ):
            return booking
    return None


@dataclass(frozen=True)
class Done:
    """A change made, and what happened to the customer's SMS (French)."""

    booking: Booking
    sms: str


async def bookings_between(b: Backends, start: datetime, end: datetime) -> list[Booking]:
    try:
        found = await b.calendar.bookings_between(start, end)
    except CalendarError as exc:
        raise refusal(exc) from exc
    return sorted(found, key=lambda booking: booking.start)


# Where a booking is looked for when it is not on the day the link named (no `?jour=`,
# or a day it has left): from a week ago to six months ahead.
LOOKUP_BACK, LOOKUP_AHEAD = timedelta(days=7), timedelta(days=183)


async def find(b: Backends, *, uid: str, day: date, start: datetime, end: datetime) -> Booking:
    """The active booking `uid` among those of `[start, end)` (the local `day` of the
    link), else of the weeks around today (a link without `?jour=`, or the book of
    another day); `ActionRefused` if gone."""
    tz = b.profile.timezone
    today = datetime.now(tz).date()
    wide = (
        datetime.combine(today - LOOKUP_BACK, time(0), tzinfo=tz),
        datetime.combine(today + LOOKUP_AHEAD, time(0), tzinfo=tz),
    )
    for first, last in ((start, end), wide):
        for booking in await bookings_between(b, first, last):
            if booking.uid == uid and booking.customer is not None:
                return booking
    raise ActionRefused("Ce rendez-vous n'existe plus : il a peut-être été annulé ou déplacé.")


def _changeable(booking: Booking) -> str:
    """The booking's number, which the change goes through (and the SMS to); a booking
    without one (made directly in Cal.com) is changed there."""
    phone = booking.customer.phone if booking.customer else ""
    if not phone:
        raise ActionRefused(
            "Ce rendez-vous n'a pas de numéro de téléphone (pris directement dans Cal.com ?) : "
            "modifiez-le ou annulez-le dans Cal.com."
        )
    return phone


async def free_starts(
    b: Backends,
    *,
    service: Service,
    day: date,
    extra: tuple[Service, ...] = (),
    stylist: str | None = None,
    replacing: str | None = None,
) -> list[Slot]:
    """Every free start of `day` for `service` then `extra` (one visit), with `stylist`
    (None: any qualified stylist, each slot naming one); the booking `replacing` (being
    moved) does not hold its own time."""
    try:
        return await b.calendar.free_slots(
            service=service,
            extra=extra,
            stylist=stylist,
            prefs=SlotPreferences(day=day),
            limit=MAX_SLOTS,
            replacing=replacing,
        )
    except CalendarError as exc:
        raise refusal(exc) from exc


def _kept_stylist(b: Backends, booking: Booking) -> str | None:
    """The booking's stylist while still in the team and doing the whole visit."""
    member = stylist_of(booking, b.profile)
    if member is None or not all(member.does(s.id) for s in booking.services):
        return None
    return member.id


async def move_starts(b: Backends, booking: Booking, *, day: date) -> list[Slot]:
    """Where the whole visit can go on `day`: with its own stylist when free then (the
    slot names them), else with another qualified one (the slot names who). The visit's
    own time does not block it, so it can move by less than its length (a quarter of an
    hour later with the same stylist); its current start is not offered. A day nothing
    can go to (past, the salon closed) is `ActionRefused` with the reason."""
    why = day_problem(b.profile, day, today=datetime.now(b.profile.timezone).date())
    if why is not None:
        raise ActionRefused(why)
    service, extra, uid = booking.service, booking.extra_services, booking.uid
    every = await free_starts(b, service=service, day=day, extra=extra, replacing=uid)
    kept = _kept_stylist(b, booking)
    own: dict[datetime, Slot] = {}
    if kept is not None:
        found = await free_starts(
            b, service=service, day=day, extra=extra, stylist=kept, replacing=uid
        )
        own = {s.start: s for s in found}
    merged = {s.start: own.get(s.start, s) for s in every} | own
    return [merged[start] for start in sorted(merged) if start != booking.start]


NO_SMS = "Pas de SMS envoyé (décoché)."
MOVED_BY_SALON = "Déplacé par le salon"


async def cancel(b: Backends, booking: Booking, *, send_sms: bool = True) -> Done:
    """Cancel `booking`; the client gets the caller's cancellation SMS unless the owner
    unticked it (then none is owed either: `scripts/jobs` sends none later)."""
    phone = _changeable(booking)
    try:
        cancelled = await b.calendar.cancel(
            booking_uid=booking.uid, caller_phone=phone, reason=CANCEL_REASON
        )
    except CalendarError as exc:
        raise refusal(exc) from exc
    logger.info("console: booking cancelled by the owner", extra={"uid": booking.uid})
    if not send_sms:
        b.calendar.confirmation_queued(uid=cancelled.uid, kind="cancelled")  # owed no more
        return Done(cancelled, NO_SMS)
    return Done(cancelled, await _confirm(b, kind="cancelled", booking=cancelled))


def check_start(b: Backends, start: datetime, *, minutes: int, stylist: str | None = None) -> None:
    """`ActionRefused` with the reason when salon.toml alone forbids a visit of `minutes`
    at `start` with `stylist` (None: whoever): the calendar would only say « pas libre »."""
    member = None
    if stylist is not None:
        try:
            member = b.profile.stylist(stylist)
        except KeyError:
            member = None  # the calendar says it in its words
    why = start_problem(b.profile, start, minutes=minutes, now=datetime.now(UTC), member=member)
    if why is not None:
        raise ActionRefused(why)


async def move(b: Backends, booking: Booking, *, start: datetime, send_sms: bool = True) -> Done:
    """Move the whole visit to `start`; the client gets the caller's SMS unless the owner
    unticked it (then none is owed either)."""
    phone = _changeable(booking)
    check_start(b, start, minutes=int((booking.end - booking.start).total_seconds() // 60))
    slot = Slot(  # the whole visit; its stylist if free then, else another qualified one
        service_id=booking.service.id,
        start=start,
        end=start + (booking.end - booking.start),
        stylist_id=_kept_stylist(b, booking),
        extra_service_ids=tuple(s.id for s in booking.extra_services),
        stylist_requested=False,
    )
    try:
        moved = await b.calendar.reschedule(  # Cal.com records who moved it
            booking_uid=booking.uid, new_slot=slot, caller_phone=phone, reason=MOVED_BY_SALON
        )
    except CalendarError as exc:
        raise refusal(exc) from exc
    logger.info("console: booking moved by the owner", extra={"uid": moved.uid})
    if not send_sms:
        b.calendar.confirmation_queued(uid=moved.uid, kind="moved")  # owed no more
        return Done(moved, NO_SMS)
    sms = await _confirm(b, kind="moved", booking=moved, previous=booking.start)
    return Done(moved, sms)


async def book(
    b: Backends,
    *,
    service: Service,
    start: datetime,
    name: str,
    phone: str,
    send_sms: bool,
    extra: tuple[Service, ...] = (),
    stylist: str | None = None,
) -> Done:
    """Book at the counter the visit `service` then `extra`, with `stylist` (kept even if
    another is free: the owner chose them), or with None any qualified stylist free then
    (the calendar picks; a salon without a team books by chairs)."""
    minutes = service.duration + sum(s.duration for s in extra)
    check_start(b, start, minutes=minutes, stylist=stylist)
    slot = Slot(
        service_id=service.id,
        start=start,
        end=start + timedelta(minutes=minutes),
        stylist_id=stylist,
        extra_service_ids=tuple(s.id for s in extra),
        stylist_requested=stylist is not None,
    )
    try:
        booked = await b.calendar.book(
            service=service, slot=slot, customer=Customer(name=name, phone=phone)
        )
    except CalendarError as exc:
        raise refusal(exc) from exc
    logger.info("console: booking taken at the counter", extra={"uid": booked.uid})
    if not send_sms:
        b.calendar.confirmation_queued(uid=booked.uid, kind="booked")  # owed no more
        return Done(booked, NO_SMS)
    return Done(booked, await _confirm(b, kind="booked", booking=booked))


SMS_STATUS = {
    "sent": "Le client a reçu le SMS de confirmation.",
    "not_sent": "SMS gardé dans les envois : l'envoi de SMS n'est pas configuré (Twilio).",
    "queued": "SMS en attente : un nouvel essai partira sous peu.",
    "sending": "SMS en cours d'envoi.",
    "failed": "Le SMS n'a pas pu partir : voir la page Envois.",
}
# What went, when it is not a confirmation: Twilio took it, the phone has not got it yet.
SMS_SENT = {"cancelled": "Le client va recevoir un SMS d'annulation."}


async def _confirm(
    b: Backends, *, kind: BookingEvent, booking: Booking, previous: datetime | None = None
) -> str:
    """Queue the customer's SMS (the caller's own text), send it, and say how it went."""
    customer = booking.customer
    if customer is None or not customer.phone:
        return "Pas de SMS : aucun numéro sur ce rendez-vous."
    try:
        queued = await confirm_booking(
            b.outbox,
            profile=b.profile,
            event=kind,
            booking_uid=booking.uid,
            phone=customer.phone,
            service=[s.name for s in booking.services],
            start=booking.start,
            previous_start=previous,
            name=customer.name,
            stylist=b.profile.stylist_name(booking.stylist_id),
            price=visit_price_words(booking.services),
        )
    except InvalidPhone as exc:
        b.calendar.confirmation_queued(uid=booking.uid, kind=kind)  # never sendable
        return f"Pas de SMS : {exc.reason}"
    except Exception:  # the journal still owes it: scripts/jobs queues it later
        logger.warning("console: confirmation not queued", exc_info=True)
        return "Le SMS n'a pas pu être préparé ; il partira plus tard."
    b.calendar.confirmation_queued(uid=booking.uid, kind=kind)
    try:
        await b.outbox.drain()
    except Exception:  # the message stays in the outbox for the next drain
        logger.warning("console: outbox drain failed", exc_info=True)
    entry = b.outbox.get(queued.entry.dedupe_key)
    status = entry.status if entry else "queued"
    if status == "sent" and kind in SMS_SENT:
        return SMS_SENT[kind]
    return SMS_STATUS.get(status, SMS_STATUS["queued"])
