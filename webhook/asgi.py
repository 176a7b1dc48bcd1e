"""The ASGI face of the webhook: body limits and a receive deadline in front of the Flask app.

Hypercorn's own WSGI mode reads a whole request body (up to 16 MiB by default) before the
app sees it, with no time limit, and never starts a response whose body is empty (a 204,
a HEAD) — "Error in ASGI Framework", the client gets a 500. `GuardedWsgi` replaces it:

- the route's `BodyLimit` (`webhook.limits`) is looked up from the path before anything
  is read: a declared `Content-Length` over it gets 413 at once, a chunked body 413 as soon
  as it passes it, and a body not complete within the limit's `timeout_s` gets 408. So an
  unsigned client parks at most one limit's worth of bytes for at most that long;
- the Flask app then runs in the event loop's default executor (`WEBHOOK_THREADS` threads
  under `scripts/webhook`) with the complete body; its response is sent whole, empty ones
  included, or streamed when it passes `STREAM_AFTER` bytes.

`scripts/webhook` serves `GuardedWsgi(create_app())`; `hypercorn webhook.asgi:app` serves the
lazily built module app the same way.
"""

from __future__ import annotations

import asyncio
import io
import logging
import sys
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from webhook.limits import BodyLimit, RouteLimits

logger = logging.getLogger("webhook")

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

STREAM_AFTER = 256 * 1024  # a response up to this size is sent in one piece
LINGER_S = 1.0  # after a refusal, the longest the rest of the body is read and dropped
REFUSALS = {
    400: b"400 Bad Request: invalid Content-Length\n",
    408: b"408 Request Timeout: the request body was not received in time\n",
    413: b"413 Request Entity Too Large: the request body is too large for this route\n",
    500: b"500 Internal Server Error\n",
}


class Refused(Exception):
    """The request is answered with `status` before the app sees it."""

    def __init__(self, status: int) -> None:
        self.status = status
        super().__init__(status)


class GuardedWsgi:
    """An ASGI app serving a WSGI app, with per-route body limits and deadlines.

    Args:
        wsgi_app: the Flask app (any WSGI app).
        limits: the route table, or a function returning it (read on each request, for an
            app whose settings are only known once it is built).
    """

    def __init__(self, wsgi_app: WsgiApp, *, limits: RouteLimits | Callable[[], RouteLimits]):
        self.wsgi_app = wsgi_app
        self._limits = limits

    def limit_for(self, path: str) -> BodyLimit:
        limits = self._limits if isinstance(self._limits, RouteLimits) else self._limits()
        return limits.for_path(path)

    async def __call__(self, scope: Message, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1003})
        elif scope["type"] == "http":
            await self._http(scope, receive, send)

    async def _http(self, scope: Message, receive: Receive, send: Send) -> None:
        limit = self.limit_for(scope["path"])
        try:
            body = await read_body(scope, receive, limit)
        except Refused as refused:
            logger.warning(
                "refused a request body before reading it all",
                extra={"status": refused.status, "path": scope["path"]},
            )
            await refuse(receive, send, refused.status)
            return
        if body is None:  # the client went away
            return
        loop = asyncio.get_running_loop()
        environ = build_environ(scope, body)
        status, headers, chunks, streamed = await loop.run_in_executor(
            None, self._run_app, environ, loop, send
        )
        if streamed:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        else:
            await _send_whole(send, status, headers, chunks)

    def _run_app(
        self, environ: dict[str, Any], loop: asyncio.AbstractEventLoop, send: Send
    ) -> tuple[int, list[tuple[bytes, bytes]], list[bytes], bool]:
        """Run the WSGI app in a worker thread: (status, headers, chunks, streamed)."""
        started: list[Any] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], None]:
            if exc_info is not None and streamed:
                raise exc_info[1].with_traceback(exc_info[2])
            started[:] = [int(status.split(" ", 1)[0]), _encode_headers(headers)]
            return _no_write

        async def sending(message: Message) -> None:
            await send(message)

        def to_loop(message: Message) -> None:
            asyncio.run_coroutine_threadsafe(sending(message), loop).result()

        chunks: list[bytes] = []
        size, streamed = 0, False
        result: Iterable[bytes] | None = None
        try:
            result = self.wsgi_app(environ, start_response)
            for chunk in result:
                if not chunk:
                    continue
                if streamed:
                    to_loop({"type": "http.response.body", "body": chunk, "more_body": True})
                    continue
                chunks.append(chunk)
                size += len(chunk)
                if size > STREAM_AFTER:  # a big response (a download): stream the rest
                    to_loop({"type": "http.response.start", "status": started[0],
                             "headers": started[1]})  # fmt: skip
                    streamed = True
                    for part in chunks:
                        to_loop({"type": "http.response.body", "body": part, "more_body": True})
                    chunks = []
        except Exception:
            logger.exception("the WSGI app failed")
            if streamed:  # the status is sent: end the body where it is
                return 500, [], [], True
            return 500, _plain_headers(500, close=False), [REFUSALS[500]], False
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        if not started:
            logger.error("the WSGI app did not call start_response")
            return 500, _plain_headers(500, close=False), [REFUSALS[500]], False
        return started[0], started[1], chunks, streamed


