"""Everything one call carries: who calls, the back-ends, and what happened so far.

A `CallContext` is the session's `userdata`: tools reach it through
`RunContext.userdata`, the receptionist through `self.session.userdata`. It collects the
intent, the outcome, the tools used and the knowledge gaps that end up in the call
record when the call finishes.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from salon.profile import SalonProfile

logger = logging.getLogger("agent")

INTENTS = ("booking", "change", "cancel", "question", "other")
_INTENT_RANK = {"other": 0, "question": 1, "booking": 2, "change": 3, "cancel": 3}
# A stronger outcome replaces a weaker one; "answered" is the default for a call with talk.
_OUTCOME_RANK = {
    "abandoned": 0,
    "answered": 1,
    "message": 2,
    "transferred": 3,
    "cancelled": 4,
    "changed": 4,
    "booked": 4,
}


@dataclass
class CallContext:
    profile: SalonProfile
    conn: sqlite3.Connection
    call_sid: str | None = None
    caller: str | None = None  # E.164 when known (personal data: never logged at INFO)
    called: str | None = None
    calendar: Any = None  # booking Calendar
    outbox: Any = None  # notify outbox helpers
    started_at: datetime | None = None
    intent: str | None = None
    outcome: str = "abandoned"
    tools_used: list[str] = field(default_factory=list)
    knowledge_gaps: list[str] = field(default_factory=list)
    turn_latencies: list[dict[str, float]] = field(default_factory=list)
    offered_slots: list[Any] = field(default_factory=list)
    transfer_requested: bool = False
    ended: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def note_intent(self, intent: str) -> None:
        """Keep the most specific intent seen: other < question < booking < change = cancel
        (a caller who asks a price and then books is a booking call)."""
        if intent not in INTENTS:
            intent = "other"
        if self.intent is None or _INTENT_RANK[intent] > _INTENT_RANK[self.intent]:
            self.intent = intent

    def set_outcome(self, outcome: str) -> None:
        if _OUTCOME_RANK.get(outcome, 0) >= _OUTCOME_RANK.get(self.outcome, 0):
            self.outcome = outcome

    def used_tool(self, name: str) -> None:
        self.tools_used.append(name)

    def record_gap(self, question: str) -> None:
        question = question.strip()
        if question and question not in self.knowledge_gaps:
            self.knowledge_gaps.append(question)
