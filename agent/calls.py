"""Opening and finishing a call: back-ends, greeting, call record, transcript e-mail.

Shared by the LiveKit worker and the text mode so both run the same call lifecycle.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import uuid
from datetime import datetime

from livekit.agents import AgentSession
from livekit.agents.voice import SpeechHandle
from livekit.agents.voice.events import ConversationItemAddedEvent, ErrorEvent

from agent import persona
from agent.background import spawn
from agent.call_context import CallChannel, CallContext
from agent.config import AgentSettings
from agent.llm_errors import failure_reason, quiet_provider_tracebacks
from agent.messaging import code_sender, drain_soon
from booking import Calendar
from booking.hours import is_open
from notify.outbox import Outbox
from records.store import CallRecords
from records.types import CallRecord, TranscriptLine, TurnMetrics, from_history
from salon.phone import to_e164
from salon.profile import SalonProfile

logger = logging.getLogger("agent")


def open_call(
    *,
    profile: SalonProfile,
    conn: sqlite3.Connection,
    caller: str | None,
    called: str | None = None,
    call_sid: str | None = None,
    channel: CallChannel = "phone",
    calendar: Calendar | None = None,
    outbox: Outbox | None = None,
    settings: AgentSettings | None = None,
) -> CallContext:
    """A `CallContext` with the calendar (Cal.com or embedded) and the outbox from settings.

    `settings` are the process's (`AgentSettings.from_env()` when not given)."""
    from booking import open_calendar
    from notify.service import outbox_from_settings

    if outbox is None:
        outbox = outbox_from_settings(profile=profile)
    if calendar is None:
        calendar = open_calendar(profile, db=conn, send_code=code_sender(outbox, profile))
    call = CallContext(
        profile=profile,
        conn=conn,
        call_sid=call_sid,
        caller=to_e164(caller) or (caller or "").strip() or None,
        called=called,
        calendar=calendar,
        outbox=outbox,
        settings=settings or AgentSettings.from_env(),
        channel=channel,
        call_id=call_sid or f"{channel}-{uuid.uuid4().hex[:12]}",
        started_at=profile.now(),
    )
    try:  # a row from the first second, so a crashed worker still leaves a trace
        call.records = CallRecords(conn=conn)
        call.record_id = call.records.start_call(
            call_sid=call_sid, caller=call.caller, called=called
        )
    except Exception:
        logger.exception("could not start the call record")
    return call


def greeting_for(call: CallContext, now: datetime | None = None) -> str:
    return persona.greeting(call.profile, now or call.profile.now())


def watch_session(call: CallContext, session: AgentSession) -> None:
    """When the language model fails for good, apologise once (and transfer if possible).

    The transcript and per-turn latencies are read from the session history when the
    call ends (`records.types.from_history`), not collected here. LiveKit's own
    traceback of the failure is dropped (`agent.llm_errors`): one line is logged, and
    the call record says "failed" with the reason."""
    quiet_provider_tracebacks()

    def on_error(ev: ErrorEvent) -> None:
        error = ev.error
        if getattr(error, "type", "") != "llm_error" or error.recoverable:
            return
        if call.llm_down:
            return
        call.llm_down = True
        call.failure = failure_reason(error.error)
        call.set_outcome("failed")
        logger.error("language model unavailable; apologising to the caller",
                     extra={"reason": call.failure})  # fmt: skip
        can_transfer = bool(
            call.call_sid
            and call.profile.transfer_number
            and is_open(call.profile, call.profile.now())  # nobody there at night
        )
        handle = session.say(
            LLM_DOWN + (LLM_DOWN_TRANSFER if can_transfer else LLM_DOWN_CALL_BACK),
            allow_interruptions=False,
        )
        if can_transfer:
            spawn(_transfer_after(call, handle), keep=_background, failure="transfer failed")

    session.on("error", on_error)

    def on_item(ev: ConversationItemAddedEvent) -> None:
        save_line_soon(call, ev.item)

    session.on("conversation_item_added", on_item)


