"""Integration tier: the back office's retention pass, with a clock the test moves — the
booking journal's names and numbers go a week after the confirmation was queued (as the
README promises), not only when the agent happens to restart; the line `scripts/jobs
--once` prints counts them in French."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from booking import journal
from jobs.__main__ import retention_line
from tests.jobs.conftest import ALICE, BOB, Rig, at, open_day

pytestmark = pytest.mark.integration


def _journal(rig: Rig) -> list[tuple[str, str, bool]]:
    rows = rig.calendar._conn.execute(
        "SELECT phone, name, notified_at IS NOT NULL FROM booking_journal ORDER BY id"
    )
    return [(r[0], r[1], bool(r[2])) for r in rows]


async def test_journal_entries_go_a_week_after_their_confirmation_was_queued(rig: Rig) -> None:
    day = open_day(rig.profile)
    confirmed = await rig.book(at(rig.profile, day, 10), ALICE, "Alice Durand")
    await rig.book(at(rig.profile, day, 11), BOB, "Bob Roux")  # its confirmation still owed
    journal.mark_notified(rig.calendar._conn, uid=confirmed.uid, kind="booked")  # the agent's
    assert _journal(rig) == [(ALICE, "Alice Durand", True), (BOB, "Bob Roux", False)]

    rig.clock.now = datetime.now(UTC) + timedelta(days=6, hours=23)
    report = (await rig.office.run_once()).as_dict()
    assert "booking_journal" not in report["retention"]
    assert len(_journal(rig)) == 2

    rig.clock.now = datetime.now(UTC) + timedelta(days=7, minutes=1)
    report = (await rig.office.run_once()).as_dict()
    assert report["retention"]["booking_journal"] == 1
    assert _journal(rig) == [(BOB, "Bob Roux", False)]  # owed: kept until it is queued
    assert report["ok"]


def test_the_retention_line_counts_journal_entries_in_french() -> None:
    assert retention_line({}) == "rien à effacer"
    assert retention_line({"booking_journal": 1}) == "1 entrée du journal des confirmations"
    assert retention_line({"call_records": 4, "booking_journal": 2}) == (
        "4 appels, 2 entrées du journal des confirmations"
    )
