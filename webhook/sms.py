"""What a text message to the salon's number does (`POST /sms`, SMS or WhatsApp).

- « ANNULER » (any case or accents, extra words: « annuler svp », « Annulé ») cancels the
  sender's booking, with the voice tools' caller-safety rule (`Calendar.cancel` with the
  sender as `caller_phone`: only a booking made with that number): the one that got a
  reminder, else the one in the next `CANCEL_WINDOW`. None: nothing is cancelled and the
  reply says so (naming the one booking further ahead, to cancel by phone); two or more:
  nothing is cancelled and the reply says to call. Each such request is kept for the
  salon, with what was not done.
- « OUI » (« ouiii », « OK », « je confirme »…; « Oui annuler » cancels) accepts the
  sender's waitlist offer if it is still open: the slot is booked if still free and the
  usual booking confirmation goes out; too late or taken meanwhile, one line says so and
  the person stays on the list. With no offer it is an answer to the reminder: a number
  with an upcoming booking is thanked, naming it (once a day); a yes that says more is
  kept for the salon, as is one from a number with no booking.
- anything else is kept as a message for the salon (`python -m records --messages`,
  under the name on the sender's booking when there is one) and
  answered with one polite line (at most once a day per number, so two automatic
  responders cannot talk to each other forever); « STOP » is left to Twilio's opt-out.

Every answer goes through the outbox, like every other message (stored first, retried,
never twice: the booking's own confirmation keys, or `sms-reply:<MessageSid>`), and is
sent by `scripts/jobs` within its tick; the HTTP answer is always an empty TwiML
`<Response/>`. A message Twilio delivers twice (same MessageSid) is handled once. A
WhatsApp message opens the 24-hour window: the next confirmation goes as free text.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from booking import open_calendar, waitlist
from booking.calendar import (
    Booking,
    Calendar,
    CalendarError,
    Customer,
    NotAllowed,
    Slot,
    SlotTaken,
)
from notify import texts
from notify.base import Channel
from notify.outbox import Outbox
from notify.phone import InvalidPhone
from notify.service import confirm_booking
from notify.whatsapp_window import WhatsAppWindow
from records.retention import ANONYMOUS
from records.store import CallRecords
from salon import state_db
from salon.french import slot_words, visit_price_words
from salon.phone import region_of, to_e164
from salon.profile import SalonProfile
from salon.text import plain_words
from salon.utc import utc_text

log = logging.getLogger("webhook")

CANCEL_WINDOW = timedelta(days=7)
POLITE_REPLY_EVERY = timedelta(hours=24)
Kind = Literal["cancel", "accept", "stop", "message"]
CalendarFactory = Callable[[SalonProfile, Path | str | None], Calendar]

_CANCEL = {"annuler", "annule", "annulez", "annulation", "annul"}
# « oui », « ouiii », « ouais », « ok », « okay », « dac », « yes »…, folded
_YES = re.compile(r"o+u+i+s*|o+u+a+i+s*|ok+|okay|oki|okey|dac+|daccord|yes|volontiers|confirme")
_YES_PHRASES = (("je", "confirme"), ("d", "accord"), ("c", "est", "bon"), ("c", "est", "ok"))
# what a bare yes may add without asking anything of the salon
_COURTESY = {"merci", "beaucoup", "bien", "recu", "note", "parfait", "super", "top", "a", "au",
             "bientot", "demain", "tout", "l", "heure", "bonne", "journee", "soiree", "revoir",
             "cordialement", "tres", "c", "est", "bon", "je", "confirme", "d", "accord",
             "vous", "aussi", "madame", "monsieur", "bonjour", "pour", "rdv", "le"}  # fmt: skip
_STOP = {"stop", "arret", "stopsms", "desabonner", "unsubscribe"}
_NEGATION = {"pas", "ne", "n", "non", "jamais", "plus"}


def _says_yes(words: list[str]) -> bool:
    return bool(_YES.fullmatch(words[0])) or any(tuple(words[: len(p)]) == p for p in _YES_PHRASES)


def classify(body: str) -> Kind:
    """What a text asks, from its first words (folded: case and accents ignored). Asking
    to cancel wins over a yes (« Oui annuler »); a yes (« oui », « ouiii », « OK »,
    « d'accord », « je confirme »…) must come first; a negation makes either a message
    for the salon (« oui mais pas à cette heure-là »)."""
    words = plain_words(body).split()
    if not words:
        return "message"
    if words[0] in _STOP and len(words) <= 2:
        return "stop"
    negated = bool(_NEGATION & set(words))
    if any(w in _CANCEL for w in words[:4]) and not negated and len(words) <= 8:
        return "cancel"
    if _says_yes(words) and not negated and len(words) <= 6:
        return "accept"
    return "message"


def bare_yes(body: str) -> bool:
    """A yes that says nothing more (« Oui merci, à demain ! »): no message for the salon."""
    return all(_YES.fullmatch(w) or w in _COURTESY for w in plain_words(body).split())


@dataclass(frozen=True)
class Inbound:
    message_sid: str
    sender: str  # as Twilio sends it: +336…, or whatsapp:+336…
    body: str

    @property
    def channel(self) -> Channel:
        return "whatsapp" if self.sender.startswith("whatsapp:") else "sms"


@dataclass(frozen=True)
class Handled:
    kind: str  # cancel | accept | stop | message | duplicate | ignored
    outcome: str  # cancelled, booked, or the reply sent (no_booking, ambiguous, …)


def _default_calendar(profile: SalonProfile, db: Path | str | None) -> Calendar:
    return open_calendar(profile, db=db)


async def handle_text(
    message: Inbound,
    *,
    profile: SalonProfile,
    db_path: Path | str | None,
    now: datetime,
    calendar_factory: CalendarFactory = _default_calendar,
) -> Handled:
    """Act on one inbound text; the answer (if any) is queued in the outbox."""
    phone = sender_e164(message, profile)
    if phone is None:  # a short code or an alphanumeric sender: nobody to answer
        return Handled("ignored", "not_a_number")
    conn = state_db.connect(db_path)
    try:
        kind = classify(message.body)
        with state_db.write_transaction(conn):
            fresh = conn.execute(
                "INSERT INTO sms_inbound (message_sid, phone, channel, kind, received_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (message_sid) DO NOTHING",
                (message.message_sid, phone, message.channel, kind, utc_text(now)),
            ).rowcount
        if not fresh:
            return Handled("duplicate", "ignored")
        if message.channel == "whatsapp":
            WhatsAppWindow(conn).record_inbound(phone)  # a machine timer: real time
        replies = _Replies(conn, profile, message, phone)
        if kind == "cancel":
            outcome = await _cancel(replies, db_path, now, calendar_factory)
        elif kind == "accept":
            outcome = await _accept(replies, db_path, now, calendar_factory)
        elif kind == "stop":
            outcome = "left_to_twilio"
        else:
            replies.keep(now)
            outcome = replies.polite_once(now)
        conn.execute(
            "UPDATE sms_inbound SET outcome = ? WHERE message_sid = ?",
            (outcome, message.message_sid),
        )
        return Handled(kind, outcome)
    finally:
        conn.close()


def client_name(conn: sqlite3.Connection, phone: str, now: datetime) -> str | None:
    """The name on the number's next booking, else on its latest one (the embedded
    calendar's, or the Cal.com bookings made here), anonymised ones aside: who sent a
    text, for the salon. None for a number no booking knows."""
    rows: list[sqlite3.Row] = []
    for table in ("local_bookings", "calcom_links"):
        rows += conn.execute(
            f"SELECT name, start_utc, status FROM {table} WHERE phone = ? AND name NOT IN ('', ?)",
            (phone, ANONYMOUS),
        ).fetchall()
    now_text = utc_text(now)
    upcoming = [r for r in rows if r["status"] == "accepted" and r["start_utc"] > now_text]
    if upcoming:
        return str(min(upcoming, key=lambda r: r["start_utc"])["name"])
    return str(max(rows, key=lambda r: r["start_utc"])["name"]) if rows else None


def sender_e164(message: Inbound, profile: SalonProfile | None) -> str | None:
    """The sender in E.164, None for a short code or a name. Twilio sends E.164 already;
    a national form is read in the salon's region, as its bookings' numbers are."""
    subdivision = profile.holidays_subdivision if profile is not None else None
    return to_e164(message.sender, region=region_of(subdivision))


def keep_as_message(
    message: Inbound,
    *,
    db_path: Path | str | None,
    now: datetime,
    profile: SalonProfile | None = None,
) -> None:
    """When handling failed: the text is kept for the salon, so nothing is lost (its
    sender read in the salon's region when the profile could be read)."""
    phone = sender_e164(message, profile) or message.sender[:64]
    conn = state_db.connect(db_path)
    try:
        CallRecords(conn=conn).add_text_message(
            channel=message.channel, phone=phone, text=message.body.strip()[:1600], at=now
        )
    finally:
        conn.close()


class _Replies:
    """Answers to one inbound text, queued in the outbox on the sender's channel."""

    def __init__(
        self, conn: sqlite3.Connection, profile: SalonProfile, message: Inbound, phone: str
    ) -> None:
        self.conn = conn
        self.profile = profile
        self.message = message
        self.phone = phone
        self.outbox = Outbox(conn=conn)

    def keep(self, now: datetime, *, note: str | None = None, name: str | None = None) -> None:
        """Keep the text for the salon under the sender's name (`name`, else the one on
        their booking), with what was done about it (`note`) after « — »."""
        text = self.message.body.strip()[:1600]
        CallRecords(conn=self.conn).add_text_message(
            channel=self.message.channel,
            phone=self.phone,
            text=f"{text} — {note}" if note else text,
            at=now,
            name=name or client_name(self.conn, self.phone, now),
        )

    def line(self, kind: str) -> str:
        return self.send(texts.reply_text(self.profile, kind), kind)

    def send(self, body: str, kind: str) -> str:
        """Queue `body` as the one answer to this text; returns `kind`, the outcome."""
        try:
            self.outbox.enqueue_now(
                channel=self.message.channel,
                to=self.phone,
                body=body,
                dedupe_key=f"sms-reply:{self.message.message_sid}:{self.message.channel}",
            )
        except InvalidPhone:  # a landline cannot get SMS: nothing to send
            log.info("no reply possible to this number", extra={"reason": kind})
        return kind

    def about(self, booking: Booking) -> dict[str, Any]:
        """A booking as the texts name it: its services, start, person and stylist."""
        return {
            "profile": self.profile,
            "service": [s.name for s in booking.services],
            "start": booking.start,
            "name": booking.customer.name if booking.customer else None,
            "stylist": self.profile.stylist_name(booking.stylist_id),
        }

    def thank_once(self, booking: Booking, now: datetime) -> str:
        """« merci ! Nous vous attendons le … » (`texts.thanks_text`) at most once a day
        per number (two automatic responders answering « OK » must not talk forever)."""
        recent = self.conn.execute(
            "SELECT 1 FROM sms_inbound WHERE phone = ? AND outcome = 'acknowledged' "
            "AND received_at > ? AND message_sid != ? LIMIT 1",
            (self.phone, utc_text(now - POLITE_REPLY_EVERY), self.message.message_sid),
        ).fetchone()
        if recent:
            return "acknowledged_before"
        body = texts.thanks_text(**self.about(booking), sent=now)
        return self.send(body, "acknowledged")

    def polite_once(self, now: datetime) -> str:
        recent = self.conn.execute(
            "SELECT 1 FROM sms_inbound WHERE phone = ? AND kind = 'message' "
            "AND outcome = 'message' AND received_at > ? AND message_sid != ? LIMIT 1",
            (self.phone, utc_text(now - POLITE_REPLY_EVERY), self.message.message_sid),
        ).fetchone()
        return "message_kept" if recent else self.line("message")

    async def confirm(
        self, event: Literal["booked", "cancelled"], booking: Booking, calendar: Calendar
    ) -> None:
        """The usual confirmation (same outbox key as a phone call's), on the channel the
        text came by; the calendar's journal then owes it no more."""
        try:
            await confirm_booking(
                self.outbox,
                profile=self.profile,
                event=event,
                booking_uid=booking.uid,
                phone=self.phone,
                service=[s.name for s in booking.services],
                start=booking.start,
                channel=self.message.channel,
                name=booking.customer.name if booking.customer else None,
                stylist=self.profile.stylist_name(booking.stylist_id),
                price=visit_price_words(booking.services),
            )
        except InvalidPhone:
            log.info("no confirmation possible to this number", extra={"reason": event})
            return
        queued = getattr(calendar, "confirmation_queued", None)  # calendars with a journal
        if queued is not None:
            queued(uid=booking.uid, kind=event)


async def _own_upcoming(calendar: Calendar, phone: str, now: datetime) -> list[Booking]:
    """The sender's upcoming bookings, made with that number, soonest first. No name: the
    number alone is trusted here, as Twilio gives it for a text."""
    found = await calendar.find_bookings(caller_phone=phone, now=now)
    own = [
        b
        for b in found
        if isinstance(b, Booking) and b.owned and b.customer is not None and b.start > now
    ]
    return sorted(own, key=lambda b: b.start)


def _reminded(conn: sqlite3.Connection, now: datetime) -> set[str]:
    """Uids of the upcoming bookings a reminder was queued for."""
    return {
        r[0]
        for r in conn.execute(
            "SELECT uid FROM booking_reminders WHERE outcome = 'queued' AND start_utc > ?",
            (utc_text(now),),
        )
    }


async def _cancel(
    replies: _Replies, db_path: Path | str | None, now: datetime, factory: CalendarFactory
) -> str:
    calendar = factory(replies.profile, db_path)
    try:
        own = await _own_upcoming(calendar, replies.phone, now)
        reminded = _reminded(replies.conn, now)
        targets = [b for b in own if b.uid in reminded] or [
            b for b in own if b.start <= now + CANCEL_WINDOW
        ]
        # Not cancelled here: the salon keeps the request, and the answer says why.
        if not own:
            replies.keep(now, note="rien n'est annulé : aucun RDV à venir pour ce numéro")
            return replies.line("no_booking")
        if len(targets) > 1 or (not targets and len(own) > 1):
            replies.keep(now, note="rien n'est annulé : plusieurs RDV à venir")
            return replies.line("ambiguous")
        if not targets:  # one booking, further ahead than SMS cancellation reaches
            [far] = own
            when = slot_words(far.start.astimezone(replies.profile.timezone))
            replies.keep(
                now,
                note=f"pas annulé par SMS : RDV du {when}, à plus de {CANCEL_WINDOW.days} jours",
                name=far.customer.name if far.customer else None,
            )
            return replies.send(texts.not_cancelled_text(**replies.about(far)), "too_far")
        cancelled = await calendar.cancel(
            booking_uid=targets[0].uid, caller_phone=replies.phone, reason="annulé par SMS"
        )
        log.info("booking cancelled by SMS", extra={"detail": cancelled.uid})
        await replies.confirm("cancelled", cancelled, calendar)
        return "cancelled"
    except NotAllowed:
        replies.keep(now, note="pas annulé : le calendrier a refusé l'annulation par SMS")
        return replies.line("cancel_failed")
    except CalendarError as exc:
        log.warning("cancel by SMS failed", extra={"reason": type(exc).__name__})
        replies.keep(now, note="pas annulé : l'annulation par SMS a échoué")
        return replies.line("cancel_failed")
    finally:
        await calendar.aclose()


async def _accept(
    replies: _Replies, db_path: Path | str | None, now: datetime, factory: CalendarFactory
) -> str:
    offer = waitlist.claim_offer(replies.conn, phone=replies.phone, now=now)
    if offer is None:
        latest = waitlist.latest_offer(replies.conn, phone=replies.phone)
        if latest is None or latest.status in ("taken", "withdrawn"):
            return await _yes_without_offer(replies, db_path, now, factory)
        if latest.status == "accepted":
            return "already_accepted"  # a second « OUI »: its confirmation is on its way
        return replies.line("offer_expired")
    profile = replies.profile
    try:
        service = profile.service(offer.service_id)
    except KeyError:
        waitlist.settle_offer(replies.conn, offer_id=offer.id, booking_uid=None, now=now)
        return replies.line("book_failed")
    tz = profile.timezone
    slot = Slot(
        service_id=service.id, start=offer.start.astimezone(tz), end=offer.end.astimezone(tz)
    )
    calendar = factory(profile, db_path)
    try:
        booking = await calendar.book(
            service=service, slot=slot, customer=Customer(name=offer.name, phone=replies.phone)
        )
        waitlist.settle_offer(replies.conn, offer_id=offer.id, booking_uid=booking.uid, now=now)
        log.info("waitlist offer booked by SMS", extra={"detail": booking.uid})
        await replies.confirm("booked", booking, calendar)
        return "booked"
    except SlotTaken:
        waitlist.settle_offer(replies.conn, offer_id=offer.id, booking_uid=None, now=now)
        return replies.line("offer_taken")
    except CalendarError as exc:
        log.warning("booking by SMS failed", extra={"reason": type(exc).__name__})
        waitlist.settle_offer(replies.conn, offer_id=offer.id, booking_uid=None, now=now)
        return replies.line("book_failed")
    finally:
        await calendar.aclose()


async def _yes_without_offer(
    replies: _Replies, db_path: Path | str | None, now: datetime, factory: CalendarFactory
) -> str:
    """« OUI » with no waitlist offer: most often an answer to the reminder. With an
    upcoming booking, thanks naming it (the reminded one, else the next); a yes that says
    more is kept for the salon. Without one, it is kept and the answer says so."""
    calendar = factory(replies.profile, db_path)
    try:
        own = await _own_upcoming(calendar, replies.phone, now)
    except CalendarError as exc:  # cannot tell: the salon reads it
        log.warning("booking lookup for a yes failed", extra={"reason": type(exc).__name__})
        replies.keep(now)
        return replies.line("message")
    finally:
        await calendar.aclose()
    if not own:
        replies.keep(now, note="aucun créneau proposé ni RDV à venir pour ce numéro")
        return replies.line("no_offer")
    reminded = _reminded(replies.conn, now)
    booking = next((b for b in own if b.uid in reminded), own[0])
    if not bare_yes(replies.message.body):
        replies.keep(now, name=booking.customer.name if booking.customer else None)
    return replies.thank_once(booking, now)


_SID = re.compile(r"^(SM|MM|SS)[0-9a-fA-F]{32}$")


def is_message_sid(value: str) -> bool:
    return bool(_SID.match(value))
