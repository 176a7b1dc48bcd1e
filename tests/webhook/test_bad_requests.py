"""Integration tests: forged, replayed, altered, oversized and malformed requests get a
clear status and never a dispatch (the LiveKit stub sees no request at all)."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient

from tests.stubs.livekit_twirp import LiveKitStub
from tests.webhook.conftest import AUTH_TOKEN, PUBLIC, call_form, post_signed, sign

pytestmark = pytest.mark.integration

TWILIO_PATHS = ["/voice", "/dial-done", "/status"]


def _nothing_happened(client: FlaskClient, stub: LiveKitStub, call_sid: str) -> None:
    assert stub.state.requests == 0
    assert client.application.extensions["salon_webhook"].calls.get(call_sid=call_sid) is None


@pytest.mark.parametrize("path", TWILIO_PATHS)
def test_a_forged_signature_is_rejected_and_nothing_is_dispatched(
    client: FlaskClient, stub: LiveKitStub, path: str
) -> None:
    form = call_form()
    response = post_signed(client, path, form, token="not-the-auth-token")
    assert response.status_code == 403
    _nothing_happened(client, stub, form["CallSid"])


@pytest.mark.parametrize("path", TWILIO_PATHS)
def test_a_missing_signature_is_rejected(client: FlaskClient, stub: LiveKitStub, path: str) -> None:
    form = call_form()
    response = client.post(path, data=form)
    assert response.status_code == 403
    _nothing_happened(client, stub, form["CallSid"])


@pytest.mark.parametrize(
    "signed_url",
    [
        f"{PUBLIC}/status",  # a genuine signature for another endpoint
        "https://other-salon.example.com/voice",  # another site's webhook
        "http://salon.example.ngrok.app/voice",  # the scheme changed (proxy pitfall)
        f"{PUBLIC}/voice?x=1",  # the query changed
    ],
)
def test_a_signature_replayed_from_another_url_is_rejected(
    client: FlaskClient, stub: LiveKitStub, signed_url: str
) -> None:
    form = call_form()
    response = post_signed(client, "/voice", form, signed_url=signed_url)
    assert response.status_code == 403
    _nothing_happened(client, stub, form["CallSid"])


@pytest.mark.parametrize(
    ("field", "value"),
    [("From", "+33699999999"), ("CallSid", "CA" + "f" * 32), ("Extra", "injected")],
)
def test_a_valid_signature_on_altered_parameters_is_rejected(
    client: FlaskClient, stub: LiveKitStub, field: str, value: str
) -> None:
    form = call_form()
    signature = sign(PUBLIC + "/voice", form)
    altered = {**form, field: value}
    response = client.post("/voice", data=altered, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403
    _nothing_happened(client, stub, altered["CallSid"])


@pytest.mark.parametrize("missing", ["CallSid", "From"])
def test_a_signed_call_without_call_sid_or_from_is_a_bad_request(
    client: FlaskClient, stub: LiveKitStub, missing: str
) -> None:
    form = call_form()
    del form[missing]
    response = post_signed(client, "/voice", form)
    assert response.status_code == 400
    assert missing in response.get_data(as_text=True)
    assert stub.state.requests == 0


@pytest.mark.parametrize("bad_sid", ["CA123", "../../etc", "CA" + "g" * 32, "sip:x@evil;a=b"])
def test_a_call_sid_that_is_not_a_twilio_sid_is_refused(
    client: FlaskClient, stub: LiveKitStub, bad_sid: str
) -> None:
    response = post_signed(client, "/voice", call_form(bad_sid))
    assert response.status_code == 400
    assert stub.state.requests == 0


def test_an_oversized_body_is_refused_before_any_dispatch(
    client: FlaskClient, stub: LiveKitStub
) -> None:
    form = call_form(Padding="x" * 100_000)  # MAX_CONTENT_LENGTH is 64 KiB
    response = post_signed(client, "/voice", form)
    assert response.status_code == 413
    _nothing_happened(client, stub, form["CallSid"])


@pytest.mark.parametrize("path", TWILIO_PATHS)
def test_get_on_a_twilio_endpoint_is_method_not_allowed(
    client: FlaskClient, stub: LiveKitStub, path: str
) -> None:
    assert client.get(path).status_code == 405
    assert stub.state.requests == 0


def test_a_json_body_is_an_unsupported_media_type(client: FlaskClient, stub: LiveKitStub) -> None:
    form = call_form()
    response = client.post(
        "/voice",
        data=json.dumps(form),
        content_type="application/json",
        headers={"X-Twilio-Signature": sign(PUBLIC + "/voice", form)},
    )
    assert response.status_code == 415
    _nothing_happened(client, stub, form["CallSid"])


def test_a_multipart_body_is_an_unsupported_media_type(
    client: FlaskClient, stub: LiveKitStub
) -> None:
    form = call_form()
    response = client.post(
        "/voice",
        data=form,
        content_type="multipart/form-data",
        headers={"X-Twilio-Signature": sign(PUBLIC + "/voice", form, AUTH_TOKEN)},
    )
    assert response.status_code == 415
    assert stub.state.requests == 0


def test_the_signature_is_checked_against_the_received_url_without_public_base_url(
    make_app, stub: LiveKitStub
) -> None:
    client = make_app(public_base_url=None).test_client()
    form = call_form()
    ok = post_signed(client, "/voice", form, signed_url="http://localhost/voice")
    assert ok.status_code == 200 and b"<Sip" in ok.get_data()
    refused = post_signed(client, "/voice", call_form(), signed_url=PUBLIC + "/voice")
    assert refused.status_code == 403
    assert len(stub.state.dispatches) == 1


def test_a_proxy_without_public_base_url_gets_a_hint_in_the_log(
    make_app, stub: LiveKitStub, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_app(public_base_url=None).test_client()
    form = call_form()
    response = client.post(
        "/voice",
        data=form,
        headers={
            "X-Twilio-Signature": sign(PUBLIC + "/voice", form),
            "X-Forwarded-Proto": "https",
        },
    )
    assert response.status_code == 403
    assert any("PUBLIC_BASE_URL" in r.getMessage() for r in caplog.records)
