"""The receptionist: the LiveKit `Agent` that answers a salon's calls.

Knowledge for a turn is retrieved once per caller sentence and injected for THAT reply
only, framed as reference material (never as instructions). Two designs, chosen by
`RAG_MODE` (see `agent.retrieval.RagOptions`):

- `llm_node` (default): retrieval runs inside the LLM node, so it is part of LiveKit's
  preemptive generation, which starts before the end of the caller's turn is confirmed;
  the chat context given to `on_user_turn_completed` is left untouched so that early
  generation is kept (livekit/agents#4881).
- `hook`: retrieval runs in `on_user_turn_completed` and edits the turn's context;
  preemptive generation is turned off (it would be thrown away on every turn).

`scripts/bench agent` measures both. Whatever happens, the hook never raises: the
framework would drop the turn and the caller would hear nothing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterable, AsyncIterator
from typing import Any

from livekit import rtc
from livekit.agents import Agent, llm
from livekit.agents.voice.agent import ModelSettings

from agent import knowledge, persona
from agent.background import spawn
from agent.call_context import CallContext
from agent.retrieval import BudgetedRetriever
from agent.sim import CallerInput
from kb.types import SearchResult

logger = logging.getLogger("agent")

_MEMO = 8  # retrievals remembered per call: the hook and the LLM node share one per turn
_MEMO_TTL_S = 10.0  # a sentence said again later is searched again (the index may be new)


class Receptionist(Agent):
    """The salon's voice receptionist.

    Args:
        instructions: the persona and salon facts (see `agent.persona`).
        retriever: the budgeted knowledge-base search.
        tools: function tools (see `agent.tools`).
        caller_input: typed or scripted caller lines; replaces speech recognition
            (text mode, tests, benchmarks). `None` in production.
    """

    def __init__(
        self,
        *,
        instructions: str,
        retriever: BudgetedRetriever,
        tools: list[Any] | None = None,
        caller_input: CallerInput | None = None,
    ) -> None:
        mode = retriever.options.mode
        super().__init__(
            instructions=instructions,
            tools=tools or [],
            turn_handling={
                "preemptive_generation": {"enabled": retriever.options.preemptive_generation}
            },
        )
        self.retriever = retriever
        self.mode = mode
        self._caller_input = caller_input
        self._retrievals: OrderedDict[str, tuple[float, asyncio.Task[SearchResult | None]]] = (
            OrderedDict()
        )
        self._bookkeeping: set[asyncio.Task[None]] = set()
        self.injections = 0  # passages framed into an LLM request (for tests and metrics)

    # ------------------------------------------------------------------ speech in

    def stt_node(self, audio: AsyncIterable[rtc.AudioFrame], model_settings: ModelSettings) -> Any:
        if self._caller_input is not None:
            return self._caller_input.events()
        return Agent.default.stt_node(self, audio, model_settings)

    # ------------------------------------------------------------------ knowledge

    def _call(self) -> CallContext | None:
        try:
            data = self.session.userdata
        except Exception:
            return None
        return data if isinstance(data, CallContext) else None

    def _retrieval(self, query: str) -> asyncio.Task[SearchResult | None]:
        """One retrieval per distinct sentence, shared by the hook and the LLM node."""
        key = query.strip()
        now = time.monotonic()
        cached = self._retrievals.get(key)
        if cached is not None and now - cached[0] < _MEMO_TTL_S:
            return cached[1]
        task = asyncio.create_task(self.retriever.retrieve(key))
        self._retrievals[key] = (now, task)
        self._retrievals.move_to_end(key)
        while len(self._retrievals) > _MEMO:
            self._retrievals.popitem(last=False)
        return task

    def _inject(self, chat_ctx: llm.ChatContext, result: SearchResult | None) -> bool:
        if result is None:
            return False
        chat_ctx.add_message(role="assistant", content=knowledge.format_reference(result))
        self.injections += 1
        return True

    async def _after_turn(self, text: str) -> None:
        """Note the intent and, for a question nothing answers, a knowledge gap."""
        call = self._call()
        if call is None:
            return
        intent = knowledge.classify_intent(text)
        call.note_intent(intent)
        if intent != "question":
            return
        result = await self._retrieval(text)
        if result is not None and not result.answerable:
            call.record_gap(text)

    async def on_user_turn_completed(
        self, turn_ctx: llm.ChatContext, new_message: llm.ChatMessage
    ) -> None:
        try:
            text = new_message.text_content or ""
            if self.mode == "hook":
                result = await self._retrieval(text)
                self._inject(turn_ctx, result)
            spawn(
                self._after_turn(text),
                keep=self._bookkeeping,
                failure="turn bookkeeping failed",
            )
        except Exception:
            logger.exception("turn hook failed; answering without passages")

    async def llm_node(
        self,
        chat_ctx: llm.ChatContext,
        tools: list[llm.Tool],
        model_settings: ModelSettings,
    ) -> AsyncIterator[Any]:
        if self.mode == "llm_node":
            chat_ctx = await self._with_passages(chat_ctx)
        async for chunk in Agent.default.llm_node(self, chat_ctx, tools, model_settings):
            yield chunk

    async def _with_passages(self, chat_ctx: llm.ChatContext) -> llm.ChatContext:
        """A copy of the context with this turn's passages placed right after the caller's
        last sentence (so they also serve the follow-up request after a tool call); the
        original context is never modified."""
        try:
            index = _last_user_index(chat_ctx)
            if index is None:
                return chat_ctx
            last = chat_ctx.items[index]
            assert isinstance(last, llm.ChatMessage)
            result = await self._retrieval(last.text_content or "")
            if result is None:
                return chat_ctx
            augmented = chat_ctx.copy()
            frame = llm.ChatMessage(role="assistant", content=[knowledge.format_reference(result)])
            augmented.items.insert(index + 1, frame)
            self.injections += 1
            return augmented
        except Exception:
            logger.exception("retrieval in the LLM node failed; answering without passages")
            return chat_ctx


def _last_user_index(chat_ctx: llm.ChatContext) -> int | None:
    """Index of the caller's sentence that opened the current turn, or None."""
    for index in range(len(chat_ctx.items) - 1, -1, -1):
        item = chat_ctx.items[index]
        if isinstance(item, llm.ChatMessage):
            if item.role == "user":
                return index
            if item.role == "assistant" and item.text_content:
                return None  # the agent already spoke after it: not a turn in progress
    return None


def build_receptionist(
    *,
    call: CallContext,
    retriever: BudgetedRetriever,
    caller_input: CallerInput | None = None,
    with_tools: bool = True,
) -> Receptionist:
    """The receptionist for one call: persona from `salon.toml`, today's date, the tools."""
    from agent import tools as agent_tools

    text = "\n\n".join(
        [
            persona.build_instructions(call.profile),
            agent_tools.today_line(call.profile.now()),
        ]
    )
    return Receptionist(
        instructions=text,
        retriever=retriever,
        tools=list(agent_tools.ALL_TOOLS) if with_tools else [],
        caller_input=caller_input,
    )
