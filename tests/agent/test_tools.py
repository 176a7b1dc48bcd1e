"""Integration tier: tools on the real turn path — transfer through the Twilio stub,
bookings that an interruption cannot cancel, and the date words callers use."""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from agent import calls, persona
from agent.receptionist import build_receptionist
from agent.retrieval import BudgetedRetriever, RagOptions
from agent.session import build_text_session
from agent.sim import CallerInput, ScriptedLLM, ToolCall
from agent.textcall import TextCall
from agent.tools import parse_day
from booking.local import LocalCalendar
from notify.outbox import Outbox
from records import transfers
from salon import state_db
from salon.profile import SalonProfile, load_profile
from tests.fixtures.opening import closed_today, open_all_day_today
from tests.stubs.twilio import TwilioStub

WEDNESDAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("2026-12-05", date(2026, 12, 5)),
        ("samedi", date(2026, 11, 28)),
        ("Samedi prochain", date(2026, 11, 28)),
        ("mercredi", WEDNESDAY),
        ("mercredi prochain", date(2026, 12, 2)),
        ("demain", date(2026, 11, 26)),
        ("après-demain", date(2026, 11, 27)),
        ("le 12", date(2026, 12, 12)),
        ("le 30", date(2026, 11, 30)),
        ("12/01", date(2027, 1, 12)),
        ("3/12/2026", date(2026, 12, 3)),
    ],
)
def test_day_words_become_dates(said: str, expected: date) -> None:
    assert parse_day(said, WEDNESDAY) == expected


@pytest.mark.parametrize("said", ["", None, "bientôt", "le 31/02"])
def test_unclear_days_give_none(said: str | None) -> None:
    assert parse_day(said, WEDNESDAY) is None


async def _call(
    tmp_path: Path,
    steps: list[Any],
    *,
    calendar: Any = None,
    call_sid: str | None = None,
    profile: SalonProfile | None = None,
) -> tuple[TextCall, Any, ScriptedLLM]:
    """A text call on the fixture salon (or `profile`); transfers ring someone only while
    the salon is open, so their tests pass `open_all_day_today(...)`."""
    profile = profile or load_profile()
    conn = state_db.connect(tmp_path / "salon.db")
    outbox = Outbox(conn=conn, notifiers=[])
    ctx = calls.open_call(
        profile=profile,
        conn=conn,
        caller="+33612345678",
        call_sid=call_sid,
        calendar=calendar or LocalCalendar(profile, db=conn),
        outbox=outbox,
    )
    model = ScriptedLLM(steps)
    caller = CallerInput()
    agent = build_receptionist(
        call=ctx, retriever=BudgetedRetriever(None, options=RagOptions()), caller_input=caller
    )
    session = build_text_session(model=model, call=ctx)
    await session.start(agent)
    return TextCall(session=session, caller_input=caller), ctx, model


async def test_transfer_redirects_the_parent_call_through_twilio_and_records_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sid = "CA0123456789abcdef0123456789abcdef"
    with TwilioStub() as stub:
        monkeypatch.setenv("TWILIO_ACCOUNT_SID", stub.account_sid)
        monkeypatch.setenv("TWILIO_AUTH_TOKEN", stub.auth_token)
        monkeypatch.setenv("TWILIO_API_BASE_URL", stub.base_url)
        text_call, ctx, _ = await _call(
            tmp_path,
            [ToolCall("transfer_to_human", {"reason": "veut parler au salon"}), "Je vous passe."],
            call_sid=sid,
            profile=open_all_day_today(load_profile()),
        )
        try:
            turn = await text_call.send("Je veux parler à quelqu'un")
        finally:
            await text_call.aclose()
        assert stub.violations == []
        updates = list(stub.call_updates)
    assert turn.replies == ["Je vous passe."]
    assert len(updates) == 1 and updates[0]["sid"] == sid
    assert "<Dial" in updates[0]["Twiml"] and "+33612457890" in updates[0]["Twiml"]
    assert transfers.pending_transfer(ctx.conn, call_sid=sid) == "veut parler au salon"
    assert ctx.outcome == "transferred"


