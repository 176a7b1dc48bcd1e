"""Opening and finishing a call: back-ends, greeting, call record, transcript e-mail.

Shared by the LiveKit worker and the text mode so both run the same call lifecycle.
"""

from __future__ import annotations

import logging
import sqlite3
import uuid
from datetime import datetime
from typing import Any

from livekit.agents import AgentSession, llm

from agent import _placeholders as persona
from agent.call_context import CallContext
from agent.messaging import code_sender, drain_soon
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
    from agent.booking import open_calendar
    from agent.notify.service import outbox_from_settings

    if outbox is None:
        outbox = outbox_from_settings(profile=profile)
    if calendar is None:
        calendar = open_calendar(profile, db=conn, send_code=code_sender(outbox, profile))
    call = CallContext(
        profile=profile,
        conn=conn,
        call_sid=call_sid,
        caller=_e164(caller),
        called=called,
        calendar=calendar,
        outbox=outbox,
        started_at=profile.now(),
    )
    call.extra["channel"] = channel
    call.extra["call_id"] = call_sid or f"{channel}-{uuid.uuid4().hex[:12]}"
    return call


def _e164(number: str | None) -> str | None:
    if not number:
        return None
    try:
        from agent.notify.phone import normalise

        return normalise(number)
    except Exception:
        return number.strip() or None


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


def latency_of(message: llm.ChatMessage) -> dict[str, float]:
    metrics: dict[str, Any] = dict(message.metrics or {})
    keys = ("e2e_latency", "llm_node_ttft", "tts_node_ttfb", "end_of_turn_delay")
    return {k: float(metrics[k]) for k in keys if isinstance(metrics.get(k), int | float)}


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


def _save_record(call: CallContext, transcript: list[tuple[str, str]]) -> None:
    logger.info(
        "call finished",
        extra={
            "intent": call.intent,
            "outcome": call.outcome,
            "tools": call.tools_used,
            "gaps": len(call.knowledge_gaps),
            "turns": len(transcript),
        },
    )


async def _email_transcript(call: CallContext, transcript: list[tuple[str, str]]) -> None:
    if call.outbox is None or not transcript or call.started_at is None:
        return
    from agent.notify.service import email_transcript

    summary = f"Intention : {call.intent or 'autre'}. Issue : {call.outcome}."
    if call.knowledge_gaps:
        summary += " Questions sans réponse : " + " ; ".join(call.knowledge_gaps)
    queued = await email_transcript(
        call.outbox,
        profile=call.profile,
        call_id=str(call.extra.get("call_id")),
        started_at=call.started_at,
        caller=call.caller,
        summary=summary,
        transcript=transcript,
    )
    if queued is not None:
        drain_soon(call.outbox)
