"""Integration tier: WhatsApp through the Twilio stub, free-form inside the 24-hour window,
an approved template (ContentSid + ContentVariables) outside it."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from notify.whatsapp_window import WINDOW_SECONDS, WhatsAppWindow
from salon import state_db
from tests.notify.conftest import make_outbox
from tests.stubs.twilio import TwilioStub

MOBILE = "+33612345678"
TEMPLATE = "HX" + "a" * 32


async def _send(db_path: Path, twilio: TwilioStub, **overrides: Any) -> None:
    outbox = make_outbox(db_path, twilio=twilio, whatsapp_from="+33700000000", **overrides)
    await outbox.enqueue(
        channel="whatsapp",
        to=MOBILE,
        body="Maison Margaux : RDV confirmé",
        dedupe_key="bk1:booked:whatsapp",
        template_vars={"1": "Maison Margaux", "2": "coupe homme"},
    )
    await outbox.drain()
    await outbox.aclose()


async def test_inside_the_window_the_message_is_free_form(
    db_path: Path, twilio: TwilioStub
) -> None:
    WhatsAppWindow(state_db.connect(db_path)).record_inbound(f"whatsapp:{MOBILE}")
    await _send(db_path, twilio, whatsapp_content_sid=TEMPLATE)
    [sent] = twilio.messages
    assert sent["to"] == f"whatsapp:{MOBILE}" and sent["from"] == "whatsapp:+33700000000"
    assert sent["body"] == "Maison Margaux : RDV confirmé" and sent["_content_sid"] is None
    assert twilio.violations == []


async def test_outside_the_window_the_template_is_used_with_its_variables(
    db_path: Path, twilio: TwilioStub
) -> None:
    window = WhatsAppWindow(state_db.connect(db_path))
    window.record_inbound(MOBILE, at=time.time() - WINDOW_SECONDS - 60)  # 24 h ago
    await _send(db_path, twilio, whatsapp_content_sid=TEMPLATE)
    [sent] = twilio.messages
    assert sent["_content_sid"] == TEMPLATE
    assert json.loads(sent["_content_variables"]) == {"1": "Maison Margaux", "2": "coupe homme"}
    assert window.is_open(MOBILE) is False
    assert twilio.violations == []


async def test_outside_the_window_without_a_template_the_message_is_kept_not_sent(
    db_path: Path, twilio: TwilioStub
) -> None:
    await _send(db_path, twilio)
    entry = make_outbox(db_path).get("bk1:booked:whatsapp")
    assert entry is not None and entry.status == "not_sent"
    assert "TWILIO_WHATSAPP_CONTENT_SID" in (entry.detail or "")
    assert twilio.attempts == []


async def test_without_a_whatsapp_sender_messages_wait_in_the_outbox(
    db_path: Path, twilio: TwilioStub
) -> None:
    outbox = make_outbox(db_path, twilio=twilio)  # SMS configured, WhatsApp not
    await outbox.enqueue(channel="whatsapp", to=MOBILE, body="x", dedupe_key="k:whatsapp")
    await outbox.drain()
    entry = outbox.get("k:whatsapp")
    assert entry is not None and entry.detail == "not sent: Twilio WhatsApp sender not configured"
    assert twilio.attempts == []


def test_the_window_keeps_the_latest_times_per_number(db_path: Path) -> None:
    window = WhatsAppWindow(state_db.connect(db_path))
    now = time.time()
    window.record_inbound(MOBILE, at=now - 10)
    window.record_inbound(MOBILE, at=now - 3 * WINDOW_SECONDS)  # older event arriving late
    window.record_outbound(MOBILE, at=now)
    assert window.is_open(MOBILE, now=now)
    assert not window.is_open(MOBILE, now=now + WINDOW_SECONDS)
    assert not window.is_open("+33700000001")
