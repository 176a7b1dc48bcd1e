"""A real local SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives.

    with SmtpServer() as smtp:            # smtp.host, smtp.port
        smtp.refuse_next(550)             # the next RCPT TO is refused with 550
        smtp.refuse_next(451, times=2)    # temporary refusals
        smtp.messages                     # list of email.message.EmailMessage received

No STARTTLS (tests run with `SMTP_STARTTLS=false`). `SmtpServer(credentials=("u", "p"))`
offers AUTH PLAIN/LOGIN without TLS and accepts only that login (`smtp.logins` counts them).
"""

from __future__ import annotations

import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from salon.measure import free_port


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_RCPT(  # noqa: N802 - aiosmtpd hook name
        self, smtp: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        code = self.server._take_refusal()
        if code is not None:
            return f"{code} {'5.1.1 mailbox unavailable' if code >= 500 else '4.3.0 try later'}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, smtp: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        with self.server._lock:
            self.server.messages.append(parsed)  # type: ignore[arg-type]
            self.server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted"


class SmtpServer:
    """aiosmtpd in its own thread; see the module docstring."""

    def __init__(self, *, credentials: tuple[str, str] | None = None) -> None:
        self.host = "127.0.0.1"
        self.port = free_port()
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self._refusals: list[int] = []
        self._lock = threading.Lock()
        self.credentials = credentials
        self.logins = 0
        auth: dict[str, Any] = {}
        if credentials is not None:
            auth = {"authenticator": self._authenticate, "auth_require_tls": False}
        self._controller = Controller(_Handler(self), hostname=self.host, port=self.port, **auth)

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        good = (
            isinstance(data, LoginPassword)
            and (
                data.login.decode(),
                data.password.decode(),
            )
            == self.credentials
        )
        if good:
            with self._lock:
                self.logins += 1
        return AuthResult(success=good, handled=False)

    def refuse_next(self, code: int, *, times: int = 1) -> None:
        with self._lock:
            self._refusals.extend([code] * times)

    def _take_refusal(self) -> int | None:
        with self._lock:
            return self._refusals.pop(0) if self._refusals else None

    def start(self) -> SmtpServer:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> SmtpServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
