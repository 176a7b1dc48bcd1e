"""Unit tests of the webhook settings and of the lazily built `webhook.app:app`."""

from __future__ import annotations

import pytest
from flask import Flask

from salon.settings import MissingSetting
from webhook import app as app_module
from webhook.app import LazyApp
from webhook.config import WebhookSettings

pytestmark = pytest.mark.unit


def test_settings_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "tok")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://abcd.ngrok-free.app/")
    monkeypatch.setenv("TELEPHONY_TRANSPORT", "STREAM")
    monkeypatch.setenv("LIVEKIT_DISPATCH_TIMEOUT", "2.5")
    monkeypatch.setenv("WEBHOOK_RECEIVE_TIMEOUT", "2.5")
    cfg = WebhookSettings.from_env()
    assert cfg.route_limits.for_path("/voice").timeout_s == 2.5
    assert cfg.public_base_url == "https://abcd.ngrok-free.app"
    assert cfg.transport == "stream"
    assert cfg.dispatch_timeout == 2.5


def test_a_missing_auth_token_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "")
    with pytest.raises(MissingSetting) as missing:
        WebhookSettings.from_env()
    assert str(missing.value).startswith(
        "réglage manquant : TWILIO_AUTH_TOKEN (pour vérifier que les appels viennent bien de "
        "Twilio) ; ajoutez-le dans .env"
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "dispatch_timeout",
            3.5,
            "le réglage LIVEKIT_DISPATCH_TIMEOUT doit être un nombre de secondes entre 0 (exclu) "
            "et 3, pas 3.5",
        ),
        (
            "dispatch_timeout",
            0.0,
            "le réglage LIVEKIT_DISPATCH_TIMEOUT doit être un nombre de secondes entre 0 (exclu) "
            "et 3, pas 0.0",
        ),
        (
            "transport",
            "websocket",
            "le réglage TELEPHONY_TRANSPORT doit être sip ou stream, pas 'websocket'",
        ),
        (
            "public_base_url",
            "abcd.ngrok-free.app",
            "le réglage PUBLIC_BASE_URL doit commencer par https:// ou http://, "
            "pas 'abcd.ngrok-free.app'",
        ),
        (
            "max_content_length",
            100,
            "le réglage WEBHOOK_MAX_BODY doit être un nombre d'octets entre 1024 et 1048576, "
            "pas 100",
        ),
        (
            "max_content_length",
            20 * 1024 * 1024,
            "le réglage WEBHOOK_MAX_BODY doit être un nombre d'octets entre 1024 et 1048576, "
            "pas 20971520",
        ),
        (
            "receive_timeout",
            0.0,
            "le réglage WEBHOOK_RECEIVE_TIMEOUT doit être un nombre de secondes entre 0 (exclu) "
            "et 60, pas 0.0",
        ),
        (
            "receive_timeout",
            600.0,
            "le réglage WEBHOOK_RECEIVE_TIMEOUT doit être un nombre de secondes entre 0 (exclu) "
            "et 60, pas 600.0",
        ),
        (
            "console_max_upload_mb",
            0,
            "le réglage CONSOLE_MAX_UPLOAD_MB doit être un nombre de mégaoctets entre 1 et 200, "
            "pas 0",
        ),
    ],
)
def test_an_invalid_setting_is_refused_in_french_naming_it(
    field: str, value: object, message: str
) -> None:
    with pytest.raises(ValueError) as refused:
        WebhookSettings(twilio_auth_token="tok", **{field: value})  # type: ignore[arg-type]
    assert str(refused.value) == message


def _call(app: LazyApp, path: str) -> tuple[str, bytes]:
    seen: list[str] = []
    body = b"".join(
        app({**_environ(), "PATH_INFO": path}, lambda status, headers: seen.append(status))
    )
    return seen[0], body


def _environ() -> dict[str, object]:
    from werkzeug.test import EnvironBuilder

    return dict(EnvironBuilder(method="GET").get_environ())


def test_the_module_app_is_built_from_the_environment_on_first_request(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "tok")
    monkeypatch.setenv("SALON_DB", str(tmp_path / "salon.db"))
    monkeypatch.setenv("LIVEKIT_URL", "")
    lazy = LazyApp()
    status, body = _call(lazy, "/healthz")
    assert status == "200 OK" and b'"status":"ok"' in body
    assert isinstance(lazy.get(), Flask) and lazy.get() is lazy.get()
    lazy.get().extensions["salon_webhook"].close()
    assert isinstance(app_module.app, LazyApp)
    from webhook import asgi

    assert asgi.app.wsgi_app is app_module.app  # what `hypercorn webhook.asgi:app` serves


def test_a_misconfigured_module_app_still_answers_twilio_in_french(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "")
    lazy = LazyApp()
    status, body = _call(lazy, "/voice")
    assert status == "200 OK" and b"Merci de rappeler" in body
    status, body = _call(lazy, "/healthz")
    assert status.startswith("503") and b"TWILIO_AUTH_TOKEN" in body


def test_the_runner_exits_2_naming_a_missing_setting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from webhook import serve

    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "")
    assert serve.main(["--port", "1"]) == 2
    assert capsys.readouterr().err.startswith(
        "webhook : erreur : réglage manquant : TWILIO_AUTH_TOKEN ("
    )


def test_the_runner_exits_2_naming_a_malformed_port_setting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from webhook import serve

    monkeypatch.setenv("WEBHOOK_PORT", "huit mille")
    assert serve.main([]) == 2
    assert capsys.readouterr().err == (
        "webhook : erreur : le réglage WEBHOOK_PORT doit être un nombre entier, pas 'huit mille'\n"
    )


def test_the_runner_exits_1_when_the_state_db_cannot_be_opened(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path
) -> None:
    from webhook import serve

    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "tok")
    monkeypatch.setenv("SALON_DB", str(blocker / "salon.db"))
    assert serve.main(["--port", "1"]) == 1
    assert capsys.readouterr().err.startswith("webhook : erreur : démarrage impossible (")
