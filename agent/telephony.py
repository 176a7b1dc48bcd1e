"""Call control from inside a LiveKit job: hang up, hand the caller to a human.

A transfer is always recorded in the state db (`records.transfers.request_transfer`). When
Twilio REST credentials are set, the parent call is redirected at once with
`calls(sid).update(twiml=<Dial>…)` (works even when the webhook runs on another host, and
on the stream route); with `PUBLIC_BASE_URL` that `<Dial>`'s action is the webhook's
`/transfer-done`, which hangs up after the conversation or says that nobody answered
(without it, a `<Dial>` nobody answers ends the call in silence). Otherwise, or if that fails on the `<Dial><Sip>` route, the agent
leaves the room once it has spoken, the `<Dial>` ends, and the webhook's action callback
(`/dial-done`) reads the request and dials the human. Outside a LiveKit job (text mode,
tests) the hang-up does nothing.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from twilio.twiml.voice_response import VoiceResponse

from agent.background import spawn
from agent.call_context import CallContext
from agent.config import AgentSettings
from records import transfers

logger = logging.getLogger("agent")
HANGUP_GRACE_S = 0.5
_background: set[asyncio.Task[Any]] = set()


TRANSFER_DONE_PATH = "/transfer-done"  # the webhook's answer to the <Dial>'s end


def transfer_twiml(
    number: str, *, caller_id: str | None = None, action_url: str | None = None
) -> str:
    """`<Response><Dial callerId action>number</Dial></Response>`, escaped by twilio-python."""
    attributes: dict[str, str] = {}
    if caller_id:
        attributes["caller_id"] = caller_id
    if action_url:
        attributes.update(action=action_url, method="POST")
    response = VoiceResponse()
    response.dial(number, **attributes)
    return str(response)


async def transfer_call(call: CallContext, *, reason: str, context: Any = None) -> str:
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
    settings = call.settings
    if settings.twilio_configured:
        try:
            await _redirect_parent_call(
                call.call_sid, number, caller_id=call.called, settings=settings
            )
            return "twilio-rest"  # Twilio moves the caller; the SIP leg and room end by themselves
        except Exception as exc:
            if settings.transport != "sip":
                raise
            logger.warning(
                "Twilio REST transfer failed; falling back to the <Dial> action",
                extra={"error": repr(exc)},
            )
    elif settings.transport != "sip":
        raise RuntimeError("the stream route needs Twilio REST credentials to transfer")
    # the <Dial> ends when the agent leaves; its action URL (/dial-done) dials the human
    _schedule_hangup(context)
    return "dial-action"


async def _redirect_parent_call(
    call_sid: str, number: str, *, caller_id: str | None, settings: AgentSettings
) -> None:
    from notify.twilio_messages import close_twilio_client, make_twilio_client

    client = make_twilio_client(
        account_sid=settings.twilio_account_sid,
        auth_token=settings.twilio_auth_token,
        base_url=settings.twilio_api_base_url,
    )
    try:
        action = settings.public_base_url and settings.public_base_url + TRANSFER_DONE_PATH
        twiml = transfer_twiml(number, caller_id=caller_id, action_url=action or None)
        await client.calls(call_sid).update_async(twiml=twiml)
    finally:
        await close_twilio_client(client)


def _schedule_hangup(context: Any = None) -> None:
    async def run() -> None:
        if context is not None:
            await context.speech_handle.wait_for_playout()
        await asyncio.sleep(HANGUP_GRACE_S)
        from livekit.agents import get_job_context

        job = get_job_context(required=False)
        if job is None:
            return
        await job.delete_room()

    spawn(run(), keep=_background, failure="hang-up failed")


async def end_call_soon(context: Any) -> None:
    """Hang up once the goodbye has been spoken (deletes the room in a LiveKit job)."""
    _schedule_hangup(context)
