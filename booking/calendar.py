"""The `Calendar` protocol, its value types, slot preferences and the domain errors.

Every back-end (`LocalCalendar`, `CalComCalendar`) speaks this interface and raises only
`CalendarError` subclasses; each error carries a short French `caller_message` that is
safe to say to a caller (it never names another customer or reads out a phone number).

Datetimes are always timezone-aware and, in values returned to callers, expressed in the
salon's zone, so `salon.french.slot_words(slot.start)` reads naturally.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from salon.french import slot_words
from salon.profile import SalonProfile, Service

if TYPE_CHECKING:
    from booking.journal import Confirm, ReconcileReport

__all__ = [
    "Booking",
    "BookingNotFound",
    "Calendar",
    "CalendarError",
    "CalendarUnavailable",
    "CodeSender",
    "Customer",
    "InvalidRequest",
    "LockedBooking",
    "NotAllowed",
    "Service",
    "ServiceMatch",
    "Slot",
    "SlotPreferences",
    "SlotTaken",
    "TooManyAttempts",
    "VerificationFailed",
    "VerificationRequired",
    "Window",
]

CodeSender = Callable[[str, str], Awaitable[None]]
"""`send_code(phone_e164, code)`: sends the one-time code to a booking's number.

The calendar makes the code; the sender writes and sends the text (`notify` owns SMS
wording and its one-segment GSM-7 check), so `booking` never words a message itself."""


# --------------------------------------------------------------------------- errors


class CalendarError(Exception):
    """Base of every booking error; `caller_message` is French and safe to say aloud."""

    default_message = "Je n'arrive pas à accéder à l'agenda pour le moment."

    def __init__(self, detail: str = "", *, caller_message: str | None = None) -> None:
        super().__init__(detail or self.__class__.__name__)
        self.detail = detail
        self.caller_message = caller_message or self.default_message


class SlotTaken(CalendarError):
    """The slot is no longer free (taken meanwhile, or outside the opening hours)."""

    default_message = (
        "Ce créneau vient d'être pris ou n'est plus disponible. Voulez-vous que je vous "
        "propose un autre horaire ?"
    )


class BookingNotFound(CalendarError):
    """No such booking (or not one this caller may see)."""

    default_message = "Je ne retrouve pas ce rendez-vous."


class CalendarUnavailable(CalendarError):
    """The calendar service failed; `retryable` says whether trying again later may work."""

    def __init__(
        self, detail: str = "", *, retryable: bool, caller_message: str | None = None
    ) -> None:
        self.retryable = retryable
        default = (
            "L'agenda ne répond pas pour le moment. Je peux réessayer dans un instant, "
            "ou demander au salon de vous rappeler."
            if retryable
            else "Je ne peux pas accéder à l'agenda pour le moment. Je peux demander au "
            "salon de vous rappeler."
        )
        super().__init__(detail, caller_message=caller_message or default)


class InvalidRequest(CalendarError):
    """The request itself is wrong (unknown service, slot of another service, bad phone…)."""

    default_message = "Je n'ai pas bien compris la demande, pouvez-vous me la redire ?"


class NotAllowed(CalendarError):
    """Caller safety: this caller may not change that booking."""

    default_message = (
        "Je ne peux modifier que les rendez-vous pris avec votre numéro de téléphone. "
        "Le salon pourra vous aider directement."
    )


class VerificationRequired(NotAllowed):
    """The booking is not linked to the caller's phone: a code sent by SMS must be checked."""

    default_message = (
        "Pour votre sécurité, je dois d'abord vous envoyer un code par SMS au numéro "
        "enregistré pour ce rendez-vous."
    )


class VerificationFailed(NotAllowed):
    """The code given does not match (or has expired); `attempts_left` may be zero."""

    def __init__(self, detail: str = "", *, attempts_left: int) -> None:
        self.attempts_left = attempts_left
        message = (
            "Ce code ne correspond pas. Pouvez-vous me le redire, chiffre par chiffre ?"
            if attempts_left > 0
            else "Ce code ne correspond pas et le nombre d'essais est dépassé. "
            "Le salon pourra vous aider directement."
        )
        super().__init__(detail, caller_message=message)


