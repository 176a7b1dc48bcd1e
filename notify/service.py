"""What the voice agent calls: build the outbox from settings, confirm bookings, send codes,
e-mail transcripts. Each helper stores the message in the outbox (with its dedupe key) and
returns at once; call `await outbox.drain()` (or schedule it) to send.

    outbox = outbox_from_settings()
    await confirm_booking(outbox, profile=profile, event="booked", booking_uid=uid,
                          phone="+33612345678", service=("Couleur racines", "Coupe femme"),
                          start=start, stylist="Chloé", price="à partir de 97 €")
    report = await outbox.drain()
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Literal, Protocol, cast

from notify import texts
from notify.base import Channel
from notify.email_smtp import SmtpNotifier, SmtpOptions
from notify.outbox import Enqueued, Outbox, RetryPolicy
from notify.phone import InvalidPhone
from notify.twilio_messages import TwilioNotifier, TwilioOptions
from notify.whatsapp_window import WhatsAppWindow
from salon import settings, state_db
from salon.french import visit_price_words
from salon.phone import to_e164
from salon.profile import SalonProfile, load_profile

BookingEvent = Literal["booked", "moved", "cancelled"]


def outbox_from_settings(
    *,
    profile: SalonProfile | None = None,
    db_path: str | Path | None = None,
    policy: RetryPolicy | None = None,
) -> Outbox:
    """An outbox on `SALON_DB` sending through Twilio and SMTP as configured.

    Channels without settings keep their messages as "not sent: … not configured".
    """
    profile = profile or load_profile()
    conn = state_db.connect(db_path)
    twilio = TwilioNotifier(
        TwilioOptions.from_settings(sms_sender_fallback=profile.sms_sender),
        window=WhatsAppWindow(conn),
    )
    smtp = SmtpNotifier(SmtpOptions.from_settings(sender_fallback=profile.email))
    return Outbox(notifiers=[twilio, smtp], conn=conn, policy=policy)


def replies_possible(
    channel: Channel, *, profile: SalonProfile, options: TwilioOptions | None = None
) -> bool:
    """Whether a customer can answer our `channel` messages (« ANNULER », « OUI »).

    WhatsApp: always. SMS: only from a phone number of the account (`TWILIO_SMS_FROM`, or
    salon.toml `sms_sender`, in E.164); an alphanumeric sender ID is one-way, and so is a
    Messaging Service here (its sender pool is not known), so the texts then say to call.
    """
    if channel == "whatsapp":
        return True
    if channel != "sms":
        return False
    o = options or TwilioOptions.from_settings(sms_sender_fallback=profile.sms_sender)
    if o.messaging_service_sid:
        return False
    sender = (o.sms_from or "").strip()
    return sender.startswith("+") and to_e164(sender) is not None


def confirmation_channel() -> Channel:
    """`NOTIFY_CHANNEL`: sms (default) or whatsapp. Anything else is a `ValueError` worded
    in French, as `salon.settings` words a malformed setting: the owner reads it as it is
    (`scripts/jobs` prints « jobs : erreur : … »)."""
    raw = settings.get("NOTIFY_CHANNEL", "sms") or "sms"
    value = raw.lower()
    if value not in ("sms", "whatsapp"):
        raise ValueError(f"le réglage NOTIFY_CHANNEL doit être sms ou whatsapp, pas {raw!r}")
    return cast(Channel, value)


async def confirm_booking(
    outbox: Outbox,
    *,
    profile: SalonProfile,
    event: BookingEvent,
    booking_uid: str,
    phone: str,
    service: str | Sequence[str],
    start: datetime,
    previous_start: datetime | None = None,
    channel: Channel | None = None,
    name: str | None = None,
    stylist: str | None = None,
    price: str | None = None,
) -> Enqueued:
    """Queue the booked/moved/cancelled confirmation; once per booking event and channel.

    `service` is one name or the names of every service of the visit, in order;
    `stylist` the stylist's first name (`SalonProfile.stylist_name`); `price` the visit's total in
    words (`salon.french.visit_price_words`), said only by the booked confirmation.
    The key is "<uid>:<event>:<channel>"; for "moved" it includes the new start, since a
    calendar that keeps the uid may move the same booking twice. Two people booked with
    one phone (a parent and a child) have two bookings, hence two uids and two messages,
    each naming its person (`name`, the booking's customer). Raises `InvalidPhone`
    (French `reason`) when the number cannot receive SMS.
    """
    channel = channel or confirmation_channel()
    if event == "booked":
        body = texts.booked_text(
            profile=profile, service=service, start=start, name=name, stylist=stylist, price=price
        )
        key = f"{booking_uid}:booked:{channel}"
    elif event == "moved":
        body = texts.moved_text(
            profile=profile,
            service=service,
            start=start,
            previous=previous_start,
            name=name,
            stylist=stylist,
        )
        key = f"{booking_uid}:moved@{start.isoformat()}:{channel}"
    elif event == "cancelled":
        body = texts.cancelled_text(
            profile=profile, service=service, start=start, name=name, stylist=stylist
        )
        key = f"{booking_uid}:cancelled:{channel}"
    else:
        raise ValueError(f"unknown booking event {event!r}")
    variables = texts.template_vars(
        profile=profile, service=service, start=start, event=event, stylist=stylist
    )
    return await outbox.enqueue(
        channel=channel, to=phone, body=body, dedupe_key=key, template_vars=variables
    )


class OwedConfirmation(Protocol):
    """A booking change whose confirmation is still owed: `booking.journal.JournalEntry`,
    read by its shape (`notify` does not import `booking`)."""

    @property
    def kind(self) -> BookingEvent: ...
    @property
    def uid(self) -> str | None: ...
    @property
    def service_ids(self) -> tuple[str, ...]: ...
    @property
    def stylist_id(self) -> str | None: ...
    @property
    def start(self) -> datetime: ...
    @property
    def previous_start(self) -> datetime | None: ...
    @property
    def phone(self) -> str: ...
    @property
    def name(self) -> str: ...


async def confirm_owed(
    outbox: Outbox, *, profile: SalonProfile, entry: OwedConfirmation
) -> Enqueued | None:
    """Queue the confirmation a journal entry owes (after a crash, on the next start):
    the same text and dedupe key as the agent's own `confirm_booking` right after the
    change (every service of the visit, its stylist, its total price), so one queued by
    both is one message. None when the number can never receive an SMS (a landline):
    there is nothing left to owe."""
    if not entry.uid:
        raise ValueError("a journal entry without its booking uid owes nothing yet")
    known = {s.id: s for s in profile.services}
    # A service that left salon.toml since: its id still says what it was (no price then).
    names = tuple(known[i].name if i in known else i for i in entry.service_ids)
    visit = [known[i] for i in entry.service_ids if i in known]
    price = visit_price_words(visit) if len(visit) == len(entry.service_ids) else None
    tz = profile.timezone
    try:
        return await confirm_booking(
            outbox,
            profile=profile,
            event=entry.kind,
            booking_uid=entry.uid,
            phone=entry.phone,
            service=names,
            start=entry.start.astimezone(tz),
            previous_start=entry.previous_start.astimezone(tz) if entry.previous_start else None,
            name=entry.name or None,
            stylist=profile.stylist_name(entry.stylist_id),
            price=price,
        )
    except InvalidPhone:
        return None


async def send_verification_code(
    outbox: Outbox,
    *,
    profile: SalonProfile,
    phone: str,
    code: str,
    request_id: str,
    drain: bool = True,
) -> Enqueued:
    """Queue a verification code SMS (one per `request_id`) and, unless `drain=False`
    (the caller drains in the background), try to send it right away."""
    body = texts.code_text(profile=profile, code=code)
    queued = await outbox.enqueue(
        channel="sms", to=phone, body=body, dedupe_key=f"verify:{request_id}:sms"
    )
    if drain:
        await outbox.drain()
    return queued


def transcript_recipient(profile: SalonProfile) -> str | None:
    """`TRANSCRIPT_EMAIL` if set (`off` = no e-mail), else the salon's `salon_email`.

    Blank counts as unset, like every other setting, so copying `.env.example` keeps the
    default.
    """
    raw = settings.get("TRANSCRIPT_EMAIL")
    if raw is None:
        return profile.salon_email
    return None if raw.lower() in {"off", "none", "no", "false", "0"} else raw
