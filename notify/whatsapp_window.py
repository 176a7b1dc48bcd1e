"""WhatsApp's 24-hour customer-service window, tracked per number in the state database.

A business may send free-form WhatsApp text only within 24 hours of the customer's last
inbound message; outside it, only an approved template (`ContentSid`). Whoever receives
inbound WhatsApp messages (the webhook) calls `record_inbound`; the Twilio notifier calls
`record_outbound` after each send and `is_open` before choosing free-form or template.
"""

from __future__ import annotations

import sqlite3
import time

WINDOW_SECONDS = 24 * 3600


class WhatsAppWindow:
    """Last inbound/outbound times per number, in the `notify_whatsapp_window` table."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def record_inbound(self, number: str, *, at: float | None = None) -> None:
        self._record(number, "last_inbound_at", time.time() if at is None else at)

    def record_outbound(self, number: str, *, at: float | None = None) -> None:
        self._record(number, "last_outbound_at", time.time() if at is None else at)

    def is_open(self, number: str, *, now: float | None = None) -> bool:
        """True when the customer wrote to us less than 24 hours ago."""
        row = self._conn.execute(
            "SELECT last_inbound_at FROM notify_whatsapp_window WHERE number = ?",
            (_bare(number),),
        ).fetchone()
        if row is None or row[0] is None:
            return False
        return (time.time() if now is None else now) - float(row[0]) < WINDOW_SECONDS

    def _record(self, number: str, column: str, at: float) -> None:
        # `column` is one of two literals above, never caller input.
        self._conn.execute(
            f"INSERT INTO notify_whatsapp_window (number, {column}) VALUES (?, ?) "
            f"ON CONFLICT(number) DO UPDATE SET {column} = max(coalesce({column}, 0), "
            f"excluded.{column})",
            (_bare(number), at),
        )


def _bare(number: str) -> str:
    return number.removeprefix("whatsapp:")
