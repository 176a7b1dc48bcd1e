"""Integration tier: « au plus tôt » during a closure longer than the usual two-week
search (a summer closure) offers the first times after it, and says why, on the real turn
path; a day asked for stays that day."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path
from typing import Any

from agent import calls
from agent.sim import ToolCall
from booking.calcom import CalComCalendar
from booking.calendar import Slot
from booking.local import LocalCalendar
from notify.outbox import Outbox
from salon import state_db
from salon.french import day_words
from salon.profile import SalonProfile, load_profile
from salon.profile_fields import Closure
from tests.agent.harness import start_receptionist_call, tool_outputs
from tests.stubs.calcom import API_KEY as CAL_KEY
from tests.stubs.calcom import CalComStub


def _closed_for_three_weeks() -> tuple[SalonProfile, Closure]:
    profile = load_profile()
    today = profile.now().date()
    closure = Closure(start=today, end=today + timedelta(days=20), reason="congés d'été")
    return dataclasses.replace(profile, closures=(closure,)), closure


async def _find_slots(
    tmp_path: Path, profile: SalonProfile, arguments: dict[str, Any], calcom_url: str = ""
) -> tuple[str, list[Slot]]:
    """The find_slots tool's answer to the model, and the slots it offered (the embedded
    calendar, or the Cal.com client against the stub at `calcom_url`)."""
    conn = state_db.connect(tmp_path / "salon.db")
    calendar = (
        CalComCalendar(profile, db=conn, api_key=CAL_KEY, base_url=calcom_url)
        if calcom_url
        else LocalCalendar(profile, db=conn)
    )
    ctx = calls.open_call(
        profile=profile,
        conn=conn,
        caller="+33612345678",
        calendar=calendar,
        outbox=Outbox(conn=conn, notifiers=[]),
    )
    text_call, model = await start_receptionist_call(
        ctx, [ToolCall("find_slots", arguments), "Voici."]
    )
    try:
        await text_call.send("Une coupe homme, au plus tôt")
    finally:
        await text_call.aclose()
    outputs = tool_outputs(model)
    assert len(outputs) == 1
    return outputs[0], list(ctx.offered_slots)


async def test_the_earliest_slots_after_a_long_closure_are_offered_with_the_reason(
    tmp_path: Path,
) -> None:
    profile, closure = _closed_for_three_weeks()
    output, slots = await _find_slots(
        tmp_path, profile, {"service": "coupe homme", "earliest": True}
    )
    assert "Créneaux libres pour" in output, output
    assert slots and all(s.start.date() > closure.end for s in slots), slots
    first = day_words(slots[0].start.date())
    assert f"Rien de libre avant le {first} (le salon est fermé du " in output, output
    assert f"au {day_words(closure.end)} : congés d'été)" in output, output


async def test_a_day_asked_for_inside_the_closure_is_not_moved(tmp_path: Path) -> None:
    profile, closure = _closed_for_three_weeks()
    day = closure.start + timedelta(days=10)
    output, slots = await _find_slots(
        tmp_path, profile, {"service": "coupe homme", "day": day.isoformat()}
    )
    assert slots == [] and "Aucun créneau libre" in output, output


async def test_no_note_when_the_first_slots_are_near(tmp_path: Path) -> None:
    no_closure = dataclasses.replace(load_profile(), closures=())
    output, slots = await _find_slots(
        tmp_path, no_closure, {"service": "coupe homme", "earliest": True}
    )
    assert slots and "Rien de libre avant" not in output, output


async def test_the_search_past_a_closure_asks_a_slow_cal_com_window_by_window(
    tmp_path: Path,
) -> None:
    """Each request to Cal.com stays the usual two weeks: one request for three months of
    three stylists' slots took the stub 2,5 s, and with Cal.com answering in 1,2 s it
    missed the client's 4 s deadline, so the caller heard the calendar was unavailable."""
    profile, closure = _closed_for_three_weeks()
    with CalComStub(profile=load_profile()) as calcom:
        calcom.fail_next(delay=1.2, times=1000)
        output, slots = await _find_slots(
            tmp_path, profile, {"service": "coupe homme", "earliest": True}, calcom.url
        )
    assert slots and all(s.start.date() > closure.end for s in slots), output
    assert "Rien de libre avant le" in output, output
