"""Light reads of the call records for lists (the owner's console): one row per call
without its transcript, a count, one message by id.

`CallRecords.recent` loads each call whole (transcript, metrics, gaps, messages); a page
listing fifty calls out of thousands needs none of that, and must stay fast.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from records.types import TakenMessage, parse_time, utc_text


@dataclass(frozen=True)
class CallSummary:
    """One call as a list shows it; `caller` is personal data (mask it to show it)."""

    id: int
    call_sid: str | None
    caller: str | None
    started_at: datetime
    ended_at: datetime | None
    intent: str | None
    outcome: str
    failure: str | None
    gaps: int
    messages: int

    @property
    def duration_seconds(self) -> float | None:
        if self.ended_at is None:
            return None
        return max(0.0, (self.ended_at - self.started_at).total_seconds())


_SUMMARY = (
    "SELECT id, call_sid, caller, started_at, ended_at, intent, outcome, failure FROM call_records"
)


def _counts(conn: sqlite3.Connection, table: str, ids: list[int]) -> dict[int, int]:
    """Rows of `table` per call, for the calls `ids` (one grouped query, not one per call:
    the child tables have no index on call_id)."""
    if not ids:
        return {}
    marks = ",".join("?" for _ in ids)
    rows = conn.execute(
        f"SELECT call_id, count(*) FROM {table} WHERE call_id IN ({marks}) GROUP BY call_id",
        ids,
    )
    return {int(call_id): int(n) for call_id, n in rows}


def recent_calls(
    conn: sqlite3.Connection, *, limit: int, offset: int = 0, since: datetime | None = None
) -> list[CallSummary]:
    """Calls newest first (`offset` skips the newest ones), those from `since` on only."""
    rows = conn.execute(
        _SUMMARY + " WHERE started_at >= ? ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?",
        (utc_text(since) or "", max(0, limit), max(0, offset)),
    ).fetchall()
    ids = [int(r["id"]) for r in rows]
    gaps = _counts(conn, "call_knowledge_gaps", ids)
    messages = _counts(conn, "call_messages", ids)
    summaries = []
    for r in rows:
        started = parse_time(r["started_at"])
        assert started is not None
        summaries.append(
            CallSummary(
                id=int(r["id"]),
                call_sid=r["call_sid"],
                caller=r["caller"],
                started_at=started,
                ended_at=parse_time(r["ended_at"]),
                intent=r["intent"],
                outcome=r["outcome"],
                failure=r["failure"],
                gaps=gaps.get(int(r["id"]), 0),
                messages=messages.get(int(r["id"]), 0),
            )
        )
    return summaries


def count_calls(conn: sqlite3.Connection, *, since: datetime | None = None) -> int:
    row = conn.execute(
        "SELECT count(*) FROM call_records WHERE started_at >= ?", (utc_text(since) or "",)
    ).fetchone()
    return int(row[0])


def message_by_id(conn: sqlite3.Connection, message_id: int) -> tuple[str | None, TakenMessage]:
    """(call_sid or None, the message) for one message, handled or not; `KeyError` if none."""
    row = conn.execute(
        "SELECT m.*, r.call_sid FROM call_messages m LEFT JOIN call_records r"
        " ON r.id = m.call_id WHERE m.id = ?",
        (message_id,),
    ).fetchone()
    if row is None:
        raise KeyError(message_id)
    return row["call_sid"], TakenMessage.from_row(row)


def gap_ids(conn: sqlite3.Connection) -> dict[str, int]:
    """The id of the latest unanswered occurrence of each question, keyed as
    `CallRecords.knowledge_gaps` groups them (case and spaces ignored)."""
    ids: dict[str, int] = {}
    for row in conn.execute(
        "SELECT id, question FROM call_knowledge_gaps WHERE resolved_at IS NULL"
        " ORDER BY asked_at, id"
    ):
        ids[gap_key(row["question"])] = int(row["id"])
    return ids


def gap_key(question: str) -> str:
    return " ".join(question.lower().split())
