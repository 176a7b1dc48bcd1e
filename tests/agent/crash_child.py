"""A call process to be killed: books on the real turn path, then stalls.

`python -m tests.agent.crash_child DB MARKER [CAL_URL]` opens a call on the state
database `DB` (the embedded calendar, or Cal.com at `CAL_URL`), greets, hears
"une coupe homme", finds slots and books the first one through the real
`book_appointment` tool. The outbox given to the call never returns from `enqueue`: it
writes `MARKER` and waits, so the booking is committed and its confirmation not yet
queued — the moment a `kill -9` is most harmful. Used by `test_crash_recovery`.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from agent import calls
from agent.receptionist import build_receptionist
from agent.retrieval import BudgetedRetriever, RagOptions
from agent.session import build_text_session
from agent.sim import CallerInput, ScriptedLLM, ToolCall
from agent.textcall import TextCall
from notify.outbox import Outbox
from salon import state_db
from salon.profile import load_profile

CALLER = "+33612345678"
CALL_SID = "CAcrash0001"


class StalledOutbox(Outbox):
    """An outbox whose `enqueue` never returns (the process is killed meanwhile)."""

    def __init__(self, *, marker: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.marker = marker

    async def enqueue(self, **kwargs: Any) -> Any:
        self.marker.write_text("booking committed, confirmation not queued\n")
        await asyncio.sleep(3600)


async def main(db: Path, marker: Path, cal_url: str | None) -> None:
    profile = load_profile()
    conn = state_db.connect(db)
    calendar: Any
    if cal_url:
        from booking.calcom import CalComCalendar
        from tests.stubs.calcom import API_KEY

        calendar = CalComCalendar(
            profile, db=conn, api_key=API_KEY, base_url=cal_url, deadline=60.0,
            attempt_timeout=60.0, min_notice=timedelta(0),
        )  # fmt: skip
    else:
        from booking.local import LocalCalendar

        calendar = LocalCalendar(profile, db=conn)
    call = calls.open_call(
        profile=profile, conn=conn, caller=CALLER, call_sid=CALL_SID, calendar=calendar,
        outbox=StalledOutbox(marker=marker, conn=conn, notifiers=[]),
    )  # fmt: skip
    model = ScriptedLLM(
        [
            ToolCall("find_slots", {"service": "coupe homme", "earliest": True}),
            "J'ai un créneau. Je le réserve au nom de Paul Martin ?",
            ToolCall(
                "book_appointment",
                {"slot_number": 1, "customer_name": "Paul Martin", "confirmed": True},
            ),
        ]
    )
    caller = CallerInput()
    agent = build_receptionist(
        call=call, retriever=BudgetedRetriever(None, options=RagOptions()), caller_input=caller
    )
    session = build_text_session(model=model, call=call)
    calls.watch_session(call, session)
    await session.start(agent)
    text_call = TextCall(session=session, caller_input=caller)
    await text_call.greet(calls.greeting_for(call))
    await text_call.send("Je voudrais une coupe homme, le plus tôt possible", timeout=60)
    await text_call.send("Oui, au nom de Paul Martin", timeout=3600)


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] if sys.argv[3:] else None))
