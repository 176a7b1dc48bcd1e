"""Integration tests of /dial-done (hang up or forward to a human), /status and /healthz."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from records import transfers
from salon import state_db
from tests.stubs.livekit_twirp import LiveKitStub
from tests.webhook.conftest import call_form, new_call_sid, post_signed

pytestmark = pytest.mark.integration


def _dial_done(client: FlaskClient, sid: str, status: str) -> str:
    form = call_form(sid, DialCallStatus=status, DialCallSid="CA" + "1" * 32)
    response = post_signed(client, "/dial-done", form)
    assert response.status_code == 200
    return str(response.get_data(as_text=True))


def test_a_bridged_call_that_ends_normally_is_hung_up(client: FlaskClient) -> None:
    sid = new_call_sid()
    post_signed(client, "/voice", call_form(sid))
    body = _dial_done(client, sid, "completed")
    assert "<Hangup />" in body and "<Dial" not in body


def test_a_transfer_requested_by_the_agent_forwards_to_the_human_number(
    client: FlaskClient, settings
) -> None:
    sid = new_call_sid()
    post_signed(client, "/voice", call_form(sid))
    agent_conn = state_db.connect(settings.salon_db)  # the agent process, same SALON_DB
    transfers.request_transfer(agent_conn, call_sid=sid, reason="veut parler à Julie")
    body = _dial_done(client, sid, "completed")
    assert "<Dial" in body and "+33612457890</Dial>" in body
    assert "Je vous mets en relation" in body
    other = new_call_sid()
    assert "<Hangup />" in _dial_done(client, other, "completed")


@pytest.mark.parametrize("status", ["busy", "no-answer", "failed"])
def test_a_bridge_that_never_connected_falls_back_to_the_human(
    client: FlaskClient, status: str
) -> None:
    body = _dial_done(client, new_call_sid(), status)
    assert "+33612457890</Dial>" in body


def test_status_callbacks_are_recorded_in_the_state_db(
    client: FlaskClient, stub: LiveKitStub
) -> None:
    sid = new_call_sid()
    post_signed(client, "/voice", call_form(sid))
    for sequence, (status, duration) in enumerate([("in-progress", None), ("completed", "42")]):
        extra = {"CallStatus": status, "SequenceNumber": str(sequence)}
        if duration:
            extra["CallDuration"] = duration
        response = post_signed(client, "/status", call_form(sid, **extra))
        assert response.status_code == 200  # with a body: a bodiless 204 broke under Hypercorn
        assert response.get_data(as_text=True).endswith("<Response />")
    calls = client.application.extensions["salon_webhook"].calls
    assert calls.events(call_sid=sid) == [("in-progress", None), ("completed", 42)]
    row = calls.get(call_sid=sid)
    assert row is not None and row.last_status == "completed" and row.state == "bridged"


def test_a_status_callback_without_call_status_is_a_bad_request(client: FlaskClient) -> None:
    form = call_form()
    del form["CallStatus"]
    assert post_signed(client, "/status", form).status_code == 400


def test_healthz_says_ok_without_a_signature(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert re.fullmatch(r"[0-9a-f]{12}", body.pop("instance"))  # scripts/doctor compares it
    assert body == {
        "status": "ok",
        "transport": "sip",
        "livekit_configured": True,
        "profile_loaded": True,
    }


def test_the_cached_sip_bridge_is_identical_to_the_fully_rendered_one() -> None:
    from webhook import twiml

    args = {
        "sip_host": "abc.sip.livekit.cloud",
        "username": "u<s>",
        "password": 'p&"w',
        "action_url": "https://x.fr/dial-done?a=1&b=2",
    }
    for sid in ("CA" + "a" * 32, "CA" + "0123456789abcdef" * 2):
        assert twiml.sip_bridge_fast(call_sid=sid, **args) == twiml.sip_bridge(call_sid=sid, **args)
