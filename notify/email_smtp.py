"""E-mail through SMTP (stdlib `smtplib`, run in a worker thread), STARTTLS optional.

Settings: `SMTP_HOST`, `SMTP_PORT`, `SMTP_USERNAME`, `SMTP_PASSWORD`, `SMTP_STARTTLS`,
`SMTP_FROM`. Without `SMTP_HOST` (or a From address) e-mails stay in the outbox as
"not sent: SMTP not configured". A 5xx refusal is permanent, a 4xx or a dropped
connection is retried, an authentication refusal keeps the message for later.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from notify.base import Channel, OutgoingMessage, SendError
from salon import settings

NOT_CONFIGURED = "SMTP not configured"
DEFAULT_TIMEOUT = 10.0


@dataclass(frozen=True)
class SmtpOptions:
    host: str | None = None
    port: int = 587
    username: str | None = None
    password: str | None = None
    starttls: bool = True
    sender: str | None = None
    timeout: float = DEFAULT_TIMEOUT

    @classmethod
    def from_settings(cls, *, sender_fallback: str | None = None) -> SmtpOptions:
        return cls(
            host=settings.get("SMTP_HOST"),
            port=settings.get_int("SMTP_PORT", 587),
            username=settings.get("SMTP_USERNAME"),
            password=settings.get("SMTP_PASSWORD"),
            starttls=settings.get_bool("SMTP_STARTTLS", True),
            sender=settings.get("SMTP_FROM", sender_fallback),
        )


class SmtpNotifier:
    """The `Notifier` for the `email` channel."""

    channels: tuple[Channel, ...] = ("email",)

    def __init__(self, options: SmtpOptions) -> None:
        self.options = options

    def not_configured_reason(self, channel: Channel) -> str | None:
        if channel != "email":
            return f"{channel} is not an e-mail channel"
        if not self.options.host or not self.options.sender:
            return NOT_CONFIGURED
        return None

    async def send(self, message: OutgoingMessage) -> str:
        reason = self.not_configured_reason(message.channel)
        if reason:
            raise SendError(reason, retryable=False, not_configured=True)
        email = self._build(message)
        await asyncio.to_thread(self._deliver, email)
        return str(email["Message-ID"])

    def _build(self, message: OutgoingMessage) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self.options.sender
        email["To"] = message.to
        email["Subject"] = message.subject or ""
        email["Date"] = formatdate(localtime=True)
        domain = (self.options.sender or "localhost").rpartition("@")[2] or "localhost"
        # The id carries the outbox key, so a re-sent e-mail can be recognised.
        email["Message-ID"] = make_msgid(idstring=_safe_id(message.dedupe_key), domain=domain)
        email.set_content(message.body)
        return email

    def _deliver(self, email: EmailMessage) -> None:
        o = self.options
        try:
            with smtplib.SMTP(o.host or "", o.port, timeout=o.timeout) as smtp:
                if o.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if o.username and o.password:
                    smtp.login(o.username, o.password)
                smtp.send_message(email)
        except smtplib.SMTPAuthenticationError as exc:
            raise SendError(
                f"SMTP {exc.smtp_code}: login refused",
                retryable=False,
                code=exc.smtp_code,
                not_configured=True,
            ) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            code = min(c for c, _ in exc.recipients.values())
            raise SendError(
                f"SMTP {code}: recipient refused", retryable=400 <= code < 500, code=code
            ) from exc
        except smtplib.SMTPResponseException as exc:
            code = exc.smtp_code
            raise SendError(
                f"SMTP {code}: {_text(exc.smtp_error)}", retryable=400 <= code < 500, code=code
            ) from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise SendError(
                "SMTP server does not support STARTTLS (set SMTP_STARTTLS=false)",
                retryable=False,
                not_configured=True,
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise SendError(
                f"SMTP connection failed: {type(exc).__name__}", retryable=True
            ) from exc

    async def find_sent(self, message: OutgoingMessage) -> str | None:
        return None  # SMTP cannot be asked what it delivered.

    async def aclose(self) -> None:
        return None


def _text(raw: bytes | str) -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return text.splitlines()[0][:120] if text else ""


def _safe_id(key: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-._" else "-" for ch in key)[:64] or "msg"
