"""Integration tests of POST /voice: the Flask app with the REAL livekit-api client talking
to the local LiveKit Twirp stub on 127.0.0.1 (binary protobuf, JWT checked)."""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from salon.measure import free_port
from tests.stubs.livekit_twirp import LiveKitStub
from tests.webhook.conftest import (
    API_KEY,
    API_SECRET,
    PROFILE,
    PUBLIC,
    AppFactory,
    call_form,
    new_call_sid,
    post_signed,
)

pytestmark = pytest.mark.integration


def test_a_signed_call_dispatches_the_agent_and_bridges_over_sip(
    client: FlaskClient, stub: LiveKitStub
) -> None:
    sid = new_call_sid()
    response = post_signed(client, "/voice", call_form(sid))
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    body = response.get_data(as_text=True)
    assert f"sip:{sid}@abc123.sip.livekit.cloud;transport=tcp</Sip>" in body
    assert 'username="salon"' in body and 'password="s3cret&amp;pass"' in body
    assert f'action="{PUBLIC}/dial-done"' in body
    [dispatch] = stub.state.dispatches
    assert dispatch.agent_name == "salon-receptionist"
    assert dispatch.room == sid
    assert json.loads(dispatch.metadata) == {
        "call_sid": sid,
        "from": "+33612345678",
        "to": "+33478421890",
    }


def test_a_retried_webhook_for_the_same_call_does_not_dispatch_twice(
    client: FlaskClient, stub: LiveKitStub
) -> None:
    form = call_form()
    first = post_signed(client, "/voice", form)
    second = post_signed(client, "/voice", form)
    assert first.status_code == second.status_code == 200
    assert first.get_data() == second.get_data()
    assert len(stub.state.dispatches) == 1


def test_concurrent_webhooks_for_the_same_call_dispatch_once(
    make_app: AppFactory, stub: LiveKitStub
) -> None:
    stub.delay = 0.2
    app = make_app()
    form = call_form()
    bodies: list[bytes] = []

    def call() -> None:
        bodies.append(post_signed(app.test_client(), "/voice", form).get_data())

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(stub.state.dispatches) == 1
    assert len(set(bodies)) == 1 and b"<Sip" in bodies[0]


def test_the_stream_transport_uses_the_twilio_connector(
    make_app: AppFactory, stub: LiveKitStub
) -> None:
    client = make_app(transport="stream", sip_host=None).test_client()
    sid = new_call_sid()
    response = post_signed(client, "/voice", call_form(sid))
    body = response.get_data(as_text=True)
    assert f'<Stream url="wss://twilio-connector.stub.invalid/{sid}" /></Connect>' in body
    assert f'<Connect action="{PUBLIC}/dial-done" method="POST">' in body
    [connect] = stub.state.twilio_connects
    assert connect.room_name == sid
    assert [a.agent_name for a in connect.agents] == ["salon-receptionist"]
    assert json.loads(connect.agents[0].metadata)["from"] == "+33612345678"
    assert stub.state.dispatches == []  # the connector dispatches the agent itself
    again = post_signed(client, "/voice", call_form(sid))
    assert again.get_data(as_text=True) == body
    assert len(stub.state.twilio_connects) == 1


def _assert_human_fallback(body: str) -> None:
    assert "<Dial" in body and "+33612457890</Dial>" in body  # transfer_number of salon.toml
    assert "Maison Margaux Coiffure" in body
    assert 'language="fr-FR"' in body
    assert "<Sip" not in body and "<Stream" not in body


def test_a_slow_livekit_gets_the_human_fallback_within_the_budget(
    client: FlaskClient, stub: LiveKitStub
) -> None:
    # The budget is 1 s in the test settings. Had the call waited for the stub, the
    # dispatch would have succeeded after 5 s and the answer would be a SIP bridge.
    stub.delay = 5.0
    response = post_signed(client, "/voice", call_form())
    assert response.status_code == 200
    _assert_human_fallback(response.get_data(as_text=True))
    assert stub.state.dispatches == []


