"""Opening and finishing a call: back-ends, greeting, call record, transcript e-mail.

Shared by the LiveKit worker and the text mode so both run the same call lifecycle.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import uuid
from datetime import datetime
from typing import Any

from livekit.agents import AgentSession, llm
from livekit.agents.voice.events import ConversationItemAddedEvent, ErrorEvent

from agent import persona
from agent.call_context import CallContext
from agent.messaging import code_sender, drain_soon
from records.store import CallRecords
from records.types import CallRecord, TakenMessage, TranscriptLine, TurnMetrics
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
    channel: str = "phone",
    calendar: Any = None,
    outbox: Any = None,
) -> CallContext:
    """A `CallContext` with the calendar (Cal.com or embedded) and the outbox from settings."""
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
        started_at=profile.now(),
    )
    call.extra["channel"] = channel
    call.extra["call_id"] = call_sid or f"{channel}-{uuid.uuid4().hex[:12]}"
    try:  # a row from the first second, so a crashed worker still leaves a trace
        records = CallRecords(conn=conn)
        call.extra["records"] = records
        call.extra["record_id"] = records.start_call(
            call_sid=call_sid, caller=call.caller, called=called
        )
    except Exception:
        logger.exception("could not start the call record")
    return call


def greeting_for(call: CallContext, now: datetime | None = None) -> str:
    return persona.greeting(call.profile, now or call.profile.now())


def transcript_of(session: AgentSession) -> list[tuple[str, str]]:
    """`(speaker, text)` pairs, speaker "caller" or "agent", from the session history."""
    out: list[tuple[str, str]] = []
    for item in session.history.items:
        if isinstance(item, llm.ChatMessage) and item.role in ("user", "assistant"):
            text = item.text_content or ""
            if text.strip():
                out.append(("caller" if item.role == "user" else "agent", text))
    return out


LATENCY_KEYS = (
    "e2e_latency",
    "llm_node_ttft",
    "tts_node_ttfb",
    "end_of_turn_delay",
    "on_user_turn_completed_delay",
)


def latency_of(*messages: llm.ChatMessage) -> dict[str, float]:
    """LiveKit's per-turn latency numbers (seconds) from the user and assistant messages."""
    out: dict[str, float] = {}
    for message in messages:
        metrics: dict[str, Any] = dict(message.metrics or {})
        out.update(
            {k: float(metrics[k]) for k in LATENCY_KEYS if isinstance(metrics.get(k), int | float)}
        )
    return out


def watch_session(call: CallContext, session: AgentSession) -> None:
    """Collect per-turn latency metrics into the call as the conversation goes."""
    last_user: list[llm.ChatMessage] = []

    def on_item(ev: ConversationItemAddedEvent) -> None:
        item = ev.item
        if not isinstance(item, llm.ChatMessage):
            return
        if item.role == "user":
            last_user[:] = [item]
        elif item.role == "assistant":
            latency = latency_of(*last_user, item)
            last_user.clear()
            if "e2e_latency" in latency:
                call.turn_latencies.append(latency)

    session.on("conversation_item_added", on_item)

    def on_error(ev: ErrorEvent) -> None:
        error = ev.error
        if getattr(error, "type", "") != "llm_error" or error.recoverable:
            return
        if call.extra.get("llm_down"):
            return
        call.extra["llm_down"] = True
        logger.error("language model unavailable; apologising to the caller")
        can_transfer = bool(call.call_sid and call.profile.transfer_number)
        handle = session.say(
            LLM_DOWN + (LLM_DOWN_TRANSFER if can_transfer else LLM_DOWN_CALL_BACK),
            allow_interruptions=False,
        )
        if can_transfer:
            task = asyncio.create_task(_transfer_after(call, handle))
            _background.add(task)
            task.add_done_callback(_background.discard)

    session.on("error", on_error)


LLM_DOWN = "Excusez-moi, je rencontre un problème technique."
LLM_DOWN_TRANSFER = " Je vous passe quelqu'un du salon."
LLM_DOWN_CALL_BACK = (
    " Pouvez-vous rappeler le salon dans quelques minutes ? Merci de votre patience."
)
_background: set[asyncio.Task[None]] = set()


async def _transfer_after(call: CallContext, handle: Any) -> None:
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
        transcript = transcript_of(session)
        if transcript and call.outcome == "abandoned" and any(s == "caller" for s, _ in transcript):
            call.set_outcome("answered")
        if call.intent is None:
            call.note_intent("other")
        _save_record(call, transcript)
        await _email_transcript(call, transcript)
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


def build_record(call: CallContext, transcript: list[tuple[str, str]]) -> CallRecord:
    """The call record from what the call collected."""
    messages = [
        TakenMessage(
            text=m["message"], caller_name=m.get("name"), callback_number=m.get("callback")
        )
        for m in call.extra.get("messages", [])
    ]
    record = CallRecord(
        call_sid=call.call_sid,
        started_at=call.started_at or call.profile.now(),
        caller=call.caller,
        called=call.called,
        ended_at=call.profile.now(),
        intent=call.intent,
        outcome=call.outcome,
        transcript=[TranscriptLine(role=role, text=text) for role, text in transcript],
        tools_used=list(call.tools_used),
        knowledge_gaps=list(call.knowledge_gaps),
        metrics=[TurnMetrics.from_report(m) for m in call.turn_latencies],
        messages=messages,
    )
    if call.extra.get("record_id"):
        record.id = int(call.extra["record_id"])
    return record


def _save_record(call: CallContext, transcript: list[tuple[str, str]]) -> None:
    records = call.extra.get("records") or CallRecords(conn=call.conn)
    record = build_record(call, transcript)
    records.save(record)
    call.extra["record"] = record


async def _email_transcript(call: CallContext, transcript: list[tuple[str, str]]) -> None:
    """The optional end-of-call e-mail (`TRANSCRIPT_EMAIL`, else the salon's address)."""
    record = call.extra.get("record")
    if call.outbox is None or not transcript or record is None:
        return
    from records.report import queue_transcript_email

    queued = await queue_transcript_email(
        call.outbox,
        record=record,
        profile=call.profile,
        call_id=str(call.extra.get("call_id")),
    )
    if queued is None:
        return
    drain_soon(call.outbox)
