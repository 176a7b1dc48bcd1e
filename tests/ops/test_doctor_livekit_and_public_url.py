"""Integration tier: the doctor's LiveKit check (Twirp stub, JWT checked) and its public-URL
check (the real webhook app served on 127.0.0.1, its `/healthz` instance id)."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from livekit import api
from werkzeug.serving import BaseWSGIServer, make_server

from ops.doctor.public_url import expected_instance
from tests.ops.conftest import doctor, problems_of
from tests.stubs.livekit_twirp import LiveKitStub
from webhook.app import create_app
from webhook.config import WebhookSettings
from webhook.sip_setup import ensure_sip_setup

pytestmark = pytest.mark.usefixtures("doctor_env")

KEY, SECRET = "APIdoctor", "doctor-secret-0123456789abcdef0123456789"
SIP_HOST = "doctor-test.sip.livekit.invalid"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def livekit(monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveKitStub]:
    with LiveKitStub(api_key=KEY, api_secret=SECRET) as stub:
        monkeypatch.setenv("LIVEKIT_URL", stub.url)
        monkeypatch.setenv("LIVEKIT_API_KEY", KEY)
        monkeypatch.setenv("LIVEKIT_API_SECRET", SECRET)
        monkeypatch.setenv("TELEPHONY_TRANSPORT", "sip")
        monkeypatch.setenv("LIVEKIT_SIP_HOST", SIP_HOST)
        monkeypatch.setenv("LIVEKIT_SIP_USERNAME", "salon-trunk")
        monkeypatch.setenv("LIVEKIT_SIP_PASSWORD", "long-random-password")
        yield stub


async def setup_sip(stub: LiveKitStub) -> None:
    lkapi = api.LiveKitAPI(stub.url, KEY, SECRET, failover=False)
    try:
        await ensure_sip_setup(lkapi, username="salon-trunk", password="long-random-password")
    finally:
        await lkapi.aclose()


async def test_livekit_is_ok_with_the_trunk_and_rule_setup_livekit_sip_creates(
    livekit: LiveKitStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    await setup_sip(livekit)
    looked_up: list[str] = []
    real = socket.getaddrinfo

    def recording(host: Any, *args: Any, **kwargs: Any) -> Any:
        looked_up.append(str(host))
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", recording)
    result = (await doctor())["LiveKit"]
    assert result.status == "ok", result
    assert result.detail == (
        "identifiants valides, 0 salle active (trunk SIP et règle « callee » en place)"
    )
    assert SIP_HOST not in looked_up  # never resolved: it may not resolve from here
    assert livekit.state.rejected == []


async def test_livekit_without_the_trunk_says_to_run_setup_livekit_sip(
    livekit: LiveKitStub,
) -> None:
    text = problems_of((await doctor())["LiveKit"])
    assert text == (
        "aucun trunk entrant LiveKit nommé salon-receptionist-inbound : "
        "lancez scripts/setup-livekit-sip"
    )


async def test_livekit_sip_settings_missing_are_each_named(
    livekit: LiveKitStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    await setup_sip(livekit)
    monkeypatch.setenv("LIVEKIT_SIP_HOST", "")
    monkeypatch.setenv("LIVEKIT_SIP_PASSWORD", "")
    problems = (await doctor())["LiveKit"].problems
    assert problems[0].startswith("TELEPHONY_TRANSPORT=sip demande LIVEKIT_SIP_HOST : ")
    assert problems[1].startswith(
        "TELEPHONY_TRANSPORT=sip demande LIVEKIT_SIP_USERNAME et LIVEKIT_SIP_PASSWORD"
    )


async def test_livekit_trunk_with_another_login_and_no_rule_are_named(
    livekit: LiveKitStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    await setup_sip(livekit)
    livekit.state.rules.clear()
    monkeypatch.setenv("LIVEKIT_SIP_USERNAME", "someone-else")
    problems = (await doctor())["LiveKit"].problems
    assert problems[0].startswith("le trunk entrant ST_")
    assert problems[0].endswith(
        "attend un autre identifiant que LIVEKIT_SIP_USERNAME : "
        "lancez scripts/setup-livekit-sip pour le mettre à jour"
    )
    assert problems[1].startswith("aucune règle de dispatch « callee » sur le trunk ST_")


async def test_livekit_stream_transport_needs_no_sip_trunk(
    livekit: LiveKitStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEPHONY_TRANSPORT", "stream")
    result = (await doctor())["LiveKit"]
    assert (result.status, result.detail) == (
        "ok",
        "identifiants valides, 0 salle active (transport stream)",
    )


async def test_livekit_refused_credentials_name_key_and_secret(
    livekit: LiveKitStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIVEKIT_API_SECRET", "not-the-secret-0123456789abcdef012345")
    text = problems_of((await doctor())["LiveKit"])
    assert text == (
        "LiveKit refuse LIVEKIT_API_KEY/LIVEKIT_API_SECRET (unauthenticated) : "
        "recopiez les deux depuis Settings > Keys du projet"
    )


async def test_livekit_half_configured_or_unreachable_is_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LIVEKIT_URL", "wss://salon.livekit.cloud")
    assert problems_of((await doctor())["LiveKit"]).startswith(
        "LIVEKIT_API_KEY et LIVEKIT_API_SECRET ne sont pas réglés alors que LIVEKIT_URL "
        "l'est : réglez-les aussi"
    )
    monkeypatch.setenv("LIVEKIT_URL", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.setenv("LIVEKIT_API_KEY", KEY)
    monkeypatch.setenv("LIVEKIT_API_SECRET", SECRET)
    assert problems_of((await doctor())["LiveKit"]).startswith(
        "impossible de joindre LIVEKIT_URL http://127.0.0.1:"
    )


# -------------------------------------------------------------------------- public URL


class Served:
    """A WSGI app on 127.0.0.1 whose URL is known before the app is built."""

    def __init__(self) -> None:
        self.app: Callable[..., Any] | None = None
        self.server: BaseWSGIServer = make_server("127.0.0.1", 0, self._call, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _call(self, environ: dict[str, Any], start_response: Any) -> Any:
        assert self.app is not None
        return self.app(environ, start_response)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def served() -> Iterator[Served]:
    server = Served()
    yield server
    server.close()


def webhook_app(*, public: str, profile: Path, tmp_path: Path) -> Any:
    settings = WebhookSettings(
        twilio_auth_token="doctor-token",
        public_base_url=public,
        salon_db=tmp_path / "webhook.db",
        salon_profile=profile,
    )
    return create_app(settings)


async def test_public_url_is_ok_when_it_reaches_this_salons_webhook(
    served: Served, doctor_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "5" * 32)
    monkeypatch.setenv("PUBLIC_BASE_URL", served.url)
    served.app = webhook_app(public=served.url, profile=doctor_env, tmp_path=tmp_path)
    result = (await doctor())["Public URL"]
    assert result.status == "ok", result
    assert result.detail == (
        f"{served.url}/healthz est bien le webhook de ce salon "
        f"(instance {expected_instance(served.url)})"
    )


async def test_healthz_shows_an_id_that_reveals_no_setting(
    served: Served, doctor_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sid = "AC" + "5" * 32
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", sid)
    app = webhook_app(public=served.url, profile=doctor_env, tmp_path=tmp_path)
    body = app.test_client().get("/healthz").get_json()
    assert body["instance"] == expected_instance(served.url)
    assert len(body["instance"]) == 12
    text = str(body)
    assert sid not in text and "Salon Doctor" not in text and "doctor-token" not in text


async def test_a_webhook_started_with_other_settings_is_caught(
    served: Served, doctor_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "6" * 32)  # another account's webhook
    served.app = webhook_app(public=served.url, profile=doctor_env, tmp_path=tmp_path)
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "5" * 32)
    monkeypatch.setenv("PUBLIC_BASE_URL", served.url)
    text = problems_of((await doctor())["Public URL"])
    assert text.startswith(f"{served.url} mène à un webhook lancé avec d'autres réglages ")
    assert "un vieux tunnel" in text and text.endswith("redémarrez-le")


async def test_something_else_at_the_public_url_is_caught(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    def other(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/html")])
        return [b"<h1>Welcome to nginx</h1>"]

    served.app = other
    monkeypatch.setenv("PUBLIC_BASE_URL", served.url)
    text = problems_of((await doctor())["Public URL"])
    assert text == (
        f"{served.url}/healthz a répondu HTTP 200 sans l'état du webhook : "
        "PUBLIC_BASE_URL mène à autre chose"
    )


async def test_a_dead_url_and_plain_http_outside_loopback_are_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dead = f"http://127.0.0.1:{closed_port()}"
    monkeypatch.setenv("PUBLIC_BASE_URL", dead)
    assert problems_of((await doctor())["Public URL"]).startswith(
        f"PUBLIC_BASE_URL {dead} ne répond pas ("
    )
    monkeypatch.setenv("PUBLIC_BASE_URL", "http://salon.example.fr")
    assert problems_of((await doctor())["Public URL"]) == (
        "PUBLIC_BASE_URL http://salon.example.fr est en http simple : Twilio a besoin de "
        "l'adresse https du tunnel ou du proxy"
    )


async def test_the_whole_report_runs_the_services_at_once(
    livekit: LiveKitStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    livekit.delay = 1.0  # every LiveKit call takes a second
    monkeypatch.setenv("TELEPHONY_TRANSPORT", "stream")
    monkeypatch.setenv("PUBLIC_BASE_URL", f"http://127.0.0.1:{closed_port()}")
    loop = asyncio.get_running_loop()
    started = loop.time()
    report = await doctor()
    assert report["LiveKit"].status == "ok" and report["Public URL"].status == "problem"
    assert loop.time() - started < 2.5
