"""TwiML answers: bridge the call into the LiveKit room, forward to a human, or hang up.

Built with twilio-python's `VoiceResponse`, so text and attributes are escaped for us.
"""

from __future__ import annotations

import functools

from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import Dial, VoiceResponse

SAY_LANGUAGE = "fr-FR"
SAY_VOICE = "Polly.Lea"  # a French (France) voice of Twilio's <Say>
HUMAN_RING_SECONDS = 25


def say(response: VoiceResponse, text: str) -> None:
    response.say(text, language=SAY_LANGUAGE, voice=SAY_VOICE)


def sip_bridge(
    *,
    call_sid: str,
    sip_host: str,
    username: str | None,
    password: str | None,
    action_url: str,
) -> str:
    """`<Dial action><Sip>sip:{CallSid}@{host};transport=tcp</Sip></Dial>`.

    LiveKit's single `dispatchRuleCallee` rule puts the SIP leg in the room named after
    the user part, i.e. the room the agent was dispatched to. When the bridge ends, Twilio
    POSTs `action_url` (`/dial-done`), which hangs up or forwards to a human.
    """
    response = VoiceResponse()
    dial = Dial(action=action_url, method="POST", answer_on_bridge=True)
    credentials = {}
    if username and password:
        credentials = {"username": username, "password": password}
    dial.sip(f"sip:{call_sid}@{sip_host};transport=tcp", **credentials)
    response.append(dial)
    return str(response)


_SID_MARK = "__CALL_SID__"


@functools.lru_cache(maxsize=16)
def _sip_bridge_template(
    sip_host: str, username: str | None, password: str | None, action_url: str
) -> str | None:
    rendered = sip_bridge(
        call_sid=_SID_MARK,
        sip_host=sip_host,
        username=username,
        password=password,
        action_url=action_url,
    )
    return rendered if rendered.count(_SID_MARK) == 1 else None


def sip_bridge_fast(
    *,
    call_sid: str,
    sip_host: str,
    username: str | None,
    password: str | None,
    action_url: str,
) -> str:
    """`sip_bridge`, rendered once per configuration and then filled with the CallSid.

    Only for a CallSid already checked to be `CA` + hex digits (nothing to escape).
    """
    template = _sip_bridge_template(sip_host, username, password, action_url)
    if template is None:
        return sip_bridge(
            call_sid=call_sid,
            sip_host=sip_host,
            username=username,
            password=password,
            action_url=action_url,
        )
    return template.replace(_SID_MARK, call_sid)


def stream_bridge(*, connect_url: str, action_url: str) -> str:
    """`<Connect action><Stream url=…/></Connect>`: the LiveKit Twilio connector's WebSocket.

    When the stream ends Twilio POSTs `action_url` (`/dial-done`), as for the SIP route,
    so a transfer the agent requested works the same way on both routes.
    """
    response = VoiceResponse()
    connect = response.connect(action=action_url, method="POST")
    connect.stream(url=connect_url)
    return str(response)


def dial_human(*, intro: str, number: str, after: str, action_url: str | None = None) -> str:
    """A French sentence, then a `<Dial>` to the human number.

    With `action_url` (`/transfer-done`), Twilio POSTs it when the `<Dial>` ends, with
    `DialCallStatus`, and plays its answer. Without one Twilio goes on with the next verb
    however the `<Dial>` ended (after a conversation too): then `after` follows it.
    """
    response = VoiceResponse()
    say(response, intro)
    if action_url:
        response.dial(number, action=action_url, method="POST", timeout=HUMAN_RING_SECONDS)
        return str(response)
    response.dial(number, timeout=HUMAN_RING_SECONDS)
    say(response, after)
    response.hangup()
    return str(response)


def message_only(*, text: str) -> str:
    """A spoken French message, then hang up."""
    response = VoiceResponse()
    say(response, text)
    response.hangup()
    return str(response)


def hangup() -> str:
    response = VoiceResponse()
    response.hangup()
    return str(response)


def empty() -> str:
    """`<Response />`: nothing to do (the answer to a status callback)."""
    return str(VoiceResponse())


def empty_messaging() -> str:
    """`<Response />` for a Messaging webhook: no reply from Twilio (ours go through the
    outbox)."""
    return str(MessagingResponse())