@pytest.mark.parametrize("status", [500, 503, 401])
def test_a_failing_livekit_gets_the_human_fallback(
    client: FlaskClient, stub: LiveKitStub, status: int
) -> None:
    stub.fail_status = status
    response = post_signed(client, "/voice", call_form())
    assert response.status_code == 200
    _assert_human_fallback(response.get_data(as_text=True))


def test_an_absent_livekit_gets_the_human_fallback(make_app: AppFactory) -> None:
    client = make_app(livekit_url=f"http://127.0.0.1:{free_port()}").test_client()
    response = post_signed(client, "/voice", call_form())
    assert response.status_code == 200
    _assert_human_fallback(response.get_data(as_text=True))


def test_a_wrong_livekit_secret_is_refused_by_the_stub_and_falls_back(
    make_app: AppFactory, stub: LiveKitStub
) -> None:
    client = make_app(livekit_api_secret="not-the-right-secret-0123456789abcdef").test_client()
    response = post_signed(client, "/voice", call_form())
    _assert_human_fallback(response.get_data(as_text=True))
    assert stub.state.rejected == ["unauthenticated"]
    assert stub.state.dispatches == []


def test_without_livekit_settings_every_call_gets_the_fallback(
    make_app: AppFactory, stub: LiveKitStub
) -> None:
    client = make_app(livekit_url=None, livekit_api_key=None).test_client()
    response = post_signed(client, "/voice", call_form())
    _assert_human_fallback(response.get_data(as_text=True))
    assert stub.state.requests == 0


def test_the_sip_route_without_a_sip_host_falls_back_without_dispatching(
    make_app: AppFactory, stub: LiveKitStub
) -> None:
    client = make_app(sip_host=None).test_client()
    response = post_signed(client, "/voice", call_form())
    _assert_human_fallback(response.get_data(as_text=True))
    assert stub.state.requests == 0


def test_a_salon_without_transfer_number_speaks_its_phone_and_hours(
    make_app: AppFactory, stub: LiveKitStub, tmp_path
) -> None:
    profile = tmp_path / "salon.toml"
    original = (make_app().extensions["salon_webhook"].profile.source).read_text("utf-8")
    profile.write_text(
        "\n".join(line for line in original.splitlines() if "transfer_number" not in line),
        encoding="utf-8",
    )
    stub.fail_status = 500
    client = make_app(salon_profile=profile).test_client()
    # dialled on another of the salon's numbers (its own is not read back to a caller who
    # just dialled it: tests/webhook/test_fallback_hours.py)
    body = post_signed(client, "/voice", call_form(To="+33186950000")).get_data(as_text=True)
    assert "<Dial" not in body
    assert "04 78 42 18 90" in body
    assert "le samedi de 9 heures à 18 heures" in body
    assert "<Hangup />" in body


def test_an_unreadable_profile_still_answers_a_french_message(
    make_app: AppFactory, stub: LiveKitStub, tmp_path
) -> None:
    stub.fail_status = 500
    client = make_app(salon_profile=tmp_path / "missing.toml").test_client()
    response = post_signed(client, "/voice", call_form())
    assert response.status_code == 200
    assert "Merci de rappeler" in response.get_data(as_text=True)


