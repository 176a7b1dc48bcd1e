"""Unit tier: the outbox sends a failed or never-sent message again when the salon asks
(after fixing a number or a setting), and never one already sent or on its way."""

from __future__ import annotations

from pathlib import Path

from notify.outbox import Outbox
from salon import state_db


def _outbox(tmp_path: Path) -> Outbox:
    return Outbox(db_path=tmp_path / "salon.db")


def _set(outbox: Outbox, entry_id: int, status: str, attempts: int = 3) -> None:
    with state_db.write_transaction(outbox.conn):
        outbox.conn.execute(
            "UPDATE notify_outbox SET status = ?, attempts = ?, detail = 'boom', "
            "next_attempt_at = 1e12 WHERE id = ?",
            (status, attempts, entry_id),
        )


def test_a_failed_message_is_queued_again_due_now_with_its_attempts_reset(tmp_path: Path) -> None:
    outbox = _outbox(tmp_path)
    queued = outbox.enqueue_now(channel="sms", to="06 12 34 56 78", body="x", dedupe_key="k1")
    _set(outbox, queued.entry.id, "failed")
    assert outbox.retry(queued.entry.id)
    entry = outbox.entry(queued.entry.id)
    assert entry is not None and entry.status == "queued" and entry.attempts == 0
    assert entry.detail is None and entry.next_attempt_at < 1e12


def test_sent_queued_and_unknown_messages_are_not_retried(tmp_path: Path) -> None:
    outbox = _outbox(tmp_path)
    for n, status in enumerate(("sent", "queued", "sending")):
        queued = outbox.enqueue_now(channel="sms", to="0612345678", body="x", dedupe_key=f"k{n}")
        _set(outbox, queued.entry.id, status)
        assert not outbox.retry(queued.entry.id)
        entry = outbox.entry(queued.entry.id)
        assert entry is not None and entry.status == status
    assert not outbox.retry(999)
    assert outbox.entry(999) is None


def test_entries_page_newest_first(tmp_path: Path) -> None:
    outbox = _outbox(tmp_path)
    for n in range(5):
        outbox.enqueue_now(channel="sms", to="0612345678", body="x", dedupe_key=f"k{n}")
    assert [e.dedupe_key for e in outbox.entries(limit=2, offset=1)] == ["k3", "k2"]
