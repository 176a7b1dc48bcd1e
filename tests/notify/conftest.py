"""Fixtures for the notification tests: the salon profile, stub servers, a fast outbox."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from notify.email_smtp import SmtpNotifier, SmtpOptions
from notify.outbox import Outbox, RetryPolicy
from notify.twilio_messages import TwilioNotifier, TwilioOptions
from notify.whatsapp_window import WhatsAppWindow
from salon import state_db
from salon.profile import SalonProfile, load_profile
from tests.stubs.smtp import SmtpServer
from tests.stubs.twilio import TwilioStub

# Retries within milliseconds so fault tests stay fast; same logic as production.
FAST = RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=0.05, lease_seconds=30)


@pytest.fixture(scope="session")
def profile() -> SalonProfile:
    return load_profile()


@pytest.fixture
def twilio() -> Iterator[TwilioStub]:
    with TwilioStub() as stub:
        yield stub


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "salon.db"


def twilio_options(stub: TwilioStub, **overrides: object) -> TwilioOptions:
    values: dict = {
        "account_sid": stub.account_sid,
        "auth_token": stub.auth_token,
        "base_url": stub.base_url,
        "sms_from": "MMargaux",
        "timeout": 1.0,
    }
    values.update(overrides)
    return TwilioOptions(**values)


def make_outbox(
    db_path: Path,
    *,
    twilio: TwilioStub | None = None,
    smtp: SmtpServer | None = None,
    policy: RetryPolicy = FAST,
    **twilio_overrides: object,
) -> Outbox:
    """An outbox on `db_path` whose channels point at the given stubs (others unconfigured)."""
    conn = state_db.connect(db_path)
    options = twilio_options(twilio, **twilio_overrides) if twilio else TwilioOptions()
    smtp_options = (
        SmtpOptions(host=smtp.host, port=smtp.port, starttls=False, sender="salon@example.fr")
        if smtp
        else SmtpOptions()
    )
    return Outbox(
        notifiers=[
            TwilioNotifier(options, window=WhatsAppWindow(conn)),
            SmtpNotifier(smtp_options),
        ],
        conn=conn,
        policy=policy,
    )


@pytest.fixture
async def outbox(db_path: Path, twilio: TwilioStub) -> AsyncIterator[Outbox]:
    box = make_outbox(db_path, twilio=twilio)
    yield box
    await box.aclose()
