"""Integration tier: what the agent really sends and records — the verification code, from
the calendar through the agent's code sender and the outbox to the Twilio stub, and a
message taken for the salon, from the tool to the call record and the e-mail."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from agent import calls
from agent.messaging import code_sender, wait_for_background
from agent.sim import ToolCall
from agent.tools import ALL_TOOLS
from booking import Customer, SlotPreferences
from booking.local import LocalCalendar
from notify.gsm7 import fits_one_segment
from notify.outbox import Outbox
from notify.texts import code_text
from records.store import CallRecords
from salon import state_db
from salon.profile import load_profile
from tests.agent.harness import start_text_call
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
            await wait_for_background()  # sent by a drain in the background
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


async def test_a_message_taken_for_the_salon_is_in_the_call_record_and_e_mailed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRANSCRIPT_EMAIL", "salon@example.fr")
    profile = load_profile()
    conn = state_db.connect(tmp_path / "salon.db")
    outbox = Outbox(conn=conn, notifiers=[])
    call = calls.open_call(
        profile=profile,
        conn=conn,
        caller=OTHER_CALLER,
        call_sid="CAmessage0001",
        calendar=LocalCalendar(profile, db=conn),
        outbox=outbox,
    )
    said = {"caller_name": "Léa Martin", "message": "Rappelez-moi pour un mariage"}
    text_call, _, _ = await start_text_call(
        [ToolCall("take_message", said), "C'est noté."],
        call=call,
        tools=ALL_TOOLS,
    )
    try:
        await text_call.send("Je voudrais laisser un message")
    finally:
        await text_call.aclose()
        await calls.finish_call(call, session=text_call.session)
    stored = CallRecords(conn=conn).get("CAmessage0001")
    assert stored is not None and stored.outcome == "message"
    [message] = stored.messages
    assert (message.caller_name, message.text) == ("Léa Martin", "Rappelez-moi pour un mariage")
    assert message.callback_number == OTHER_CALLER
    emails = [e for e in outbox.entries(limit=10) if e.channel == "email"]
    assert any("Rappelez-moi pour un mariage" in e.body for e in emails)
    assert [line.role for line in stored.transcript] == ["caller", "agent"]
    conn.close()


async def test_the_confirmation_of_a_visit_names_its_services_stylist_and_total_price(
    tmp_path: Path,
) -> None:
    from agent.call_context import CallContext
    from agent.messaging import queue_confirmation
    from booking import Booking

    profile = load_profile()
    outbox = Outbox(conn=state_db.connect(tmp_path / "salon.db"))  # no channel: kept, not sent
    call = CallContext(profile=profile, conn=outbox.conn, outbox=outbox)
    start = datetime(2027, 3, 6, 10, 0, tzinfo=profile.timezone)
    colour, cut = profile.service("couleur-racines"), profile.service("coupe-homme")
    booking = Booking(
        uid="visit-1",
        service=colour,
        start=start,
        end=start + timedelta(minutes=colour.duration + cut.duration),
        customer=Customer(name="Léa", phone=OTHER_CALLER),
        extra_services=(cut,),
        stylist_id="chloe",
    )
    said = await queue_confirmation(call, kind="booked", booking=booking, phone=OTHER_CALLER)
    await wait_for_background()
    assert said == "Un SMS de confirmation est envoyé."
    [entry] = outbox.entries()
    assert "pour couleur racines + coupe homme avec Chloé (77 €)" in entry.body, entry.body
    assert fits_one_segment(entry.body)
    await outbox.aclose()
