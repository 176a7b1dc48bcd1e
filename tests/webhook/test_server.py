"""Integration test: the real Hypercorn server (`python -m webhook.serve`, what
`scripts/webhook` runs) on loopback, receiving signed requests over HTTP, with the
LiveKit Twirp stub behind it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from salon.measure import free_port
from tests.stubs.livekit_twirp import LiveKitStub, StubState
from tests.webhook.conftest import (
    API_KEY,
    API_SECRET,
    AUTH_TOKEN,
    PROFILE,
    call_form,
    new_call_sid,
    sign,
)

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def server_stub() -> Iterator[LiveKitStub]:
    with LiveKitStub(api_key=API_KEY, api_secret=API_SECRET) as running:
        yield running


@pytest.fixture
def stub(server_stub: LiveKitStub) -> LiveKitStub:
    """The module's stub, with its knobs reset for each test."""
    server_stub.delay, server_stub.fail_status = 0.0, None
    server_stub.state = StubState()
    return server_stub


@pytest.fixture(scope="module")
def server(server_stub: LiveKitStub, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One real server for the module (starting one takes about a second)."""
    stub = server_stub
    tmp_path = tmp_path_factory.mktemp("webhook-server")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "PUBLIC_BASE_URL": "",
        "TELEPHONY_TRANSPORT": "sip",
        "LIVEKIT_URL": stub.url,
        "LIVEKIT_API_KEY": API_KEY,
        "LIVEKIT_API_SECRET": API_SECRET,
        "LIVEKIT_SIP_HOST": "abc123.sip.livekit.cloud",
        "LIVEKIT_SIP_USERNAME": "salon",
        "LIVEKIT_SIP_PASSWORD": "s3cret",
        "LIVEKIT_DISPATCH_TIMEOUT": "1",
        "SALON_DB": str(tmp_path / "salon.db"),
        "SALON_PROFILE": str(PROFILE),
    }
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "webhook.serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((tmp_path / "server.log").read_text())
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()


def _post(base: str, path: str, form: dict[str, str], signature: str | None) -> httpx.Response:
    headers = {"X-Twilio-Signature": signature} if signature else {}
    return httpx.post(base + path, data=form, headers=headers, timeout=10)


def test_the_real_server_dispatches_a_signed_call_and_refuses_a_forged_one(
    server: str, stub: LiveKitStub
) -> None:
    sid = new_call_sid()
    form = call_form(sid)
    ok = _post(server, "/voice", form, sign(server + "/voice", form))
    assert ok.status_code == 200
    assert ok.headers["content-type"].startswith("text/xml")
    assert f"sip:{sid}@abc123.sip.livekit.cloud" in ok.text
    assert f'action="{server}/dial-done"' in ok.text
    forged = _post(server, "/voice", call_form(), sign(server + "/voice", form, "bad-token"))
    assert forged.status_code == 403
    assert [d.room for d in stub.state.dispatches] == [sid]


def test_the_real_server_answers_the_fallback_when_livekit_is_slow(
    server: str, stub: LiveKitStub
) -> None:
    stub.delay = 5.0  # the budget is 1 s: waiting for the stub would end in a SIP bridge
    form = call_form()
    response = _post(server, "/voice", form, sign(server + "/voice", form))
    assert response.status_code == 200
    # the human fallback (it rings the human only while the salon is open, which the real
    # clock decides here: tests/webhook/test_fallback_hours.py fixes the time)
    assert "Maison Margaux Coiffure" in response.text and "<Sip" not in response.text
    assert stub.state.dispatches == []


def test_the_real_server_refuses_an_oversized_body(server: str, stub: LiveKitStub) -> None:
    form = call_form(Padding="x" * 200_000)
    response = _post(server, "/voice", form, sign(server + "/voice", form))
    assert response.status_code == 413
    assert stub.state.requests == 0