async def test_the_rest_transfer_dial_ends_at_the_webhook_transfer_action(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without an action Twilio ends the call in silence when nobody answers; with
    PUBLIC_BASE_URL the <Dial> reports to the webhook's /transfer-done, which hangs up after
    a conversation or says nobody answered (tests/webhook/test_fallback_hours.py)."""
    sid = "CA0123456789abcdef0123456789abcdef"
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://salon.example.ngrok.app/")
    with TwilioStub() as stub:
        monkeypatch.setenv("TWILIO_ACCOUNT_SID", stub.account_sid)
        monkeypatch.setenv("TWILIO_AUTH_TOKEN", stub.auth_token)
        monkeypatch.setenv("TWILIO_API_BASE_URL", stub.base_url)
        text_call, _, _ = await _call(
            tmp_path,
            [ToolCall("transfer_to_human", {}), "Je vous passe."],
            call_sid=sid,
            profile=open_all_day_today(load_profile()),
        )
        try:
            await text_call.send("Je veux parler à quelqu'un")
        finally:
            await text_call.aclose()
        updates = list(stub.call_updates)
    [update] = updates
    dial = ET.fromstring(update["Twiml"]).find("Dial")
    assert dial is not None and dial.text == "+33612457890"
    assert dial.get("action") == "https://salon.example.ngrok.app/transfer-done"
    assert dial.get("method") == "POST"


async def test_on_the_sip_route_a_failed_rest_transfer_falls_back_to_the_dial_action(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sid = "CA0123456789abcdef0123456789abcdef"
    monkeypatch.setenv("TELEPHONY_TRANSPORT", "sip")
    with TwilioStub() as stub:
        monkeypatch.setenv("TWILIO_ACCOUNT_SID", stub.account_sid)
        monkeypatch.setenv("TWILIO_AUTH_TOKEN", "wrong-token")
        monkeypatch.setenv("TWILIO_API_BASE_URL", stub.base_url)
        text_call, ctx, _ = await _call(
            tmp_path,
            [ToolCall("transfer_to_human", {}), "Je vous passe le salon."],
            call_sid=sid,
            profile=open_all_day_today(load_profile()),
        )
        try:
            await text_call.send("Passez-moi le salon")
        finally:
            await text_call.aclose()
        assert stub.call_updates == []
    assert transfers.pending_transfer(ctx.conn, call_sid=sid) is not None  # /dial-done dials
    assert ctx.outcome == "transferred"


async def test_on_the_stream_route_a_failed_transfer_offers_a_message_instead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sid = "CA0123456789abcdef0123456789abcdef"
    monkeypatch.setenv("TELEPHONY_TRANSPORT", "stream")
    with TwilioStub() as stub:
        monkeypatch.setenv("TWILIO_ACCOUNT_SID", stub.account_sid)
        monkeypatch.setenv("TWILIO_AUTH_TOKEN", "wrong-token")
        monkeypatch.setenv("TWILIO_API_BASE_URL", stub.base_url)
        text_call, ctx, model = await _call(
            tmp_path,
            [ToolCall("transfer_to_human", {}), "Le transfert n'a pas abouti."],
            call_sid=sid,
            profile=open_all_day_today(load_profile()),
        )
        try:
            await text_call.send("Passez-moi le salon")
        finally:
            await text_call.aclose()
    outputs = [
        str(i.output) for i in model.requests[-1].chat_ctx.items if i.type == "function_call_output"
    ]
    assert any("prendre un message" in o for o in outputs)
    assert ctx.outcome != "transferred"


async def test_while_the_salon_is_closed_nobody_is_rung_and_the_reopening_is_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At night (here: a closure today) a transfer would ring a staff mobile, then tell
    the caller nobody answered: the tool says the salon is closed, when it reopens, and
    offers a message; Twilio is not asked to redirect the call."""
    sid = "CA0123456789abcdef0123456789abcdef"
    profile = closed_today(load_profile())
    with TwilioStub() as stub:
        monkeypatch.setenv("TWILIO_ACCOUNT_SID", stub.account_sid)
        monkeypatch.setenv("TWILIO_AUTH_TOKEN", stub.auth_token)
        monkeypatch.setenv("TWILIO_API_BASE_URL", stub.base_url)
        text_call, ctx, model = await _call(
            tmp_path,
            [ToolCall("transfer_to_human", {}), "Le salon est fermé."],
            call_sid=sid,
            profile=profile,
        )
        try:
            await text_call.send("Passez-moi le salon")
        finally:
            await text_call.aclose()
        assert stub.call_updates == []
    outputs = [
        str(i.output) for i in model.requests[-1].chat_ctx.items if i.type == "function_call_output"
    ]
    reopening = persona.reopening_words(profile, profile.now())
    assert reopening and any(
        "Le salon est fermé en ce moment" in o and reopening in o and "prendre un message" in o
        for o in outputs
    ), outputs
    assert transfers.pending_transfer(ctx.conn, call_sid=sid) is None
    assert ctx.outcome != "transferred"


class SlowCalendar(LocalCalendar):
    """The embedded calendar, with a booking that takes a while (a slow Cal.com)."""

    async def book(self, **kwargs: Any) -> Any:
        await asyncio.sleep(0.3)
        return await super().book(**kwargs)


async def test_a_caller_speaking_during_a_booking_cannot_cancel_it(tmp_path: Path) -> None:
    """The model calls the booking tool and keeps talking; the caller talks over it while
    the (slow) booking is under way. Without `disallow_interruptions` the framework would
    cut the agent short and drop the tool's confirmation; here the booking, its SMS and the
    whole spoken confirmation must all be there."""
    profile = load_profile()
    conn = state_db.connect(tmp_path / "salon.db")
    book = ToolCall(
        "book_appointment", {"slot_number": 1, "customer_name": "Paul Martin", "confirmed": True}
    )
    steps: list[Any] = [
        ToolCall("find_slots", {"service": "coupe homme", "earliest": True}),
        "J'ai trois créneaux. Lequel ?",
        [book, "Très bien, je note votre rendez-vous, un petit instant je vous prie."],
        "C'est réservé.",
        "Oui ?",
    ]
    text_call, ctx, model = await _call(tmp_path, steps, calendar=SlowCalendar(profile, db=conn))
    model.chunk_delay = 0.1
    try:
        await text_call.send("Une coupe homme au plus tôt")
        text_call.caller_input.say("Le premier, je confirme")
        await asyncio.sleep(0.12)  # the booking is under way, the agent is still talking
        text_call.caller_input.say("Attendez, attendez !")  # the caller talks over it
        await asyncio.sleep(1.0)
        history = [m for m in text_call.session.history.messages() if m.role == "assistant"]
    finally:
        await text_call.aclose()
    during = [m for m in history if "je note votre rendez-vous" in (m.text_content or "")]
    assert len(during) == 1 and not during[0].interrupted
    assert history[-1].text_content == "C'est réservé."
    rows = conn.execute("SELECT name FROM local_bookings WHERE status = 'accepted'").fetchall()
    assert [r[0] for r in rows] == ["Paul Martin"]
    assert ctx.outcome == "booked"
    sms = [e for e in ctx.outbox.entries(limit=10) if e.channel == "sms"]
    assert len(sms) == 1


async def test_end_call_marks_the_call_ended_and_outside_a_job_hangs_nothing_up(
    tmp_path: Path,
) -> None:
    text_call, ctx, _ = await _call(
        tmp_path, ["Merci de votre appel, au revoir !", ToolCall("end_call"), "Au revoir."]
    )
    try:
        first = await text_call.send("C'est tout, merci")
        assert not ctx.ended
        await text_call.send("Au revoir")
    finally:
        await text_call.aclose()
    assert first.replies == ["Merci de votre appel, au revoir !"]
    assert ctx.ended and "end_call" in ctx.tools_used


def _two_barbers_day() -> str:
    """A day ahead when Yanis and Chloé both cut men's hair all day (Yanis is off on
    Wednesdays, Chloé on Thursdays): the same first time is free on two chairs."""
    from datetime import datetime, timedelta

    from booking.hours import stylist_hours
    from salon.profile import load_profile

    profile = load_profile()
    day = datetime.now(profile.timezone).date() + timedelta(days=2)
    while not all(
        stylist_hours(profile, profile.stylist(s), day) == profile.hours_on(day)
        and profile.hours_on(day)
        for s in ("yanis", "chloe")
    ):
        day += timedelta(days=1)
    return day.isoformat()


async def test_a_parent_booking_for_himself_then_his_son_gets_two_bookings_and_two_sms(
    tmp_path: Path,
) -> None:
    """Same phone, same time, two people (the salon has four chairs): the agent says
    "confirmé" twice and means it: two bookings, two SMS, each naming its person."""

    def book(name: str) -> ToolCall:
        return ToolCall(
            "book_appointment", {"slot_number": 1, "customer_name": name, "confirmed": True}
        )

    find = ToolCall("find_slots", {"service": "coupe homme", "day": _two_barbers_day()})
    steps: list[Any] = [
        find, "J'ai trois créneaux. Lequel ?",
        book("Paul Martin"), "C'est réservé pour vous.",
        find, book("Léo Martin"), "C'est réservé pour Léo aussi.",
    ]  # fmt: skip
    text_call, ctx, _ = await _call(tmp_path, steps)
    try:
        await text_call.send("Une coupe homme au plus tôt, pour moi puis pour mon fils")
        await text_call.send("Le premier, au nom de Paul Martin, je confirme")
        last = await text_call.send("Et à la même heure pour mon fils Léo Martin, je confirme")
    finally:
        await text_call.aclose()
    assert last.replies == ["C'est réservé pour Léo aussi."]
    rows = ctx.conn.execute(
        "SELECT name, start_utc FROM local_bookings WHERE status = 'accepted' ORDER BY name"
    ).fetchall()
    assert [r[0] for r in rows] == ["Léo Martin", "Paul Martin"]
    assert rows[0][1] == rows[1][1]  # the same time, on two chairs
    sms = sorted(e.body for e in ctx.outbox.entries(limit=10) if e.channel == "sms")
    assert len(sms) == 2
    assert "de Léo Martin" in sms[0] and "de Paul Martin" in sms[1]