def save_line_soon(call: CallContext, item: object) -> None:
    """Save one transcript line now, off the event loop: a worker killed mid-call still
    leaves what was said (`records.recovery` closes the call on the next start)."""
    store, call_id = call.records, call.record_id
    lines, _ = from_history([item])
    if store is None or call_id is None or not lines:
        return
    seq, call.lines_saved = call.lines_saved, call.lines_saved + 1
    spawn(  # a line lost here is saved with the whole transcript at the end
        asyncio.to_thread(store.append_line, call_id=call_id, seq=seq, line=lines[0]),
        keep=call.line_writes,
        failure="transcript line not saved",
    )


LLM_DOWN = "Excusez-moi, je rencontre un problème technique."
LLM_DOWN_TRANSFER = " Je vous passe quelqu'un du salon."
LLM_DOWN_CALL_BACK = (
    " Pouvez-vous rappeler le salon dans quelques minutes ? Merci de votre patience."
)
_background: set[asyncio.Task[None]] = set()


async def _transfer_after(call: CallContext, handle: SpeechHandle) -> None:
    from agent.telephony import transfer_call

    try:
        await handle.wait_for_playout()
        await transfer_call(call, reason="assistante en panne")
        call.set_outcome("transferred")
    except Exception:
        logger.exception("fallback transfer failed")


async def finish_call(call: CallContext, *, session: AgentSession) -> None:
    """Store the call record and queue the optional transcript e-mail; never raises."""
    try:
        if call.line_writes:  # lines saved as the call went: let them land first
            await asyncio.gather(*list(call.line_writes), return_exceptions=True)
        transcript, metrics = from_history(session.history.items)
        if call.outcome == "abandoned" and any(line.role == "caller" for line in transcript):
            call.set_outcome("answered")
        if call.intent is None:
            call.note_intent("other")
        call.record = build_record(call, transcript, metrics)
        (call.records or CallRecords(conn=call.conn)).save(call.record)
        await _email_transcript(call)
    except Exception:
        logger.exception("could not finish the call record")
    finally:
        calendar = call.calendar
        if calendar is not None:
            try:
                await calendar.aclose()
            except Exception:
                logger.warning("calendar close failed")


async def release_call(call: CallContext) -> None:
    """After `finish_call`: let queued sends finish, then close the outbox's clients and
    database connection (a long-running worker must not leak one per call)."""
    from agent.messaging import wait_for_background

    await wait_for_background()
    outbox = call.outbox
    if outbox is None:
        return
    try:
        await outbox.aclose()
        if outbox.conn is not call.conn:
            outbox.conn.close()
    except Exception:
        logger.warning("outbox close failed")


def build_record(
    call: CallContext, transcript: list[TranscriptLine], metrics: list[TurnMetrics]
) -> CallRecord:
    """The call record from what the call collected and the session's history."""
    return CallRecord(
        id=call.record_id,
        call_sid=call.call_sid,
        started_at=call.started_at or call.profile.now(),
        caller=call.caller,
        called=call.called,
        ended_at=call.profile.now(),
        intent=call.intent,
        outcome=call.outcome,
        transcript=transcript,
        tools_used=list(call.tools_used),
        knowledge_gaps=list(call.knowledge_gaps),
        metrics=metrics,
        messages=list(call.messages),
        failure=call.failure,
    )


async def _email_transcript(call: CallContext) -> None:
    """The optional end-of-call e-mail (`TRANSCRIPT_EMAIL`, else the salon's address)."""
    record = call.record
    if call.outbox is None or record is None or not record.transcript:
        return
    from records.report import queue_transcript_email

    queued = await queue_transcript_email(
        call.outbox,
        record=record,
        profile=call.profile,
        call_id=call.call_id,
    )
    if queued is None:
        return
    drain_soon(call.outbox)
