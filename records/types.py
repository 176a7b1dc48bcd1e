"""Call-record values: a call, its transcript lines, turn metrics and taken messages.

Kept apart from the store (`records.store`) so that readers (the e-mail, the CLI,
the LiveKit session) can build and read records without touching the database.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, get_args

from salon import utc as salon_utc
from salon.phone import mask

Outcome = Literal[
    "answered",
    "booked",
    "changed",
    "cancelled",
    "transferred",
    "message",
    "abandoned",
    "failed",  # the agent could not carry the call (see `CallRecord.failure`)
]
OUTCOMES: tuple[str, ...] = get_args(Outcome)
INTENTS: tuple[str, ...] = ("booking", "change", "cancel", "question", "other")
METRIC_NAMES = ("e2e", "llm_ttft", "tts_ttfb", "end_of_turn_delay", "hook_delay")
# LiveKit `ChatMessage.metrics` keys → our column names (user and assistant messages).
LIVEKIT_METRIC_KEYS = {
    "e2e_latency": "e2e",
    "llm_node_ttft": "llm_ttft",
    "tts_node_ttfb": "tts_ttfb",
    "end_of_turn_delay": "end_of_turn_delay",
    "on_user_turn_completed_delay": "hook_delay",
}
# Columns holding personal data, per table (erased by `purge_personal_data`).
PERSONAL_DATA: dict[str, tuple[str, ...]] = {
    "call_records": ("caller",),
    "call_transcript": ("text",),
    "call_knowledge_gaps": ("question",),
    "call_messages": ("caller_name", "callback_number", "message"),
}
_ROLES = {"user": "caller", "caller": "caller", "assistant": "agent", "agent": "agent"}


def utc_text(moment: datetime | None) -> str | None:
    """`salon.utc.utc_text` (`2026-12-01T08:30:00Z`); None stays None, naive is taken as UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return salon_utc.utc_text(moment)


def parse_time(text: str | None) -> datetime | None:
    """The aware UTC instant of a stored text (`salon.utc.parse_utc`), or None."""
    return salon_utc.parse_utc(text) if text else None


# ---------------------------------------------------------------- values


@dataclass
class TranscriptLine:
    role: str  # "caller" or "agent" (LiveKit's "user"/"assistant" are accepted)
    text: str
    at: datetime | None = None

    def __post_init__(self) -> None:
        if self.role not in _ROLES:
            raise ValueError(f"transcript role must be caller or agent, got {self.role!r}")
        self.role = _ROLES[self.role]


@dataclass
class TurnMetrics:
    """Seconds, as LiveKit reports them; None when the turn did not measure it."""

    e2e: float | None = None
    llm_ttft: float | None = None
    tts_ttfb: float | None = None
    end_of_turn_delay: float | None = None
    hook_delay: float | None = None
    at: datetime | None = None

    @classmethod
    def from_report(
        cls, *reports: Mapping[str, Any] | None, at: datetime | None = None
    ) -> TurnMetrics:
        """From LiveKit `ChatMessage.metrics` (user and assistant) or our own key names."""
        values: dict[str, float] = {}
        for report in reports:
            for key, value in (report or {}).items():
                name = LIVEKIT_METRIC_KEYS.get(key, key)
                if name in METRIC_NAMES and isinstance(value, int | float):
                    values[name] = float(value)
        return cls(at=at, **values)


@dataclass
class TakenMessage:
    text: str
    caller_name: str | None = None
    callback_number: str | None = None
    at: datetime | None = None
    id: int | None = None
    handled: bool = False
    channel: str = "call"  # call (taken by the agent), sms or whatsapp (received as text)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> TakenMessage:
        """A row of `call_messages`."""
        return cls(
            text=row["message"],
            caller_name=row["caller_name"],
            callback_number=row["callback_number"],
            at=parse_time(row["created_at"]),
            id=int(row["id"]),
            handled=row["handled_at"] is not None,
            channel=row["channel"],
        )


@dataclass
class CallRecord:
    call_sid: str | None
    started_at: datetime
    caller: str | None = None  # personal data
    called: str | None = None
    ended_at: datetime | None = None
    intent: str | None = None
    outcome: str = "abandoned"
    transcript: list[TranscriptLine] = field(default_factory=list)
    tools_used: list[str] = field(default_factory=list)
    knowledge_gaps: list[str] = field(default_factory=list)
    metrics: list[TurnMetrics] = field(default_factory=list)
    messages: list[TakenMessage] = field(default_factory=list)
    failure: str | None = None  # why the agent failed (e.g. unreachable LLM), else None
    id: int | None = None

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError(
                f"unknown call outcome {self.outcome!r} (one of {', '.join(OUTCOMES)})"
            )
        if self.intent is not None and self.intent not in INTENTS:
            raise ValueError(f"unknown call intent {self.intent!r} (one of {', '.join(INTENTS)})")

    @property
    def duration_seconds(self) -> float | None:
        if self.ended_at is None:
            return None
        return max(0.0, (self.ended_at - self.started_at).total_seconds())

    def redacted(self) -> dict[str, Any]:
        """What may be logged: no number in clear, no words of the caller."""
        return {
            "call_sid": self.call_sid,
            "caller": mask(self.caller),
            "called": self.called,
            "started_at": utc_text(self.started_at),
            "duration_s": self.duration_seconds,
            "intent": self.intent,
            "outcome": self.outcome,
            "failure": self.failure,
            "tools_used": list(self.tools_used),
            "transcript_lines": len(self.transcript),
            "knowledge_gaps": len(self.knowledge_gaps),
            "messages": len(self.messages),
            "turns_measured": len(self.metrics),
        }


@dataclass(frozen=True)
class GapSummary:
    question: str
    count: int
    last_asked: datetime
    call_sids: tuple[str, ...]


def from_history(items: Iterable[Any]) -> tuple[list[TranscriptLine], list[TurnMetrics]]:
    """Transcript and per-turn metrics from a LiveKit chat history, duck-typed.

    `items` are chat items such as `session.history.items`: messages with `role`,
    `text_content`, `created_at` (epoch seconds) and `metrics`. Tool calls, system and
    developer messages are skipped. A turn's metrics join the caller's message
    (end-of-turn and hook delays) with the agent's reply that follows (e2e, LLM, TTS).
    """
    transcript: list[TranscriptLine] = []
    metrics: list[TurnMetrics] = []
    pending_user: Mapping[str, Any] | None = None
    for item in items:
        role = getattr(item, "role", None)
        if role not in ("user", "assistant"):
            continue
        text = (getattr(item, "text_content", None) or "").strip()
        created = getattr(item, "created_at", None)
        at = datetime.fromtimestamp(created, UTC) if isinstance(created, int | float) else None
        if text:
            transcript.append(TranscriptLine(role, text, at))
        report = getattr(item, "metrics", None) or {}
        if role == "user":
            pending_user = report
        elif report or pending_user:
            turn = TurnMetrics.from_report(pending_user, report, at=at)
            if any(getattr(turn, name) is not None for name in METRIC_NAMES):
                metrics.append(turn)
            pending_user = None
    return transcript, metrics
