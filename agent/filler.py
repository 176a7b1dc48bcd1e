"""No silence while a calendar answers: one short line when a tool call is slow.

A tool wraps its calendar call in `while_waiting(context, kind)`. When the call has not
answered after `FILLER_DELAY` seconds (0.7 by default) of quiet — nobody speaking, the
agent included — the receptionist says one short line chosen by the kind of operation
(« Je regarde les disponibilités… »), then carries on when the answer comes. A call that
answers sooner gets no line at all.

- At most one line per tool call, and none again within `COOLDOWN_S` seconds in the same
  turn (the model calling two slow tools in a row hears one line, not two).
- The line is spoken with LiveKit's `RunContext.with_filler`, which waits for the session
  to be quiet: a sentence the model said before calling the tool is never talked over.
- It is NOT added to the chat context: the model never sees it (a message between a tool
  call and its output would break the OpenAI request), nor the call record's transcript.
  The text mode prints it as an agent line through `FillerState.listeners`.
- It can be interrupted exactly when the tool's own speech can: after
  `disallow_interruptions()` (booking, moving, cancelling) the line cannot be cut either.
- `FILLER_DELAY=0` turns the lines off.

Privacy: the line depends only on how long the calendar takes. A lookup that makes more
requests when a booking exists (Cal.com, `find_bookings`) can take longer, so on a slow
Cal.com the line may come more often when there is something to find; the silence
without it says the same thing, only less audibly.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from livekit.agents import RunContext
from livekit.agents.voice import SpeechHandle

logger = logging.getLogger("agent")

FillerKind = Literal["slots", "booking", "move", "cancel", "check"]

# What the caller hears, by operation; repeated fillers in one call take the next variant.
FILLER_LINES: dict[FillerKind, tuple[str, ...]] = {
    "slots": ("Je regarde les disponibilités…", "Je regarde l'agenda…"),
    "booking": ("Un instant, j'enregistre votre rendez-vous…",),
    "move": ("Un instant, je déplace votre rendez-vous…",),
    "cancel": ("Un instant, j'annule votre rendez-vous…",),
    "check": ("Je vérifie…", "Un instant, je vérifie…"),
}
COOLDOWN_S = 4.0  # no second line within this many seconds in the same turn
_RETRY_S = 0.25  # a line held back by the cooldown is tried again after this (and quiet)


@dataclass
class FillerState:
    """The lines of one call (`CallContext.filler`)."""

    spoken: list[str] = field(default_factory=list)  # in order, for tests and the bench
    listeners: list[Callable[[str], None]] = field(default_factory=list)  # the text mode
    _calls: set[str] = field(default_factory=set)  # function call ids that had their line
    _last: tuple[str, float] | None = None  # (turn's speech id, time.monotonic())
    _by_kind: dict[str, int] = field(default_factory=dict)

    def may_speak(self, *, call_id: str, turn: str, now: float) -> bool:
        if call_id in self._calls:
            return False
        if self._last is not None and self._last[0] == turn:
            return now - self._last[1] >= COOLDOWN_S
        return True

    def line_for(self, kind: FillerKind) -> str:
        variants = FILLER_LINES[kind]
        return variants[self._by_kind.get(kind, 0) % len(variants)]

    def note(self, *, kind: FillerKind, text: str, call_id: str, turn: str, now: float) -> None:
        self._calls.add(call_id)
        self._last = (turn, now)
        self._by_kind[kind] = self._by_kind.get(kind, 0) + 1
        self.spoken.append(text)
        for listener in list(self.listeners):
            try:
                listener(text)
            except Exception:
                logger.exception("filler listener failed")


@asynccontextmanager
async def while_waiting(context: RunContext[Any], kind: FillerKind) -> AsyncIterator[None]:
    """Run the block; if it is still running after `FILLER_DELAY` seconds of quiet, say
    one line of `kind`. Off (the block simply runs) without a call's `FillerState` or
    with `FILLER_DELAY=0`."""
    call = context.userdata
    state: FillerState | None = getattr(call, "filler", None)
    settings = getattr(call, "settings", None)
    delay = float(getattr(settings, "filler_delay", 0.0))
    if state is None or delay <= 0:
        yield
        return
    call_id = context.function_call.call_id
    turn = context.speech_handle.id
    started = time.monotonic()

    def speak(step: int) -> SpeechHandle | None:  # runs in the event loop, no await
        now = time.monotonic()
        if not state.may_speak(call_id=call_id, turn=turn, now=now):
            return None
        text = state.line_for(kind)
        try:
            handle = context.session.say(
                text,
                allow_interruptions=context.speech_handle.allow_interruptions,
                add_to_chat_ctx=False,
            )
        except RuntimeError:  # the session is closing: nobody is there to hear it
            return None
        state.note(kind=kind, text=text, call_id=call_id, turn=turn, now=now)
        logger.info(
            "calendar slow: filler spoken",
            extra={"kind": kind, "waited_ms": round((now - started) * 1000)},
        )
        return handle

    async with context.with_filler(speak, delay=delay, interval=_RETRY_S, max_steps=1):
        yield
