"""Integration tier: no silence while the calendar answers. On the real turn path, a slow
calendar gets one short spoken line (« Je regarde les disponibilités… ») and a fast one
none; the line never reaches the model, comes once however many slow tools the turn
calls, and cannot be cut during a booking. The rules themselves are unit-tested first."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from livekit.agents.voice import SpeechHandle
from livekit.agents.voice.events import SpeechCreatedEvent

from agent import calls
from agent.call_context import CallContext
from agent.config import AgentSettings
from agent.filler import COOLDOWN_S, FILLER_LINES, FillerState
from agent.receptionist import build_receptionist
from agent.retrieval import BudgetedRetriever, RagOptions
from agent.session import build_text_session
from agent.sim import CallerInput, ScriptedLLM, ToolCall
from agent.textcall import TextCall
from notify.outbox import Outbox
from salon import state_db
from salon.profile import load_profile
from tests.agent.harness import SlowCalendar
from tests.stubs.calcom import API_KEY as CAL_KEY
from tests.stubs.calcom import CalComStub
from tests.stubs.openai import OpenAIStub

ROOT = Path(__file__).resolve().parents[2]

SLOTS_LINE = FILLER_LINES["slots"][0]
BOOKING_LINE = FILLER_LINES["booking"][0]
FIND = ToolCall("find_slots", {"service": "coupe homme", "earliest": True})
BOOK = ToolCall(
    "book_appointment", {"slot_number": 1, "customer_name": "Paul Martin", "confirmed": True}
)


# ------------------------------------------------------------------ the rules (unit)


def test_a_tool_call_gets_at_most_one_line() -> None:
    state = FillerState()
    assert state.may_speak(call_id="c1", turn="t1", now=0.0)
    state.note(kind="slots", text=SLOTS_LINE, call_id="c1", turn="t1", now=0.0)
    assert not state.may_speak(call_id="c1", turn="t1", now=60.0)


def test_a_second_tool_in_the_same_turn_waits_for_the_cooldown_and_a_new_turn_does_not() -> None:
    state = FillerState()
    state.note(kind="slots", text=SLOTS_LINE, call_id="c1", turn="t1", now=10.0)
    assert not state.may_speak(call_id="c2", turn="t1", now=10.0 + COOLDOWN_S - 0.1)
    assert state.may_speak(call_id="c2", turn="t1", now=10.0 + COOLDOWN_S)
    assert state.may_speak(call_id="c3", turn="t2", now=10.5)


def test_repeated_lines_of_one_kind_take_the_next_wording_and_listeners_hear_each() -> None:
    heard: list[str] = []
    state = FillerState(listeners=[heard.append])
    first = state.line_for("slots")
    state.note(kind="slots", text=first, call_id="c1", turn="t1", now=0.0)
    second = state.line_for("slots")
    assert (first, second) == FILLER_LINES["slots"][:2]
    assert heard == [first] and state.spoken == [first]


@pytest.mark.parametrize("value", ["-1", "6", "bientôt"])
def test_a_filler_delay_out_of_range_or_malformed_is_named(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FILLER_DELAY", value)
    with pytest.raises(ValueError, match="FILLER_DELAY"):
        AgentSettings.from_env()


def test_the_filler_delay_defaults_to_seven_tenths_of_a_second() -> None:
    assert AgentSettings.from_env().filler_delay == 0.7


# ------------------------------------------------------------- on the turn path


async def _call(
    tmp_path: Path, steps: list[Any], *, delay: float, filler_delay: float = 0.7
) -> tuple[TextCall, CallContext, ScriptedLLM, SlowCalendar]:
    profile = load_profile()
    conn = state_db.connect(tmp_path / "salon.db")
    calendar = SlowCalendar(profile, db=conn, delay=delay)
    ctx = calls.open_call(
        profile=profile,
        conn=conn,
        caller="+33612345678",
        calendar=calendar,
        outbox=Outbox(conn=conn, notifiers=[]),
        settings=AgentSettings(filler_delay=filler_delay),
    )
    model = ScriptedLLM(steps)
    caller = CallerInput()
    agent = build_receptionist(
        call=ctx, retriever=BudgetedRetriever(None, options=RagOptions()), caller_input=caller
    )
    session = build_text_session(model=model, call=ctx)
    await session.start(agent)
    return TextCall(session=session, caller_input=caller), ctx, model, calendar


def _said_handles(text_call: TextCall) -> list[SpeechHandle]:
    """The speech handles of `session.say` (the lines) as they are created."""
    handles: list[SpeechHandle] = []

    def on_created(ev: SpeechCreatedEvent) -> None:
        if ev.source == "say":
            handles.append(ev.speech_handle)

    text_call.session.on("speech_created", on_created)
    return handles


def _model_saw(model: ScriptedLLM, text: str) -> bool:
    return any(text in t for r in model.requests for _, t in r.messages())


async def test_a_slow_calendar_gets_one_line_before_the_answer_and_the_model_never_sees_it(
    tmp_path: Path,
) -> None:
    text_call, ctx, model, _ = await _call(
        tmp_path, [FIND, "J'ai trois créneaux. Lequel ?"], delay=1.2
    )
    lines = _said_handles(text_call)
    try:
        turn = await text_call.send("Une coupe homme au plus tôt")
    finally:
        await text_call.aclose()
    assert turn.replies == [SLOTS_LINE, "J'ai trois créneaux. Lequel ?"]
    assert ctx.filler.spoken == [SLOTS_LINE]
    assert [h.allow_interruptions for h in lines] == [True]  # a search: the caller may cut it
    assert ctx.offered_slots  # the answer came and was used
    assert not _model_saw(model, SLOTS_LINE)
    history = [m.text_content for m in text_call.session.history.messages()]
    assert SLOTS_LINE not in history


async def test_a_fast_calendar_gets_no_line(tmp_path: Path) -> None:
    text_call, ctx, _, _ = await _call(
        tmp_path, [FIND, "J'ai trois créneaux. Lequel ?"], delay=0.05
    )
    try:
        turn = await text_call.send("Une coupe homme au plus tôt")
    finally:
        await text_call.aclose()
    assert turn.replies == ["J'ai trois créneaux. Lequel ?"]
    assert ctx.filler.spoken == []


async def test_with_filler_delay_zero_a_slow_calendar_stays_silent(tmp_path: Path) -> None:
    text_call, ctx, _, _ = await _call(
        tmp_path, [FIND, "J'ai trois créneaux."], delay=0.9, filler_delay=0.0
    )
    try:
        turn = await text_call.send("Une coupe homme au plus tôt")
    finally:
        await text_call.aclose()
    assert turn.replies == ["J'ai trois créneaux."]
    assert ctx.filler.spoken == []


async def test_two_slow_tools_in_one_turn_get_a_single_line(tmp_path: Path) -> None:
    find_mine = ToolCall("find_my_appointment", {"name": "Paul Martin"})
    text_call, ctx, _, _ = await _call(
        tmp_path, [find_mine, FIND, "Voici ce que je peux vous proposer."], delay=1.0
    )
    try:
        turn = await text_call.send("Je voudrais déplacer mon rendez-vous, Paul Martin")
    finally:
        await text_call.aclose()
    assert ctx.filler.spoken == [FILLER_LINES["check"][0]]
    assert turn.replies == [FILLER_LINES["check"][0], "Voici ce que je peux vous proposer."]


async def test_the_next_turn_gets_its_own_line(tmp_path: Path) -> None:
    steps: list[Any] = [FIND, "J'ai trois créneaux. Lequel ?", BOOK, "C'est réservé."]
    text_call, ctx, _, _ = await _call(tmp_path, steps, delay=1.0)
    try:
        first = await text_call.send("Une coupe homme au plus tôt")
        second = await text_call.send("Le premier, au nom de Paul Martin, je confirme")
    finally:
        await text_call.aclose()
    assert first.replies[0] == SLOTS_LINE
    assert second.replies == [BOOKING_LINE, "C'est réservé."]
    assert ctx.filler.spoken == [SLOTS_LINE, BOOKING_LINE]
    assert ctx.outcome == "booked"


async def test_the_booking_line_cannot_be_cut_and_a_caller_talking_changes_nothing(
    tmp_path: Path,
) -> None:
    """The booking disallows interruptions; the line said while it waits inherits that,
    and the caller talking meanwhile changes nothing: one booking, one SMS, the
    confirmation spoken in full."""
    steps: list[Any] = [FIND, "J'ai trois créneaux. Lequel ?", BOOK, "C'est réservé.", "Oui ?"]
    text_call, ctx, _, calendar = await _call(tmp_path, steps, delay=0.0)
    lines = _said_handles(text_call)
    try:
        await text_call.send("Une coupe homme au plus tôt")
        calendar.delay = 1.5
        text_call.caller_input.say("Le premier, au nom de Paul Martin, je confirme")
        for _ in range(200):  # until the line is being said
            if ctx.filler.spoken:
                break
            await asyncio.sleep(0.01)
        assert ctx.filler.spoken == [BOOKING_LINE]
        assert [h.allow_interruptions for h in lines] == [False]
        text_call.caller_input.say("Attendez, attendez !")
        await asyncio.sleep(1.5)
        said = [m for m in text_call.session.history.messages() if m.role == "assistant"]
    finally:
        await text_call.aclose()
    assert "C'est réservé." in [m.text_content for m in said]
    assert not any(m.interrupted for m in said if m.text_content == "C'est réservé.")
    rows = ctx.conn.execute("SELECT name FROM local_bookings WHERE status = 'accepted'").fetchall()
    assert [r[0] for r in rows] == ["Paul Martin"]
    assert ctx.outcome == "booked"
    assert len([e for e in ctx.outbox.entries(limit=10) if e.channel == "sms"]) == 1


def test_scripts_chat_prints_the_line_as_an_agent_line_with_a_slow_cal_com(
    tmp_path: Path,
) -> None:
    """End to end: `scripts/chat` with the real OpenAI plugin (against its stub) and the
    real Cal.com client against the stub answering each request after 1.2 s. The line is
    printed in its place, and the model's next request is still well-formed (the stub
    accepts it), the line not in it."""
    script: list[Any] = [
        {"tool": "find_slots", "arguments": {"service": "coupe homme", "earliest": True}},
        "J'ai trois créneaux. Lequel vous convient ?",
        {
            "tool": "book_appointment",
            "arguments": {"slot_number": 1, "customer_name": "Paul Martin", "confirmed": True},
        },
        "C'est noté, vous allez recevoir un SMS de confirmation.",
    ]
    with CalComStub(profile=load_profile()) as calcom, OpenAIStub(script) as model:
        calcom.fail_next(delay=1.2, times=1000)
        env = dict(
            os.environ,
            OPENAI_BASE_URL=model.base_url,
            OPENAI_API_KEY=model.api_key,
            CAL_API_KEY=CAL_KEY,
            CAL_API_URL=calcom.url,
            SALON_DB=str(tmp_path / "salon.db"),
            KB_DB=str(tmp_path / "no-kb"),
            BOOTSTRAP_QUIET="1",
        )
        done = subprocess.run(
            [str(ROOT / "scripts" / "chat"), "--caller", "06 12 34 56 78"],
            input="Une coupe homme au plus tôt\nLe premier, au nom de Paul Martin, je confirme\n",
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            cwd=ROOT,
        )
        assert calcom.spec_errors == []
        booked = calcom.active_bookings()
        requests = [json.dumps(r["messages"], ensure_ascii=False) for r in model.requests]
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1:] == [
        f"agent: {SLOTS_LINE}",
        "agent: J'ai trois créneaux. Lequel vous convient ?",
        f"agent: {BOOKING_LINE}",
        "agent: C'est noté, vous allez recevoir un SMS de confirmation.",
    ]
    assert [b["attendees"][0]["name"] for b in booked] == ["Paul Martin"]
    assert len(requests) == 4 and not any(SLOTS_LINE in r or BOOKING_LINE in r for r in requests)
