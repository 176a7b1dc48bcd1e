"""Unit tests of `webhook.asgi.GuardedWsgi` and the route table (`webhook.limits`), driven
through the ASGI interface directly: limits per route prefix, refusals before reading,
the receive deadline, and complete answers for empty and streamed WSGI responses."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any

import pytest

from webhook.asgi import STREAM_AFTER, GuardedWsgi, Refused, read_body
from webhook.limits import MIB, BodyLimit, RouteLimits

pytestmark = pytest.mark.unit

SMALL = BodyLimit(max_bytes=1000, timeout_s=0.2)
UPLOADS = BodyLimit(max_bytes=2 * MIB, timeout_s=5.0)
TABLE = RouteLimits(
    default=SMALL, by_prefix=(("/admin/", UPLOADS), ("/admin/tiny/", BodyLimit(10, 1.0)))
)


def _scope(path: str, *, method: str = "POST", length: int | None = None) -> dict[str, Any]:
    headers = [(b"content-type", b"application/x-www-form-urlencoded")]
    if length is not None:
        headers.append((b"content-length", str(length).encode()))
    return {
        "type": "http",
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
    }


class Client:
    """Feeds body messages (optionally stalling after them) and records what is sent."""

    def __init__(self, chunks: list[bytes], *, stall: bool = False) -> None:
        self.messages: list[dict[str, Any]] = [
            {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1 or stall}
            for i, chunk in enumerate(chunks)
        ]
        self.received = 0
        self.sent: list[dict[str, Any]] = []

    async def receive(self) -> dict[str, Any]:
        if self.received < len(self.messages):
            self.received += 1
            return self.messages[self.received - 1]
        await asyncio.sleep(0.02)  # nothing more from the client, then it goes away
        return {"type": "http.disconnect"}

    async def send(self, message: dict[str, Any]) -> None:
        self.sent.append(message)

    @property
    def status(self) -> int:
        return int(self.sent[0]["status"])

    @property
    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.sent[1:])


def _echo_app(seen: list[dict[str, Any]]) -> Callable[..., Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        seen.append(environ)
        body = environ["wsgi.input"].read()
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"got ", str(len(body)).encode()]

    return app


def _run(app: GuardedWsgi, scope: dict[str, Any], client: Client) -> None:
    asyncio.run(app(scope, client.receive, client.send))


def test_the_longest_matching_prefix_gives_the_limit() -> None:
    assert TABLE.for_path("/voice") is SMALL
    assert TABLE.for_path("/admin/upload") is UPLOADS
    assert TABLE.for_path("/admin/tiny/x").max_bytes == 10
    assert TABLE.for_path("/administrator") is SMALL
    assert TABLE.longest_timeout_s == 5.0
    with pytest.raises(ValueError, match="starts with '/'"):
        RouteLimits(default=SMALL, by_prefix=(("admin/", UPLOADS),))
    with pytest.raises(ValueError, match="timeout_s > 0"):
        BodyLimit(max_bytes=10, timeout_s=0)


def test_an_upload_route_takes_a_body_the_twilio_routes_refuse() -> None:
    seen: list[dict[str, Any]] = []
    app = GuardedWsgi(_echo_app(seen), limits=TABLE)
    body = b"x" * (MIB + 1)
    upload = Client([body[:MIB], body[MIB:]])
    _run(app, _scope("/admin/upload", length=len(body)), upload)
    assert upload.status == 200 and upload.body == f"got {len(body)}".encode()
    twilio = Client([body])
    _run(app, _scope("/voice", length=len(body)), twilio)
    assert twilio.status == 413 and b"too large" in twilio.body
    assert len(seen) == 1 and seen[0]["CONTENT_LENGTH"] == str(len(body))


def test_a_declared_size_over_the_limit_is_refused_without_reading_the_body() -> None:
    reads = 0

    async def receive() -> dict[str, Any]:
        nonlocal reads
        reads += 1
        raise AssertionError("the body was read")

    with pytest.raises(Refused) as refused:
        asyncio.run(read_body(_scope("/voice", length=1001), receive, SMALL))
    assert refused.value.status == 413 and reads == 0


def test_a_chunked_body_is_refused_once_past_the_limit_and_the_app_never_sees_it() -> None:
    seen: list[dict[str, Any]] = []
    client = Client([b"x" * 600, b"x" * 600] + [b"x" * 600] * 100)
    _run(GuardedWsgi(_echo_app(seen), limits=TABLE), _scope("/voice"), client)
    assert client.status == 413 and seen == []
    assert (b"connection", b"close") in client.sent[0]["headers"]


def test_a_body_not_complete_within_the_timeout_gets_408() -> None:
    async def stalled() -> dict[str, Any]:
        await asyncio.sleep(3600)
        raise AssertionError

    with pytest.raises(Refused) as refused:
        asyncio.run(read_body(_scope("/voice"), stalled, SMALL))
    assert refused.value.status == 408


def test_a_client_that_leaves_mid_body_gets_no_answer_and_the_app_is_not_called() -> None:
    seen: list[dict[str, Any]] = []
    client = Client([b"a=1"], stall=True)
    _run(GuardedWsgi(_echo_app(seen), limits=TABLE), _scope("/voice"), client)
    assert client.sent == [] and seen == []


@pytest.mark.parametrize(("status", "method"), [("204 No Content", "POST"), ("200 OK", "HEAD")])
def test_an_empty_wsgi_response_is_still_started_and_ended(status: str, method: str) -> None:
    def empty(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response(status, [("Content-Length", "0")])
        return []

    client = Client([b""])
    _run(GuardedWsgi(empty, limits=TABLE), _scope("/status", method=method), client)
    assert client.sent[0]["type"] == "http.response.start"
    assert client.status == int(status[:3])
    assert client.sent[-1] == {"type": "http.response.body", "body": b"", "more_body": False}


def test_a_large_response_is_streamed_in_order() -> None:
    parts = [bytes([65 + i]) * 100_000 for i in range(6)]  # 600 kB > STREAM_AFTER

    def download(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Type", "text/csv")])
        yield from parts

    client = Client([b""])
    _run(GuardedWsgi(download, limits=TABLE), _scope("/export", method="GET"), client)
    assert sum(map(len, parts)) > STREAM_AFTER
    assert client.status == 200 and client.body == b"".join(parts)
    assert len(client.sent) > 3 and client.sent[-1]["more_body"] is False


def test_a_failing_app_gets_a_500_with_a_body() -> None:
    def broken(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        raise RuntimeError("boom")

    client = Client([b""])
    _run(GuardedWsgi(broken, limits=TABLE), _scope("/voice"), client)
    assert client.status == 500 and client.body.startswith(b"500")


def test_the_route_table_can_be_read_lazily() -> None:
    calls = 0

    def table() -> RouteLimits:
        nonlocal calls
        calls += 1
        return TABLE

    client = Client([b"x" * 2000])
    _run(GuardedWsgi(_echo_app([]), limits=table), _scope("/voice", length=2000), client)
    assert client.status == 413 and calls == 1
