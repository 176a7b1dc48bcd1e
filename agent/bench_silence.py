"""`scripts/bench silence`: the silence a caller hears while a slow calendar answers.

Prints one JSON object. Short calls run on the REAL turn path (scripted caller lines
through `stt_node`, end of turn, a scripted LLM answering after `--llm-ttft`, the real
tools) against the Cal.com stub (`tests/stubs/calcom.py`) answering every request after
`--calendar-delay` seconds (3 by default). Each call asks for slots, then books one: two
turns that wait on the calendar. They run with the lines off (`FILLER_DELAY=0`: what a
caller heard before `agent.filler`) and on (`--filler-delay`, 0.7 s), and once more on
the stub answering at once.

Per turn:
- `silence_after_calendar_call_ms`: from the start of the calendar call to the first
  thing the agent says (the line or the answer): the silence the lines are there to
  break. Target: at most 1 000 ms on every turn with the lines on.
- `silence_after_caller_ms`: from the end of the caller's speech to the first thing the
  agent says (the model's time to its tool call included).
- `answer_after_caller_ms`: from the end of the caller's speech to the answer itself.
- `lines`: the lines said. With the calendar answering at once: none (target 0).

It runs isolated (`tests.fixtures.isolation`): the fixture salon, a temporary state
database, the stub on 127.0.0.1; nothing in the checkout's `data/` or `sources/` is used.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from livekit.agents import llm
from livekit.agents.voice.events import AgentStateChangedEvent, ConversationItemAddedEvent

from agent import calls
from agent.config import AgentSettings
from agent.receptionist import build_receptionist
from agent.retrieval import BudgetedRetriever, RagOptions
from agent.session import build_text_session
from agent.sim import CallerInput, ScriptedLLM, ToolCall
from agent.textcall import TextCall
from booking.calcom import CalComCalendar
from notify.outbox import Outbox
from salon import state_db
from salon.measure import latency_summary
from salon.profile import load_profile

TARGET_MS = 1000


class _TimedCalCom(CalComCalendar):
    """The Cal.com client, noting when each calendar call the tools make starts."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.starts: list[float] = []  # time.perf_counter()

    async def free_slots(self, *args: Any, **kwargs: Any) -> Any:
        self.starts.append(time.perf_counter())
        return await super().free_slots(*args, **kwargs)

    async def book(self, *args: Any, **kwargs: Any) -> Any:
        self.starts.append(time.perf_counter())
        return await super().book(*args, **kwargs)


async def _one_call(
    index: int, *, stub: Any, db_dir: Path, filler_delay: float, llm_ttft: float, delay: float
) -> list[dict[str, Any]]:
    from tests.stubs.calcom import API_KEY

    profile = load_profile()
    conn = state_db.connect(db_dir / f"salon-{filler_delay}-{index}.db")
    calendar = _TimedCalCom(
        profile,
        db=conn,
        api_key=API_KEY,
        base_url=stub.url,
        deadline=3 * delay + 2,  # the point is the silence, not the client's own deadline
        attempt_timeout=delay + 1,
        min_notice=timedelta(minutes=0),
    )
    call = calls.open_call(
        profile=profile,
        conn=conn,
        caller=f"+3361234{index:04d}",
        calendar=calendar,
        outbox=Outbox(conn=conn, notifiers=[]),
        settings=AgentSettings(filler_delay=filler_delay),
    )
    name = f"Client Banc {index}"
    model = ScriptedLLM(
        [
            ToolCall("find_slots", {"service": "coupe homme", "earliest": True}),
            "J'ai trois créneaux. Lequel vous convient ?",
            ToolCall(
                "book_appointment",
                {"slot_number": 1 + index % 3, "customer_name": name, "confirmed": True},
            ),
            "C'est réservé, vous recevez un SMS.",
        ],
        ttft=llm_ttft,
    )
    caller = CallerInput()
    agent = build_receptionist(
        call=call, retriever=BudgetedRetriever(None, options=RagOptions()), caller_input=caller
    )
    session = build_text_session(model=model, call=call)
    speaking: list[float] = []
    answers: list[float] = []

    def on_state(ev: AgentStateChangedEvent) -> None:
        if ev.new_state == "speaking":
            speaking.append(time.perf_counter())

    def on_item(ev: ConversationItemAddedEvent) -> None:
        if isinstance(ev.item, llm.ChatMessage) and ev.item.role == "assistant":
            answers.append(time.perf_counter())

    session.on("agent_state_changed", on_state)
    session.on("conversation_item_added", on_item)
    await session.start(agent)
    text_call = TextCall(session=session, caller_input=caller)
    turns = []
    try:
        for line in ("Une coupe homme au plus tôt", f"Le premier, au nom de {name}, je confirme"):
            spoken_before = len(call.filler.spoken)
            turn = await text_call.send(line, timeout=6 * delay + 10)
            ended = caller.last_end_of_speech or 0.0
            first = min((t for t in speaking if t >= ended), default=None)
            answer = min((t for t in answers if t >= ended), default=None)
            started = min((t for t in calendar.starts if t >= ended), default=None)
            if first is None or answer is None or started is None:
                raise RuntimeError(f"turn {line!r} not measured: {turn.replies}")
            turns.append(
                {
                    "after_calendar_call_ms": (first - started) * 1000,
                    "after_caller_ms": (first - ended) * 1000,
                    "answer_ms": (answer - ended) * 1000,
                    "lines": call.filler.spoken[spoken_before:],
                }
            )
    finally:
        await text_call.aclose()
        await calls.finish_call(call, session=session)
        await calendar.aclose()
    return turns


