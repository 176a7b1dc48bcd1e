"""What both calendars share: input checks, slot choice, and caller safety.

A back-end implements a handful of raw operations (`_available_starts`, `_create`,
`_get`, `_by_phone`, `_by_name_day`, `_move`, `_cancel`); `BaseCalendar` turns them into
the `Calendar` protocol. Caller safety lives here once, so both back-ends behave alike:

- reschedule/cancel act only on a booking whose phone is the caller's, or for which the
  caller proved ownership with a one-time code sent by SMS to the booking's number;
- a booking is the caller's when the number AND the name on it match (a number can be
  spoofed), or once a code was checked; one that may be theirs comes back as a
  `LockedBooking` (its uid only: no time, service or customer);
- sending a code answers alike whether the booking exists or not (no existence oracle);
  the codes and the rights they give are in `booking.proofs`; proving needs a visible
  caller number;
- each change is written to `booking.journal`, which owes its confirmation until it is
  queued (`reconcile` puts right what a crash left).
"""

from __future__ import annotations

import abc
import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TypeVar

from booking import journal, proofs
from booking.calendar import (
    Booking,
    BookingNotFound,
    CalendarError,
    CodeSender,
    Customer,
    InvalidRequest,
    LockedBooking,
    NotAllowed,
    ServiceMatch,
    Slot,
    SlotPreferences,
    SlotTaken,
    VerificationFailed,
    VerificationRequired,
)
from booking.helpers import names_match, spread
from booking.services import match_service
from salon import state_db
from salon.phone import region_of, to_e164
from salon.profile import SalonProfile, Service, TeamMember
from salon.utc import parse_utc, utc_text

log = logging.getLogger("booking")

T = TypeVar("T")


