"""Fixtures of the console tests: a copy of the fixture salon, an app with the console
on, a signed-in client, the local Twilio stub, and helpers to read a page's CSRF token."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.fixtures.isolation import FIXTURE_SALON
from tests.stubs.twilio import TwilioStub
from webhook.app import create_app
from webhook.config import WebhookSettings
from webhook.console.context import ConsoleContext
from webhook.console.password import hash_password

PASSWORD = "un mot de passe du salon"
# scrypt with a small cost: the tests check the format and the logic, not the cost
FAST_HASH = hash_password(PASSWORD, n=2**10)
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(page: str) -> str:
    """The CSRF token of the first form of an HTML page."""
    found = TOKEN.search(page)
    assert found, "no csrf_token field in the page"
    return found.group(1)


@dataclass
class Salon:
    """A writable copy of the fixture salon and its state files."""

    sources: Path
    salon_db: Path
    kb_db: Path

    @property
    def profile(self) -> Path:
        return self.sources / "salon.toml"


@pytest.fixture
def salon(tmp_path: Path) -> Salon:
    sources = tmp_path / "salon"
    shutil.copytree(FIXTURE_SALON, sources)
    return Salon(sources=sources, salon_db=tmp_path / "salon.db", kb_db=tmp_path / "kb")


@pytest.fixture
def console_settings(salon: Salon) -> WebhookSettings:
    return WebhookSettings(
        twilio_auth_token="test-auth-token",
        salon_db=salon.salon_db,
        salon_profile=salon.profile,
        owner_password_hash=FAST_HASH,
        kb_db=salon.kb_db,
    )


AppFactory = Callable[..., Flask]


@pytest.fixture
def make_console(console_settings: WebhookSettings) -> Iterator[AppFactory]:
    built: list[Flask] = []

    def factory(**overrides: Any) -> Flask:
        app = create_app(replace(console_settings, **overrides))
        built.append(app)
        return app

    yield factory
    for app in built:
        app.extensions["salon_webhook"].close()
        console: ConsoleContext | None = app.extensions.get("salon_console")
        if console is not None:
            console.reindex.wait(120)


@pytest.fixture
def app(make_console: AppFactory) -> Flask:
    return make_console()


def sign_in(client: FlaskClient, password: str = PASSWORD, **kwargs: Any) -> Any:
    token = csrf(client.get("/admin/login").get_data(as_text=True))
    return client.post(
        "/admin/login", data={"csrf_token": token, "mot_de_passe": password}, **kwargs
    )


@pytest.fixture
def owner(app: Flask) -> FlaskClient:
    """A client signed in as the salon's owner."""
    client = app.test_client()
    assert sign_in(client).status_code == 303
    return client


@pytest.fixture
def twilio(monkeypatch: pytest.MonkeyPatch) -> Iterator[TwilioStub]:
    """The local Twilio stub, where the console's SMS go."""
    with TwilioStub() as stub:
        monkeypatch.setenv("TWILIO_ACCOUNT_SID", stub.account_sid)
        monkeypatch.setenv("TWILIO_AUTH_TOKEN", stub.auth_token)
        monkeypatch.setenv("TWILIO_API_BASE_URL", stub.base_url)
        yield stub


def console_of(app: Flask) -> ConsoleContext:
    console: ConsoleContext = app.extensions["salon_console"]
    return console