async def _variant(
    *, calls_n: int, filler_delay: float, llm_ttft: float, delay: float
) -> dict[str, Any]:
    from tests.stubs.calcom import CalComStub

    # No spec checks in the stub: what is timed is the silence, not the checking.
    stub_server = CalComStub(profile=load_profile(), validate=False)
    with tempfile.TemporaryDirectory() as tmp, stub_server as stub:
        if delay:
            stub.fail_next(delay=delay, times=1_000_000)  # every request answers late
        turns: list[dict[str, Any]] = []
        for index in range(calls_n):
            turns += await _one_call(
                index,
                stub=stub,
                db_dir=Path(tmp),
                filler_delay=filler_delay,
                llm_ttft=llm_ttft,
                delay=delay,
            )
    return {
        "filler_delay_s": filler_delay,
        "turns": len(turns),
        "silence_after_calendar_call_ms": latency_summary(
            [t["after_calendar_call_ms"] for t in turns], digits=0
        ),
        "silence_after_caller_ms": latency_summary([t["after_caller_ms"] for t in turns], digits=0),
        "answer_after_caller_ms": latency_summary([t["answer_ms"] for t in turns], digits=0),
        "lines": [line for t in turns for line in t["lines"]],
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    common = {"calls_n": args.calls, "llm_ttft": args.llm_ttft}
    before = await _variant(filler_delay=0.0, delay=args.calendar_delay, **common)
    after = await _variant(filler_delay=args.filler_delay, delay=args.calendar_delay, **common)
    fast = await _variant(filler_delay=args.filler_delay, delay=0.0, **common)
    worst = after["silence_after_calendar_call_ms"]["max_ms"]
    return {
        "calendar_delay_s": args.calendar_delay,
        "llm_ttft_ms": round(args.llm_ttft * 1000),
        "target_silence_ms": TARGET_MS,
        "before": before,
        "after": after,
        "fast_calendar": fast,
        "meets_target": worst <= TARGET_MS and not fast["lines"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/bench silence",
        description="The silence a caller hears while a slow calendar answers, before/after.",
        epilog="Examples:\n  scripts/bench silence\n  scripts/bench silence --calendar-delay 2",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--calendar-delay", type=float, default=3.0, help="seconds each Cal.com request takes"
    )
    parser.add_argument(
        "--filler-delay", type=float, default=0.7, help="FILLER_DELAY for the 'after' run"
    )
    parser.add_argument("--llm-ttft", type=float, default=0.35, help="simulated LLM TTFT (s)")
    parser.add_argument("--calls", type=int, default=2, help="calls per variant (2 turns each)")
    args = parser.parse_args(argv)
    if args.calls < 1 or args.calendar_delay < 0 or not 0 < args.filler_delay <= 5:
        parser.error("--calls ≥ 1, --calendar-delay ≥ 0 and 0 < --filler-delay ≤ 5")
    logging.basicConfig(level=logging.ERROR)
    from tests.fixtures.isolation import isolated_state

    with isolated_state(prefix="silence-bench-"):
        result = asyncio.run(run(args))
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