class BaseCalendar(abc.ABC):
    """Shared behaviour of the calendars; subclasses implement the raw operations."""

    profile: SalonProfile

    def __init__(
        self,
        profile: SalonProfile,
        *,
        db: sqlite3.Connection | str | Path | None = None,
        send_code: CodeSender | None = None,
        min_notice: timedelta = timedelta(minutes=60),
    ) -> None:
        self.profile = profile
        self._conn = _own_connection(db)
        self._owns_conn = self._conn is not db
        self._lock = threading.RLock()
        self._send_code = send_code
        self.min_notice = min_notice

    # ---------------------------------------------------------------- raw back-end

    @abc.abstractmethod
    async def _available_starts(
        self,
        services: tuple[Service, ...],
        start: datetime,
        end: datetime,
        stylists: tuple[TeamMember, ...],
        replacing: str | None = None,
    ) -> list[tuple[datetime, str | None]]:
        """Free starts in `[start, end)` (aware datetimes, any zone) for the visit
        `services` done one after the other, each with the id of one of `stylists` free
        for the whole block (None for every start when `stylists` is empty: the salon
        books by `chairs`). A start may come once per free stylist. The booking whose uid
        is `replacing` (being moved) does not count as taking its own time."""

    @abc.abstractmethod
    async def _create(
        self,
        services: tuple[Service, ...],
        start: datetime,
        customer: Customer,
        stylist: Assignment,
    ) -> Booking:
        """Create the booking (one visit) or raise `SlotTaken`."""

    @abc.abstractmethod
    async def _get(self, uid: str) -> Booking | None:
        """The booking with full customer details, or None."""

    @abc.abstractmethod
    async def _by_phone(self, phone: str, after: datetime) -> list[Booking]:
        """Active bookings linked to `phone` that end after `after`."""

    @abc.abstractmethod
    async def _by_name_day(self, name: str, day: date) -> list[Booking]:
        """Active bookings on the local `day` whose customer name matches `name`."""

    @abc.abstractmethod
    async def _move(
        self, booking: Booking, start: datetime, stylist: Assignment, *, reason: str
    ) -> Booking:
        """Move the whole visit to `start` (a new uid is allowed) or raise
        `SlotTaken`/`NotAllowed`; `reason` is what the calendar records, if it does."""

    @abc.abstractmethod
    async def _history(self, phone: str, before: datetime) -> list[Booking]:
        """Bookings on `phone` that started before `before` and were kept (not cancelled,
        not moved away), with their customer."""

    @abc.abstractmethod
    async def _cancel(self, booking: Booking, reason: str) -> Booking:
        """Cancel and return the booking with `status="cancelled"`."""

    # ------------------------------------------------------------------ db helper

    def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            return fn(self._conn)

    def close_db(self) -> None:
        """Close the state-db connection if this calendar opened it (never a lent one)."""
        if self._owns_conn:
            with self._lock:
                self._conn.close()

    def _e164(self, raw: str | None) -> str | None:
        """A customer's or caller's number in E.164, national numbers read where the salon
        is (`salon.phone.region_of`: an overseas department's own numbers first)."""
        return to_e164(raw, region=region_of(self.profile.holidays_subdivision))

    # ------------------------------------------------------------------- services

    def services(self) -> tuple[Service, ...]:
        return tuple(s for s in self.profile.services if s.bookable)

    def match_service(self, text: str) -> ServiceMatch:
        return match_service(text, self.services())

    def _service(self, service: Service | str) -> Service:
        wanted = service if isinstance(service, str) else service.id
        for svc in self.services():
            if svc.id == wanted:
                return svc
        raise InvalidRequest(f"unknown or unbookable service {wanted!r}")

    # ---------------------------------------------------------------------- slots

    def _now(self, now: datetime | None) -> datetime:
        moment = now or datetime.now(UTC)
        if moment.tzinfo is None:
            raise InvalidRequest("naive datetime for now")
        return moment.astimezone(self.profile.timezone)

    def _visit(
        self, service: Service | str, extra: tuple[Service | str, ...]
    ) -> tuple[Service, ...]:
        visit = (self._service(service), *(self._service(x) for x in extra))
        if len({s.id for s in visit}) != len(visit):
            raise InvalidRequest("the same service twice in one visit")
        return visit

    def team(self) -> tuple[TeamMember, ...]:
        """The stylists this calendar can book (empty: it books by `chairs`)."""
        return self.profile.stylists

    def _qualified(self, ids: list[str]) -> tuple[TeamMember, ...]:
        return tuple(m for m in self.team() if all(m.does(x) for x in ids))

    def _member(self, stylist: str) -> TeamMember:
        member = next((m for m in self.team() if m.id == stylist), None)
        if member is not None:
            return member
        try:
            known = self.profile.stylist(stylist)
        except KeyError:
            raise InvalidRequest(f"unknown stylist {stylist!r}") from None
        raise InvalidRequest(
            f"stylist {stylist!r} cannot be booked on this calendar",
            caller_message=f"Je ne peux pas prendre de rendez-vous avec {known.first_name} "
            "par téléphone. Le salon pourra vous aider, ou je peux chercher avec quelqu'un "
            "d'autre de l'équipe.",
        )

    def _stylists(self, visit: tuple[Service, ...], stylist: str | None) -> tuple[TeamMember, ...]:
        """Who may do the visit: the one asked for, or every qualified stylist. Raises
        `InvalidRequest` (with a French sentence) when no one can."""
        if not self.team():
            if stylist is not None:
                raise InvalidRequest(
                    "this salon books without stylists",
                    caller_message="Le salon ne prend pas les rendez-vous par coiffeur.",
                )
            return ()
        ids = [s.id for s in visit]
        if stylist is not None:
            member = self._member(stylist)
            if not all(member.does(x) for x in ids):
                raise InvalidRequest(
                    "stylist does not do this service",
                    caller_message=f"{member.first_name} ne réalise pas cette prestation.",
                )
            return (member,)
        qualified = self._qualified(ids)
        if not qualified:
            raise InvalidRequest(
                "no stylist does the whole visit",
                caller_message="Aucun membre de l'équipe ne réalise toutes ces prestations "
                "dans le même rendez-vous.",
            )
        return qualified

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
        visit = self._visit(service, extra)
        stylists = self._stylists(visit, stylist)
        prefs = prefs or SlotPreferences()
        tz = self.profile.timezone
        local_now = self._now(now)
        not_before = local_now + self.min_notice
        if prefs.not_before is not None:
            not_before = max(not_before, prefs.not_before.astimezone(tz))
        if prefs.day is not None:
            start = datetime.combine(prefs.day, time(0), tzinfo=tz)
            end = datetime.combine(prefs.day + timedelta(days=1), time(0), tzinfo=tz)
        else:
            start = local_now
            end = datetime.combine(
                local_now.date() + timedelta(days=prefs.horizon_days + 1), time(0), tzinfo=tz
            )
        start = max(start, not_before)
        if start >= end:
            return []
        raw = await self._available_starts(visit, start, end, stylists, replacing)
        by_start: dict[datetime, list[str | None]] = {}
        for moment, who in raw:
            local = moment.astimezone(tz)
            if not (start <= local < end):  # servers sometimes return slots out of range
                continue
            if prefs.window is not None:
                lo, hi = prefs.window.bounds
                if not (lo <= local.time() < hi):
                    continue
            by_start.setdefault(local, []).append(who)
        picked = spread(
            list(by_start), limit=limit, one_day=prefs.day is not None, earliest=prefs.earliest
        )
        duration = timedelta(minutes=sum(s.duration for s in visit))
        return [
            Slot(
                service_id=visit[0].id,
                start=s,
                end=s + duration,
                stylist_id=_first_listed(by_start[s], stylists),
                extra_service_ids=tuple(x.id for x in visit[1:]),
                stylist_requested=stylist is not None,
            )
            for s in picked
        ]

    # ---------------------------------------------------------------------- book

    def _check_customer(self, customer: Customer) -> Customer:
        phone = self._e164(customer.phone)
        if phone is None:
            raise InvalidRequest(
                "invalid customer phone",
                caller_message="Ce numéro de téléphone ne semble pas valide. "
                "Pouvez-vous me le redonner ?",
            )
        name = " ".join(customer.name.split())
        if not name:
            raise InvalidRequest(
                "empty customer name", caller_message="À quel nom dois-je noter le rendez-vous ?"
            )
        return Customer(name=name, phone=phone, email=customer.email or None)

    def _check_slot(self, visit: tuple[Service, ...], slot: Slot) -> datetime:
        if slot.service_ids != tuple(s.id for s in visit):
            raise InvalidRequest("slot was proposed for another service")
        if slot.start.tzinfo is None:
            raise InvalidRequest("naive slot start")
        if slot.start <= datetime.now(UTC):
            raise SlotTaken("slot is in the past")
        return slot.start.astimezone(self.profile.timezone)

    def _assignment(self, visit: tuple[Service, ...], slot: Slot) -> Assignment:
        if slot.stylist_id is None:  # the owner's console: whoever qualified is free
            if not self.team():
                return Assignment()
            qualified = self._stylists(visit, None)
            return Assignment(member=qualified[0], others=qualified[1:])
        member = self._member(slot.stylist_id)
        if not all(member.does(s.id) for s in visit):
            raise InvalidRequest("stylist does not do this service")
        others: tuple[TeamMember, ...] = ()
        if not slot.stylist_requested:
            others = tuple(m for m in self._qualified([s.id for s in visit]) if m.id != member.id)
        return Assignment(member=member, others=others)

    async def book(self, *, service: Service, slot: Slot, customer: Customer) -> Booking:
        """Book `slot` (its whole visit, with its stylist; when the caller did not ask
        for them, another qualified stylist free at that time if they were taken)."""
        visit = self._visit(service, slot.extra_service_ids)
        start = self._check_slot(visit, slot)
        assignment = self._assignment(visit, slot)
        booking = await self._create(visit, start, self._check_customer(customer), assignment)
        log.info("booking created", extra={"uid": booking.uid, "service": visit[0].id})
        return booking

    async def past_bookings(self, *, phone: str, before: datetime) -> list[Booking]:
        number = self._e164(phone)
        if number is None:
            return []
        found = await self._history(number, before)
        return sorted(
            (b for b in found if b.start < before and b.customer is not None),
            key=lambda b: b.start,
            reverse=True,
        )

    # --------------------------------------------------------------- find / safety

    async def find_bookings(
        self,
        *,
        caller_phone: str | None,
        name: str | None = None,
        day: date | None = None,
        now: datetime | None = None,
    ) -> list[Booking | LockedBooking]:
        local_now = self._now(now)
        tz = self.profile.timezone
        phone = self._e164(caller_phone)
        linked: list[Booking] = []
        if phone is not None:
            linked = sorted(await self._by_phone(phone, local_now), key=lambda b: b.start)
            linked = [b for b in linked if b.status == "accepted" and b.customer is not None]
            if day is not None:
                linked = [b for b in linked if b.start.astimezone(tz).date() == day]
        if name is None:
            return list(linked)  # the number alone: for channels that can trust it
        proven: list[Booking | LockedBooking] = [
            b for b in linked if _named(b, name) or self._granted(b, phone)
        ]
        if proven:
            return proven
        found: list[Booking | LockedBooking] = []
        if day is not None:
            mine = {b.uid for b in linked}
            for booking in sorted(await self._by_name_day(name, day), key=lambda b: b.start):
                if booking.status != "accepted" or booking.uid in mine:
                    continue
                if not _named(booking, name):
                    continue
                found.append(booking if self._granted(booking, phone) else _locked(booking))
        if not found:  # on the caller's number under another name: a code proves it
            found = [_locked(b) for b in linked]
        return found

    def _granted(self, booking: Booking, phone: str | None) -> bool:
        """The caller proved this booking theirs with a code during the grant's life."""
        if phone is None:
            return False
        return self._run(
            lambda c: proofs.has_grant(c, uid=booking.uid, phone=phone, now=datetime.now(UTC))
        )

    def _allowed(self, booking: Booking, phone: str | None) -> bool:
        if phone is None or booking.customer is None:
            return False
        return booking.customer.phone == phone or self._granted(booking, phone)

    async def _authorize(self, uid: str, caller_phone: str | None) -> Booking:
        booking = await self._get(uid)
        if booking is None or booking.status != "accepted" or booking.customer is None:
            raise BookingNotFound("no active booking with this uid")
        if not self._allowed(booking, self._e164(caller_phone)):
            raise VerificationRequired("booking not linked to the caller")
        return booking

    async def send_verification_code(self, *, booking_uid: str, caller_phone: str | None) -> None:
        """Send a code to the booking's own number. Whatever the booking — real, unknown,
        cancelled, over its daily quota of SMS — the caller gets the same answer and a
        code is stored for (uid, caller), so the checks that follow answer alike too:
        nothing tells whether the booking exists. Only the caller's own daily quota of
        requests is refused (`TooManyAttempts`), whatever the bookings asked about."""
        phone = self._e164(caller_phone)
        if phone is None:
            raise NotAllowed(
                "hidden caller number",
                caller_message="Votre numéro est masqué : je ne peux pas vérifier que ce "
                "rendez-vous est le vôtre. Le salon pourra vous aider directement.",
            )
        if self._send_code is None:
            raise NotAllowed(
                "no code sender configured",
                caller_message="Je ne peux pas envoyer de code de vérification pour le "
                "moment. Le salon pourra vous aider directement.",
            )
        booking = await self._get(booking_uid)
        now = datetime.now(UTC)
        code, may_send = self._run(
            lambda c: proofs.issue_code(c, uid=booking_uid, phone=phone, now=now)
        )
        if booking is None or booking.status != "accepted" or booking.customer is None:
            log.info("verification code for no active booking: not sent")
            return
        if not may_send:
            log.warning("verification code quota of a booking reached: not sent",
                        extra={"uid": booking_uid})  # fmt: skip
            return
        try:
            await self._send_code(booking.customer.phone, code)
        except Exception as exc:  # the same answer: the caller will say nothing came
            log.warning("verification code not sent", exc_info=exc)

    async def verify_code(self, *, booking_uid: str, caller_phone: str | None, code: str) -> None:
        phone = self._e164(caller_phone)
        if phone is None:
            raise NotAllowed("hidden caller number")
        digits = "".join(ch for ch in code if ch.isdigit())
        now = datetime.now(UTC)

        left = self._run(
            lambda c: proofs.check_code(c, uid=booking_uid, phone=phone, code=digits, now=now)
        )
        if left is not None:
            log.warning("wrong verification code", extra={"uid": booking_uid})
            raise VerificationFailed("wrong code", attempts_left=left)

    # ------------------------------------------------------------ change / cancel

    async def reschedule(
        self,
        *,
        booking_uid: str,
        new_slot: Slot,
        caller_phone: str | None,
        reason: str = "Déplacé par téléphone",
    ) -> Booking:
        booking = await self._authorize(booking_uid, caller_phone)
        start = self._check_slot(booking.services, new_slot)
        assignment = self._assignment(booking.services, new_slot)
        moved = await self._move(booking, start, assignment, reason=reason)
        self._run(lambda c: proofs.carry_grants(c, old_uid=booking.uid, new_uid=moved.uid))
        log.info("booking moved", extra={"uid": booking.uid, "new_uid": moved.uid})
        return moved

    async def cancel(self, *, booking_uid: str, caller_phone: str | None, reason: str) -> Booking:
        booking = await self._authorize(booking_uid, caller_phone)
        cancelled = await self._cancel(booking, reason.strip() or "annulé par téléphone")
        log.info("booking cancelled", extra={"uid": booking.uid})
        return cancelled

    # ------------------------------------------------------- journal (confirmations)

    async def _resolve_pending(
        self, entry: journal.JournalEntry
    ) -> tuple[journal.State, str | None]:
        """Whether a call a crash left pending went through: ("done", uid) or
        ("failed", None). Only Cal.com leaves entries pending."""
        return "failed", None

    def confirmation_queued(self, *, uid: str, kind: str) -> None:
        self._run(lambda c: journal.mark_notified(c, uid=uid, kind=kind))

    async def reconcile(
        self, *, confirm: journal.Confirm, grace: timedelta = timedelta(minutes=1)
    ) -> journal.ReconcileReport:
        """Settle calls a crash left pending, queue the confirmations still owed
        (`booking.journal.reconcile`)."""
        return await journal.reconcile(self, confirm=confirm, grace=grace)

    async def aclose(self) -> None:
        """Close the state-db connection this calendar opened (not one it was lent)."""
        self.close_db()


