"""Call control from inside a LiveKit job: hang up, hand the caller to a human.

Transfers on the `<Dial><Sip>` route: the transfer request is recorded in the state db
(`salon.transfers.request_transfer`), read by the webhook's `<Dial action>` callback
(`/dial-done`) once the agent leaves the room; when Twilio REST credentials are set, the
parent call is also redirected at once with `calls(sid).update(twiml=<Dial>…)`, which
works even when the webhook runs on another host. Outside a LiveKit job (text mode,
tests) both only record what would happen.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from xml.sax.saxutils import escape

from agent.call_context import CallContext
from salon import settings, transfers

logger = logging.getLogger("agent")
HANGUP_GRACE_S = 0.5
_background: set[asyncio.Task[Any]] = set()


def transfer_twiml(number: str, *, caller_id: str | None = None) -> str:
    attr = f' callerId="{escape(caller_id)}"' if caller_id else ""
    return f"<Response><Dial{attr}>{escape(number)}</Dial></Response>"


def twilio_configured() -> bool:
    return bool(settings.get("TWILIO_ACCOUNT_SID") and settings.get("TWILIO_AUTH_TOKEN"))


async def transfer_call(call: CallContext, *, reason: str) -> str:
    """Move the caller to the salon's human number; returns the route used.

    Raises when the redirection cannot be made (the tool then offers a message).
    """
    number = call.profile.transfer_number
    if not number:
        raise RuntimeError("no transfer number in salon.toml")
    call.transfer_requested = True
    if not call.call_sid:
        logger.info("transfer requested outside a phone call; recorded only")
        return "recorded"
    transfers.request_transfer(call.conn, call_sid=call.call_sid, reason=reason)
    if twilio_configured():
        from agent.notify.twilio_messages import close_twilio_client, make_twilio_client

        client = make_twilio_client()
        try:
            await client.calls(call.call_sid).update_async(
                twiml=transfer_twiml(number, caller_id=call.called)
            )
        finally:
            await close_twilio_client(client)
        route = "twilio-rest"
    else:
        route = "dial-action"
    _schedule_hangup()
    return route


def _schedule_hangup(context: Any = None) -> None:
    async def run() -> None:
        try:
            if context is not None:
                await context.speech_handle.wait_for_playout()
            await asyncio.sleep(HANGUP_GRACE_S)
            from livekit.agents import get_job_context

            job = get_job_context(required=False)
            if job is None:
                return
            await job.delete_room()
        except Exception as exc:
            logger.warning("hang-up failed", extra={"error": repr(exc)})

    task = asyncio.create_task(run())
    _background.add(task)
    task.add_done_callback(_background.discard)


async def end_call_soon(context: Any) -> None:
    """Hang up once the goodbye has been spoken (deletes the room in a LiveKit job)."""
    _schedule_hangup(context)
