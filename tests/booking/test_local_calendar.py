"""Integration tier: the embedded SQLite calendar — chairs as capacity, closures and
holidays, and many simultaneous bookings of one slot from threads and processes."""

from __future__ import annotations

import asyncio
import multiprocessing
import sqlite3
import threading
import tomllib
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from booking.calendar import Customer, Slot, SlotPreferences, SlotTaken
from booking.hours import opening_hours
from booking.local import LocalCalendar, max_overlap
from salon.profile import parse_profile
from tests.booking.conftest import TEST_SALON, make_profile, open_day


def _slot_at(profile, day: date, at: time, service_id: str = "coupe-homme") -> Slot:  # type: ignore[no-untyped-def]
    start = datetime.combine(day, at, tzinfo=profile.timezone)
    minutes = profile.service(service_id).duration
    return Slot(service_id=service_id, start=start, end=start + timedelta(minutes=minutes))


def _attempt(db: str, chairs: int, day: date, index: int) -> str:
    """One booking attempt in its own calendar (own connection); 'ok' or 'taken'."""
    profile = make_profile(chairs=chairs)
    calendar = LocalCalendar(profile, db=db)
    customer = Customer(name=f"Client {index}", phone=f"+336120000{index:02d}")
    try:
        asyncio.run(
            calendar.book(
                service=profile.service("coupe-homme"),
                slot=_slot_at(profile, day, time(10)),
                customer=customer,
            )
        )
        return "ok"
    except SlotTaken:
        return "taken"
    finally:
        calendar.close_db()


def _count(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT COUNT(*) FROM local_bookings WHERE status = 'accepted'"
        ).fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("chairs", [1, 2])
def test_many_threads_booking_one_slot_yield_exactly_chairs_bookings(
    tmp_path: Path, chairs: int
) -> None:
    db = tmp_path / "salon.db"
    day = open_day(make_profile())
    LocalCalendar(make_profile(), db=db).close_db()  # create the tables once
    results: list[str] = []
    barrier = threading.Barrier(12)

    def run(i: int) -> None:
        barrier.wait()
        results.append(_attempt(str(db), chairs, day, i))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results).count("ok") == chairs
    assert results.count("taken") == 12 - chairs
    assert _count(db) == chairs


def test_several_processes_booking_one_slot_yield_exactly_one_booking(tmp_path: Path) -> None:
    db = tmp_path / "salon.db"
    day = open_day(make_profile())
    LocalCalendar(make_profile(), db=db).close_db()
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(4) as pool:
        results = pool.starmap(_attempt, [(str(db), 1, day, i) for i in range(8)])
    assert results.count("ok") == 1 and results.count("taken") == 7
    assert _count(db) == 1


async def test_chairs_let_overlapping_appointments_until_full(tmp_path: Path) -> None:
    profile = make_profile(chairs=2)
    calendar = LocalCalendar(profile, db=tmp_path / "s.db")
    day = open_day(profile)
    service = profile.service("balayage-longs")
    at_ten = _slot_at(profile, day, time(10), "balayage-longs")
    await calendar.book(service=service, slot=at_ten, customer=Customer("A", "+33612000001"))
    still = await calendar.free_slots(service=service, prefs=SlotPreferences(day=day))
    assert at_ten.start in [s.start for s in await _all(calendar, service, day)]
    assert still
    await calendar.book(service=service, slot=at_ten, customer=Customer("B", "+33612000002"))
    assert at_ten.start not in [s.start for s in await _all(calendar, service, day)]
    with pytest.raises(SlotTaken):
        await calendar.book(service=service, slot=at_ten, customer=Customer("C", "+33612000003"))
    calendar.close_db()


async def _all(calendar: LocalCalendar, service, day: date) -> list[Slot]:  # type: ignore[no-untyped-def]
    return await calendar.free_slots(service=service, prefs=SlotPreferences(day=day), limit=999)


async def test_the_same_request_retried_does_not_create_a_second_booking(tmp_path: Path) -> None:
    profile = make_profile(chairs=3)
    calendar = LocalCalendar(profile, db=tmp_path / "s.db")
    slot = _slot_at(profile, open_day(profile), time(11))
    customer = Customer("Alice Dupont", "+33612345678")
    first = await calendar.book(
        service=profile.service("coupe-homme"), slot=slot, customer=customer
    )
    again = await calendar.book(
        service=profile.service("coupe-homme"), slot=slot, customer=customer
    )
    assert again.uid == first.uid and _count(tmp_path / "s.db") == 1
    calendar.close_db()


