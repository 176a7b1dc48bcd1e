"""Integration tier: a Cal.com move or cancellation a crash cut half-way is finished by
`reconcile` with the reason it was started with (the console's « Déplacé par le salon »,
not the phone's), as Cal.com shows that reason to the salon and its stylists.

`CalComCalendar` against the Cal.com stub on 127.0.0.1; the crash is the worker's task
dying while Cal.com has not answered the request that cancels the old visit.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Coroutine
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from booking import journal
from booking.calendar import Booking, Customer, Slot
from tests.booking.conftest import ALICE, Rig, make_rig
from tests.booking.stylist_salon import make_stylist_profile, work_day
from tests.stubs.calcom import CalComStub

ALICE_CUSTOMER = Customer(name="Alice Dupont", phone=ALICE)
MOVED_BY_SALON = "Déplacé par le salon"  # webhook.console.booking_actions' reasons
CANCELLED_BY_SALON = "annulé par le salon"


@pytest.fixture
async def cal(tmp_path: Path) -> AsyncIterator[Rig]:
    made = await make_rig("calcom", make_stylist_profile(), tmp_path)
    yield made
    await made.calendar.aclose()
    made.calendar.close_db()
    assert made.stub is not None
    made.stub.stop()
    assert made.stub.spec_errors == [], made.stub.spec_errors


def stub_of(rig: Rig) -> CalComStub:
    assert rig.stub is not None
    return rig.stub


def at(rig: Rig, day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=rig.profile.timezone)


def visit_slot(start: datetime, *, stylist: str = "chloe") -> Slot:
    """« coupe femme » then « brushing » (45 + 30 min) at `start` with `stylist`."""
    return Slot(
        service_id="coupe-femme",
        start=start,
        end=start + timedelta(minutes=75),
        stylist_id=stylist,
        extra_service_ids=("brushing",),
        stylist_requested=True,
    )


async def book_visit(rig: Rig, start: datetime) -> Booking:
    slot = visit_slot(start)
    service = rig.profile.service(slot.service_id)
    return await rig.calendar.book(service=service, slot=slot, customer=ALICE_CUSTOMER)


async def crash_on_cancel(rig: Rig, uid: str, change: Coroutine[Any, Any, object]) -> None:
    """Run `change` and kill it while Cal.com holds the request cancelling `uid` (Cal.com
    then answers 500 without cancelling it): the journal entry stays pending."""
    path = f"/v2/bookings/{uid}/cancel"
    stub_of(rig).fail_next(method="POST", path=path, status=500, delay=0.5)
    task = asyncio.ensure_future(change)
    for _ in range(500):
        if any(p == path for _, p, _ in stub_of(rig).requests):
            break
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0.6)  # Cal.com's answer to the dead request comes and goes
    states = rig.calendar._run(
        lambda c: c.execute("SELECT state FROM booking_journal ORDER BY id DESC").fetchone()
    )
    assert states[0] == "pending"


async def reconcile(rig: Rig) -> journal.ReconcileReport:
    async def confirm(entry: journal.JournalEntry) -> None:
        return None

    report = await rig.calendar.reconcile(confirm=confirm, grace=timedelta(0))
    assert report.resolved == 1 and report.errors == []
    return report


async def test_a_salon_move_to_another_stylist_finished_by_reconcile_keeps_its_reason(
    cal: Rig,
) -> None:
    friday = work_day(cal.profile, "chloe", weekday=4)
    visit = await book_visit(cal, at(cal, friday, 10))
    old = [visit.uid, *(p.uid for p in cal.calendar._later_parts(visit.uid))]  # type: ignore[attr-defined]
    move = cal.calendar.reschedule(
        booking_uid=visit.uid,
        new_slot=visit_slot(at(cal, friday, 15), stylist="ines"),
        caller_phone=ALICE,
        reason=MOVED_BY_SALON,
    )
    await crash_on_cancel(cal, visit.uid, move)
    await reconcile(cal)
    bookings = stub_of(cal).bookings
    assert [bookings[uid]["status"] for uid in old] == ["cancelled", "cancelled"]
    assert [bookings[uid].get("cancellationReason") for uid in old] == [MOVED_BY_SALON] * 2


async def test_a_salon_cancellation_finished_by_reconcile_keeps_its_reason(cal: Rig) -> None:
    friday = work_day(cal.profile, "chloe", weekday=4)
    visit = await book_visit(cal, at(cal, friday, 10))
    [later] = [p.uid for p in cal.calendar._later_parts(visit.uid)]  # type: ignore[attr-defined]
    cancel = cal.calendar.cancel(
        booking_uid=visit.uid, caller_phone=ALICE, reason=CANCELLED_BY_SALON
    )
    await crash_on_cancel(cal, later, cancel)
    await reconcile(cal)
    assert stub_of(cal).bookings[later]["status"] == "cancelled"
    assert stub_of(cal).bookings[later].get("cancellationReason") == CANCELLED_BY_SALON


async def test_a_change_whose_reason_was_not_kept_is_finished_with_a_neutral_one(
    cal: Rig,
) -> None:
    """An entry written before the journal kept reasons: not « par téléphone » blindly."""
    friday = work_day(cal.profile, "chloe", weekday=4)
    visit = await book_visit(cal, at(cal, friday, 10))
    old = [visit.uid, *(p.uid for p in cal.calendar._later_parts(visit.uid))]  # type: ignore[attr-defined]
    move = cal.calendar.reschedule(
        booking_uid=visit.uid,
        new_slot=visit_slot(at(cal, friday, 15), stylist="ines"),
        caller_phone=ALICE,
        reason=MOVED_BY_SALON,
    )
    await crash_on_cancel(cal, visit.uid, move)
    cal.calendar._run(lambda c: c.execute("UPDATE booking_journal SET reason = NULL"))
    await reconcile(cal)
    reasons = {stub_of(cal).bookings[uid].get("cancellationReason") for uid in old}
    assert reasons == {"Rendez-vous déplacé"}
