"""Shared helpers for the agent tests: fake knowledge bases, a slow calendar and a call
started in text."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from agent.call_context import CallContext
from agent.receptionist import Receptionist
from agent.retrieval import BudgetedRetriever, RagOptions
from agent.session import build_text_session
from agent.sim import CallerInput, ScriptedLLM, Step
from agent.textcall import TextCall
from booking.local import LocalCalendar
from kb.types import Passage, SearchResult
from salon import state_db
from salon.profile import load_profile


@dataclass
class FakeKB:
    """An in-memory knowledge base; `version` changes what it answers after a reload."""

    answers: dict[int, str] = field(default_factory=lambda: {1: "Coupe femme : 54 €."})
    answerable: bool = True
    delay: float = 0.0
    error: Exception | None = None
    version: int = 1
    published: int = 1  # what a reindex wrote; picked up by reload_if_changed
    searches: list[str] = field(default_factory=list)

    def search(self, query: str, k: int = 4) -> SearchResult:
        self.searches.append(query)
        if self.delay:
            time.sleep(self.delay)
        if self.error is not None:
            raise self.error
        passage = Passage(text=self.answers[self.version], source="tarifs.pdf", score=0.9)
        return SearchResult(
            query=query,
            passages=[passage],
            answerable=self.answerable,
            confidence=0.9 if self.answerable else 0.1,
        )

    def reload_if_changed(self) -> bool:
        if self.published != self.version:
            self.version = self.published
            return True
        return False


class SlowCalendar(LocalCalendar):
    """The embedded calendar answering each operation (slots, booking, lookup, move,
    cancel) only after `delay` seconds, as a slow Cal.com would; `delay` may change
    during a test."""

    def __init__(self, *args: Any, delay: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.delay = delay

    async def _wait(self) -> None:
        if self.delay:
            await asyncio.sleep(self.delay)

    async def free_slots(self, *args: Any, **kwargs: Any) -> Any:
        await self._wait()
        return await super().free_slots(*args, **kwargs)

    async def book(self, *args: Any, **kwargs: Any) -> Any:
        await self._wait()
        return await super().book(*args, **kwargs)

    async def find_bookings(self, *args: Any, **kwargs: Any) -> Any:
        await self._wait()
        return await super().find_bookings(*args, **kwargs)

    async def reschedule(self, *args: Any, **kwargs: Any) -> Any:
        await self._wait()
        return await super().reschedule(*args, **kwargs)

    async def cancel(self, *args: Any, **kwargs: Any) -> Any:
        await self._wait()
        return await super().cancel(*args, **kwargs)


def make_call_context(tmp_path: Any, **kwargs: Any) -> CallContext:
    conn = state_db.connect(tmp_path / "salon.db")
    return CallContext(profile=load_profile(), conn=conn, **kwargs)


async def start_text_call(
    script: Sequence[Step] | ScriptedLLM,
    *,
    kb: Any = None,
    mode: str = "llm_node",
    budget_ms: float = 150.0,
    call: CallContext | None = None,
    tools: list[Any] | None = None,
    instructions: str = "Tu es la réceptionniste du salon.",
) -> tuple[TextCall, Receptionist, ScriptedLLM]:
    model = script if isinstance(script, ScriptedLLM) else ScriptedLLM(script)
    caller = CallerInput()
    retriever = BudgetedRetriever(kb, options=RagOptions(mode=mode, budget_ms=budget_ms))
    retriever.reload_every = 0.0
    agent = Receptionist(
        instructions=instructions, retriever=retriever, tools=tools, caller_input=caller
    )
    session = build_text_session(model=model, call=call)
    await session.start(agent)
    return TextCall(session=session, caller_input=caller), agent, model


async def start_receptionist_call(
    call: CallContext,
    model: Sequence[Step] | Any,
    *,
    kb: Any = None,
    settings: Any = None,
    watch: bool = False,
) -> tuple[TextCall, Any]:
    """The real receptionist (its instructions and tools) on the text turn path for `call`,
    with `model` (a script for a `ScriptedLLM`, or any LLM); `watch` adds the call's
    LLM-failure handling (`agent.calls.watch_session`). Returns the call and the model."""
    from agent import calls
    from agent.receptionist import build_receptionist

    if isinstance(model, Sequence):
        model = ScriptedLLM(model)
    caller = CallerInput()
    agent = build_receptionist(
        call=call, retriever=BudgetedRetriever(kb, options=RagOptions()), caller_input=caller
    )
    session = build_text_session(model=model, call=call, settings=settings)
    if watch:
        calls.watch_session(call, session)
    await session.start(agent)
    return TextCall(session=session, caller_input=caller), model


def tool_outputs(model: ScriptedLLM) -> list[str]:
    """What the tools answered the model, as its last request carried them."""
    items = model.requests[-1].chat_ctx.items
    return [str(i.output) for i in items if i.type == "function_call_output"]


def skip_when_the_salon_is_closed(day_word: str) -> None:
    """Skip, naming the date, when the fixture salon is closed on the day a scripted call
    asks for (« samedi » in a week of its Christmas or summer closure): the agent rightly
    offers other days there, which the script's next lines do not expect."""
    from datetime import datetime, timedelta

    import pytest

    from agent.day_words import day_asked
    from agent.tool_support import today_is_over
    from booking.hours import opening_hours
    from tests.fixtures.isolation import FIXTURE_SALON

    profile = load_profile(FIXTURE_SALON / "salon.toml")
    now = datetime.now(profile.timezone)
    over = today_is_over(profile, now, timedelta(minutes=60))
    day = day_asked(day_word, now, today_is_over=over)
    if day is not None and not opening_hours(profile, day):
        pytest.skip(
            f"the scripted call asks for « {day_word} », {day}: the fixture salon is closed"
        )
