"""Integration tier: the verification code the agent really sends, from the calendar through
the agent's code sender and the outbox to the Twilio stub."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from agent.messaging import code_sender
from booking import Customer, SlotPreferences
from booking.local import LocalCalendar
from notify.gsm7 import fits_one_segment
from notify.outbox import Outbox
from notify.texts import code_text
from salon import state_db
from salon.profile import load_profile
from tests.notify.conftest import make_outbox
from tests.stubs.twilio import TwilioStub

pytestmark = pytest.mark.integration

OWNER = "+33698765432"
OTHER_CALLER = "+33612345678"


async def test_the_code_sms_is_notifys_one_segment_text_sent_to_the_bookings_number(
    tmp_path: Path,
) -> None:
    profile = load_profile()
    conn = state_db.connect(tmp_path / "salon.db")
    with TwilioStub() as twilio:
        outbox: Outbox = make_outbox(tmp_path / "salon.db", twilio=twilio)
        calendar = LocalCalendar(profile, db=conn, send_code=code_sender(outbox, profile))
        try:
            service = profile.service("coupe-homme")
            day = datetime.now(profile.timezone).date() + timedelta(days=3)
            slots: list = []
            while not slots:
                day += timedelta(days=1)
                slots = await calendar.free_slots(service=service, prefs=SlotPreferences(day=day))
            booking = await calendar.book(
                service=service, slot=slots[0], customer=Customer(name="Marie Dupont", phone=OWNER)
            )
            await calendar.send_verification_code(
                booking_uid=booking.uid, caller_phone=OTHER_CALLER
            )
            [sms] = twilio.messages
        finally:
            await calendar.aclose()
            await outbox.aclose()
            outbox.conn.close()
            conn.close()
    assert sms["to"] == OWNER
    found = re.search(r"\b(\d{6})\b", sms["body"])
    assert found, sms["body"]
    assert sms["body"] == code_text(profile=profile, code=found.group(1))
    assert fits_one_segment(sms["body"])
