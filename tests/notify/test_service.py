"""Integration tier: what the voice agent calls (confirmations, codes) against the Twilio stub."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from notify.gsm7 import fits_one_segment
from notify.outbox import Outbox
from notify.phone import InvalidPhone
from notify.service import (
    confirm_booking,
    confirmation_channel,
    outbox_from_settings,
    send_verification_code,
)
from salon.profile import SalonProfile
from tests.stubs.twilio import TwilioStub


@pytest.fixture
def start(profile: SalonProfile) -> datetime:
    return datetime(2026, 12, 3, 14, 30, tzinfo=profile.timezone)


async def test_booked_moved_cancelled_each_send_one_sms_even_if_confirmed_twice(
    outbox: Outbox, twilio: TwilioStub, profile: SalonProfile, start: datetime
) -> None:
    later = start.replace(hour=16)
    for _ in range(2):  # the tool is retried by the LLM: still one SMS per event
        await confirm_booking(
            outbox,
            profile=profile,
            event="booked",
            booking_uid="u1",
            phone="06 12 34 56 78",
            service="Coupe homme",
            start=start,
            channel="sms",
        )
        await confirm_booking(
            outbox,
            profile=profile,
            event="moved",
            booking_uid="u1",
            phone="06 12 34 56 78",
            service="Coupe homme",
            start=later,
            previous_start=start,
            channel="sms",
        )
        await confirm_booking(
            outbox,
            profile=profile,
            event="cancelled",
            booking_uid="u1",
            phone="06 12 34 56 78",
            service="Coupe homme",
            start=later,
            channel="sms",
        )
        await outbox.drain()
    bodies = sorted(m["body"] for m in twilio.messages)  # sent concurrently: any order
    assert len(bodies) == 3
    booked, moved, cancelled = (
        next(b for b in bodies if marker in b) for marker in ("RDV confirmé", "déplacé", "annulé")
    )
    assert "RDV confirmé le jeudi 3 décembre à 14h30" in booked
    assert "du jeudi 3 décembre à 14h30 est déplacé au jeudi 3 décembre à 16h30" in moved
    assert "RDV du jeudi 3 décembre à 16h30 (coupe homme) est annulé" in cancelled
    assert all(fits_one_segment(b) for b in bodies)
    assert outbox.get("u1:booked:sms") is not None


async def test_moving_the_same_booking_twice_confirms_each_new_time(
    outbox: Outbox, twilio: TwilioStub, profile: SalonProfile, start: datetime
) -> None:
    for hour in (15, 17):
        await confirm_booking(
            outbox,
            profile=profile,
            event="moved",
            booking_uid="u1",
            phone="+33612345678",
            service="Coupe homme",
            start=start.replace(hour=hour),
            channel="sms",
        )
    await outbox.drain()
    assert len(twilio.messages) == 2


async def test_a_landline_caller_gets_a_clear_french_reason_and_nothing_is_queued(
    outbox: Outbox, profile: SalonProfile, start: datetime
) -> None:
    with pytest.raises(InvalidPhone) as caught:
        await confirm_booking(
            outbox,
            profile=profile,
            event="booked",
            booking_uid="u1",
            phone="04 78 42 18 90",
            service="Coupe homme",
            start=start,
            channel="sms",
        )
    assert caught.value.reason == "ce numéro n'est pas un portable, il ne peut pas recevoir de SMS"
    assert outbox.counts() == {}


async def test_a_verification_code_is_sent_at_once(
    outbox: Outbox, twilio: TwilioStub, profile: SalonProfile
) -> None:
    queued = await send_verification_code(
        outbox, profile=profile, phone="+33612345678", code="482913", request_id="r1"
    )
    assert queued.created
    [sms] = twilio.messages
    assert "482913" in sms["body"] and sms["to"] == "+33612345678"
    assert outbox.get("verify:r1:sms").status == "sent"  # type: ignore[union-attr]


async def test_outbox_from_settings_uses_twilio_settings_and_the_salon_sender(
    twilio: TwilioStub,
    profile: SalonProfile,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    start: datetime,
) -> None:
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", twilio.account_sid)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", twilio.auth_token)
    monkeypatch.setenv("TWILIO_API_BASE_URL", twilio.base_url)
    monkeypatch.setenv("TWILIO_SMS_FROM", "")
    monkeypatch.setenv("TWILIO_MESSAGING_SERVICE_SID", "")
    monkeypatch.setenv("NOTIFY_CHANNEL", "")
    outbox = outbox_from_settings(profile=profile, db_path=tmp_path / "s.db")
    await confirm_booking(
        outbox,
        profile=profile,
        event="booked",
        booking_uid="u9",
        phone="+33612345678",
        service="Coupe homme",
        start=start,
    )
    report = await outbox.drain()
    await outbox.aclose()
    assert report.sent == 1
    assert twilio.messages[0]["from"] == profile.sms_sender


def test_notify_channel_accepts_only_sms_or_whatsapp(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTIFY_CHANNEL", "whatsapp")
    assert confirmation_channel() == "whatsapp"
    monkeypatch.setenv("NOTIFY_CHANNEL", "SMS")
    assert confirmation_channel() == "sms"
    monkeypatch.setenv("NOTIFY_CHANNEL", "Pigeon")
    with pytest.raises(ValueError) as refused:
        confirmation_channel()
    # worded like salon.settings' own errors: the owner reads it as it is
    assert str(refused.value) == (
        "le réglage NOTIFY_CHANNEL doit être sms ou whatsapp, pas 'Pigeon'"
    )
