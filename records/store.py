"""Call records in the state database: who called, what they wanted, what happened.

One row per call (`call_records`), with the transcript (`call_transcript`), per-turn
latency metrics (`call_turn_metrics`), questions the documents could not answer
(`call_knowledge_gaps`) and messages taken for the salon (`call_messages`).

Personal data: the caller's number, the transcript, messages and gap questions are kept
as they are (the salon needs them) but listed in `PERSONAL_DATA`; `CallRecord.redacted()`
is what may go to logs, and `purge_personal_data(before=…)` erases them for retention.

Safe for several processes: the state database is in WAL mode and every multi-row write
runs in one `BEGIN IMMEDIATE` transaction (`salon.state_db.write_transaction`).
`python -m records --gaps` lists the questions callers asked that nothing
answered.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from records.types import (
    INTENTS,
    LIVEKIT_METRIC_KEYS,
    METRIC_NAMES,
    OUTCOMES,
    PERSONAL_DATA,
    CallRecord,
    GapSummary,
    Outcome,
    TakenMessage,
    TranscriptLine,
    TurnMetrics,
    from_history,
    parse_time,
    utc_text,
)
from salon import state_db
from salon.measure import percentile
from salon.utc import utc_now

__all__ = [
    "INTENTS",
    "LIVEKIT_METRIC_KEYS",
    "METRIC_NAMES",
    "OUTCOMES",
    "PERSONAL_DATA",
    "CallRecord",
    "CallRecords",
    "GapSummary",
    "Outcome",
    "TakenMessage",
    "TranscriptLine",
    "TurnMetrics",
    "from_history",
]

logger = logging.getLogger("agent")

# ---------------------------------------------------------------- the store


class CallRecords:
    """The call-record tables of the state database (`SALON_DB`)."""

    def __init__(
        self, *, conn: sqlite3.Connection | None = None, path: str | Path | None = None
    ) -> None:
        self.conn = conn if conn is not None else state_db.connect(path)
        self._lock = threading.RLock()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock, state_db.write_transaction(self.conn) as conn:
            yield conn

    def start_call(
        self,
        *,
        call_sid: str | None,
        caller: str | None = None,
        called: str | None = None,
        started_at: datetime | None = None,
    ) -> int:
        """Insert the call as soon as it starts (outcome "abandoned" until saved), so a
        worker crash still leaves a trace. Idempotent per `call_sid`."""
        with self._write() as conn:
            if call_sid is not None:
                row = conn.execute(
                    "SELECT id FROM call_records WHERE call_sid = ?", (call_sid,)
                ).fetchone()
                if row is not None:
                    return int(row["id"])
            cur = conn.execute(
                "INSERT INTO call_records (call_sid, caller, called, started_at) VALUES (?,?,?,?)",
                (call_sid, caller, called, utc_text(started_at or utc_now())),
            )
            return int(cur.lastrowid or 0)

    def append_line(self, *, call_id: int, seq: int, line: TranscriptLine) -> None:
        """Save one transcript line as the call goes, so a worker that dies mid-call
        still leaves what was said (`save` rewrites the whole transcript at the end;
        `records.recovery.close_orphans` ends such a call)."""
        with self._lock:
            self.conn.execute(
                "INSERT OR REPLACE INTO call_transcript (call_id, seq, role, text, at)"
                " VALUES (?,?,?,?,?)",
                (call_id, seq, line.role, line.text, utc_text(line.at)),
            )

    def save(self, record: CallRecord) -> int:
        """Write the whole record (insert, or replace the call with the same `call_sid`)
        in one transaction; returns its id. Saving twice gives the same state."""
        with self._write() as conn:
            row = None
            if record.id is not None:
                row = conn.execute(
                    "SELECT id FROM call_records WHERE id = ?", (record.id,)
                ).fetchone()
            if row is None and record.call_sid is not None:
                row = conn.execute(
                    "SELECT id FROM call_records WHERE call_sid = ?", (record.call_sid,)
                ).fetchone()
            values = (
                record.call_sid,
                record.caller,
                record.called,
                utc_text(record.started_at),
                utc_text(record.ended_at),
                record.intent,
                record.outcome,
                json.dumps(record.tools_used, ensure_ascii=False),
                record.failure,
            )
            if row is None:
                cur = conn.execute(
                    "INSERT INTO call_records (call_sid, caller, called, started_at, ended_at,"
                    " intent, outcome, tools_used, failure) VALUES (?,?,?,?,?,?,?,?,?)",
                    values,
                )
                call_id = int(cur.lastrowid or 0)
            else:
                call_id = int(row["id"])
                conn.execute(
                    "UPDATE call_records SET call_sid=?, caller=?, called=?, started_at=?,"
                    " ended_at=?, intent=?, outcome=?, tools_used=?, failure=? WHERE id=?",
                    (*values, call_id),
                )
                for table in ("call_transcript", "call_turn_metrics", "call_messages"):
                    conn.execute(f"DELETE FROM {table} WHERE call_id = ?", (call_id,))
                conn.execute(
                    "DELETE FROM call_knowledge_gaps WHERE call_id = ? AND resolved_at IS NULL",
                    (call_id,),
                )
            self._write_children(conn, call_id, record)
        record.id = call_id
        logger.info("call record saved", extra={"call": record.redacted()})
        return call_id

    def _write_children(self, conn: sqlite3.Connection, call_id: int, record: CallRecord) -> None:
        conn.executemany(
            "INSERT INTO call_transcript (call_id, seq, role, text, at) VALUES (?,?,?,?,?)",
            [(call_id, i, t.role, t.text, utc_text(t.at)) for i, t in enumerate(record.transcript)],
        )
        conn.executemany(
            "INSERT INTO call_turn_metrics (call_id, seq, at, e2e, llm_ttft, tts_ttfb,"
            " end_of_turn_delay, hook_delay) VALUES (?,?,?,?,?,?,?,?)",
            [
                (
                    call_id,
                    i,
                    utc_text(m.at),
                    m.e2e,
                    m.llm_ttft,
                    m.tts_ttfb,
                    m.end_of_turn_delay,
                    m.hook_delay,
                )
                for i, m in enumerate(record.metrics)
            ],
        )
        resolved = {
            r["question"]
            for r in conn.execute(
                "SELECT question FROM call_knowledge_gaps WHERE call_id = ?", (call_id,)
            )
        }
        asked = utc_text(record.ended_at or record.started_at)
        conn.executemany(
            "INSERT INTO call_knowledge_gaps (call_id, question, asked_at) VALUES (?,?,?)",
            [
                (call_id, q, asked)
                for q in dict.fromkeys(record.knowledge_gaps)
                if q not in resolved
            ],
        )
        conn.executemany(
            "INSERT INTO call_messages (call_id, caller_name, callback_number, message,"
            " created_at, handled_at) VALUES (?,?,?,?,?,?)",
            [
                (
                    call_id,
                    m.caller_name,
                    m.callback_number,
                    m.text,
                    utc_text(m.at or record.ended_at or record.started_at),
                    utc_text(utc_now()) if m.handled else None,
                )
                for m in record.messages
            ],
        )

    # ------------------------------------------------------------ reading

    def get(self, call_sid: str) -> CallRecord | None:
        return self._one("call_sid", call_sid)

    def get_by_id(self, call_id: int) -> CallRecord | None:
        return self._one("id", call_id)

    def _one(self, column: Literal["call_sid", "id"], value: str | int) -> CallRecord | None:
        with self._lock:
            row = self.conn.execute(
                f"SELECT * FROM call_records WHERE {column} = ?", (value,)
            ).fetchone()
            return self._load(row) if row is not None else None

    def recent(self, limit: int = 20) -> list[CallRecord]:
        with self._lock:
            rows = self.conn.execute(
                "SELECT * FROM call_records ORDER BY started_at DESC, id DESC LIMIT ?", (limit,)
            ).fetchall()
            return [self._load(r) for r in rows]

    def _load(self, row: sqlite3.Row) -> CallRecord:
        call_id = int(row["id"])
        q = self.conn.execute
        transcript = [
            TranscriptLine(role=r["role"], text=r["text"], at=parse_time(r["at"]))
            for r in q("SELECT * FROM call_transcript WHERE call_id = ? ORDER BY seq", (call_id,))
        ]
        metrics = [
            TurnMetrics(**{k: r[k] for k in METRIC_NAMES}, at=parse_time(r["at"]))
            for r in q("SELECT * FROM call_turn_metrics WHERE call_id = ? ORDER BY seq", (call_id,))
        ]
        gaps = [
            r["question"]
            for r in q(
                "SELECT question FROM call_knowledge_gaps WHERE call_id = ? ORDER BY id", (call_id,)
            )
        ]
        messages = [
            TakenMessage.from_row(r)
            for r in q("SELECT * FROM call_messages WHERE call_id = ? ORDER BY id", (call_id,))
        ]
        started = parse_time(row["started_at"])
        assert started is not None
        return CallRecord(
            id=call_id,
            call_sid=row["call_sid"],
            caller=row["caller"],
            called=row["called"],
            started_at=started,
            ended_at=parse_time(row["ended_at"]),
            intent=row["intent"],
            outcome=row["outcome"],
            tools_used=list(json.loads(row["tools_used"] or "[]")),
            failure=row["failure"],
            transcript=transcript,
            metrics=metrics,
            knowledge_gaps=gaps,
            messages=messages,
        )

    def knowledge_gaps(
        self, *, since: datetime | None = None, include_resolved: bool = False
    ) -> list[GapSummary]:
        """Unanswered questions, grouped (case- and space-insensitive), most asked first."""
        sql = (
            "SELECT g.question, g.asked_at, r.call_sid FROM call_knowledge_gaps g"
            " JOIN call_records r ON r.id = g.call_id WHERE g.asked_at >= ?"
        )
        if not include_resolved:
            sql += " AND g.resolved_at IS NULL"
        with self._lock:
            rows = self.conn.execute(sql, (utc_text(since) or "",)).fetchall()
        groups: dict[str, list[sqlite3.Row]] = {}
        for r in rows:
            groups.setdefault(" ".join(r["question"].lower().split()), []).append(r)
        summaries = []
        for items in groups.values():
            latest = max(items, key=lambda r: r["asked_at"])
            summaries.append(
                GapSummary(
                    question=latest["question"],
                    count=len(items),
                    last_asked=parse_time(latest["asked_at"]) or utc_now(),
                    call_sids=tuple(sorted({r["call_sid"] or "" for r in items})),
                )
            )
        return sorted(summaries, key=lambda g: (-g.count, -g.last_asked.timestamp()))

    def resolve_gap(self, question: str) -> int:
        """Mark every occurrence of a question as answered (e.g. after adding a document)."""
        key = " ".join(question.lower().split())
        with self._write() as conn:
            rows = conn.execute(
                "SELECT id, question FROM call_knowledge_gaps WHERE resolved_at IS NULL"
            ).fetchall()
            ids = [r["id"] for r in rows if " ".join(r["question"].lower().split()) == key]
            conn.executemany(
                "UPDATE call_knowledge_gaps SET resolved_at = ? WHERE id = ?",
                [(utc_text(utc_now()), i) for i in ids],
            )
        return len(ids)

    def pending_messages(self) -> list[tuple[str | None, TakenMessage]]:
        """Messages for the salon not yet handled, oldest first, with their call_sid
        (None for a message received by SMS or WhatsApp)."""
        with self._lock:
            rows = self.conn.execute(
                "SELECT m.*, r.call_sid FROM call_messages m LEFT JOIN call_records r"
                " ON r.id = m.call_id WHERE m.handled_at IS NULL ORDER BY m.created_at, m.id"
            ).fetchall()
        return [(r["call_sid"], TakenMessage.from_row(r)) for r in rows]

    def add_text_message(
        self,
        *,
        channel: str,
        phone: str,
        text: str,
        at: datetime | None = None,
        name: str | None = None,
    ) -> int:
        """Keep a message received by SMS or WhatsApp (`channel`) for the salon, as a
        message taken during a call is kept, under `name` when the sender is known (the
        name on their booking); returns its id."""
        if channel not in ("sms", "whatsapp"):
            raise ValueError(f"a text message comes by sms or whatsapp, not {channel!r}")
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO call_messages (call_id, channel, caller_name, callback_number,"
                " message, created_at) VALUES (NULL, ?, ?, ?, ?, ?)",
                (channel, name or None, phone, text, utc_text(at or utc_now())),
            )
        return int(cur.lastrowid or 0)

    def mark_message_handled(self, message_id: int) -> bool:
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE call_messages SET handled_at = ? WHERE id = ? AND handled_at IS NULL",
                (utc_text(utc_now()), message_id),
            )
        return cur.rowcount == 1

    def latency_summary(self, *, since: datetime | None = None) -> dict[str, dict[str, float]]:
        """p50/p95/max in milliseconds, and the count, for each per-turn metric."""
        with self._lock:
            rows = self.conn.execute(
                "SELECT m.* FROM call_turn_metrics m JOIN call_records r ON r.id = m.call_id"
                " WHERE r.started_at >= ?",
                (utc_text(since) or "",),
            ).fetchall()
        summary: dict[str, dict[str, float]] = {}
        for name in METRIC_NAMES:
            values = sorted(r[name] * 1000 for r in rows if r[name] is not None)
            if values:
                summary[name] = {
                    "count": len(values),
                    "p50_ms": round(percentile(values, 0.5), 1),
                    "p95_ms": round(percentile(values, 0.95), 1),
                    "max_ms": round(values[-1], 1),
                }
        return summary

    def purge_personal_data(self, *, before: datetime) -> int:
        """Erase caller numbers, transcripts, messages and gap questions of calls started
        before `before` (statistics stay). Returns the number of calls purged."""
        cutoff = utc_text(before)
        with self._write() as conn:
            ids = [
                r["id"]
                for r in conn.execute(
                    "SELECT id FROM call_records WHERE started_at < ? AND personal_data_purged = 0",
                    (cutoff,),
                )
            ]
            for call_id in ids:
                conn.execute("DELETE FROM call_transcript WHERE call_id = ?", (call_id,))
                conn.execute("DELETE FROM call_messages WHERE call_id = ?", (call_id,))
                conn.execute("DELETE FROM call_knowledge_gaps WHERE call_id = ?", (call_id,))
                conn.execute(
                    "UPDATE call_records SET caller = NULL, personal_data_purged = 1 WHERE id = ?",
                    (call_id,),
                )
        return len(ids)

    # ------------------------------------------------------------ async wrappers

    async def astart_call(self, **kwargs: Any) -> int:
        return await asyncio.to_thread(lambda: self.start_call(**kwargs))

    async def asave(self, record: CallRecord) -> int:
        """`save` off the event loop (the agent's audio keeps flowing)."""
        snapshot = replace(
            record,
            transcript=list(record.transcript),
            tools_used=list(record.tools_used),
            knowledge_gaps=list(record.knowledge_gaps),
            metrics=list(record.metrics),
            messages=list(record.messages),
        )
        call_id = await asyncio.to_thread(self.save, snapshot)
        record.id = call_id
        return call_id
