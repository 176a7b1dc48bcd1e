"""Simulated calls: a scripted LLM, typed or scripted caller speech, a placeholder STT.

These drive the REAL LiveKit voice turn path with no LiveKit server, no sound card and
no cloud key: caller lines become `START_OF_SPEECH` / `FINAL_TRANSCRIPT` /
`END_OF_SPEECH` events yielded by the agent's `stt_node`, so every line goes through
end-of-turn detection and `on_user_turn_completed`, exactly like speech. Used by the
text mode (`scripts/chat`), the tests, the scenarios and `scripts/bench agent`.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from livekit.agents import llm, stt
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, NOT_GIVEN, APIConnectOptions
from livekit.agents.utils import AudioBuffer


@dataclass(frozen=True)
class ToolCall:
    """One scripted function call the fake LLM asks for."""

    name: str
    arguments: dict[str, Any] = field(default_factory=dict)


Step = str | ToolCall | Sequence[ToolCall | str]
Responder = Callable[[llm.ChatContext, list[llm.Tool]], Step]


@dataclass
class LLMRequest:
    """What the agent sent to the LLM: the chat context and the tool names."""

    chat_ctx: llm.ChatContext
    tools: list[str]

    def messages(self) -> list[tuple[str, str]]:
        """`(role, text)` of each message, in order (tool calls and outputs left out)."""
        return [(m.role, m.text_content or "") for m in self.chat_ctx.messages()]


class ScriptedLLM(llm.LLM):
    """A fake `llm.LLM` that answers from a script and records every request.

    `script` is either a list of steps consumed one per request (a string is a spoken
    reply, a `ToolCall` or a list of them a function call) or a callable deciding the
    step from the request. `ttft` delays the first chunk (to model a real LLM);
    `fail_with` raises on every request; `chunk_delay` spaces the streamed pieces (a
    list step mixing tool calls and text emits them in order, like a model that calls a
    tool and keeps talking).
    """

    def __init__(
        self,
        script: Sequence[Step] | Responder = (),
        *,
        ttft: float = 0.0,
        default_reply: str = "D'accord.",
        fail_with: Exception | None = None,
        chunk_delay: float = 0.0,
    ) -> None:
        super().__init__()
        self.chunk_delay = chunk_delay
        self._steps: list[Step] = [] if callable(script) else list(script)
        self._responder: Responder | None = script if callable(script) else None
        self.ttft = ttft
        self.default_reply = default_reply
        self.fail_with = fail_with
        self.requests: list[LLMRequest] = []
        self._calls = 0

    @property
    def model(self) -> str:
        return "scripted"

    @property
    def provider(self) -> str:
        return "sim"

    def add_steps(self, *steps: Step) -> None:
        self._steps.extend(steps)

    def next_step(self, chat_ctx: llm.ChatContext, tools: list[llm.Tool]) -> Step:
        if self._responder is not None:
            return self._responder(chat_ctx, tools)
        return self._steps.pop(0) if self._steps else self.default_reply

    def chat(
        self,
        *,
        chat_ctx: llm.ChatContext,
        tools: list[llm.Tool] | None = None,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
        parallel_tool_calls: Any = NOT_GIVEN,
        tool_choice: Any = NOT_GIVEN,
        extra_kwargs: Any = NOT_GIVEN,
    ) -> llm.LLMStream:
        return _ScriptedStream(
            self, chat_ctx=chat_ctx, tools=tools or [], conn_options=conn_options
        )


class _ScriptedStream(llm.LLMStream):
    _llm: ScriptedLLM

    async def _run(self) -> None:
        owner = self._llm
        names = [t.info.name for t in self._tools if isinstance(t, llm.FunctionTool)]
        owner.requests.append(LLMRequest(chat_ctx=self._chat_ctx.copy(), tools=names))
        if owner.fail_with is not None:
            raise owner.fail_with
        step = owner.next_step(self._chat_ctx, self._tools)
        if owner.ttft:
            await asyncio.sleep(owner.ttft)
        owner._calls += 1
        chunk_id = f"sim-{owner._calls}"
        parts: list[ToolCall | str] = [step] if isinstance(step, str | ToolCall) else list(step)
        for n, part in enumerate(parts):
            if isinstance(part, ToolCall):
                call = llm.FunctionToolCall(
                    name=part.name,
                    arguments=json.dumps(part.arguments, ensure_ascii=False),
                    call_id=f"call_{owner._calls}_{n}",
                )
                delta = llm.ChoiceDelta(role="assistant", tool_calls=[call])
                self._event_ch.send_nowait(llm.ChatChunk(id=chunk_id, delta=delta))
                continue
            words = part.split(" ")
            for i in range(0, len(words), 4):
                if i and owner.chunk_delay:
                    await asyncio.sleep(owner.chunk_delay)
                piece = " ".join(words[i : i + 4]) + (" " if i + 4 < len(words) else "")
                delta = llm.ChoiceDelta(role="assistant", content=piece)
                self._event_ch.send_nowait(llm.ChatChunk(id=chunk_id, delta=delta))


class PlaceholderSTT(stt.STT):
    """Stands in for Deepgram so the session runs an STT pipeline; the agent's `stt_node`
    is overridden by a `CallerInput`, so this is never asked to recognise anything."""

    def __init__(self) -> None:
        super().__init__(capabilities=stt.STTCapabilities(streaming=True, interim_results=False))

    @property
    def model(self) -> str:
        return "typed"

    @property
    def provider(self) -> str:
        return "sim"

    async def _recognize_impl(
        self,
        buffer: AudioBuffer,
        *,
        language: Any = NOT_GIVEN,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
    ) -> stt.SpeechEvent:
        raise NotImplementedError("PlaceholderSTT only stands in for a streaming STT")


@dataclass(frozen=True)
class _Utterance:
    text: str
    preflight_lead: float  # seconds between a preflight transcript and the final one


class CallerInput:
    """Caller lines turned into speech events for `Agent.stt_node`.

    `say(text)` queues a line; `events()` is the async iterator of STT speech events the
    agent's `stt_node` yields. With `preflight_lead > 0` a `PREFLIGHT_TRANSCRIPT` comes
    that many seconds before the final transcript, like a streaming STT does while the
    endpointer waits; this is what lets LiveKit start its preemptive generation.
    """

    def __init__(self, *, language: str = "fr") -> None:
        self._queue: asyncio.Queue[_Utterance | None] = asyncio.Queue()
        self._language = language
        self.last_end_of_speech: float | None = None  # time.perf_counter()

    def say(self, text: str, *, preflight_lead: float = 0.0) -> None:
        self._queue.put_nowait(_Utterance(text=text.strip(), preflight_lead=preflight_lead))

    def close(self) -> None:
        self._queue.put_nowait(None)

    def _event(self, kind: stt.SpeechEventType, text: str = "") -> stt.SpeechEvent:
        if kind in (stt.SpeechEventType.START_OF_SPEECH, stt.SpeechEventType.END_OF_SPEECH):
            return stt.SpeechEvent(type=kind)
        return stt.SpeechEvent(
            type=kind,
            alternatives=[
                stt.SpeechData(language=self._language, text=text, confidence=1.0)  # type: ignore[arg-type]
            ],
        )

    async def events(self) -> AsyncIterator[stt.SpeechEvent]:
        while True:
            utterance = await self._queue.get()
            if utterance is None:
                return
            if not utterance.text:
                continue
            yield self._event(stt.SpeechEventType.START_OF_SPEECH)
            if utterance.preflight_lead > 0:
                yield self._event(stt.SpeechEventType.PREFLIGHT_TRANSCRIPT, utterance.text)
                await asyncio.sleep(utterance.preflight_lead)
            yield self._event(stt.SpeechEventType.FINAL_TRANSCRIPT, utterance.text)
            self.last_end_of_speech = time.perf_counter()
            yield self._event(stt.SpeechEventType.END_OF_SPEECH)
