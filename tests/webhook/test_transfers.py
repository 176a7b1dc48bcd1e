"""Unit tests for `records.transfers`: the agent → webhook transfer hand-off in the state db."""

from __future__ import annotations

from pathlib import Path

import pytest

from records import transfers
from salon import state_db

pytestmark = pytest.mark.unit


def test_a_call_without_a_request_has_no_pending_transfer(tmp_path: Path) -> None:
    conn = state_db.connect(tmp_path / "salon.db")
    assert transfers.pending_transfer(conn, call_sid="CA1") is None


def test_a_requested_transfer_is_seen_by_another_connection(tmp_path: Path) -> None:
    agent_side = state_db.connect(tmp_path / "salon.db")
    webhook_side = state_db.connect(tmp_path / "salon.db")
    transfers.request_transfer(agent_side, call_sid="CA1", reason="veut parler à Julie")
    assert transfers.pending_transfer(webhook_side, call_sid="CA1") == "veut parler à Julie"
    assert transfers.pending_transfer(webhook_side, call_sid="CA2") is None


def test_an_empty_reason_is_still_a_pending_transfer(tmp_path: Path) -> None:
    conn = state_db.connect(tmp_path / "salon.db")
    transfers.request_transfer(conn, call_sid="CA1")
    assert transfers.pending_transfer(conn, call_sid="CA1") == ""


def test_a_second_request_replaces_the_reason(tmp_path: Path) -> None:
    conn = state_db.connect(tmp_path / "salon.db")
    transfers.request_transfer(conn, call_sid="CA1", reason="premier")
    transfers.request_transfer(conn, call_sid="CA1", reason="second")
    assert transfers.pending_transfer(conn, call_sid="CA1") == "second"


@pytest.mark.parametrize("bad", ["", "   "])
def test_a_blank_call_sid_is_refused(tmp_path: Path, bad: str) -> None:
    conn = state_db.connect(tmp_path / "salon.db")
    with pytest.raises(ValueError, match="call_sid"):
        transfers.request_transfer(conn, call_sid=bad)
    with pytest.raises(ValueError, match="call_sid"):
        transfers.pending_transfer(conn, call_sid=bad)
