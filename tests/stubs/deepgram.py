"""A local stub of Deepgram's management API on 127.0.0.1: `GET /v1/projects`.

Deepgram authenticates with `Authorization: Token <key>`; a wrong or missing key gets 401
with Deepgram's legacy error body (`{"err_code": "INVALID_AUTH", "err_msg": …}`). The
doctor points `DEEPGRAM_API_URL` at `stub.base_url` (`http://127.0.0.1:PORT/v1`).

    with DeepgramStub(api_key="dg-test") as stub:
        stub.base_url        # "http://127.0.0.1:<port>/v1"
        stub.requests        # [(method, path, authorization header)]
        stub.fail_status = 500   # every request answers this status from now on
"""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class DeepgramStub:
    def __init__(self, *, api_key: str = "dg-test-stub", projects: int = 1) -> None:
        self.api_key = api_key
        self.projects = [
            {"project_id": str(uuid.UUID(int=i + 1)), "name": f"Projet salon {i + 1}"}
            for i in range(projects)
        ]
        self.fail_status: int | None = None
        self.requests: list[tuple[str, str, str]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> DeepgramStub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def _json(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("dg-request-id", str(uuid.uuid4()))
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _error(self, status: int, code: str, message: str) -> None:
                body = {"err_code": code, "err_msg": message, "request_id": str(uuid.uuid4())}
                self._json(status, body)

            def do_GET(self) -> None:
                auth = self.headers.get("Authorization", "")
                with stub._lock:
                    stub.requests.append(("GET", self.path, auth))
                if stub.fail_status:
                    self._error(stub.fail_status, "INTERNAL_SERVER_ERROR", "stub told to fail")
                elif auth != f"Token {stub.api_key}":
                    self._error(401, "INVALID_AUTH", "Invalid credentials.")
                elif self.path.split("?")[0].rstrip("/") == "/v1/projects":
                    self._json(200, {"projects": stub.projects})
                else:
                    self._error(404, "NOT_FOUND", "Not found.")

        return Handler
