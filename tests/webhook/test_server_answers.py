"""Integration tests: every route's answers under the real Hypercorn server, where Flask's
test client hid a 500 (an empty 204 never started under Hypercorn's WSGI mode), and
malformed Twilio fields get a clear 400, never a traceback."""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest

from tests.webhook.conftest import call_form, new_call_sid, sign
from tests.webhook.real_server import RunningServer, raw_request_head, read_status, running_webhook
from webhook.call_log import CallLog

pytestmark = pytest.mark.integration

SERVER_ERRORS = ("Traceback", "Error in ASGI Framework", "unexpected error")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_webhook(tmp_path_factory.mktemp("webhook-answers")) as running:
        yield running


@pytest.fixture
def clean_log(server: RunningServer) -> Iterator[None]:
    """Fails the test if the server logged a traceback or a framework error meanwhile."""
    start = len(server.log())
    yield
    new = server.log()[start:]
    assert not [marker for marker in SERVER_ERRORS if marker in new], new


@pytest.mark.usefixtures("clean_log")
def test_a_valid_status_callback_gets_200_with_empty_twiml_and_is_recorded(
    server: RunningServer,
) -> None:
    sid = new_call_sid()
    for sequence, status in enumerate(["ringing", "in-progress", "completed"]):
        form = call_form(sid, CallStatus=status, SequenceNumber=str(sequence))
        if status == "completed":
            form["CallDuration"] = "42"
        response = server.post_signed("/status", form)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/xml")
        assert response.text.endswith("<Response />")
    log = CallLog(db_path=server.salon_db)
    assert log.events(call_sid=sid) == [("ringing", None), ("in-progress", None), ("completed", 42)]


@pytest.mark.usefixtures("clean_log")
@pytest.mark.parametrize(
    ("path", "extra", "expected"),
    [
        ("/voice", {}, "<Say"),  # no LiveKit here: the caller hears the human fallback
        ("/dial-done", {"DialCallStatus": "completed"}, "<Hangup />"),
        ("/dial-done", {"DialCallStatus": "no-answer"}, "<Say"),
        ("/status", {"CallStatus": "completed"}, "<Response />"),
    ],
)
def test_every_twilio_route_answers_non_empty_twiml_under_the_real_server(
    server: RunningServer, path: str, extra: dict[str, str], expected: str
) -> None:
    response = server.post_signed(path, call_form(**extra))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    assert response.text.startswith("<?xml") and expected in response.text


@pytest.mark.usefixtures("clean_log")
def test_healthz_answers_get_and_a_bodiless_head(server: RunningServer) -> None:
    got = httpx.get(server.base + "/healthz", timeout=5)
    assert got.status_code == 200 and got.json()["status"] == "ok"
    head = httpx.head(server.base + "/healthz", timeout=5)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == got.headers["content-length"]


@pytest.mark.usefixtures("clean_log")
@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("GET", "/no-such-page", {}, 404),
        ("GET", "/status", {}, 405),
        ("POST", "/status", {"data": {"CallSid": "CA" + "0" * 32}}, 403),  # unsigned
        ("POST", "/voice", {"json": {"CallSid": "x"}}, 415),
    ],
)
def test_refusals_under_the_real_server_have_their_status_and_a_reason(
    server: RunningServer, method: str, path: str, kwargs: dict[str, object], status: int
) -> None:
    response = httpx.request(method, server.base + path, timeout=5, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == status
    assert response.text.startswith(str(status))


@pytest.mark.usefixtures("clean_log")
@pytest.mark.parametrize(
    ("path", "field", "value"),
    [
        ("/status", "SequenceNumber", "9" * 40),  # a traceback before (SQLite overflow)
        ("/status", "CallStatus", "x" * 50_000),  # a 500 before
        ("/status", "CallStatus", "Completed\nforged log line"),
        ("/status", "CallDuration", "12abc"),
        ("/dial-done", "DialCallStatus", "z" * 50_000),  # logged whole before
        ("/dial-done", "DialCallDuration", "-1"),
        ("/voice", "From", "+33" + "6" * 200),
        ("/voice", "To", "+33478421890\r\nX-Injected: 1"),
        ("/voice", "AccountSid", "AC123"),
        ("/voice", "CallerName", "É" * 5000),  # any other field: bounded in size
    ],
)
def test_a_malformed_field_gets_a_400_naming_it_and_no_traceback(
    server: RunningServer, path: str, field: str, value: str
) -> None:
    sid = new_call_sid()
    response = server.post_signed(path, call_form(sid, **{field: value}))
    assert response.status_code == 400
    assert response.text.startswith("400 Bad Request") and field in response.text
    assert value not in response.text
    assert CallLog(db_path=server.salon_db).events(call_sid=sid) == []


@pytest.mark.usefixtures("clean_log")
def test_a_chunked_signed_request_is_read_whole(server: RunningServer) -> None:
    """A body without Content-Length (chunked) reaches the app complete."""
    sid = new_call_sid()
    form = call_form(sid, CallStatus="completed")
    body = urlencode(form).encode()
    signature = sign(server.base + "/status", form)
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(
            raw_request_head(
                "/status",
                content_length=None,
                chunked=True,
                headers={"X-Twilio-Signature": signature},
                host=f"127.0.0.1:{server.port}",  # the URL Twilio signed
            )
        )
        for part in (body[: len(body) // 2], body[len(body) // 2 :]):
            sock.sendall(b"%x\r\n%s\r\n" % (len(part), part))
        sock.sendall(b"0\r\n\r\n")
        assert read_status(sock, timeout=5) == 200
    assert CallLog(db_path=server.salon_db).events(call_sid=sid) == [("completed", None)]


def test_the_hypercorn_command_serves_the_guarded_module_app(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "hypercorn", "webhook.asgi:app", "--bind", "127.0.0.1:{port}"]
    with running_webhook(tmp_path, command=command) as server:
        ok = server.post_signed("/status", call_form(CallStatus="completed"))
        assert ok.status_code == 200 and ok.text.endswith("<Response />")
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            sock.sendall(raw_request_head("/voice", content_length=10_000_000))
            assert read_status(sock, timeout=5) == 413
        assert "Error in ASGI Framework" not in server.log()
