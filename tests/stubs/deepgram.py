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

import uuid

from tests.stubs.http_stub import JsonHandler, LoopbackStub


class DeepgramStub(LoopbackStub):
    def __init__(self, *, api_key: str = "dg-test-stub", projects: int = 1) -> None:
        self.api_key = api_key
        self.projects = [
            {"project_id": str(uuid.UUID(int=i + 1)), "name": f"Projet salon {i + 1}"}
            for i in range(projects)
        ]
        self.fail_status: int | None = None
        self.requests: list[tuple[str, str, str]] = []
        self._serve(self._handler())

    def _handler(self) -> type[JsonHandler]:
        stub = self

        class Handler(JsonHandler):
            def _extra_headers(self) -> dict[str, str]:
                return {"dg-request-id": str(uuid.uuid4())}

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
