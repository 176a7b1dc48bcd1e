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
    """How hard to try: attempts, backoff (seconds, doubled each time), lease length."""

    max_attempts: int = 6
    base_delay: float = 2.0
    max_delay: float = 600.0
    lease_seconds: float = 60.0
    hold_seconds: float = 600.0  # wait before retrying after refused credentials
    concurrency: int = 8
    batch: int = 50

    def delay(self, attempts: int) -> float:
        """Backoff before attempt `attempts + 1`: base * 2^(attempts-1), capped, jittered."""
        raw = min(self.max_delay, self.base_delay * 2 ** max(0, attempts - 1))
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
    """What one drain did (sent, failed, attempts, recovered) and what the outbox still
    holds afterwards (retry_later: queued rows; not_sent: rows kept for lack of settings)."""

    sent: int = 0
    failed: int = 0
    retry_later: int = 0
    not_sent: int = 0
    attempts: int = 0
    recovered: int = 0  # uncertain attempts found at the provider instead of re-sent
    keys_sent: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "keys_sent"}
