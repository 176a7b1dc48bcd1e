"""What the vendor stubs served by `http.server` share: a threaded server on 127.0.0.1
running while the stub's `with` block lasts, and a quiet handler that answers JSON.

    class VendorStub(LoopbackStub):
        def __init__(self) -> None:
            self.requests = []
            self._serve(self._handler())  # port 0: a free one

        def _handler(self) -> type[JsonHandler]:
            class Handler(JsonHandler):
                def do_GET(self) -> None:
                    self._json(200, {"ok": True})

            return Handler
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


class JsonHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 (keep-alive, as the vendors' clients expect), no request log on stderr."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _extra_headers(self) -> dict[str, str]:
        """Headers sent with every JSON answer (a vendor's request id…)."""
        return {}

    def _json(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for name, value in self._extra_headers().items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class LoopbackStub:
    """A stub serving `handler` on 127.0.0.1 in a daemon thread, from `with` to its end;
    `base_url` is its address with the vendors' `/v1` prefix."""

    _lock: threading.Lock
    _server: ThreadingHTTPServer
    _thread: threading.Thread

    def _serve(self, handler: type[BaseHTTPRequestHandler], *, port: int = 0) -> None:
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