class TooManyAttempts(NotAllowed):
    """Too many codes or wrong codes for this booking: verification is locked for a while."""

    default_message = (
        "Le nombre d'essais est dépassé pour ce rendez-vous. Le salon pourra vous aider "
        "directement."
    )


# ------------------------------------------------------------------- value types


class Window(StrEnum):
    """A part of the day a caller asks for."""

    MATIN = "matin"
    APRES_MIDI = "après-midi"
    SOIR = "soir"

    @property
    def bounds(self) -> tuple[time, time]:
        """Local start times in `[from, to)` that belong to this window.

        The afternoon starts after lunch: a caller asking for "l'après-midi" does not
        expect to be offered midi.
        """
        return {
            Window.MATIN: (time(0), time(12)),
            Window.APRES_MIDI: (time(13), time(17)),
            Window.SOIR: (time(17), time(23, 59, 59)),
        }[self]

    @classmethod
    def parse(cls, text: str | None) -> Window | None:
        """`"matin"`, `"l'après-midi"`, `"apres midi"`, `"en soirée"` → a window (else None)."""
        if not text:
            return None
        folded = text.lower().replace("-", " ").replace("è", "e").replace("é", "e")
        if "matin" in folded:
            return cls.MATIN
        if "apres midi" in folded or "aprem" in folded:
            return cls.APRES_MIDI
        if "soir" in folded or "fin de journee" in folded:
            return cls.SOIR
        return None


@dataclass(frozen=True)
class SlotPreferences:
    """What the caller asked for: a day, a part of the day, or the earliest slot.

    `day=None` searches from now over `horizon_days`; `not_before` excludes earlier
    starts (e.g. "après 15h" or "pas avant jeudi").
    """

    day: date | None = None
    window: Window | None = None
    earliest: bool = False
    not_before: datetime | None = None
    horizon_days: int = 14


@dataclass(frozen=True)
class Slot:
    """A free start time for a visit; `start`/`end` are aware, in the salon's zone.

    `service_id` is the visit's first service and `extra_service_ids` the ones that follow
    it in one continuous block (« une couleur et une coupe »). `stylist_id` is the stylist
    who would do it (None when the salon books by `chairs` only); `stylist_requested` says
    the caller asked for them, else another qualified stylist free at that time may be
    given the booking if this one was taken meanwhile.
    """

    service_id: str
    start: datetime
    end: datetime
    stylist_id: str | None = None
    extra_service_ids: tuple[str, ...] = ()
    stylist_requested: bool = False

    @property
    def service_ids(self) -> tuple[str, ...]:
        return (self.service_id, *self.extra_service_ids)

    @property
    def words(self) -> str:
        """`mardi 3 décembre à 14h30`."""
        return slot_words(self.start)


@dataclass(frozen=True)
class Customer:
    """The person booking: `phone` in E.164 (`+33612345678`), `email` optional."""

    name: str
    phone: str
    email: str | None = None


@dataclass(frozen=True)
class Booking:
    """An appointment. `customer` is None when the booking is not the caller's own
    (found by name and date but not yet verified): its details are never disclosed."""

    uid: str
    service: Service
    start: datetime
    end: datetime
    customer: Customer | None
    status: str = "accepted"  # accepted | cancelled
    owned: bool = True
    extra_services: tuple[Service, ...] = ()  # the rest of the visit, in order
    stylist_id: str | None = None

    @property
    def words(self) -> str:
        return slot_words(self.start)

    @property
    def services(self) -> tuple[Service, ...]:
        """Every service of the visit, in the order they are done."""
        return (self.service, *self.extra_services)


@dataclass(frozen=True)
class LockedBooking:
    """A booking that may be the caller's but is not proven so: found by name and day
    from another number, or on the caller's number under another name. It carries only
    its uid, for sending a code to the booking's own number: never its time, service or
    customer, so nothing about it can be read to a caller who is not its owner."""

    uid: str
    owned: bool = False
    customer: None = None


