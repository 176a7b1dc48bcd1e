"""The real webhook server (`python -m webhook.serve`, what `scripts/webhook` runs, or the
`hypercorn` command) started on loopback for integration tests, and raw-socket helpers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from salon.measure import free_port, rss_mb, stop_process
from tests.webhook.conftest import AUTH_TOKEN, sign

ROOT = Path(__file__).resolve().parents[2]
FORM_TYPE = "application/x-www-form-urlencoded"


@dataclass
class RunningServer:
    base: str
    port: int
    proc: subprocess.Popen[bytes]
    log_path: Path
    salon_db: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def rss_mb(self) -> float:
        """The server's resident memory (Linux /proc), in MB."""
        return rss_mb(self.proc.pid)

    def post_signed(self, path: str, form: dict[str, str]) -> httpx.Response:
        signature = sign(self.base + path, form)
        return httpx.post(
            self.base + path, data=form, headers={"X-Twilio-Signature": signature}, timeout=10
        )


@contextmanager
def running_webhook(
    tmp_path: Path, *, env: dict[str, str] | None = None, command: list[str] | None = None
) -> Iterator[RunningServer]:
    """Start the webhook (no LiveKit unless `env` says so) and wait until /healthz answers.

    Args:
        tmp_path: where the state db and the server's log go.
        env: settings added to the test session's (isolated) environment.
        command: the server command, `{port}` filled in; `python -m webhook.serve` by default.
    """
    port = free_port()
    salon_db = tmp_path / "salon.db"
    full_env = {
        **os.environ,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "PUBLIC_BASE_URL": "",
        "LIVEKIT_URL": "",
        "SALON_DB": str(salon_db),
        **(env or {}),
    }
    argv = [part.format(port=port) for part in command] if command else None
    log_path = tmp_path / "server.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            argv or [sys.executable, "-m", "webhook.serve", "--port", str(port)],
            cwd=ROOT,
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        server = RunningServer(f"http://127.0.0.1:{port}", port, proc, log_path, salon_db)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(server.base + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(server.log())
                time.sleep(0.1)
            yield server
        finally:
            stop_process(proc)


def raw_request_head(
    path: str,
    *,
    content_length: int | None,
    chunked: bool = False,
    headers: dict[str, str] | None = None,
    host: str = "127.0.0.1",
) -> bytes:
    """The request line and headers of a form POST, as a client would send them."""
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}", f"Content-Type: {FORM_TYPE}"]
    if content_length is not None:
        lines.append(f"Content-Length: {content_length}")
    if chunked:
        lines.append("Transfer-Encoding: chunked")
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def read_status(sock: socket.socket, timeout: float) -> int:
    """The status code of the server's answer on `sock` (raises on timeout or EOF)."""
    sock.settimeout(timeout)
    data = b""
    while b"\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError(f"closed before a status line: {data!r}")
        data += chunk
    return int(data.split(b" ", 2)[1])


def closed_by_server(sock: socket.socket, timeout: float) -> bool:
    """True when the server closes `sock` (EOF or reset) within `timeout` seconds; whatever
    it sends meanwhile is read and dropped."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            if not sock.recv(65536):
                return True
        except (ConnectionResetError, BrokenPipeError):
            return True
        except TimeoutError:
            return False
    return False
