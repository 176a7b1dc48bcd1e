"""Integration tier (real SQLite file): call records a stopped worker left open are closed
with what was saved — lines saved as the call went, the end at the last of them — and
calls still going on, or properly finished, are left alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from records.recovery import INTERRUPTED, close_orphans
from records.store import CallRecord, CallRecords, TranscriptLine

T0 = datetime(2026, 12, 1, 13, 30, tzinfo=UTC)


def _store(tmp_path: Path) -> CallRecords:
    return CallRecords(path=tmp_path / "salon.db")


def _said(store: CallRecords, call_id: int, *lines: tuple[str, str, int]) -> None:
    for seq, (role, text, second) in enumerate(lines):
        at = T0 + timedelta(seconds=second)
        store.append_line(call_id=call_id, seq=seq, line=TranscriptLine(role, text, at))


def test_a_call_left_open_ends_at_its_last_saved_line_and_keeps_its_words(
    tmp_path: Path,
) -> None:
    store = _store(tmp_path)
    call_id = store.start_call(call_sid="CA-dead", caller="+33612345678", started_at=T0)
    _said(store, call_id, ("agent", "Bonjour", 1), ("caller", "Une coupe homme samedi", 9))
    assert close_orphans(store.conn, now=T0 + timedelta(hours=1)) == 1
    record = store.get("CA-dead")
    assert record is not None
    assert (record.outcome, record.failure) == ("failed", INTERRUPTED)
    assert record.ended_at == T0 + timedelta(seconds=9)
    assert [(t.role, t.text) for t in record.transcript] == [
        ("agent", "Bonjour"),
        ("caller", "Une coupe homme samedi"),
    ]
    assert close_orphans(store.conn, now=T0 + timedelta(hours=2)) == 0  # once


def test_a_call_that_said_nothing_ends_at_its_start(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.start_call(call_sid="CA-mute", started_at=T0)
    assert close_orphans(store.conn, now=T0 + timedelta(hours=1)) == 1
    record = store.get("CA-mute")
    assert record is not None and record.ended_at == T0 and record.transcript == []


def test_a_call_still_talking_and_a_finished_call_are_left_alone(tmp_path: Path) -> None:
    store = _store(tmp_path)
    live = store.start_call(call_sid="CA-live", started_at=T0)
    _said(store, live, ("agent", "Bonjour", 0), ("caller", "Oui, je réfléchis", 20 * 60))
    store.save(
        CallRecord(
            call_sid="CA-done",
            started_at=T0,
            ended_at=T0 + timedelta(minutes=2),
            intent="question",
            outcome="answered",
        )
    )
    # 30 minutes after the start, 10 after the last line: under the 15 minutes of silence
    assert close_orphans(store.conn, now=T0 + timedelta(minutes=30)) == 0
    assert close_orphans(store.conn, now=T0 + timedelta(minutes=36)) == 1
    done = store.get("CA-done")
    assert done is not None and (done.outcome, done.failure) == ("answered", None)


def test_saving_the_whole_call_replaces_the_lines_saved_as_it_went(tmp_path: Path) -> None:
    store = _store(tmp_path)
    call_id = store.start_call(call_sid="CA-end", started_at=T0)
    _said(store, call_id, ("agent", "Bonjour", 1), ("caller", "Bonjour", 2))
    lines = [TranscriptLine("agent", "Bonjour", T0), TranscriptLine("caller", "Bonjour", T0)]
    store.save(
        CallRecord(
            call_sid="CA-end", started_at=T0, ended_at=T0 + timedelta(minutes=1),
            outcome="answered", transcript=[*lines, TranscriptLine("agent", "Au revoir", T0)],
            id=call_id,
        )
    )  # fmt: skip
    record = store.get("CA-end")
    assert record is not None and [t.text for t in record.transcript] == [
        "Bonjour",
        "Bonjour",
        "Au revoir",
    ]
