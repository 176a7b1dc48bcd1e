"""Integration tier: the receptionist's `join_waitlist` tool on the real turn path — a caller
for a full day joins the waitlist, one for a day with room is offered its slots instead,
nothing is written without the caller's yes — and the instructions mention it."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from livekit.agents.llm import FunctionCallOutput

from agent import calls
from agent.persona import build_instructions
from agent.receptionist import build_receptionist
from agent.retrieval import BudgetedRetriever, RagOptions
from agent.session import build_text_session
from agent.sim import CallerInput, ScriptedLLM, ToolCall
from agent.textcall import TextCall
from booking import waitlist
from booking.calendar import Customer, Slot
from booking.local import LocalCalendar
from notify.outbox import Outbox
from salon import state_db
from salon.profile import SalonProfile, load_profile
from tests.fixtures.days import usual_day

CALLER = "+33612345678"


def wednesday(profile: SalonProfile) -> date:
    """A Wednesday ahead with the salon's usual hours and Chloé at work: with Yanis off,
    she is the one who cuts men's hair that day, and `fill` fills it from 9:30 to 19:00."""
    after = datetime.now(profile.timezone).date() + timedelta(days=5)
    return usual_day(profile, after=after, weekday=2, service="coupe-homme")


async def fill(calendar: LocalCalendar, profile: SalonProfile, day: date) -> None:
    service = profile.service("coupe-homme")
    first = datetime.combine(day, datetime.min.time(), tzinfo=profile.timezone).replace(
        hour=9, minute=30
    )
    for i in range(19):  # 9:30 to 19:00, one chair
        start = first + timedelta(minutes=30 * i)
        await calendar.book(
            service=service,
            slot=Slot(service.id, start, start + timedelta(minutes=30)),
            customer=Customer(name=f"Client {i}", phone="+33745454545"),
        )


async def _turn(tmp_path: Path, arguments: dict[str, Any], *, full: bool) -> tuple[Any, str]:
    profile = dataclasses.replace(load_profile(), chairs=1)
    conn = state_db.connect(tmp_path / "salon.db")
    calendar = LocalCalendar(profile, db=conn)
    day = wednesday(profile)
    if full:
        await fill(calendar, profile, day)
    ctx = calls.open_call(
        profile=profile, conn=conn, caller=CALLER, calendar=calendar,
        outbox=Outbox(conn=conn, notifiers=[]),
    )  # fmt: skip
    model = ScriptedLLM([ToolCall("join_waitlist", {**arguments, "day": day.isoformat()}), "Bien."])
    caller = CallerInput()
    agent = build_receptionist(
        call=ctx, retriever=BudgetedRetriever(None, options=RagOptions()), caller_input=caller
    )
    session = build_text_session(model=model, call=ctx)
    await session.start(agent)
    text_call = TextCall(session=session, caller_input=caller)
    try:
        await text_call.send("Mettez-moi sur la liste d'attente")
    finally:
        await text_call.aclose()
    outputs = [
        item.output
        for item in model.requests[-1].chat_ctx.items
        if isinstance(item, FunctionCallOutput)
    ]
    return (conn, day), outputs[-1]


ARGS = {"service": "coupe homme", "customer_name": "Alice Durand", "confirmed": True}


async def test_a_caller_for_a_full_day_joins_the_waitlist(tmp_path: Path) -> None:
    (conn, day), said = await _turn(tmp_path, ARGS, full=True)
    waiting = waitlist.waiting(conn, service_id="coupe-homme", day=day)
    assert [(e.phone, e.name) for e in waiting] == [(CALLER, "Alice Durand")]
    assert "inscrit sur la liste d'attente pour Coupe homme" in said
    assert "recevra un SMS si un créneau se libère" in said
    # French elides « que il » into « qu'il »
    assert "et qu'il " in said and "que il" not in said


async def test_a_day_with_room_gets_its_slots_not_the_waitlist(tmp_path: Path) -> None:
    (conn, day), said = await _turn(tmp_path, ARGS, full=False)
    assert waitlist.waiting(conn, service_id="coupe-homme", day=day) == []
    assert "Il reste des créneaux ce jour-là" in said


async def test_nothing_is_written_before_the_caller_says_yes(tmp_path: Path) -> None:
    (conn, day), said = await _turn(tmp_path, {**ARGS, "confirmed": False}, full=True)
    assert waitlist.waiting(conn, service_id="coupe-homme", day=day) == []
    assert "Demandez au client s'il veut être sur la liste d'attente" in said


def test_the_instructions_offer_the_waitlist_when_a_day_is_full() -> None:
    text = build_instructions(load_profile())
    assert "liste d'attente" in text and "join_waitlist" in text
