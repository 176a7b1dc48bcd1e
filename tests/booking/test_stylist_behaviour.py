"""Integration tier: the shared behavioural suite for stylists and visits (issue 12).

Each test runs against `LocalCalendar` (SQLite) and against `CalComCalendar` talking to
the Cal.com stub server on 127.0.0.1 (`tests/stubs/calcom.py`, every request and answer
checked against the OpenAPI spec), on the team salon of `tests/booking/stylist_salon.py`:
three stylists with different services and weeks, one on holiday. The embedded calendar
is also raced from threads and processes.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import sqlite3
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from booking.calendar import Booking, Customer, InvalidRequest, Slot, SlotPreferences, SlotTaken
from booking.hours import opening_hours, stylist_hours
from booking.local import LocalCalendar
from salon.profile import SalonProfile
from tests.booking.conftest import ALICE, MALLORY, Rig, make_rig
from tests.booking.stylist_salon import (
    absence,
    day_off,
    make_stylist_profile,
    today,
    work_day,
)

ALICE_CUSTOMER = Customer(name="Alice Dupont", phone="06 12 34 56 78")
MALLORY_CUSTOMER = Customer(name="Marc Lenoir", phone=MALLORY)
BOB_CUSTOMER = Customer(name="Bob Martin", phone="+33611112222")
KINDS = ["local", "calcom"]


@asynccontextmanager
async def opened(kind: str, tmp_path: Path, **overrides: object) -> AsyncIterator[Rig]:
    """A calendar of `kind` on the team salon (the Cal.com stub started for "calcom")."""
    made = await make_rig(kind, make_stylist_profile(**overrides), tmp_path)
    try:
        yield made
    finally:
        await made.calendar.aclose()
        made.calendar.close_db()
        if made.stub is not None:
            made.stub.stop()
    if made.stub is not None:
        assert made.stub.spec_errors == [], made.stub.spec_errors


@pytest.fixture(params=KINDS)
async def team(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Rig]:
    async with opened(request.param, tmp_path) as made:
        yield made


async def day_slots(
    rig: Rig, service_id: str, day: date, *, stylist: str | None = None, extra: tuple[str, ...] = ()
) -> list[Slot]:
    """Every free start of `day` for the visit (`limit` high enough to get them all)."""
    return await rig.calendar.free_slots(
        service=rig.profile.service(service_id),
        extra=tuple(rig.profile.service(x) for x in extra),
        prefs=SlotPreferences(day=day),
        stylist=stylist,
        limit=999,
    )


async def book(rig: Rig, slot: Slot, customer: Customer = ALICE_CUSTOMER) -> Booking:
    service = rig.profile.service(slot.service_id)
    return await rig.calendar.book(service=service, slot=slot, customer=customer)


def starts(slots: list[Slot]) -> set[datetime]:
    return {s.start for s in slots}


def at(rig: Rig, day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=rig.profile.timezone)


def team_day(profile: SalonProfile, *stylist_ids: str, weekday: int) -> date:
    """The first `weekday` at least two days ahead on which every one of `stylist_ids`
    works (`stylist_hours`: holidays, their own week, Chloé's holiday). `work_day` asks
    about one stylist only: the first Friday Inès worked, run from 26 to 29 December,
    was 8 January, inside Chloé's holiday (days 10 to 13 from today)."""
    team = [profile.stylist(i) for i in stylist_ids]
    day = today(profile) + timedelta(days=2)
    for _ in range(120):
        if day.weekday() == weekday and all(stylist_hours(profile, m, day) for m in team):
            return day
        day += timedelta(days=1)
    raise AssertionError(f"{', '.join(stylist_ids)} never work together on weekday {weekday}")


# ------------------------------------------------------------------ who and when


async def test_a_stylist_asked_for_gets_only_slots_she_works_all_naming_her(team: Rig) -> None:
    profile = team.profile
    chloe = profile.stylist("chloe")
    wednesday = work_day(profile, "chloe", weekday=2)
    slots = await day_slots(team, "coupe-femme", wednesday, stylist="chloe")
    assert slots and {s.stylist_id for s in slots} == {"chloe"}
    assert all(s.stylist_requested for s in slots)
    assert min(s.start for s in slots) == at(team, wednesday, 10)  # her Wednesday: 10h-16h
    assert max(s.end for s in slots) == at(team, wednesday, 16)
    anyone = await day_slots(team, "coupe-femme", wednesday)
    assert (anyone[0].start, anyone[0].stylist_id) == (at(team, wednesday, 9), "ines")
    assert not any(s.stylist_requested for s in anyone)

    fortnight = await team.calendar.free_slots(
        service=profile.service("coupe-femme"), stylist="chloe", limit=20
    )
    assert len({s.start.date() for s in fortnight}) >= 3
    for slot in fortnight:
        assert slot.stylist_id == "chloe"
        hours = stylist_hours(profile, chloe, slot.start.date())
        assert any(lo <= slot.start.time() and slot.end.time() <= hi for lo, hi in hours)


async def test_a_stylist_off_that_day_has_no_slot_then_but_has_some_on_a_day_she_works(
    team: Rig,
) -> None:
    thursday = day_off(team.profile, "chloe")
    assert await day_slots(team, "coupe-femme", thursday, stylist="chloe") == []
    others = await day_slots(team, "coupe-femme", thursday)  # the salon is open: Inès works
    assert others and {s.stylist_id for s in others} == {"ines"}
    friday = work_day(team.profile, "chloe", weekday=4)
    assert await day_slots(team, "coupe-femme", friday, stylist="chloe")


async def test_a_stylist_on_holiday_has_no_slot_during_it_while_the_others_still_work(
    team: Rig,
) -> None:
    profile = team.profile
    first, last = absence(profile)
    colleagues_checked = 0
    day = first
    while day <= last:
        assert await day_slots(team, "couleur", day, stylist="chloe") == []
        if stylist_hours(profile, profile.stylist("ines"), day):
            others = await day_slots(team, "couleur", day)
            assert others and {s.stylist_id for s in others} == {"ines"}
        # Her four days may hold no day of Inès's (a Saturday holiday, Sunday, Monday, her
        # Tuesday off): children's cuts, which Yanis does too, have a colleague at work.
        at_work = {
            m.id
            for m in profile.stylists_for(["coupe-enfant"])
            if m.id != "chloe" and stylist_hours(profile, m, day)
        }
        if at_work:
            others = await day_slots(team, "coupe-enfant", day)
            assert others and {s.stylist_id for s in others} <= at_work
            colleagues_checked += 1
        day += timedelta(days=1)
    assert colleagues_checked >= 1
    fortnight = await team.calendar.free_slots(
        service=profile.service("couleur"), stylist="chloe", limit=20
    )
    assert fortnight and not any(first <= s.start.date() <= last for s in fortnight)
    back = work_day(profile, "chloe", after_days=(last - today(profile)).days + 1)
    assert await day_slots(team, "couleur", back, stylist="chloe")  # she is back after it


async def test_any_qualified_stylist_slots_name_one_who_does_the_service_never_another(
    team: Rig,
) -> None:
    profile = team.profile
    qualified = {m.id for m in profile.stylists_for(["couleur"])}
    assert qualified == {"chloe", "ines"}
    slots = await team.calendar.free_slots(service=profile.service("couleur"), limit=20)
    assert slots and all(s.stylist_id in qualified for s in slots)
    assert not any(s.stylist_requested for s in slots)
    tuesday = team_day(profile, "chloe", "yanis", weekday=1)  # Inès is off on Tuesdays
    colour = await day_slots(team, "couleur", tuesday)
    assert colour and {s.stylist_id for s in colour} == {"chloe"}  # never Yanis
    kids = await day_slots(team, "coupe-enfant", tuesday)
    assert kids and {s.stylist_id for s in kids} <= {"chloe", "yanis"}


async def test_a_service_nobody_qualified_does_is_refused_with_a_french_sentence(
    team: Rig,
) -> None:
    profile = team.profile
    with pytest.raises(InvalidRequest) as nobody:
        await team.calendar.free_slots(service=profile.service("lissage-bresilien"))
    assert "Aucun membre de l'équipe" in nobody.value.caller_message
    with pytest.raises(InvalidRequest) as not_together:  # Yanis cuts, others colour
        await team.calendar.free_slots(
            service=profile.service("coupe-homme"), extra=(profile.service("couleur"),)
        )
    assert "prestations" in not_together.value.caller_message
    with pytest.raises(InvalidRequest) as not_hers:
        await team.calendar.free_slots(service=profile.service("coupe-homme"), stylist="chloe")
    assert not_hers.value.caller_message == "Chloé ne réalise pas cette prestation."


# ------------------------------------------------------------------------ races


async def test_two_callers_racing_for_a_stylists_last_slot_of_the_day_get_one_booking(
    team: Rig,
) -> None:
    friday = work_day(team.profile, "yanis", weekday=4)
    last = (await day_slots(team, "coupe-homme", friday, stylist="yanis"))[-1]
    assert last.end == at(team, friday, 19)
    results = await asyncio.gather(
        book(team, last, ALICE_CUSTOMER), book(team, last, MALLORY_CUSTOMER),
        return_exceptions=True,
    )  # fmt: skip
    booked = [r for r in results if isinstance(r, Booking)]
    taken = [r for r in results if isinstance(r, SlotTaken)]
    assert len(booked) == 1 and len(taken) == 1, results
    assert (booked[0].stylist_id, booked[0].start) == ("yanis", last.start)
    after = await day_slots(team, "coupe-homme", friday, stylist="yanis")
    assert last.start not in starts(after)
    mine = await team.calendar.find_bookings(caller_phone=ALICE)
    theirs = await team.calendar.find_bookings(caller_phone=MALLORY)
    assert len(mine) + len(theirs) == 1


async def test_two_callers_racing_without_asking_for_anyone_both_get_a_qualified_stylist(
    team: Rig,
) -> None:
    friday = team_day(team.profile, "chloe", "yanis", "ines", weekday=4)
    slot = (await day_slots(team, "coupe-enfant", friday))[0]
    results = await asyncio.gather(
        book(team, slot, ALICE_CUSTOMER), book(team, slot, MALLORY_CUSTOMER),
        return_exceptions=True,
    )  # fmt: skip
    assert all(isinstance(r, Booking) for r in results), results
    who = [r.stylist_id for r in results if isinstance(r, Booking)]
    assert len(set(who)) == 2 and set(who) <= {"chloe", "yanis", "ines"}


async def test_peu_importe_when_the_offered_stylist_was_taken_another_qualified_one_gets_it(
    team: Rig,
) -> None:
    friday = team_day(team.profile, "chloe", "ines", weekday=4)
    slot = (await day_slots(team, "couleur", friday))[0]
    assert not slot.stylist_requested and slot.stylist_id in {"chloe", "ines"}
    offered = slot.stylist_id
    (other,) = {"chloe", "ines"} - {offered}
    meanwhile = await book(team, replace(slot, stylist_requested=True), MALLORY_CUSTOMER)
    assert meanwhile.stylist_id == offered
    mine = await book(team, slot, ALICE_CUSTOMER)
    assert mine.stylist_id == other
    assert (mine.start, mine.end) == (slot.start, slot.end)
    with pytest.raises(SlotTaken):  # Yanis is free but does no colour
        await book(team, slot, BOB_CUSTOMER)


async def test_a_stylist_asked_for_and_taken_meanwhile_is_not_swapped_for_another(
    team: Rig,
) -> None:
    friday = team_day(team.profile, "chloe", "ines", weekday=4)
    slot = (await day_slots(team, "couleur", friday, stylist="ines"))[0]
    await book(team, slot, MALLORY_CUSTOMER)
    with pytest.raises(SlotTaken):  # Chloé is free, but the caller asked for Inès
        await book(team, slot, ALICE_CUSTOMER)
    assert await team.calendar.find_bookings(caller_phone=ALICE) == []


def _attempt(db: str, start_iso: str, index: int) -> str:
    """One booking of Yanis at `start_iso` in a calendar of its own: 'ok' or 'taken'."""
    profile = make_stylist_profile()
    calendar = LocalCalendar(profile, db=db)
    start = datetime.fromisoformat(start_iso)
    slot = Slot(
        service_id="coupe-homme", start=start, end=start + timedelta(minutes=30),
        stylist_id="yanis", stylist_requested=True,
    )  # fmt: skip
    customer = Customer(name=f"Client {index}", phone=f"+336130000{index:02d}")
    try:
        asyncio.run(
            calendar.book(service=profile.service("coupe-homme"), slot=slot, customer=customer)
        )
        return "ok"
    except SlotTaken:
        return "taken"
    finally:
        calendar.close_db()


def _accepted(db: Path) -> list[str | None]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT stylist_id FROM local_bookings WHERE status = 'accepted'")
        return [r[0] for r in rows.fetchall()]
    finally:
        conn.close()


def _last_yanis_start(db: Path) -> str:
    profile = make_stylist_profile()
    LocalCalendar(profile, db=db).close_db()  # create the tables once
    friday = work_day(profile, "yanis", weekday=4)
    return datetime.combine(friday, time(18, 30), tzinfo=profile.timezone).isoformat()


def test_threads_racing_for_a_stylists_last_slot_on_the_embedded_calendar_book_it_once(
    tmp_path: Path,
) -> None:
    db = tmp_path / "salon.db"
    start_iso = _last_yanis_start(db)
    results: list[str] = []
    barrier = threading.Barrier(8)

    def run(i: int) -> None:
        barrier.wait()
        results.append(_attempt(str(db), start_iso, i))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 1 and results.count("taken") == 7
    assert _accepted(db) == ["yanis"]


def test_processes_racing_for_a_stylists_last_slot_on_the_embedded_calendar_book_it_once(
    tmp_path: Path,
) -> None:
    db = tmp_path / "salon.db"
    start_iso = _last_yanis_start(db)
    with multiprocessing.get_context("fork").Pool(4) as pool:
        results = pool.starmap(_attempt, [(str(db), start_iso, i) for i in range(6)])
    assert results.count("ok") == 1 and results.count("taken") == 5
    assert _accepted(db) == ["yanis"]


async def test_the_embedded_slot_search_with_stylists_agrees_with_the_booking_time_check(
    tmp_path: Path,
) -> None:
    """Every (start, stylist) the fast search offers is what `_free_for` (the check run
    inside the write transaction) accepts, and nothing it accepts is left out."""
    import random

    profile = make_stylist_profile(chairs=2)  # fewer chairs than stylists: both bounds bite
    calendar = LocalCalendar(profile, db=tmp_path / "s.db")
    rng = random.Random(12)
    friday = team_day(profile, "chloe", "yanis", "ines", weekday=4)
    after = friday + timedelta(days=1)
    while not opening_hours(profile, after):  # a Saturday holiday: the next day it opens
        after += timedelta(days=1)
    days = [friday, after]
    ids = ["coupe-femme", "couleur", "coupe-homme", "coupe-enfant"]
    for i in range(45):  # a busy calendar: random visits, stylists asked for or not
        first, *extra = rng.sample(ids, rng.choice([1, 1, 2]))
        member = rng.choice([None, *profile.stylists_for([first, *extra])])
        try:
            slots = await calendar.free_slots(
                service=profile.service(first),
                extra=tuple(profile.service(x) for x in extra),
                prefs=SlotPreferences(day=rng.choice(days)),
                stylist=None if member is None else member.id,
                limit=999,
            )
        except InvalidRequest:  # nobody does both
            continue
        if slots:
            customer = Customer(f"C{i}", "+33612000001")
            await book(team_of(profile, calendar), rng.choice(slots), customer)
    assert len(await calendar.bookings_between(
        at_day(profile, days[0]), at_day(profile, days[-1] + timedelta(days=1))
    )) > 15  # fmt: skip
    for visit in (("coupe-enfant",), ("couleur",), ("coupe-femme", "brushing")):
        for day in days:
            fast = await calendar._available_starts(
                tuple(profile.service(x) for x in visit),
                at_day(profile, day),
                at_day(profile, day + timedelta(days=1)),
                profile.stylists_for(list(visit)),
            )
            length = timedelta(minutes=sum(profile.service(x).duration for x in visit))
            brute = set()
            for lo, hi in opening_hours(profile, day):
                moment = datetime.combine(day, lo, tzinfo=profile.timezone)
                while moment + length <= datetime.combine(day, hi, tzinfo=profile.timezone):
                    for m in profile.stylists_for(list(visit)):
                        end = moment + length
                        if calendar._run(
                            lambda c, s=moment, e=end, w=m: calendar._free_for(c, s, e, w)
                        ):
                            brute.add((moment, m.id))
                    moment += timedelta(minutes=profile.slot_step_minutes)
            assert set(fast) == brute, (visit, day)
            assert len(fast) == len(brute)  # no (start, stylist) twice
    calendar.close_db()


def team_of(profile: SalonProfile, calendar: LocalCalendar) -> Rig:
    return Rig("local", calendar, None, None, profile)  # type: ignore[arg-type]


def at_day(profile: SalonProfile, day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=profile.timezone)


# ----------------------------------------------------------------------- visits


async def test_a_visit_of_two_services_is_one_booking_of_their_total_length_with_one_stylist(
    team: Rig,
) -> None:
    profile = team.profile
    friday = work_day(profile, "chloe", weekday=4)
    slots = await day_slots(team, "coupe-femme", friday, extra=("brushing",))
    assert slots
    for slot in slots:
        assert slot.service_ids == ("coupe-femme", "brushing")
        assert slot.end - slot.start == timedelta(minutes=75)
        assert slot.stylist_id in {"chloe", "ines"} and slot.end <= at(team, friday, 19)
    booking = await book(team, slots[0])
    assert [s.id for s in booking.services] == ["coupe-femme", "brushing"]
    assert (booking.start, booking.end) == (slots[0].start, slots[0].start + timedelta(minutes=75))
    assert booking.stylist_id == slots[0].stylist_id
    found = await team.calendar.find_bookings(caller_phone=ALICE)
    assert [b.uid for b in found] == [booking.uid]
    assert isinstance(found[0], Booking)
    assert [s.id for s in found[0].services] == ["coupe-femme", "brushing"]
    assert found[0].stylist_id == booking.stylist_id

    # in the order asked, and wholly within the stylist's own hours
    wednesday = work_day(profile, "chloe", weekday=2)
    long = await day_slots(team, "couleur", wednesday, stylist="chloe", extra=("coupe-femme",))
    assert long and max(s.end for s in long) == at(team, wednesday, 16)
    other = await book(team, long[0], MALLORY_CUSTOMER)
    assert [s.id for s in other.services] == ["couleur", "coupe-femme"]
    assert other.end - other.start == timedelta(minutes=135)
    assert other.stylist_id == "chloe"


async def test_moving_a_visit_moves_both_services_and_keeps_its_length(team: Rig) -> None:
    friday = work_day(team.profile, "chloe", weekday=4)
    saturday = work_day(team.profile, "chloe", weekday=5)
    booking = await book(
        team, (await day_slots(team, "coupe-femme", friday, extra=("brushing",)))[0]
    )
    target = (await day_slots(team, "coupe-femme", saturday, extra=("brushing",)))[2]
    single = (await day_slots(team, "coupe-femme", saturday))[0]
    with pytest.raises(InvalidRequest):  # a slot for the first service alone
        await team.calendar.reschedule(booking_uid=booking.uid, new_slot=single, caller_phone=ALICE)
    moved = await team.calendar.reschedule(
        booking_uid=booking.uid, new_slot=target, caller_phone=ALICE
    )
    assert [s.id for s in moved.services] == ["coupe-femme", "brushing"]
    assert (moved.start, moved.end) == (target.start, target.start + timedelta(minutes=75))
    assert moved.stylist_id in {"chloe", "ines"}
    found = await team.calendar.find_bookings(caller_phone=ALICE)
    assert [b.uid for b in found] == [moved.uid]
    assert booking.start in starts(
        await day_slots(team, "coupe-femme", friday, extra=("brushing",))
    )


async def test_cancelling_a_visit_frees_its_whole_block_for_both_services(team: Rig) -> None:
    friday = work_day(team.profile, "chloe", weekday=4)
    visit = await day_slots(team, "coupe-femme", friday, stylist="chloe", extra=("brushing",))
    slot = visit[0]
    second = slot.start + timedelta(minutes=45)  # when the brushing would start
    booking = await book(team, slot)
    assert slot.start not in starts(await day_slots(team, "coupe-femme", friday, stylist="chloe"))
    assert second not in starts(await day_slots(team, "brushing", friday, stylist="chloe"))
    cancelled = await team.calendar.cancel(
        booking_uid=booking.uid, caller_phone=ALICE, reason="empêchement"
    )
    assert cancelled.status == "cancelled"
    assert slot.start in starts(await day_slots(team, "coupe-femme", friday, stylist="chloe"))
    assert second in starts(await day_slots(team, "brushing", friday, stylist="chloe"))
    assert await team.calendar.find_bookings(caller_phone=ALICE) == []


# ------------------------------------------------------------------ the salon's bound


@pytest.mark.parametrize("kind", KINDS)
async def test_chairs_still_bound_the_salon_when_it_has_more_stylists_than_chairs(
    kind: str, tmp_path: Path
) -> None:
    async with opened(kind, tmp_path, chairs=2) as rig:
        friday = team_day(rig.profile, "chloe", "yanis", "ines", weekday=4)
        ten = at(rig, friday, 10)
        assert ten in starts(await day_slots(rig, "coupe-enfant", friday, stylist="ines"))
        for who, customer in (("chloe", ALICE_CUSTOMER), ("yanis", MALLORY_CUSTOMER)):
            slots = await day_slots(rig, "coupe-enfant", friday, stylist=who)
            await book(rig, next(s for s in slots if s.start == ten), customer)
        assert ten not in starts(await day_slots(rig, "coupe-enfant", friday, stylist="ines"))
        assert ten not in starts(await day_slots(rig, "coupe-enfant", friday))
        ines = Slot(
            service_id="coupe-enfant", start=ten, end=ten + timedelta(minutes=20),
            stylist_id="ines", stylist_requested=True,
        )  # fmt: skip
        with pytest.raises(SlotTaken):
            await book(rig, ines, BOB_CUSTOMER)
        later = await day_slots(rig, "coupe-enfant", friday, stylist="ines")
        assert ten + timedelta(minutes=30) in starts(later)  # the next step after the two


# ------------------------------------------------------------- the returning client


async def test_past_bookings_on_a_number_are_the_kept_ones_newest_first_with_stylist_and_services(
    team: Rig,
) -> None:
    profile = team.profile
    tuesday = work_day(profile, "yanis", weekday=1)
    friday = work_day(profile, "chloe", weekday=4)
    saturday = work_day(profile, "yanis", weekday=5)
    visit = await book(
        team,
        (await day_slots(team, "coupe-femme", friday, stylist="chloe", extra=("brushing",)))[0],
    )
    cut = await book(team, (await day_slots(team, "coupe-homme", saturday))[0])
    theirs = await book(team, (await day_slots(team, "coupe-homme", saturday))[0], MALLORY_CUSTOMER)
    dropped = await book(team, (await day_slots(team, "couleur", friday, stylist="ines"))[0])
    await team.calendar.cancel(booking_uid=dropped.uid, caller_phone=ALICE, reason="")
    first = await book(team, (await day_slots(team, "coupe-enfant", tuesday, stylist="yanis"))[0])
    kid = await team.calendar.reschedule(
        booking_uid=first.uid,
        new_slot=(await day_slots(team, "coupe-enfant", tuesday, stylist="yanis"))[-1],
        caller_phone=ALICE,
    )
    later = datetime.combine(today(profile) + timedelta(days=40), time(0), tzinfo=profile.timezone)

    history = await team.calendar.past_bookings(phone="06 12 34 56 78", before=later)
    kept = sorted([visit, cut, kid], key=lambda b: b.start, reverse=True)
    assert [b.uid for b in history] == [b.uid for b in kept]
    assert [b.start for b in history] == [b.start for b in kept]
    by_uid = {b.uid: b for b in history}
    assert [s.id for s in by_uid[visit.uid].services] == ["coupe-femme", "brushing"]
    assert by_uid[visit.uid].stylist_id == "chloe"
    assert [s.id for s in by_uid[cut.uid].services] == ["coupe-homme"]
    assert by_uid[cut.uid].stylist_id == "yanis" and by_uid[kid.uid].stylist_id == "yanis"
    assert all(b.customer is not None and b.customer.phone == ALICE for b in history)

    cutoff = max(visit.start, cut.start, kid.start)  # strictly before: the newest is left out
    assert [b.uid for b in await team.calendar.past_bookings(phone=ALICE, before=cutoff)] == [
        b.uid for b in kept[1:]
    ]
    assert [b.uid for b in await team.calendar.past_bookings(phone=MALLORY, before=later)] == [
        theirs.uid
    ]
    assert await team.calendar.past_bookings(phone="+33600000001", before=later) == []
    assert await team.calendar.past_bookings(phone="", before=later) == []  # hidden number


async def test_a_visit_moves_by_less_than_its_length_when_its_own_time_is_offered(
    team: Rig,
) -> None:
    """The visit being moved does not hold its own time against itself: Chloé's visit of
    75 minutes at the start of her day can move 30 minutes later, with her. (Cal.com holds
    a visit as one booking per service and its `bookingUidToReschedule` frees only one
    of them, so there only a one-service booking can move within its own time: next test.)"""
    if team.stub is not None:
        pytest.skip("Cal.com frees one booking per slots query: see the one-service test")
    friday = work_day(team.profile, "chloe", weekday=4)
    first = (await day_slots(team, "coupe-femme", friday, stylist="chloe", extra=("brushing",)))[0]
    booking = await book(team, first)
    later = first.start + timedelta(minutes=30)
    others = await day_slots(team, "coupe-femme", friday, stylist="chloe", extra=("brushing",))
    assert later not in starts(others)  # for anyone else, that time is hers
    mine = await team.calendar.free_slots(
        service=team.profile.service("coupe-femme"),
        extra=(team.profile.service("brushing"),),
        prefs=SlotPreferences(day=friday),
        stylist="chloe",
        limit=999,
        replacing=booking.uid,
    )
    target = next(s for s in mine if s.start == later)
    moved = await team.calendar.reschedule(
        booking_uid=booking.uid, new_slot=target, caller_phone=ALICE
    )
    assert moved.start == later and moved.end - moved.start == timedelta(minutes=75)
    assert [s.id for s in moved.services] == ["coupe-femme", "brushing"]
    assert moved.stylist_id == "chloe"


async def test_a_booking_moves_within_its_own_time_on_both_calendars(team: Rig) -> None:
    friday = work_day(team.profile, "chloe", weekday=4)
    first = (await day_slots(team, "coupe-femme", friday, stylist="chloe"))[0]
    booking = await book(team, first)
    later = first.start + timedelta(minutes=15)
    assert later not in starts(await day_slots(team, "coupe-femme", friday, stylist="chloe"))
    mine = await team.calendar.free_slots(
        service=team.profile.service("coupe-femme"),
        prefs=SlotPreferences(day=friday),
        stylist="chloe",
        limit=999,
        replacing=booking.uid,
    )
    target = next(s for s in mine if s.start == later)
    moved = await team.calendar.reschedule(
        booking_uid=booking.uid, new_slot=target, caller_phone=ALICE
    )
    assert moved.start == later and moved.stylist_id == "chloe"
