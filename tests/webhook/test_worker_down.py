"""Integration tests: a caller is never bridged into a room no agent will join.

1. LiveKit accepts a dispatch whether or not a worker is registered for the agent name,
   so with the worker stopped the caller heard silence. The worker's heartbeat in the
   state db (`salon.worker_heartbeat`) now tells the webhook: stale or stopped means the
   French fallback at once, without a dispatch; fresh, or none ever written (a worker
   running elsewhere), means the dispatch as before.
2. A dispatch LiveKit answers after the caller got the timeout fallback is removed (its
   room deleted, in the background), so no agent waits in an empty room.

The app with the real livekit-api client against the LiveKit Twirp stub, and the real
server process (`python -m webhook.serve`) for both on Hypercorn's own loop.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from salon import state_db, worker_heartbeat
from tests.stubs.livekit_twirp import LiveKitStub
from tests.webhook.conftest import (
    API_KEY,
    API_SECRET,
    PROFILE,
    AppFactory,
    call_form,
    new_call_sid,
    post_signed,
)
from tests.webhook.real_server import running_webhook
from webhook.config import WebhookSettings

pytestmark = pytest.mark.integration

AGENT = "salon-receptionist"


@pytest.fixture
def db(settings: WebhookSettings) -> Iterator[sqlite3.Connection]:
    """The state db the app under test reads (the worker's side writes it here)."""
    assert settings.salon_db is not None
    conn = state_db.connect(settings.salon_db)
    yield conn
    conn.close()


def _is_fallback(body: str) -> bool:
    """The human fallback: the salon's French message (then its transfer number during
    opening hours), no bridge to LiveKit."""
    return (
        'language="fr-FR"' in body
        and "Maison Margaux Coiffure" in body
        and "<Sip" not in body
        and "<Stream" not in body
    )


def _wait_for(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.mark.parametrize("how", ["crashed", "stopped"])
def test_a_stopped_worker_gets_the_fallback_at_once_without_a_dispatch(
    make_app: AppFactory,
    stub: LiveKitStub,
    db: sqlite3.Connection,
    caplog: pytest.LogCaptureFixture,
    how: str,
) -> None:
    if how == "crashed":  # silent for longer than three beats
        stale = time.time() - worker_heartbeat.STALE_AFTER_S - 5
        worker_heartbeat.beat(db, agent_name=AGENT, worker="host/1", now=stale)
    else:  # drained or shut down: it said so
        worker_heartbeat.beat(db, agent_name=AGENT, worker="host/1")
        worker_heartbeat.mark_stopped(db, agent_name=AGENT, worker="host/1")
    client = make_app().test_client()
    sid = new_call_sid()
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="webhook"):
        response = post_signed(client, "/voice", call_form(sid))
    assert time.monotonic() - started < 0.9  # not the whole dispatch budget (1 s)
    assert response.status_code == 200
    assert _is_fallback(response.get_data(as_text=True))
    assert stub.state.requests == 0  # nothing reached LiveKit
    [record] = [r for r in caplog.records if "fallback" in r.getMessage()]
    assert getattr(record, "reason", None) == "no_worker"
    row = client.application.extensions["salon_webhook"].calls.get(call_sid=sid)
    assert (row.state, row.fallback_reason) == ("fallback", "no_worker")


def test_a_live_worker_gets_the_call_bridged_as_before(
    make_app: AppFactory, stub: LiveKitStub, db: sqlite3.Connection
) -> None:
    worker_heartbeat.beat(db, agent_name=AGENT, worker="host/1")
    # an older worker of the same agent, crashed long ago: one live worker is enough
    worker_heartbeat.beat(db, agent_name=AGENT, worker="host/0", now=time.time() - 3600)
    sid = new_call_sid()
    body = post_signed(make_app().test_client(), "/voice", call_form(sid)).get_data(as_text=True)
    assert f"sip:{sid}@abc123.sip.livekit.cloud;transport=tcp</Sip>" in body
    assert [d.room for d in stub.state.dispatches] == [sid]


def test_without_any_heartbeat_the_call_is_dispatched_as_before(
    make_app: AppFactory, stub: LiveKitStub, db: sqlite3.Connection
) -> None:
    # a worker running elsewhere (LiveKit Cloud), or another agent name's worker only
    stale = time.time() - 3600
    worker_heartbeat.beat(db, agent_name="another-agent", worker="host/1", now=stale)
    sid = new_call_sid()
    body = post_signed(make_app().test_client(), "/voice", call_form(sid)).get_data(as_text=True)
    assert "<Sip" in body
    assert [d.room for d in stub.state.dispatches] == [sid]


def test_a_dispatch_answered_after_the_fallback_is_removed_in_the_background(
    make_app: AppFactory, stub: LiveKitStub, caplog: pytest.LogCaptureFixture
) -> None:
    stub.delay = 1.6  # every request: the budget is 1 s, the create lands at 1.6 s
    client = make_app().test_client()
    sid = new_call_sid()
    started = time.monotonic()
    with caplog.at_level(logging.INFO, logger="webhook"):
        response = post_signed(client, "/voice", call_form(sid))
        answered = time.monotonic() - started
        assert answered < 1.55  # the caller does not wait for the late answer (1.6 s)
        assert _is_fallback(response.get_data(as_text=True))

        def cleaned_up() -> list[logging.LogRecord]:  # logged once LiveKit has answered
            return [r for r in caplog.records if "stray dispatch removed" in r.getMessage()]

        assert _wait_for(lambda: bool(cleaned_up()), timeout=10)
    assert stub.state.deleted_rooms == [sid]
    [created] = stub.state.deleted_dispatches  # it was created (late), then removed
    assert (created.room, created.agent_name) == (sid, AGENT)
    assert stub.state.dispatches == []
    [cleaned] = cleaned_up()
    assert getattr(cleaned, "call_sid", None) == sid
    assert getattr(cleaned, "state", None) == "created late"


def test_the_real_server_answers_the_fallback_for_a_stopped_worker_and_removes_late_dispatches(
    tmp_path: Path, stub: LiveKitStub
) -> None:
    env = {
        "TELEPHONY_TRANSPORT": "sip",
        "LIVEKIT_URL": stub.url,
        "LIVEKIT_API_KEY": API_KEY,
        "LIVEKIT_API_SECRET": API_SECRET,
        "LIVEKIT_SIP_HOST": "abc123.sip.livekit.cloud",
        "LIVEKIT_SIP_USERNAME": "salon",
        "LIVEKIT_SIP_PASSWORD": "s3cret",
        "LIVEKIT_DISPATCH_TIMEOUT": "1",
        "AGENT_NAME": AGENT,
        "SALON_PROFILE": str(PROFILE),
    }
    conn = state_db.connect(tmp_path / "salon.db")
    stale = time.time() - worker_heartbeat.STALE_AFTER_S - 5
    worker_heartbeat.beat(conn, agent_name=AGENT, worker="host/1", now=stale)
    with running_webhook(tmp_path, env=env) as server:
        stopped = server.post_signed("/voice", call_form())
        assert _is_fallback(stopped.text)
        assert stub.state.requests == 0

        worker_heartbeat.beat(conn, agent_name=AGENT, worker="host/1")  # it is back
        time.sleep(1.1)  # the webhook reads the heartbeats at most once a second
        sid = new_call_sid()
        live = server.post_signed("/voice", call_form(sid))
        assert f"sip:{sid}@abc123.sip.livekit.cloud" in live.text

        stub.delay = 1.6
        late = new_call_sid()
        assert _is_fallback(server.post_signed("/voice", call_form(late)).text)
        removed = f"stray dispatch removed after a timeout fallback call_sid={late}"
        assert _wait_for(lambda: removed in server.log(), timeout=10)
        assert stub.state.deleted_rooms == [late]
        assert [d.room for d in stub.state.dispatches] == [sid]  # the bridged call's stays
        log = server.log()
    conn.close()
    assert "reason=no_worker" in log
