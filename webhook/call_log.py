"""The webhook's call log in the state db: one row per CallSid, plus status callbacks.

The row is also the idempotency guard of `/voice`: the first request for a CallSid claims
it (`INSERT OR IGNORE`, atomic across threads and processes sharing `SALON_DB`); a retried
or concurrent request for the same CallSid finds the row and answers from it, without a
second dispatch. Caller numbers are stored masked; the agent gets the full number from
the dispatch metadata, not from here.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from records import transfers
from salon import state_db


@dataclass(frozen=True)
class CallRow:
    call_sid: str
    transport: str
    state: str  # pending | bridged | fallback
    dispatch_id: str | None
    connect_url: str | None
    fallback_reason: str | None
    last_status: str | None


def _row(raw: sqlite3.Row | None) -> CallRow | None:
    if raw is None:
        return None
    return CallRow(
        call_sid=raw["call_sid"],
        transport=raw["transport"],
        state=raw["state"],
        dispatch_id=raw["dispatch_id"],
        connect_url=raw["connect_url"],
        fallback_reason=raw["fallback_reason"],
        last_status=raw["last_status"],
    )


class CallLog:
    """Call rows and status events.

    `/voice` claims and marks its call from the dispatcher's event loop thread (see
    `webhook.dispatch`: one thread writing keeps the GIL quiet under a burst); the other
    views run in Hypercorn's worker threads. All share ONE connection without a Python lock:
    the sqlite3 module is built serialized (`sqlite3.threadsafety == 3`) and releases the
    GIL only inside SQLite, whose own mutex then orders the statements. A Python lock
    would be held while its owner waits to get the GIL back, which under a burst of calls
    serialises everything behind it (measured: throughput fell by a third). Hence every
    single-call statement reads its own result (`RETURNING`, `fetchone`) and never
    `rowcount`, which another thread's statement could change in between. The one
    multi-statement transaction (`record_status`) has its own connection and lock. Other
    processes (the agent) coordinate through WAL and the busy timeout.
    """

    def __init__(self, *, db_path: str | Path | None = None) -> None:
        self.db_path = db_path  # as given (None: SALON_DB); the dispatcher reads heartbeats there
        self._conn = state_db.connect(db_path)
        self._status_conn = state_db.connect(db_path)
        self._status_lock = threading.Lock()

    def pending_transfer(self, *, call_sid: str) -> str | None:
        """The transfer the agent requested for this call (see `records.transfers`)."""
        return transfers.pending_transfer(self._conn, call_sid=call_sid)

    def claim(self, *, call_sid: str, caller_masked: str, transport: str) -> CallRow | None:
        """Claim a new call. None when this request owns it; the existing row otherwise."""
        now = time.time()
        inserted = self._conn.execute(
            "INSERT INTO webhook_calls (call_sid, caller_masked, transport, state, "
            "created_at, updated_at) VALUES (?, ?, ?, 'pending', ?, ?) "
            "ON CONFLICT(call_sid) DO NOTHING RETURNING call_sid",
            (call_sid, caller_masked, transport, now, now),
        ).fetchall()
        if inserted:
            return None
        return self.get(call_sid=call_sid)

    def get(self, *, call_sid: str) -> CallRow | None:
        raw = self._conn.execute(
            "SELECT * FROM webhook_calls WHERE call_sid = ?", (call_sid,)
        ).fetchone()
        return _row(raw)

    def mark_bridged(
        self, *, call_sid: str, dispatch_id: str | None, connect_url: str | None
    ) -> None:
        self._conn.execute(
            "UPDATE webhook_calls SET state = 'bridged', dispatch_id = ?, connect_url = ?, "
            "updated_at = ? WHERE call_sid = ?",
            (dispatch_id, connect_url, time.time(), call_sid),
        )

    def mark_fallback(self, *, call_sid: str, reason: str) -> None:
        self._conn.execute(
            "UPDATE webhook_calls SET state = 'fallback', fallback_reason = ?, updated_at = ? "
            "WHERE call_sid = ?",
            (reason, time.time(), call_sid),
        )

    def wait_settled(self, *, call_sid: str, timeout: float) -> CallRow | None:
        """Wait (polling) until a concurrent request has settled a pending call."""
        deadline = time.monotonic() + timeout
        row = self.get(call_sid=call_sid)
        while row is not None and row.state == "pending" and time.monotonic() < deadline:
            time.sleep(0.02)
            row = self.get(call_sid=call_sid)
        return row

    def record_status(
        self, *, call_sid: str, status: str, duration_s: int | None, sequence: int | None
    ) -> None:
        """Keep a status callback and the call's latest status, atomically."""
        now = time.time()
        with self._status_lock, state_db.write_transaction(self._status_conn) as conn:
            conn.execute(
                "INSERT INTO webhook_call_events (call_sid, status, duration_s, sequence, "
                "received_at) VALUES (?, ?, ?, ?, ?)",
                (call_sid, status, duration_s, sequence, now),
            )
            conn.execute(
                "UPDATE webhook_calls SET last_status = ?, updated_at = ? WHERE call_sid = ?",
                (status, now, call_sid),
            )

    def events(self, *, call_sid: str) -> list[tuple[str, int | None]]:
        rows = self._conn.execute(
            "SELECT status, duration_s FROM webhook_call_events WHERE call_sid = ? ORDER BY id",
            (call_sid,),
        ).fetchall()
        return [(r["status"], r["duration_s"]) for r in rows]
