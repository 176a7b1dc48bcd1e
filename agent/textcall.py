"""A call driven by text: caller lines in, agent replies out, through the voice turn path.

`TextCall` starts an `AgentSession` with no room (no LiveKit server, no audio), feeds
caller lines to the receptionist's `stt_node` as speech events and collects what the
agent says for each turn. The text mode (`scripts/chat`), the tests, the scenarios and
the benchmark all use it, so what they exercise is what a caller gets. A line said while
a slow tool waits (`agent.filler`) is kept out of the chat context, so it is collected
from the call's `FillerState` and counts as one of the turn's replies, in order.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from livekit.agents import AgentSession, llm
from livekit.agents.voice.events import AgentStateChangedEvent, ConversationItemAddedEvent

from agent.filler import FillerState
from agent.sim import CallerInput

_IDLE_POLLS = 4  # consecutive idle observations that end a turn
_POLL_S = 0.005
_QUIET_TURN_S = 2.0  # a turn the agent does not answer at all ends after this


@dataclass
class Turn:
    """What happened during one caller line."""

    caller: str
    replies: list[str] = field(default_factory=list)
    metrics: list[dict[str, float]] = field(default_factory=list)


class TextCall:
    def __init__(self, *, session: AgentSession, caller_input: CallerInput) -> None:
        self.session = session
        self.caller_input = caller_input
        self._items: asyncio.Queue[llm.ChatMessage] = asyncio.Queue()
        self._busy_seen = False  # the agent started working on the current turn
        session.on("conversation_item_added", self._on_item)
        session.on("agent_state_changed", self._on_state)
        self._fillers = _filler_state(session)
        if self._fillers is not None:
            self._fillers.listeners.append(self._on_filler)

    def _on_state(self, ev: AgentStateChangedEvent) -> None:
        if ev.new_state in ("thinking", "speaking"):
            self._busy_seen = True

    def _on_item(self, ev: ConversationItemAddedEvent) -> None:
        item = ev.item
        if isinstance(item, llm.ChatMessage) and item.role in ("user", "assistant"):
            self._items.put_nowait(item)

    def _on_filler(self, text: str) -> None:
        self._busy_seen = True
        self._items.put_nowait(llm.ChatMessage(role="assistant", content=[text]))

    def _idle(self) -> bool:
        return self.session.agent_state in ("listening", "idle") and (
            self.session.current_speech is None
        )

    async def _drain(self, turn: Turn, *, timeout: float, need_user: bool) -> Turn:
        """Collect replies until the agent is idle again after this turn.

        Idle only counts once the agent has started on the turn (thinking or speaking, or
        a reply was seen) or, failing that, after `_QUIET_TURN_S` (a turn it ignores).
        """
        deadline = time.monotonic() + timeout
        seen_user = not need_user
        user_at = time.monotonic()
        idle_count = 0
        while time.monotonic() < deadline:
            try:
                item = await asyncio.wait_for(self._items.get(), timeout=_POLL_S)
            except TimeoutError:
                started = (
                    self._busy_seen or turn.replies or (time.monotonic() - user_at > _QUIET_TURN_S)
                )
                idle_count = idle_count + 1 if (seen_user and started and self._idle()) else 0
                if idle_count >= _IDLE_POLLS:
                    return turn
                continue
            idle_count = 0
            if item.role == "user":
                seen_user = True
                user_at = time.monotonic()
            elif item.text_content:
                turn.replies.append(item.text_content)
                if item.metrics:
                    turn.metrics.append(dict(item.metrics))  # type: ignore[arg-type]
        raise TimeoutError(f"le réceptionniste n'a pas fini de répondre en {timeout:.0f} s")

    async def greet(self, text: str, *, timeout: float = 10.0) -> Turn:
        """Say the greeting (as the worker does once the caller is there)."""
        self._busy_seen = False
        self.session.say(text, allow_interruptions=True)
        return await self._drain(Turn(caller=""), timeout=timeout, need_user=False)

    async def send(self, line: str, *, timeout: float = 60.0, preflight_lead: float = 0.0) -> Turn:
        """One caller line, spoken; returns the agent's replies for that turn."""
        self._busy_seen = False
        self.caller_input.say(line, preflight_lead=preflight_lead)
        return await self._drain(Turn(caller=line), timeout=timeout, need_user=True)

    async def aclose(self) -> None:
        if self._fillers is not None and self._on_filler in self._fillers.listeners:
            self._fillers.listeners.remove(self._on_filler)
        self.caller_input.close()
        await self.session.aclose()


def _filler_state(session: AgentSession) -> FillerState | None:
    """The call's filler lines, when the session carries a call (`CallContext`)."""
    try:
        call = session.userdata
    except ValueError:  # no userdata: a bare session (some tests)
        return None
    state = getattr(call, "filler", None)
    return state if isinstance(state, FillerState) else None
