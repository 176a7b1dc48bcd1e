"""Integration tier: the Twilio stub and the real `twilio` client agree with Twilio's OpenAPI.

The stub checks each request and success response against
`../shared/specs/twilio_api_v2010.json` (CreateMessage, ListMessage, UpdateCall); these
tests show that the client's requests pass, that a malformed request is caught, and that
`TWILIO_API_BASE_URL` sends the real library to the stub.
"""

from __future__ import annotations

import base64

import httpx
import pytest

from notify.base import OutgoingMessage, SendError
from notify.twilio_messages import TwilioNotifier, close_twilio_client, make_twilio_client
from tests.notify.conftest import twilio_options
from tests.stubs.twilio import SPEC_PATH, TwilioStub, spec_available

needs_spec = pytest.mark.skipif(
    not spec_available(), reason=f"Twilio OpenAPI spec not found at {SPEC_PATH} (../shared absent)"
)


def _auth(stub: TwilioStub) -> dict[str, str]:
    token = base64.b64encode(f"{stub.account_sid}:{stub.auth_token}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@needs_spec
async def test_the_real_client_requests_and_stub_answers_match_the_spec(twilio: TwilioStub) -> None:
    assert twilio.validate
    notifier = TwilioNotifier(twilio_options(twilio))
    message = OutgoingMessage(channel="sms", to="+33612345678", body="Bonjour")
    sid = await notifier.send(message)
    assert await notifier.find_sent(message) == sid
    await notifier.aclose()
    assert [a["method"] for a in twilio.attempts] == ["POST", "GET"]
    assert twilio.violations == []


@needs_spec
async def test_a_request_without_to_is_flagged_and_answered_400(twilio: TwilioStub) -> None:
    url = f"{twilio.base_url}/2010-04-01/Accounts/{twilio.account_sid}/Messages.json"
    async with httpx.AsyncClient() as client:
        answer = await client.post(
            url, data={"Body": "x", "From": "MMargaux"}, headers=_auth(twilio)
        )
    assert answer.status_code == 400 and answer.json()["code"] == 21604
    assert len(twilio.violations) == 1 and "'To' is a required property" in twilio.violations[0]
    assert twilio.messages == []


@needs_spec
async def test_a_param_of_the_wrong_type_is_flagged(twilio: TwilioStub) -> None:
    url = f"{twilio.base_url}/2010-04-01/Accounts/{twilio.account_sid}/Messages.json"
    form = {"To": "+33612345678", "Body": "x", "From": "MMargaux", "ValidityPeriod": "soon"}
    async with httpx.AsyncClient() as client:
        answer = await client.post(url, data=form, headers=_auth(twilio))
    assert answer.status_code == 400
    assert len(twilio.violations) == 1 and "integer" in twilio.violations[0]
    assert twilio.messages == []


async def test_wrong_credentials_get_401_with_twilio_code_20003(twilio: TwilioStub) -> None:
    notifier = TwilioNotifier(twilio_options(twilio, auth_token="nope"))
    with pytest.raises(SendError) as caught:
        await notifier.send(OutgoingMessage(channel="sms", to="+33612345678", body="x"))
    await notifier.aclose()
    assert caught.value.not_configured and caught.value.code == 20003
    assert twilio.messages == []


async def test_twilio_api_base_url_points_the_real_client_at_the_stub_for_call_updates(
    twilio: TwilioStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", twilio.account_sid)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", twilio.auth_token)
    monkeypatch.setenv("TWILIO_API_BASE_URL", twilio.base_url)
    client = make_twilio_client()
    sid = "CA" + "0123456789abcdef" * 2
    twiml = "<Response><Dial>+33612457890</Dial></Response>"
    call = await client.calls(sid).update_async(twiml=twiml)
    await close_twilio_client(client)
    assert call.sid == sid and call.status == "in-progress"
    assert twilio.call_updates == [{"sid": sid, "Twiml": twiml}]
    assert twilio.violations == []


async def test_missing_twilio_credentials_name_the_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from salon.settings import MissingSetting

    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "")
    with pytest.raises(MissingSetting, match="TWILIO_ACCOUNT_SID"):
        make_twilio_client()


async def test_the_stub_injects_faults_in_order_then_answers_normally(twilio: TwilioStub) -> None:
    twilio.fail_next(status=429)
    twilio.fail_next(status=500)
    notifier = TwilioNotifier(twilio_options(twilio))
    message = OutgoingMessage(channel="sms", to="+33612345678", body="x")
    codes = []
    for _ in range(2):
        with pytest.raises(SendError) as caught:
            await notifier.send(message)
        codes.append((caught.value.code, caught.value.retryable))
    assert await notifier.send(message)
    await notifier.aclose()
    assert codes == [(20429, True), (20500, True)]
    assert len(twilio.messages) == 1


async def test_a_messaging_service_replaces_the_from_sender(twilio: TwilioStub) -> None:
    service = "MG" + "0123456789abcdef" * 2
    notifier = TwilioNotifier(twilio_options(twilio, messaging_service_sid=service))
    await notifier.send(OutgoingMessage(channel="sms", to="+33612345678", body="x"))
    await notifier.aclose()
    form = twilio.attempts[0]["form"]
    assert form["MessagingServiceSid"] == service and "From" not in form
    assert twilio.violations == []
