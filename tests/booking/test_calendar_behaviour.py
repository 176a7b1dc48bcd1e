"""Integration tier: ONE behavioural suite that both calendars must pass.

Each test runs twice: against `LocalCalendar` (SQLite) and against `CalComCalendar`
talking to the Cal.com stub server on 127.0.0.1 (every request and response checked
against the OpenAPI spec; the fixture fails the test on any spec violation).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from booking.calendar import (
    Booking,
    BookingNotFound,
    Calendar,
    Customer,
    InvalidRequest,
    SlotPreferences,
    SlotTaken,
    Window,
)
from booking.hours import opening_hours, public_holiday
from notify.outbox import Outbox
from notify.service import confirm_booking
from salon import state_db
from tests.booking.conftest import ALICE, MALLORY, Rig, make_profile, open_day

ALICE_CUSTOMER = Customer(name="Alice Dupont", phone="06 12 34 56 78")


async def _book_first(rig: Rig, service_id: str = "coupe-homme", **prefs: object) -> Booking:
    service = rig.profile.service(service_id)
    day = open_day(rig.profile)
    slots = await rig.calendar.free_slots(service=service, prefs=SlotPreferences(day=day, **prefs))  # type: ignore[arg-type]
    return await rig.calendar.book(service=service, slot=slots[0], customer=ALICE_CUSTOMER)


async def test_free_slots_are_few_spread_over_days_and_inside_opening_hours(rig: Rig) -> None:
    service = rig.profile.service("balayage-longs")
    slots = await rig.calendar.free_slots(service=service)
    assert 1 <= len(slots) <= 3
    assert len({s.start.date() for s in slots}) == len(slots)  # one per day when no day asked
    for slot in slots:
        assert slot.start.tzinfo is not None and slot.start.utcoffset() is not None
        assert slot.start.tzinfo == rig.profile.timezone
        assert slot.end - slot.start == timedelta(minutes=150)
        hours = opening_hours(rig.profile, slot.start.date())
        assert any(lo <= slot.start.time() and slot.end.time() <= hi for lo, hi in hours)
        assert slot.start > datetime.now(rig.profile.timezone) + timedelta(minutes=59)
        assert " à " in slot.words


async def test_slots_for_a_given_day_and_window_stay_in_that_day_and_window(rig: Rig) -> None:
    day = open_day(rig.profile)
    service = rig.profile.service("coupe-homme")
    morning = await rig.calendar.free_slots(
        service=service, prefs=SlotPreferences(day=day, window=Window.MATIN)
    )
    evening = await rig.calendar.free_slots(
        service=service, prefs=SlotPreferences(day=day, window=Window.SOIR)
    )
    assert len(morning) == 3 and len(evening) >= 1
    assert all(s.start.date() == day and s.start.time() < time(12) for s in morning)
    assert all(s.start.date() == day and s.start.time() >= time(17) for s in evening)
    assert morning[0].start.time() == time(9)  # spread: first slot of the morning first
    assert morning[-1].start.time() > time(10)  # ... and later ones, not 9h, 9h15, 9h30


async def test_earliest_preference_offers_the_very_first_free_slot(rig: Rig) -> None:
    service = rig.profile.service("coupe-homme")
    day = open_day(rig.profile)
    not_before = datetime.combine(day, time(0), tzinfo=rig.profile.timezone)
    slots = await rig.calendar.free_slots(
        service=service, prefs=SlotPreferences(earliest=True, not_before=not_before)
    )
    assert slots[0].start == datetime.combine(day, time(9), tzinfo=rig.profile.timezone)
    assert all(
        b.start - a.start >= timedelta(hours=1) for a, b in zip(slots, slots[1:], strict=False)
    )


async def test_closed_days_and_public_holidays_offer_no_slot(rig: Rig) -> None:
    service = rig.profile.service("coupe-homme")
    day = open_day(rig.profile)
    while day.weekday() != 6:  # a Sunday
        day += timedelta(days=1)
    assert await rig.calendar.free_slots(service=service, prefs=SlotPreferences(day=day)) == []
    holiday = day
    while not (public_holiday(holiday) and holiday.weekday() in (2, 3, 4)):
        holiday += timedelta(days=1)
    assert rig.profile.hours_on(holiday)  # open on that weekday in the weekly hours…
    assert await rig.calendar.free_slots(service=service, prefs=SlotPreferences(day=holiday)) == []


async def test_a_booking_takes_the_slot_and_is_found_by_the_callers_phone(rig: Rig) -> None:
    booking = await _book_first(rig)
    assert booking.status == "accepted" and booking.owned
    assert booking.customer == Customer(name="Alice Dupont", phone=ALICE, email=None)
    assert booking.end - booking.start == timedelta(minutes=30)
    again = await rig.calendar.free_slots(
        service=booking.service, prefs=SlotPreferences(day=booking.start.date(), earliest=True)
    )
    assert booking.start not in [s.start for s in again]
    found = await rig.calendar.find_bookings(caller_phone="+33 6 12 34 56 78")
    assert [b.uid for b in found] == [booking.uid]
    assert await rig.calendar.find_bookings(caller_phone=MALLORY) == []


async def test_booking_a_slot_already_taken_says_so_and_keeps_the_first_booking(rig: Rig) -> None:
    service = rig.profile.service("coupe-homme")
    day = open_day(rig.profile)
    slot = (await rig.calendar.free_slots(service=service, prefs=SlotPreferences(day=day)))[0]
    first = await rig.calendar.book(service=service, slot=slot, customer=ALICE_CUSTOMER)
    with pytest.raises(SlotTaken) as err:
        await rig.calendar.book(
            service=service, slot=slot, customer=Customer(name="Bob", phone=MALLORY)
        )
    assert "créneau" in err.value.caller_message
    assert "Alice" not in err.value.caller_message
    assert [b.uid for b in await rig.calendar.find_bookings(caller_phone=ALICE)] == [first.uid]
    assert await rig.calendar.find_bookings(caller_phone=MALLORY) == []


PARENT = Customer(name="Paul Martin", phone="06 12 34 56 78")
CHILD = Customer(name="Léo Martin", phone="+33612345678")


@pytest.mark.parametrize("profile", [make_profile(chairs=4)])  # the salon has four chairs
async def test_one_phone_booking_for_two_people_at_once_makes_two_bookings(
    rig: Rig, tmp_path: Path
) -> None:
    """A parent books for himself, then for his son at the same time: two bookings, each
    with its own SMS naming its person; a retry of either request stays one booking."""
    service = rig.profile.service("coupe-homme")
    day = open_day(rig.profile)
    slot = (await rig.calendar.free_slots(service=service, prefs=SlotPreferences(day=day)))[0]
    parent = await rig.calendar.book(service=service, slot=slot, customer=PARENT)
    child = await rig.calendar.book(service=service, slot=slot, customer=CHILD)
    assert parent.uid != child.uid and parent.start == child.start == slot.start
    # the same requests retried, names written otherwise: no third booking
    again = Customer(name="  paul   MARTIN ", phone="+33 6 12 34 56 78")
    assert (await rig.calendar.book(service=service, slot=slot, customer=again)).uid == parent.uid
    leo = Customer(name="Leo martin", phone=ALICE)
    assert (await rig.calendar.book(service=service, slot=slot, customer=leo)).uid == child.uid
    mine = await rig.calendar.find_bookings(caller_phone=ALICE)
    assert sorted(b.customer.name for b in mine if b.customer) == ["Léo Martin", "Paul Martin"]
    if rig.stub is not None:
        assert len(rig.stub.active_bookings()) == 2
    # one SMS per booking, each naming its person (what the agent queues after booking)
    outbox = Outbox(conn=state_db.connect(tmp_path / "outbox.db"), notifiers=[])
    for booking in (parent, child, parent):  # the parent's confirmation asked twice
        assert booking.customer is not None
        await confirm_booking(
            outbox, profile=rig.profile, event="booked", booking_uid=booking.uid,
            phone=booking.customer.phone, service=booking.service.name, start=booking.start,
            channel="sms", name=booking.customer.name,
        )  # fmt: skip
    bodies = sorted(e.body for e in outbox.entries(limit=10))
    assert len(bodies) == 2
    assert "RDV de Léo Martin confirmé" in bodies[0] and "Paul" not in bodies[0]
    assert "RDV de Paul Martin confirmé" in bodies[1] and "Léo" not in bodies[1]
    outbox.conn.close()


async def test_a_second_person_on_a_full_slot_is_refused_not_merged(rig: Rig) -> None:
    service = rig.profile.service("coupe-homme")  # one chair in this salon
    day = open_day(rig.profile)
    slot = (await rig.calendar.free_slots(service=service, prefs=SlotPreferences(day=day)))[0]
    parent = await rig.calendar.book(service=service, slot=slot, customer=PARENT)
    with pytest.raises(SlotTaken):
        await rig.calendar.book(service=service, slot=slot, customer=CHILD)
    assert [b.uid for b in await rig.calendar.find_bookings(caller_phone=ALICE)] == [parent.uid]


async def test_invalid_phone_or_foreign_slot_is_refused_and_nothing_is_booked(rig: Rig) -> None:
    service = rig.profile.service("coupe-homme")
    day = open_day(rig.profile)
    slot = (await rig.calendar.free_slots(service=service, prefs=SlotPreferences(day=day)))[0]
    with pytest.raises(InvalidRequest) as err:
        await rig.calendar.book(service=service, slot=slot, customer=Customer("Al", "12"))
    assert "numéro" in err.value.caller_message
    with pytest.raises(InvalidRequest):
        await rig.calendar.book(
            service=rig.profile.service("balayage-longs"), slot=slot, customer=ALICE_CUSTOMER
        )
    assert await rig.calendar.find_bookings(caller_phone=ALICE) == []


async def test_reschedule_moves_the_booking_and_frees_the_old_slot(rig: Rig) -> None:
    booking = await _book_first(rig)
    day = booking.start.date()
    later = await rig.calendar.free_slots(
        service=booking.service, prefs=SlotPreferences(day=day, window=Window.APRES_MIDI)
    )
    moved = await rig.calendar.reschedule(
        booking_uid=booking.uid, new_slot=later[0], caller_phone=ALICE
    )
    assert moved.start == later[0].start and moved.status == "accepted"
    assert moved.customer is not None and moved.customer.phone == ALICE
    mine = await rig.calendar.find_bookings(caller_phone=ALICE)
    assert [b.uid for b in mine] == [moved.uid]
    assert [b.start for b in mine] == [later[0].start]
    free = await rig.calendar.free_slots(
        service=booking.service, prefs=SlotPreferences(day=day, earliest=True)
    )
    assert free[0].start == booking.start  # the old slot is free again
    with pytest.raises((BookingNotFound, SlotTaken)):
        if moved.uid != booking.uid:
            await rig.calendar.cancel(booking_uid=booking.uid, caller_phone=ALICE, reason="x")
        else:
            raise BookingNotFound


async def test_cancel_with_a_reason_frees_the_slot(rig: Rig) -> None:
    booking = await _book_first(rig)
    cancelled = await rig.calendar.cancel(
        booking_uid=booking.uid, caller_phone=ALICE, reason="empêchement"
    )
    assert cancelled.status == "cancelled" and cancelled.uid == booking.uid
    assert await rig.calendar.find_bookings(caller_phone=ALICE) == []
    free = await rig.calendar.free_slots(
        service=booking.service, prefs=SlotPreferences(day=booking.start.date(), earliest=True)
    )
    assert free[0].start == booking.start
    with pytest.raises(BookingNotFound):
        await rig.calendar.cancel(booking_uid=booking.uid, caller_phone=ALICE, reason="encore")


async def test_service_matching_is_shared_by_both_calendars(rig: Rig) -> None:
    assert rig.calendar.match_service("une coupe pour mon fils").service.id == "coupe-enfant"  # type: ignore[union-attr]
    choice = rig.calendar.match_service("un balayage")
    assert choice.service is None
    assert {c.id for c in choice.candidates} == {"balayage-courts", "balayage-longs"}
    assert choice.question and "?" in choice.question


async def test_unknown_booking_uid_is_not_found(rig: Rig) -> None:
    with pytest.raises(BookingNotFound) as err:
        await rig.calendar.cancel(booking_uid="nope-123", caller_phone=ALICE, reason="x")
    assert err.value.caller_message == "Je ne retrouve pas ce rendez-vous."


async def test_both_back_ends_satisfy_the_calendar_protocol(rig: Rig) -> None:
    assert isinstance(rig.calendar, Calendar)


async def test_slots_after_the_spring_clock_change_keep_local_wall_times(rig: Rig) -> None:
    tz = rig.profile.timezone
    day = date(2027, 3, 30)  # the Tuesday after the switch to summer time (28 March)
    slots = await rig.calendar.free_slots(
        service=rig.profile.service("coupe-homme"),
        prefs=SlotPreferences(day=day, earliest=True),
        now=datetime(2027, 3, 26, 18, 0, tzinfo=tz),
    )
    assert slots[0].start.time() == time(9)
    assert slots[0].start.utcoffset() == timedelta(hours=2)
    winter = await rig.calendar.free_slots(
        service=rig.profile.service("coupe-homme"),
        prefs=SlotPreferences(day=date(2027, 3, 26), earliest=True),
        now=datetime(2027, 3, 25, 18, 0, tzinfo=tz),
    )
    assert winter[0].start.time() == time(9) and winter[0].start.utcoffset() == timedelta(hours=1)


async def test_the_callers_phone_comes_first_then_name_and_day(rig: Rig) -> None:
    booking = await _book_first(rig)
    # no name needed: the caller's number finds the booking
    assert [b.uid for b in await rig.calendar.find_bookings(caller_phone=ALICE)] == [booking.uid]
    # the same caller asking about another day by name finds nothing there
    other_day = booking.start.date() + timedelta(days=1)
    assert (
        await rig.calendar.find_bookings(caller_phone=ALICE, name="Alice Dupont", day=other_day)
        == []
    )
    # from another number, the name and the right day find it, without details
    found = await rig.calendar.find_bookings(
        caller_phone=MALLORY, name="Dupont", day=booking.start.date()
    )
    assert [(b.uid, b.owned, b.customer) for b in found] == [(booking.uid, False, None)]