def _own_connection(db: sqlite3.Connection | str | Path | None) -> sqlite3.Connection:
    """A connection of our own: given another module's connection to a file, open the same
    file again (transactions are per connection; WAL lets both work at once)."""
    if not isinstance(db, sqlite3.Connection):
        return state_db.connect(db)
    row = db.execute("PRAGMA database_list").fetchone()
    path = row[2] if row is not None else ""
    return state_db.connect(path) if path else db


@dataclass(frozen=True)
class Assignment:
    """Who does a booking: `member` (None: the salon books by chairs), and, when the
    caller did not ask for them, `others` qualified for the visit who may take it at
    the same time if `member` was taken meanwhile."""

    member: TeamMember | None = None
    others: tuple[TeamMember, ...] = ()

    @property
    def candidates(self) -> tuple[TeamMember, ...]:
        return () if self.member is None else (self.member, *self.others)


def _first_listed(free: list[str | None], stylists: tuple[TeamMember, ...]) -> str | None:
    """The stylist to offer at a start: of those free then, the first in the asked order
    (the back-end lists the least busy first)."""
    return free[0] if free else (stylists[0].id if stylists else None)


def _named(booking: Booking, said: str) -> bool:
    return booking.customer is not None and names_match(said, booking.customer.name)


def _locked(booking: Booking) -> LockedBooking:
    """Nothing of a booking not proven the caller's but its uid (for the code)."""
    return LockedBooking(uid=booking.uid)


__all__ = [
    "Assignment",
    "BaseCalendar",
    "CalendarError",
    "names_match",
    "parse_utc",
    "spread",
    "utc_text",
]
