"""What every notification channel shares: the message, the `Notifier` protocol, its errors.

A notifier sends one message and either returns the provider's id or raises `SendError`
saying whether trying again later may succeed (`retryable`), whether the message may have
been sent anyway (`uncertain`, e.g. a timeout after the request left), or whether the
channel lacks settings or credentials (`not_configured`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

logger = logging.getLogger("notify")

Channel = Literal["sms", "whatsapp", "email"]
CHANNELS: tuple[Channel, ...] = ("sms", "whatsapp", "email")


@dataclass(frozen=True)
class OutgoingMessage:
    """One message as the outbox hands it to a notifier.

    `to` is an E.164 number for sms/whatsapp, an address for e-mail. `template_vars` are the
    WhatsApp template variables used outside the 24-hour window. `created_at` is a UNIX time.
    """

    channel: Channel
    to: str
    body: str
    subject: str | None = None
    template_vars: dict[str, str] = field(default_factory=dict)
    dedupe_key: str = ""
    created_at: float = 0.0


class SendError(Exception):
    """A send that did not succeed.

    Args:
        reason: short English text kept in the outbox (no phone numbers).
        retryable: a later attempt may succeed (429, 5xx, network).
        code: the provider's error code (Twilio 21614, SMTP 550…), when known.
        uncertain: the provider may have accepted the message (timeout after sending).
        not_configured: credentials or settings are missing or refused; keep for later.
        retry_after: seconds the provider asked us to wait (Retry-After), if any.
    """

    def __init__(
        self,
        reason: str,
        *,
        retryable: bool,
        code: int | None = None,
        uncertain: bool = False,
        not_configured: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.code = code
        self.uncertain = uncertain
        self.not_configured = not_configured
        self.retry_after = retry_after


@runtime_checkable
class Notifier(Protocol):
    """Sends messages on one or more channels."""

    @property
    def channels(self) -> tuple[Channel, ...]: ...

    def not_configured_reason(self, channel: Channel) -> str | None:
        """None when `channel` can send, else why not (e.g. "Twilio not configured")."""
        ...

    async def send(self, message: OutgoingMessage) -> str:
        """Send and return the provider's id (Twilio SID, SMTP Message-ID); or raise SendError."""
        ...

    async def find_sent(self, message: OutgoingMessage) -> str | None:
        """After an uncertain attempt: the id of this message if the provider has it."""
        ...

    async def aclose(self) -> None: ...
