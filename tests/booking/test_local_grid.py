"""Integration tier (real SQLite): the embedded calendar takes only the starts it offers,
every `slot_step_minutes` from the opening of each interval; another start (« 10h07 »
on a quarter-hour grid) is refused in French, as a start outside the opening hours is,
and nothing is written: such a booking would leave gaps nobody can book."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from booking.calendar import Booking, Customer, Slot, SlotPreferences, SlotTaken
from booking.hours import opening_hours
from booking.local import LocalCalendar
from tests.booking.conftest import ALICE, make_profile, open_day

ALICE_CUSTOMER = Customer(name="Alice Dupont", phone=ALICE)
GRID = "Les rendez-vous commencent toutes les 15 minutes : 10h ou 10h15, pas 10h07."


@pytest.fixture
async def calendar(tmp_path: Path) -> AsyncIterator[LocalCalendar]:
    made = LocalCalendar(make_profile(), db=tmp_path / "salon.db")
    yield made
    await made.aclose()


def at(calendar: LocalCalendar, day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=calendar.profile.timezone)


def cut_at(start: datetime) -> Slot:
    return Slot("coupe-homme", start, start + timedelta(minutes=30))


def rows(calendar: LocalCalendar) -> tuple[int, int]:
    def count(table: str) -> int:
        return int(
            calendar._run(lambda c: c.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        )

    return count("local_bookings"), count("booking_journal")


async def book(calendar: LocalCalendar, start: datetime) -> Booking:
    service = calendar.profile.service("coupe-homme")
    return await calendar.book(service=service, slot=cut_at(start), customer=ALICE_CUSTOMER)


async def test_a_start_off_the_grid_is_refused_saying_the_two_nearest(
    calendar: LocalCalendar,
) -> None:
    day = open_day(calendar.profile)
    with pytest.raises(SlotTaken) as refused:
        await book(calendar, at(calendar, day, 10, 7))
    assert GRID in refused.value.caller_message
    assert rows(calendar) == (0, 0)
    booked = await book(calendar, at(calendar, day, 10, 15))  # the grid itself still books
    assert booked.start == at(calendar, day, 10, 15)


async def test_a_move_to_a_start_off_the_grid_is_refused_and_the_booking_stays(
    calendar: LocalCalendar,
) -> None:
    day = open_day(calendar.profile)
    booked = await book(calendar, at(calendar, day, 11, 0))
    with pytest.raises(SlotTaken) as refused:
        await calendar.reschedule(
            booking_uid=booked.uid, new_slot=cut_at(at(calendar, day, 10, 7)), caller_phone=ALICE
        )
    assert GRID in refused.value.caller_message
    assert rows(calendar) == (1, 1)
    [kept] = await calendar.find_bookings(caller_phone=ALICE)
    assert isinstance(kept, Booking) and kept.start == booked.start


async def test_every_start_the_calendar_offers_is_on_its_grid_and_books(
    calendar: LocalCalendar,
) -> None:
    """The grid counts from each interval's opening: Tuesday's afternoon from 14h."""
    tuesday = open_day(calendar.profile, after_days=8)
    while tuesday.weekday() != 1 or len(opening_hours(calendar.profile, tuesday)) != 2:
        tuesday += timedelta(days=1)
    service = calendar.profile.service("coupe-homme")
    slots = await calendar.free_slots(service=service, prefs=SlotPreferences(day=tuesday))
    assert slots and all(s.start.minute % 15 == 0 for s in slots)
    booked = await calendar.book(service=service, slot=slots[-1], customer=ALICE_CUSTOMER)
    assert booked.start == slots[-1].start
    with pytest.raises(SlotTaken) as refused:
        await book(calendar, at(calendar, tuesday, 14, 20))
    assert "14h15 ou 14h30, pas 14h20" in refused.value.caller_message