@dataclass(frozen=True)
class ServiceMatch:
    """The result of matching a caller's words to a service.

    Exactly one of: `service` (a confident single match), or `candidates` with a French
    `question` to ask ("which one?"), or neither (nothing matched; `question` asks again).
    """

    service: Service | None
    candidates: tuple[Service, ...] = ()
    question: str | None = None


# ----------------------------------------------------------------------- protocol


@runtime_checkable
class Calendar(Protocol):
    """What the voice agent needs from a salon calendar.

    Reschedule and cancel act only on a booking linked to `caller_phone`, or on one the
    caller proved theirs with `send_verification_code` + `verify_code`; otherwise they
    raise `VerificationRequired`.
    """

    profile: SalonProfile

    def services(self) -> tuple[Service, ...]:
        """The bookable services."""
        ...

    def match_service(self, text: str) -> ServiceMatch:
        """Tolerant matching of what a caller said to one service (or a short choice)."""
        ...

    async def free_slots(
        self,
        *,
        service: Service,
        prefs: SlotPreferences | None = None,
        now: datetime | None = None,
        limit: int = 3,
        extra: tuple[Service, ...] = (),
        stylist: str | None = None,
        replacing: str | None = None,
    ) -> list[Slot]:
        """At most `limit` free slots, spread out, suited to being read aloud: for
        `service` followed by `extra` in one continuous block, with the stylist whose id
        is `stylist` (None: any qualified stylist, each slot naming the one it would be).
        `replacing` is the uid of a booking being moved: its own time counts as free, so
        a visit can move by less than its length."""
        ...

    async def past_bookings(self, *, phone: str, before: datetime) -> list[Booking]:
        """Bookings on this number (E.164) that started before `before`, newest first,
        cancelled and moved-away ones left out: what a returning client had."""
        ...

    async def book(self, *, service: Service, slot: Slot, customer: Customer) -> Booking:
        """Book `slot`; raises `SlotTaken` when it is no longer free."""
        ...

    async def find_bookings(
        self,
        *,
        caller_phone: str | None,
        name: str | None = None,
        day: date | None = None,
        now: datetime | None = None,
    ) -> list[Booking | LockedBooking]:
        """The caller's upcoming bookings, proven theirs, as `Booking`s; else the ones
        that may be theirs, as `LockedBooking`s (uid only), for a code to be sent.

        With `name`, a booking on `caller_phone` is the caller's only if the name on it
        matches (a number can be spoofed): under another name it comes back locked. If
        none is theirs, bookings on `day` whose name matches come back locked (or proven,
        once a code was checked). Without `name`, the caller's number alone is trusted:
        for channels where the number is, never for a phone call.
        """
        ...

    async def send_verification_code(self, *, booking_uid: str, caller_phone: str | None) -> None:
        """Send a one-time code by SMS to the number registered on the booking.

        An unknown or inactive `booking_uid` answers exactly like a real one (a code is
        stored, nothing is sent), so a caller cannot learn whether a booking exists."""
        ...

    async def verify_code(self, *, booking_uid: str, caller_phone: str | None, code: str) -> None:
        """Check the code; on success this caller may change that booking during the call."""
        ...

    async def reschedule(
        self,
        *,
        booking_uid: str,
        new_slot: Slot,
        caller_phone: str | None,
        reason: str = "Déplacé par téléphone",
    ) -> Booking:
        """Move a booking; the result may carry a NEW uid (Cal.com creates a new booking).
        `reason` is what Cal.com records (the console says « Déplacé par le salon »)."""
        ...

    async def cancel(self, *, booking_uid: str, caller_phone: str | None, reason: str) -> Booking:
        """Cancel a booking with a reason; returns it with `status="cancelled"`."""
        ...

    def confirmation_queued(self, *, uid: str, kind: str) -> None:
        """The confirmation of this booking change (`booked`, `moved`, `cancelled`) is in
        the outbox: the journal no longer owes it (`booking.journal`)."""
        ...

    async def reconcile(self, *, confirm: Confirm, grace: timedelta = ...) -> ReconcileReport:
        """Put right what a crash left: settle Cal.com calls left pending and queue, with
        `confirm`, each confirmation still owed (`booking.journal.reconcile`)."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...
