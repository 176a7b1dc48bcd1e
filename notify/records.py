"""The outbox's records: retry policy, stored entries, enqueue and drain results."""

from __future__ import annotations

import json
import random
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from notify.base import Channel, OutgoingMessage


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try, and for how long.

    A message that fails for a reason that passes (Twilio or the Internet down, 429, 5xx)
    is tried again after `delay(attempts)`: `base_delay` doubled at each attempt, capped at
    `max_delay` (10 minutes), jittered. A one-minute outage thus delays it by about a
    minute, a long one costs one attempt every 5 to 10 minutes. It is given up (`failed`)
    `max_age` (24 hours) after its first such failure: the salon's customers expect their
    confirmation or answer while Twilio is down for hours, not after a day. A message with
    its own deadline (`expires_at`: a reminder's appointment, a waitlist offer's answer
    time) is given up when the next attempt would come after it, and never sent after it.
    Permanent refusals (an invalid number, a customer who answered STOP) fail at once.
    `max_attempts` also caps the attempts when set (tests, benchmarks); None = by time only.
    """

    max_attempts: int | None = None
    base_delay: float = 2.0
    max_delay: float = 600.0
    max_age: float = 24 * 3600.0  # seconds of retries after the first passing failure
    lease_seconds: float = 60.0
    hold_seconds: float = 600.0  # wait before retrying after refused credentials
    concurrency: int = 8
    batch: int = 50

    def delay(self, attempts: int) -> float:
        """Backoff before attempt `attempts + 1`: base * 2^(attempts-1), capped, jittered."""
        raw = min(self.max_delay, self.base_delay * 2 ** min(64, max(0, attempts - 1)))
        return raw * random.uniform(0.5, 1.0)


@dataclass(frozen=True)
class OutboxEntry:
    id: int
    dedupe_key: str
    channel: Channel
    recipient: str
    subject: str | None
    body: str
    template_vars: dict[str, str]
    status: str
    detail: str | None
    error_code: int | None
    provider_id: str | None
    attempts: int
    uncertain: bool
    next_attempt_at: float
    created_at: float
    sent_at: float | None
    expires_at: float | None = None  # never sent after this (UNIX seconds)
    retry_until: float | None = None  # given up after this while failing (UNIX seconds)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> OutboxEntry:
        return cls(
            id=row["id"],
            dedupe_key=row["dedupe_key"],
            channel=row["channel"],
            recipient=row["recipient"],
            subject=row["subject"],
            body=row["body"],
            template_vars=json.loads(row["template_vars"] or "{}"),
            status=row["status"],
            detail=row["detail"],
            error_code=row["error_code"],
            provider_id=row["provider_id"],
            attempts=row["attempts"],
            uncertain=bool(row["uncertain"]),
            next_attempt_at=row["next_attempt_at"],
            created_at=row["created_at"],
            sent_at=row["sent_at"],
            expires_at=row["expires_at"],
            retry_until=row["retry_until"],
        )

    def message(self) -> OutgoingMessage:
        return OutgoingMessage(
            channel=self.channel,
            to=self.recipient,
            body=self.body,
            subject=self.subject,
            template_vars=self.template_vars,
            dedupe_key=self.dedupe_key,
            created_at=self.created_at,
        )


@dataclass(frozen=True)
class Enqueued:
    entry: OutboxEntry
    created: bool  # False: this dedupe key was already in the outbox (nothing new queued)


@dataclass
class DrainReport:
    """What one drain did (sent, failed, held, attempts, recovered) and what the outbox
    still holds afterwards (retry_later: queued rows; not_sent: rows kept for lack of
    settings, whenever they were kept)."""

    sent: int = 0
    failed: int = 0  # given up in this drain: refused, out of time, or past its deadline
    held: int = 0  # newly kept for lack of settings in this drain (not those kept before)
    retry_later: int = 0
    not_sent: int = 0
    attempts: int = 0
    recovered: int = 0  # uncertain attempts found at the provider instead of re-sent
    keys_sent: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "keys_sent"}
