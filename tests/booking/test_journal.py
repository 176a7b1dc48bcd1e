"""Integration tier: the booking journal on both calendars — every booking, move and
cancellation owes its confirmation until it is queued, and `reconcile` queues each owed
one exactly once, including a Cal.com booking whose answer a failure swallowed."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from booking.calendar import (
    Booking,
    CalendarUnavailable,
    Customer,
    Slot,
    SlotPreferences,
    SlotTaken,
)
from booking.journal import JournalEntry
from booking.local import LocalCalendar
from salon.profile import SalonProfile
from tests.booking.conftest import ALICE, Rig, make_rig, open_day

ALICE_CUSTOMER = Customer(name="Alice Dupont", phone=ALICE)


class Confirmations:
    """A `confirm` callable that records the entries it was given."""

    def __init__(self) -> None:
        self.entries: list[JournalEntry] = []

    async def __call__(self, entry: JournalEntry) -> None:
        self.entries.append(entry)

    def kinds(self) -> list[tuple[str, str | None]]:
        return [(e.kind, e.uid) for e in self.entries]


async def _slots(rig: Rig, *, after_days: int = 8) -> list[Slot]:
    service = rig.profile.service("coupe-homme")
    day = open_day(rig.profile, after_days=after_days)
    return await rig.calendar.free_slots(service=service, prefs=SlotPreferences(day=day))


async def _book(rig: Rig) -> Booking:
    slot = (await _slots(rig))[0]
    service = rig.profile.service("coupe-homme")
    return await rig.calendar.book(service=service, slot=slot, customer=ALICE_CUSTOMER)


def _states(rig: Rig) -> list[tuple[str, str]]:
    rows = rig.calendar._run(
        lambda c: c.execute("SELECT kind, state FROM booking_journal ORDER BY id").fetchall()
    )
    return [(r[0], r[1]) for r in rows]


async def test_a_booking_owes_its_confirmation_until_one_is_queued(rig: Rig) -> None:
    booking = await _book(rig)
    confirm = Confirmations()
    report = await rig.calendar.reconcile(confirm=confirm)
    assert report.confirmed == 1
    [entry] = confirm.entries
    assert (entry.kind, entry.uid, entry.phone, entry.name) == (
        "booked",
        booking.uid,
        ALICE,
        "Alice Dupont",
    )
    assert (entry.service_id, entry.start) == ("coupe-homme", booking.start)
    again = Confirmations()
    assert (await rig.calendar.reconcile(confirm=again)).confirmed == 0
    assert again.entries == []


async def test_a_confirmation_queued_by_the_agent_is_owed_no_more(rig: Rig) -> None:
    booking = await _book(rig)
    rig.calendar.confirmation_queued(uid=booking.uid, kind="booked")
    confirm = Confirmations()
    await rig.calendar.reconcile(confirm=confirm)
    assert confirm.entries == []


async def test_a_move_and_a_cancellation_owe_their_confirmations_too(rig: Rig) -> None:
    booking = await _book(rig)
    rig.calendar.confirmation_queued(uid=booking.uid, kind="booked")
    later = (await _slots(rig, after_days=9))[0]
    moved = await rig.calendar.reschedule(
        booking_uid=booking.uid, new_slot=later, caller_phone=ALICE
    )
    await rig.calendar.cancel(booking_uid=moved.uid, caller_phone=ALICE, reason="malade")
    confirm = Confirmations()
    await rig.calendar.reconcile(confirm=confirm)
    assert confirm.kinds() == [("moved", moved.uid), ("cancelled", moved.uid)]
    assert confirm.entries[0].previous_start == booking.start
    assert confirm.entries[0].start == moved.start


async def test_a_confirmation_that_cannot_be_queued_stays_owed(rig: Rig) -> None:
    booking = await _book(rig)

    async def broken(entry: JournalEntry) -> None:
        raise OSError("disk full")

    report = await rig.calendar.reconcile(confirm=broken)
    assert (report.confirmed, report.errors) == (0, ["OSError"])
    confirm = Confirmations()
    await rig.calendar.reconcile(confirm=confirm)
    assert confirm.kinds() == [("booked", booking.uid)]


async def test_the_embedded_booking_and_its_journal_entry_commit_together(
    profile: SalonProfile, tmp_path: Path
) -> None:
    rig = await make_rig("local", profile, tmp_path)
    assert isinstance(rig.calendar, LocalCalendar)
    rig.calendar._run(
        lambda c: c.execute(
            "CREATE TEMP TRIGGER journal_down BEFORE INSERT ON booking_journal "
            "BEGIN SELECT RAISE(ABORT, 'journal down'); END"
        )
    )
    with pytest.raises(sqlite3.IntegrityError):
        await _book(rig)
    booked = rig.calendar._run(lambda c: c.execute("SELECT COUNT(*) FROM local_bookings"))
    assert booked.fetchone()[0] == 0  # no booking without the confirmation it owes
    await rig.calendar.aclose()


async def test_a_cal_com_booking_whose_answer_was_lost_is_confirmed_once(calcom: Rig) -> None:
    assert calcom.stub is not None
    slot = (await _slots(calcom))[0]
    # Cal.com books, then answers 500; looking for the booking fails too: the call ends
    # not knowing, as when the worker is killed while the answer is on its way.
    calcom.stub.fail_next(method="POST", path="/v2/bookings", status=500, process=True)
    calcom.stub.fail_next(method="GET", path="/v2/bookings", status=503, times=100)
    with pytest.raises(CalendarUnavailable):
        await calcom.calendar.book(
            service=calcom.profile.service("coupe-homme"), slot=slot, customer=ALICE_CUSTOMER
        )
    assert _states(calcom) == [("booked", "pending")]
    assert len(calcom.stub.active_bookings()) == 1
    calcom.stub.faults.clear()
    confirm = Confirmations()
    report = await calcom.calendar.reconcile(confirm=confirm, grace=timedelta(0))
    [made] = calcom.stub.active_bookings()
    assert (report.resolved, confirm.kinds()) == (1, [("booked", made["uid"])])
    assert _states(calcom) == [("booked", "done")]
    mine = await calcom.calendar.find_bookings(caller_phone=ALICE)
    assert [b.uid for b in mine] == [made["uid"]]  # linked to the caller's number again
    again = Confirmations()
    await calcom.calendar.reconcile(confirm=again, grace=timedelta(0))
    assert again.entries == []


async def test_a_lost_booking_settled_by_a_slow_cal_com_is_confirmed_in_the_same_pass(
    calcom: Rig,
) -> None:
    """Cal.com takes over a second to answer the lookup: the entry is settled in a later
    second than the pass started in, and its confirmation must still be queued now
    (it once waited for the next start, the caller left without an SMS)."""
    assert calcom.stub is not None
    slot = (await _slots(calcom))[0]
    calcom.stub.fail_next(method="POST", path="/v2/bookings", status=500, process=True)
    calcom.stub.fail_next(method="GET", path="/v2/bookings", status=503, times=100)
    with pytest.raises(CalendarUnavailable):
        await calcom.calendar.book(
            service=calcom.profile.service("coupe-homme"), slot=slot, customer=ALICE_CUSTOMER
        )
    calcom.stub.faults.clear()
    calcom.stub.fail_next(method="GET", path="/v2/bookings", process=True, delay=1.2)
    calcom.calendar.attempt_timeout = max(calcom.calendar.attempt_timeout, 3.0)
    calcom.calendar.deadline = max(calcom.calendar.deadline, 5.0)
    confirm = Confirmations()
    report = await calcom.calendar.reconcile(confirm=confirm, grace=timedelta(0))
    [made] = calcom.stub.active_bookings()
    assert (report.resolved, report.confirmed) == (1, 1)
    assert confirm.kinds() == [("booked", made["uid"])]


async def test_a_pending_cal_com_call_is_left_alone_during_its_grace(calcom: Rig) -> None:
    assert calcom.stub is not None
    slot = (await _slots(calcom))[0]
    calcom.stub.fail_next(method="POST", path="/v2/bookings", status=500, process=True)
    calcom.stub.fail_next(method="GET", path="/v2/bookings", status=503, times=100)
    with pytest.raises(CalendarUnavailable):
        await calcom.calendar.book(
            service=calcom.profile.service("coupe-homme"), slot=slot, customer=ALICE_CUSTOMER
        )
    calcom.stub.faults.clear()
    confirm = Confirmations()
    report = await calcom.calendar.reconcile(confirm=confirm)  # default grace: a minute
    assert (report.resolved, confirm.entries) == (0, [])
    assert _states(calcom) == [("booked", "pending")]


async def test_a_cal_com_call_that_never_booked_owes_nothing(calcom: Rig) -> None:
    assert calcom.stub is not None
    slot = (await _slots(calcom))[0]
    calcom.stub.fail_next(method="POST", path="/v2/bookings", status=503, times=100)
    with pytest.raises(CalendarUnavailable):
        await calcom.calendar.book(
            service=calcom.profile.service("coupe-homme"), slot=slot, customer=ALICE_CUSTOMER
        )
    calcom.stub.faults.clear()
    confirm = Confirmations()
    report = await calcom.calendar.reconcile(confirm=confirm, grace=timedelta(0))
    assert (report.resolved, confirm.entries) == (1, [])
    assert _states(calcom) == [("booked", "failed")]


async def test_a_slot_cal_com_refused_is_settled_failed_at_once(calcom: Rig) -> None:
    assert calcom.stub is not None
    slot = (await _slots(calcom))[0]
    calcom.stub.take_slot(event_type_id=201, start=slot.start)
    with pytest.raises(SlotTaken):
        await calcom.calendar.book(
            service=calcom.profile.service("coupe-homme"), slot=slot, customer=ALICE_CUSTOMER
        )
    assert _states(calcom) == [("booked", "failed")]
