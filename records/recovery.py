"""Call records a crashed worker left open, closed with what was saved.

A call record is started with the call (`CallRecords.start_call`), its transcript saved
line by line as the call goes (`CallRecords.append_line`), and the whole record written
when the call ends (`CallRecords.save`). A worker killed in between (kill -9, out of
memory, a power cut) leaves a row with no end. `close_orphans` ends the rows with no end
and nothing said for `idle_for`: the end is the last line saved (else the start), the
outcome "failed" with the reason `INTERRUPTED` (the owner sees a call to return), and
the lines saved are kept. The agent runs it when a worker starts; `scripts/jobs` may run
it on its own schedule.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime, timedelta

from salon import state_db
from salon.utc import parse_utc, utc_now, utc_text

logger = logging.getLogger("agent")

INTERRUPTED = "appel coupé : l'assistante s'est arrêtée avant la fin de l'appel"
IDLE_FOR = timedelta(minutes=15)  # nothing said for that long: the call is over


def close_orphans(
    conn: sqlite3.Connection, *, idle_for: timedelta = IDLE_FOR, now: datetime | None = None
) -> int:
    """End the call records left open by a crash; returns how many were closed."""
    cutoff = (now or utc_now()) - idle_for
    with state_db.write_transaction(conn):
        rows = conn.execute(
            "SELECT r.id, r.started_at, MAX(t.at) AS last_at FROM call_records r"
            " LEFT JOIN call_transcript t ON t.call_id = r.id"
            " WHERE r.ended_at IS NULL GROUP BY r.id"
        ).fetchall()
        closed = 0
        for row in rows:
            last = parse_utc(row["last_at"] or row["started_at"])
            if last > cutoff:
                continue  # maybe still going on in another worker
            conn.execute(
                "UPDATE call_records SET ended_at = ?, outcome = 'failed',"
                " failure = COALESCE(failure, ?) WHERE id = ? AND ended_at IS NULL",
                (utc_text(last), INTERRUPTED, row["id"]),
            )
            closed += 1
    if closed:
        logger.warning("call records left open by a stopped worker closed",
                       extra={"count": closed})  # fmt: skip
    return closed