async def test_a_slot_outside_opening_hours_or_on_a_closure_cannot_be_booked(
    tmp_path: Path,
) -> None:
    profile = make_profile()
    calendar = LocalCalendar(profile, db=tmp_path / "s.db")
    day = open_day(profile)
    service = profile.service("coupe-homme")
    customer = Customer("Alice Dupont", "+33612345678")
    closing = opening_hours(profile, day)[-1][1]
    too_late = (datetime.combine(day, closing) - timedelta(minutes=15)).time()
    for slot in (
        _slot_at(profile, day, time(8, 30)),  # before opening
        _slot_at(profile, day, too_late),  # would end after closing time
        _slot_at(profile, date(2030, 1, 1), time(10)),  # closure (and jour de l'An)
    ):
        with pytest.raises(SlotTaken):
            await calendar.book(service=service, slot=slot, customer=customer)
    assert _count(tmp_path / "s.db") == 0
    calendar.close_db()


async def test_special_hours_open_a_day_the_week_keeps_closed(tmp_path: Path) -> None:
    data = tomllib.loads(TEST_SALON)
    monday = open_day(make_profile())
    while monday.weekday() != 0:
        monday += timedelta(days=1)
    data["special_hours"] = [{"date": monday.isoformat(), "hours": [["10:00", "12:00"]]}]
    profile = parse_profile(data, Path("x.toml"))
    calendar = LocalCalendar(profile, db=tmp_path / "s.db")
    slots = await calendar.free_slots(
        service=profile.service("coupe-homme"), prefs=SlotPreferences(day=monday), limit=99
    )
    assert slots[0].start.time() == time(10) and slots[-1].end.time() == time(12)
    calendar.close_db()


def test_max_overlap_counts_the_busiest_instant_not_every_overlap() -> None:
    t = datetime(2030, 1, 2, 9)
    h = timedelta(hours=1)
    # two back-to-back appointments overlap a 2-hour window but never each other
    assert max_overlap([(t, t + h), (t + h, t + 2 * h)], t, t + 2 * h) == 1
    assert max_overlap([(t, t + 2 * h), (t + h, t + 2 * h)], t, t + 2 * h) == 2
    assert max_overlap([(t - h, t)], t, t + h) == 0


async def test_the_fast_slot_search_agrees_with_a_brute_force_check(tmp_path: Path) -> None:
    import random

    profile = make_profile(chairs=2)
    calendar = LocalCalendar(profile, db=tmp_path / "s.db")
    rng = random.Random(7)
    day = open_day(profile)
    services = [profile.service(i) for i in ("coupe-homme", "balayage-longs", "coupe-enfant")]
    for i in range(40):  # a busy calendar over three days, random starts and lengths
        service = rng.choice(services)
        slots = await calendar.free_slots(
            service=service,
            prefs=SlotPreferences(day=day + timedelta(days=rng.randint(0, 2))),
            limit=999,
        )
        if slots:
            await calendar.book(
                service=service, slot=rng.choice(slots), customer=Customer(f"C{i}", "+33612000001")
            )
    busy = [
        (b.start, b.end)
        for offset in range(3)
        for b in await calendar._by_name_day("", day + timedelta(days=offset))
    ]
    assert len(busy) > 10
    for service in services:
        for offset in range(3):
            current = day + timedelta(days=offset)
            fast = [
                s.start
                for s in await calendar.free_slots(
                    service=service, prefs=SlotPreferences(day=current), limit=999
                )
            ]
            brute = []
            for lo, hi in opening_hours(profile, current):
                moment = datetime.combine(current, lo, tzinfo=profile.timezone)
                close = datetime.combine(current, hi, tzinfo=profile.timezone)
                length = timedelta(minutes=service.duration)
                while moment + length <= close:
                    if max_overlap(busy, moment, moment + length) < profile.chairs:
                        brute.append(moment)
                    moment += timedelta(minutes=profile.slot_step_minutes)
            assert fast == brute, (service.id, current)
    calendar.close_db()
