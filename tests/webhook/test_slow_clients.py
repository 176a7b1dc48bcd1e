"""Integration tests with real sockets against the real server: a body too large is refused
before it is read, a client too slow is dropped, and many unsigned slow clients cost the
server little memory for little time (before: 1 MB each, parked for as long as they liked).

The server runs with `WEBHOOK_RECEIVE_TIMEOUT=1` so the tests stay short."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from tests.webhook.conftest import call_form, new_call_sid, sign
from tests.webhook.real_server import (
    RunningServer,
    closed_by_server,
    raw_request_head,
    read_status,
    running_webhook,
)
from webhook.call_log import CallLog

pytestmark = pytest.mark.integration

TIMEOUT_S = 1.0  # WEBHOOK_RECEIVE_TIMEOUT of the server under test
MAX_BODY = 65536  # WEBHOOK_MAX_BODY (the default)
SLACK_S = 1.5  # scheduling on a shared 2-core machine


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    env = {"WEBHOOK_RECEIVE_TIMEOUT": str(TIMEOUT_S), "WEBHOOK_MAX_BODY": str(MAX_BODY)}
    with running_webhook(tmp_path_factory.mktemp("webhook-slow"), env=env) as running:
        yield running


def _connect(server: RunningServer) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=5)


def test_a_declared_oversized_body_is_refused_before_any_of_it_is_sent(
    server: RunningServer,
) -> None:
    with _connect(server) as sock:
        started = time.monotonic()
        sock.sendall(raw_request_head("/voice", content_length=10_000_000))
        assert read_status(sock, timeout=2) == 413  # not one byte of the body was sent
        assert time.monotonic() - started < 1.0
        assert closed_by_server(sock, timeout=2)


def test_a_chunked_body_is_refused_as_soon_as_it_passes_the_limit(server: RunningServer) -> None:
    chunk = b"x" * 16384
    with _connect(server) as sock:
        sock.sendall(raw_request_head("/status", content_length=None, chunked=True))
        sent = 0
        try:
            while sent < 10 * MAX_BODY:  # the client would go on for ever
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
                if sent > MAX_BODY + 4 * len(chunk):
                    break
        except (BrokenPipeError, ConnectionResetError):
            pass
        assert read_status(sock, timeout=2) == 413
        assert closed_by_server(sock, timeout=2)


def test_a_body_trickled_one_byte_a_second_is_dropped_after_the_receive_timeout(
    server: RunningServer,
) -> None:
    with _connect(server) as sock:
        sock.sendall(raw_request_head("/voice", content_length=200) + b"a=")
        started = time.monotonic()
        status = None
        while status is None and time.monotonic() - started < TIMEOUT_S + SLACK_S:
            try:
                sock.sendall(b"x")
            except (BrokenPipeError, ConnectionResetError):
                break
            sock.settimeout(1.0)  # one byte a second
            try:
                status = read_status(sock, timeout=1.0)
            except TimeoutError:
                continue
        assert status == 408
        assert time.monotonic() - started < TIMEOUT_S + SLACK_S
        assert closed_by_server(sock, timeout=2)


def test_headers_trickled_slowly_are_dropped_after_the_receive_timeout(
    server: RunningServer,
) -> None:
    head = raw_request_head("/voice", content_length=10)
    with _connect(server) as sock:
        started = time.monotonic()
        sock.sendall(head[:10])
        dropped = False
        for byte in head[10:40]:
            if closed_by_server(sock, timeout=0.25):
                dropped = True
                break
            try:
                sock.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                dropped = True
                break
        assert dropped
        assert time.monotonic() - started < TIMEOUT_S + SLACK_S


def test_a_signed_request_sent_in_pieces_within_the_timeout_is_answered(
    server: RunningServer,
) -> None:
    sid = new_call_sid()
    form = call_form(sid, CallStatus="completed")
    body = urlencode(form).encode()
    head = raw_request_head(
        "/status",
        content_length=len(body),
        headers={"X-Twilio-Signature": sign(server.base + "/status", form)},
        host=f"127.0.0.1:{server.port}",
    )
    with _connect(server) as sock:
        sock.sendall(head)
        for start in range(0, len(body), len(body) // 3 + 1):
            time.sleep(TIMEOUT_S / 5)
            sock.sendall(body[start : start + len(body) // 3 + 1])
        assert read_status(sock, timeout=5) == 200
    assert CallLog(db_path=server.salon_db).events(call_sid=sid) == [("completed", None)]


def test_fifty_slow_unsigned_clients_cost_little_memory_and_are_all_dropped(
    server: RunningServer,
) -> None:
    """Each client sends 60 KB of a 61 KB body at once, then one byte a second: the most
    memory it can park. Before: held for as long as the client liked (and 1 MB each)."""
    count, length = 50, 61_000
    baseline = server.rss_mb()
    socks = [_connect(server) for _ in range(count)]
    try:
        started = time.monotonic()
        for sock in socks:
            sock.sendall(raw_request_head("/voice", content_length=length) + b"x" * 60_000)
        time.sleep(TIMEOUT_S / 2)
        parked_mb = server.rss_mb() - baseline
        # meanwhile a real call is still answered
        assert server.post_signed("/status", call_form(CallStatus="ringing")).status_code == 200
        statuses: list[int | None] = [None] * count

        def watch(index: int, sock: socket.socket) -> None:
            with contextlib.suppress(OSError):
                statuses[index] = read_status(sock, timeout=TIMEOUT_S + SLACK_S + 1)

        watchers = [threading.Thread(target=watch, args=pair) for pair in enumerate(socks)]
        for thread in watchers:
            thread.start()
        while any(t.is_alive() for t in watchers) and time.monotonic() - started < 4:
            for sock in socks:
                with contextlib.suppress(OSError):
                    sock.send(b"x")
            time.sleep(0.5)
        for thread in watchers:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        for sock in socks:
            sock.close()
    assert statuses == [408] * count
    assert elapsed < TIMEOUT_S + SLACK_S + 1
    # 50 x 60 KB is 3 MB of bodies; before, 50 x 1 MB bodies parked +65 MB for good
    assert parked_mb < 20, f"the server grew by {parked_mb:.1f} MB"


def test_fifty_clients_announcing_a_megabyte_are_refused_without_buffering_it(
    server: RunningServer,
) -> None:
    count = 50
    baseline = server.rss_mb()
    socks = [_connect(server) for _ in range(count)]
    try:
        for sock in socks:  # the headers and a first piece, as a client starting to upload
            sock.sendall(raw_request_head("/voice", content_length=1_000_000) + b"x" * 16384)
        statuses = [read_status(sock, timeout=5) for sock in socks]
        grown_mb = server.rss_mb() - baseline
        assert all(closed_by_server(sock, timeout=2) for sock in socks)
    finally:
        for sock in socks:
            sock.close()
    assert statuses == [413] * count
    assert grown_mb < 15, f"the server grew by {grown_mb:.1f} MB"
