"""Everything one call carries: who calls, the back-ends, and what happened so far.

A `CallContext` is the session's `userdata`: tools reach it through
`RunContext.userdata`, the receptionist through `self.session.userdata`. It collects the
intent, the outcome, the tools used, the knowledge gaps and the messages that end up in
the call record when the call finishes. Every field is typed: the back-ends are the
`booking.Calendar` protocol and the `notify` outbox, never `Any`, and there is no
string-keyed bag for what every call carries.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from agent.config import AgentSettings
from agent.filler import FillerState
from booking.calendar import Booking, Calendar, Slot
from notify.outbox import Outbox
from records.store import CallRecords
from records.types import CallRecord, TakenMessage
from salon.profile import SalonProfile, Service

logger = logging.getLogger("agent")

INTENTS = ("booking", "change", "cancel", "question", "other")
_INTENT_RANK = {"other": 0, "question": 1, "booking": 2, "change": 3, "cancel": 3}
# A stronger outcome replaces a weaker one; "answered" is the default for a call with talk.
_OUTCOME_RANK = {
    "abandoned": 0,
    "answered": 1,
    "failed": 2,  # the agent broke down (see `CallContext.failure`); anything done wins
    "message": 3,
    "transferred": 4,
    "cancelled": 5,
    "changed": 5,
    "booked": 5,
}


CallChannel = Literal["phone", "chat"]


@dataclass
class BookingSearch:
    """The caller's last search for their appointment: the name and day they gave, and,
    when nothing was proven theirs, `handle`: the uid of a booking that may be theirs, or
    a random one when nothing matched (the two must look alike). It stays here, server
    side, for the code: no uid, time or service of it ever reaches the model."""

    name: str
    day: date | None
    handle: str | None = None


@dataclass
class CallContext:
    """One call's state. Back-ends and the call record's store are None when absent."""

    profile: SalonProfile
    conn: sqlite3.Connection
    call_sid: str | None = None
    caller: str | None = None  # E.164 when known (personal data: never logged at INFO)
    called: str | None = None
    calendar: Calendar | None = None
    outbox: Outbox | None = None
    settings: AgentSettings = field(default_factory=AgentSettings)  # the process's, read once
    channel: CallChannel = "phone"
    call_id: str = ""  # the CallSid, or "<channel>-<random>": dedupes the call's e-mails
    records: CallRecords | None = None  # the store the call record is written to
    record_id: int | None = None  # its row, started when the call opens
    record: CallRecord | None = None  # the saved record, once the call has finished
    started_at: datetime | None = None
    intent: str | None = None
    outcome: str = "abandoned"
    tools_used: list[str] = field(default_factory=list)
    knowledge_gaps: list[str] = field(default_factory=list)
    service: Service | None = None  # the (first) service of the slots last offered
    visit: tuple[Service, ...] = ()  # every service of the visit last searched, in order
    stylist_asked: str | None = None  # the stylist id the caller asked for, if any
    offered_slots: list[Slot] = field(default_factory=list)
    found_bookings: list[Booking] = field(default_factory=list)  # proven theirs, numbered
    search: BookingSearch | None = None  # the last find_my_appointment, for the code path
    messages: list[TakenMessage] = field(default_factory=list)  # taken for the salon
    transfer_requested: bool = False
    llm_down: bool = False  # the caller already heard the "technical problem" apology
    failure: str | None = None  # why the agent could not carry the call, for the record
    lines_saved: int = 0  # transcript lines saved as the call goes (`calls.save_line_soon`)
    line_writes: set[asyncio.Task[None]] = field(default_factory=set)  # those in flight
    filler: FillerState = field(default_factory=FillerState)  # lines said while tools wait
    ended: bool = False

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
