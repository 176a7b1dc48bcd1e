"""Fixtures for the webhook tests: the LiveKit Twirp stub, settings, signed requests."""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from booking.hours import opening_hours
from salon.profile import load_profile
from tests.fixtures.isolation import FIXTURE_PROFILE
from tests.stubs.livekit_twirp import LiveKitStub
from webhook.app import create_app
from webhook.config import WebhookSettings
from webhook.signature import SignatureChecker

AUTH_TOKEN = "test-auth-token-0123456789abcdef"
API_KEY = "APItestkey"
API_SECRET = "test-secret-0123456789abcdef0123456789abcdef"
PUBLIC = "https://salon.example.ngrok.app"
PROFILE = FIXTURE_PROFILE


def new_call_sid() -> str:
    return "CA" + secrets.token_hex(16)


def call_form(call_sid: str | None = None, **extra: str) -> dict[str, str]:
    form = {
        "AccountSid": "AC" + "0" * 32,
        "ApiVersion": "2010-04-01",
        "CallSid": call_sid or new_call_sid(),
        "CallStatus": "ringing",
        "Direction": "inbound",
        "From": "+33612345678",
        "To": "+33478421890",
        "CallerName": "Élodie Lefèvre",
    }
    form.update(extra)
    return form


def open_moment(profile_path: Path = PROFILE) -> datetime:
    """Midway through the first opening span after today: a moment the salon is open,
    whatever the real clock says (the fallback dials only then)."""
    profile = load_profile(profile_path)
    day = profile.now().date()
    for _ in range(366):
        day += timedelta(days=1)
        spans = opening_hours(profile, day)
        if spans:
            start, end = (datetime.combine(day, t, tzinfo=profile.timezone) for t in spans[0])
            return start + (end - start) / 2
    raise AssertionError(f"{profile_path} is never open")


def sign(url: str, form: dict[str, str], token: str = AUTH_TOKEN) -> str:
    return SignatureChecker(auth_token=token).sign(url=url, params=form)


@pytest.fixture
def stub() -> Iterator[LiveKitStub]:
    with LiveKitStub(api_key=API_KEY, api_secret=API_SECRET) as running:
        yield running


@pytest.fixture
def settings(tmp_path: Path, stub: LiveKitStub) -> WebhookSettings:
    return WebhookSettings(
        twilio_auth_token=AUTH_TOKEN,
        public_base_url=PUBLIC,
        transport="sip",
        livekit_url=stub.url,
        livekit_api_key=API_KEY,
        livekit_api_secret=API_SECRET,
        agent_name="salon-receptionist",
        sip_host="abc123.sip.livekit.cloud",
        sip_username="salon",
        sip_password="s3cret&pass",
        dispatch_timeout=1.0,
        salon_db=tmp_path / "salon.db",
        salon_profile=PROFILE,
    )


AppFactory = Callable[..., Flask]


@pytest.fixture
def make_app(settings: WebhookSettings) -> Iterator[AppFactory]:
    """Build an app from the test settings, with field overrides; closed at the end. Its
    clock (`now`) stands at a moment the fixture salon is open unless a test gives one."""
    built: list[Flask] = []
    opened = open_moment()

    def factory(*, now: Callable[[], datetime] | None = None, **overrides: Any) -> Flask:
        app = create_app(dataclasses.replace(settings, **overrides), now=now or (lambda: opened))
        built.append(app)
        return app

    yield factory
    for app in built:
        app.extensions["salon_webhook"].close()


@pytest.fixture
def client(make_app: AppFactory) -> FlaskClient:
    return make_app().test_client()


def post_signed(
    client: FlaskClient,
    path: str,
    form: dict[str, str],
    *,
    signed_url: str | None = None,
    token: str = AUTH_TOKEN,
) -> Any:
    signature = sign(signed_url or PUBLIC + path, form, token)
    return client.post(path, data=form, headers={"X-Twilio-Signature": signature})
