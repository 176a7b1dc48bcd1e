"""Transfer requests between the agent and the webhook, kept in the state db.

On the `<Dial><Sip>` route (and the `<Connect><Stream>` one) the agent cannot move the
caller itself: it records a transfer request for the call (`request_transfer`, keyed by
the webhook's CallSid, i.e. the room name and `call_sid` of the dispatch metadata), then
ends its side of the bridge (deletes the room). Twilio then POSTs the `action` callback
(`/dial-done`) to the webhook, which reads `pending_transfer` and dials the salon's human
number instead of hanging up.

This works when the agent and the webhook share one `SALON_DB` (one host). On a
multi-host deployment the agent updates the live call through Twilio's REST API instead
(`client.calls(call_sid).update(twiml=...)` with a `<Dial>` to the human number).

Usage from the agent::

    from records import transfers
    from salon import state_db
    conn = state_db.connect()  # SALON_DB, shared with the webhook
    transfers.request_transfer(conn, call_sid=call_sid, reason="demande un coiffeur")
    # ... then end the bridge: get_job_context().delete_room()
"""

from __future__ import annotations

import sqlite3
import time


def _check_call_sid(call_sid: str) -> str:
    cleaned = (call_sid or "").strip()
    if not cleaned:
        raise ValueError("call_sid must be a non-empty Twilio CallSid")
    return cleaned


def request_transfer(conn: sqlite3.Connection, *, call_sid: str, reason: str = "") -> None:
    """Record that this call must go to a human when the bridged audio ends.

    A second request for the same call replaces the first (latest reason wins).
    """
    sid = _check_call_sid(call_sid)
    conn.execute(
        "INSERT INTO transfer_requests (call_sid, reason, requested_at) VALUES (?, ?, ?) "
        "ON CONFLICT(call_sid) DO UPDATE SET reason = excluded.reason, "
        "requested_at = excluded.requested_at",
        (sid, reason or "", time.time()),
    )


def pending_transfer(conn: sqlite3.Connection, *, call_sid: str) -> str | None:
    """The reason of the transfer requested for this call, or None when there is none.

    The reason may be the empty string: test the result with `is not None`.
    """
    sid = _check_call_sid(call_sid)
    row = conn.execute("SELECT reason FROM transfer_requests WHERE call_sid = ?", (sid,)).fetchone()
    return None if row is None else str(row[0])