def test_an_unexpected_error_answers_the_fallback_not_a_5xx(
    client: FlaskClient, stub: LiveKitStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = client.application.extensions["salon_webhook"].calls

    def broken(**_: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(calls, "claim", broken)
    response = post_signed(client, "/voice", call_form())
    assert response.status_code == 200
    _assert_human_fallback(response.get_data(as_text=True))
    assert stub.state.dispatches == []


def test_phone_numbers_are_not_logged_in_plain_text(
    client: FlaskClient, stub: LiveKitStub, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    post_signed(client, "/voice", call_form())
    stub.fail_status = 500
    post_signed(client, "/voice", call_form())
    assert caplog.records, "the webhook should log the calls"
    for record in caplog.records:
        text = record.getMessage() + " " + " ".join(str(v) for v in vars(record).values())
        assert "+33612345678" not in text
        assert "Élodie" not in text
    assert any(getattr(r, "from_masked", "") == "+336******78" for r in caplog.records)


def test_a_retry_after_a_fallback_answers_the_fallback_again_without_dispatching(
    client: FlaskClient, stub: LiveKitStub
) -> None:
    stub.fail_status = 503
    form = call_form()
    first = post_signed(client, "/voice", form)
    stub.fail_status = None
    second = post_signed(client, "/voice", form)
    assert first.get_data() == second.get_data()
    _assert_human_fallback(second.get_data(as_text=True))
    assert stub.state.requests == 1 and stub.state.dispatches == []


async def test_a_dispatch_on_the_servers_own_loop_thread_fails_instead_of_blocking(
    stub: LiveKitStub,
) -> None:
    import asyncio

    from webhook.dispatch import DispatchFailed, LiveKitDispatcher

    dispatcher = LiveKitDispatcher(
        url=stub.url,
        api_key="k",
        api_secret="s",
        agent_name="salon-receptionist",
        transport="sip",
        timeout=1.0,
    )
    dispatcher.use_loop(asyncio.get_running_loop())
    with pytest.raises(DispatchFailed, match="own thread"):
        dispatcher.dispatch(call_sid=new_call_sid(), caller="+33612345678", callee="+33478421890")
    assert stub.state.requests == 0
    await dispatcher.aclose()


def test_a_stalled_dispatch_loop_times_out_and_the_call_is_never_claimed(
    stub: LiveKitStub, tmp_path
) -> None:
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from webhook.call_log import CallLog
    from webhook.dispatch import DispatchFailed, LiveKitDispatcher

    stalled = asyncio.new_event_loop()  # never runs while the view waits
    dispatcher = LiveKitDispatcher(
        url=stub.url,
        api_key=API_KEY,
        api_secret=API_SECRET,
        agent_name="salon-receptionist",
        transport="sip",
        timeout=0.05,
    )
    dispatcher.use_loop(stalled)
    calls = CallLog(db_path=tmp_path / "salon.db")
    call_sid = new_call_sid()
    with ThreadPoolExecutor(1) as pool:  # as a Hypercorn worker thread
        waiting = pool.submit(
            dispatcher.dispatch_once,
            calls=calls,
            call_sid=call_sid,
            caller="+33612345678",
            caller_masked="+336******78",
            callee="+33478421890",
            transport="sip",
        )
        with pytest.raises(DispatchFailed) as failed:
            waiting.result(timeout=10)
    assert failed.value.reason == "timeout"
    stalled.run_until_complete(asyncio.sleep(0.01))  # the loop wakes up: start, then cancel
    assert calls.get(call_sid=call_sid) is None
    assert stub.state.requests == 0
    stalled.close()


def test_the_fallback_follows_a_transfer_number_the_owner_changed_without_a_restart(
    make_app: AppFactory, tmp_path: Path
) -> None:
    import os

    profile = tmp_path / "salon.toml"
    profile.write_text(PROFILE.read_text(encoding="utf-8"), encoding="utf-8")
    client = make_app(
        livekit_url=f"http://127.0.0.1:{free_port()}", salon_profile=profile
    ).test_client()
    first = post_signed(client, "/voice", call_form()).get_data(as_text=True)
    assert "+33612457890</Dial>" in first
    profile.write_text(
        profile.read_text(encoding="utf-8").replace("+33612457890", "+33698765432"),
        encoding="utf-8",
    )
    stat = profile.stat()
    os.utime(profile, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    second = post_signed(client, "/voice", call_form()).get_data(as_text=True)
    assert "+33698765432</Dial>" in second


def test_an_unreadable_profile_is_logged_once_not_on_every_call(
    make_app: AppFactory, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = tmp_path / "salon.toml"
    broken.write_text("[salon\nname = ", encoding="utf-8")
    client = make_app(
        livekit_url=f"http://127.0.0.1:{free_port()}", salon_profile=broken
    ).test_client()
    with caplog.at_level(logging.ERROR, logger="webhook"):
        for _ in range(3):
            response = post_signed(client, "/voice", call_form())
            assert response.status_code == 200 and "<Say" in response.get_data(as_text=True)
    unreadable = [r for r in caplog.records if "profile unreadable" in r.getMessage()]
    assert len(unreadable) == 1 and not unreadable[0].exc_info