async def read_body(scope: Message, receive: Receive, limit: BodyLimit) -> bytes | None:
    """The whole request body within `limit`, or None when the client disconnected.

    Raises `Refused(413)` when the declared or received size passes `limit.max_bytes`
    (nothing more is read), `Refused(408)` when the body is not complete within
    `limit.timeout_s`, `Refused(400)` for an unreadable `Content-Length`.
    """
    declared = _content_length(scope)
    if declared is not None and declared > limit.max_bytes:
        raise Refused(413)
    body = bytearray()
    try:
        async with asyncio.timeout(limit.timeout_s):
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return None
                body += message.get("body", b"")
                if len(body) > limit.max_bytes:
                    raise Refused(413)
                if not message.get("more_body", False):
                    return bytes(body)
    except TimeoutError:
        raise Refused(408) from None


async def refuse(receive: Receive, send: Send, status: int) -> None:
    """Answer `status` (and close) without reading the body into memory.

    What the client still sends is received and dropped meanwhile, for two reasons. A
    client still uploading when the connection closes gets a TCP reset, which can destroy
    the answer before it reads it: so the end of the answer waits, up to `LINGER_S`, for
    the client to finish or stop (a "lingering close"). And Hypercorn hands the app an
    `http.disconnect` when the answer ends, waiting for room in the receive queue to do so:
    a chunk left unread there would hang the connection for good.
    """
    discard = asyncio.create_task(_discard_body(receive))
    try:
        await send({"type": "http.response.start", "status": status,
                    "headers": _plain_headers(status, close=True)})  # fmt: skip
        await send({"type": "http.response.body", "body": REFUSALS[status], "more_body": True})
        await asyncio.wait({discard}, timeout=LINGER_S)
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    finally:
        discard.cancel()


async def _discard_body(receive: Receive) -> None:
    """Receive and drop the rest of the request, until it ends or the client leaves."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect" or not message.get("more_body", False):
            return


def _content_length(scope: Message) -> int | None:
    values = [value for name, value in scope["headers"] if name.lower() == b"content-length"]
    if not values:
        return None
    try:  # h11 has already refused conflicting or malformed values; belt and braces
        lengths = {int(value) for value in values}
    except ValueError:
        raise Refused(400) from None
    if len(lengths) != 1 or min(lengths) < 0:
        raise Refused(400)
    return lengths.pop()


def build_environ(scope: Message, body: bytes) -> dict[str, Any]:
    """The WSGI environ (PEP 3333) of an ASGI HTTP request whose body is complete."""
    server = scope.get("server") or ("localhost", 80)
    root = scope.get("root_path", "")
    path = scope["path"]
    if root and path.startswith(root):
        path = path[len(root) :] or "/"
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": root.encode("utf8").decode("latin1"),
        "PATH_INFO": path.encode("utf8").decode("latin1"),
        "QUERY_STRING": scope["query_string"].decode("latin1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1]),
        "SERVER_PROTOCOL": f"HTTP/{scope['http_version']}",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if scope.get("client"):
        environ["REMOTE_ADDR"] = scope["client"][0]
    for raw_name, raw_value in scope["headers"]:
        name = raw_name.decode("latin1").upper().replace("-", "_")
        if name not in ("CONTENT_LENGTH", "CONTENT_TYPE"):
            name = "HTTP_" + name
        value = raw_value.decode("latin1")
        environ[name] = f"{environ[name]},{value}" if name in environ else value
    environ["CONTENT_LENGTH"] = str(len(body))  # the body is complete, chunked or not
    return environ


def _no_write(data: bytes) -> None:
    raise RuntimeError("the WSGI write() callable is not supported: return an iterable")


def _encode_headers(headers: list[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    return [(name.lower().encode("latin1"), value.encode("latin1")) for name, value in headers]


def _plain_headers(status: int, *, close: bool) -> list[tuple[bytes, bytes]]:
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(REFUSALS[status])).encode()),
    ]
    return headers + [(b"connection", b"close")] if close else headers


async def _send_whole(
    send: Send, status: int, headers: list[tuple[bytes, bytes]], chunks: list[bytes]
) -> None:
    """Start the response and send its whole body (empty or not) in one message."""
    body = b"".join(chunks)
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def _module_app() -> GuardedWsgi:
    from webhook import app as app_module
    from webhook.config import WebhookSettings

    fallback = WebhookSettings(twilio_auth_token="unused").route_limits

    def limits() -> RouteLimits:
        try:
            settings: WebhookSettings = app_module.app.get().extensions["salon_webhook"].settings
        except Exception:  # misconfigured: the LazyApp answers, within the default limits
            return fallback
        return settings.route_limits

    return GuardedWsgi(app_module.app, limits=limits)


app = _module_app()
