"""Integration tier: salon.toml's days off bind the Cal.com calendar as they bind the
embedded one.

Cal.com knows only its own schedules. What the owner writes in salon.toml — an
exceptional closure, special (shorter) hours, closing on public holidays, a stylist's
absence or own week — is salon.toml's alone, often added in the console after Cal.com
was set up. Here the Cal.com stub serves the schedules of a salon.toml that has none of
these, while `CalComCalendar` (real httpx client) reads one that has them: every slot
Cal.com offers that salon.toml forbids must be dropped, and a booking or a move there
refused before any booking call reaches Cal.com.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from booking.calcom import CalComCalendar
from booking.calendar import Customer, Slot, SlotPreferences, SlotTaken
from booking.hours import public_holidays
from salon.profile import Closure, SalonProfile, SpecialHours
from tests.booking.conftest import ALICE, make_profile
from tests.booking.stylist_salon import make_stylist_profile
from tests.stubs.calcom import API_KEY, CalComStub

ALICE_CUSTOMER = Customer(name="Alice Dupont", phone=ALICE)


def fridays(profile: SalonProfile, count: int) -> list[date]:
    """The next `count` Fridays at least two days ahead that are no public holiday
    (everyone works Fridays 9h-19h)."""
    day = datetime.now(profile.timezone).date() + timedelta(days=2)
    out: list[date] = []
    while len(out) < count:
        if day.weekday() == 4 and day not in public_holidays(day.year):
            out.append(day)
        day += timedelta(days=1)
    return out


def next_holiday(profile: SalonProfile) -> date:
    """The next public holiday on a Friday or Saturday (Cal.com's schedule: open, all
    three stylists bar Chloé's own week working)."""
    today = datetime.now(profile.timezone).date()
    for year in (today.year, today.year + 1, today.year + 2):
        for day in public_holidays(year):
            if day > today + timedelta(days=2) and day.weekday() in (4, 5):
                return day
    raise AssertionError("no holiday on a Friday or Saturday in three years")


@dataclass
class Salon:
    calendar: CalComCalendar
    stub: CalComStub
    profile: SalonProfile  # what salon.toml says
    closed: date  # an exceptional closure
    short: date  # special hours: 9h-12h
    away: date  # Chloé's absence
    holiday: date
    own_week: date  # a Friday Chloé, by her own week in salon.toml, works 14h-19h only


@pytest.fixture
async def salon(tmp_path: Path) -> AsyncIterator[Salon]:
    cal_truth = make_stylist_profile(closed_on_public_holidays=False)
    team = tuple(replace(m, absences=(), hours=None) for m in cal_truth.team)
    cal_truth = replace(cal_truth, team=team)  # Cal.com: every stylist on the salon's hours
    closed, short, away, own_week = fridays(cal_truth, 4)
    holiday = next_holiday(cal_truth)
    week = {d: () for d in ("monday", "tuesday", "wednesday", "thursday", "saturday", "sunday")}
    chloe_week = {**week, "friday": ((time(14), time(19)),)}
    written = replace(
        cal_truth,
        closed_on_public_holidays=True,
        closures=(Closure(closed, closed, "travaux"),),
        special_hours=(SpecialHours(short, ((time(9), time(12)),), "inventaire"),),
        team=tuple(
            replace(m, absences=(Closure(away, away, "formation"),)) if m.id == "chloe" else m
            for m in team
        ),
    )
    own = replace(
        written,
        team=tuple(replace(m, hours=chloe_week) if m.id == "chloe" else m for m in written.team),
    )
    stub = CalComStub(profile=cal_truth).start()
    calendar = CalComCalendar(own, db=tmp_path / "state.db", api_key=API_KEY, base_url=stub.url)
    yield Salon(calendar, stub, own, closed, short, away, holiday, own_week)
    await calendar.aclose()
    stub.stop()
    assert stub.spec_errors == [], stub.spec_errors


async def starts(salon: Salon, day: date, *, stylist: str | None = None) -> list[Slot]:
    service = salon.profile.service("coupe-femme")
    return await salon.calendar.free_slots(
        service=service, prefs=SlotPreferences(day=day), stylist=stylist, limit=100
    )


def at(salon: Salon, day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=salon.profile.timezone)


def slot(salon: Salon, start: datetime, stylist: str, *, requested: bool = True) -> Slot:
    return Slot(
        service_id="coupe-femme",
        start=start,
        end=start + timedelta(minutes=45),
        stylist_id=stylist,
        stylist_requested=requested,
    )


def posted(stub: CalComStub) -> list[object]:
    return [b for m, p, b in stub.requests if m == "POST" and p.startswith("/v2/bookings")]


async def test_no_slot_on_an_exceptional_closure_day_cal_com_would_offer(salon: Salon) -> None:
    assert await starts(salon, salon.closed) == []
    assert await starts(salon, salon.holiday) == []  # closed_on_public_holidays


async def test_special_hours_shorten_the_day_cal_com_keeps_whole(salon: Salon) -> None:
    found = await starts(salon, salon.short)
    assert found, "the salon opens 9h-12h that day"
    assert all(s.end.time() <= time(12) for s in found), [s.words for s in found]


async def test_a_stylists_absence_and_own_week_leave_her_out(salon: Salon) -> None:
    assert await starts(salon, salon.away, stylist="chloe") == []
    others = await starts(salon, salon.away)
    assert others and {s.stylist_id for s in others} <= {"ines"}
    afternoon = await starts(salon, salon.own_week, stylist="chloe")
    assert afternoon and all(s.start.time() >= time(14) for s in afternoon)


async def test_booking_a_forbidden_slot_is_refused_before_cal_com_is_asked(
    salon: Salon,
) -> None:
    service = salon.profile.service("coupe-femme")
    for start, who in [
        (at(salon, salon.closed, 10), "ines"),
        (at(salon, salon.short, 15), "ines"),
        (at(salon, salon.holiday, 10), "ines"),
        (at(salon, salon.away, 10), "chloe"),
        (at(salon, salon.own_week, 10), "chloe"),
    ]:
        with pytest.raises(SlotTaken):
            await salon.calendar.book(
                service=service, slot=slot(salon, start, who), customer=ALICE_CUSTOMER
            )
    assert posted(salon.stub) == []
    # not asked for her: another stylist who works then takes it
    booked = await salon.calendar.book(
        service=service,
        slot=slot(salon, at(salon, salon.away, 10), "chloe", requested=False),
        customer=ALICE_CUSTOMER,
    )
    assert booked.stylist_id == "ines"


async def test_moving_a_booking_onto_an_absence_is_refused(salon: Salon) -> None:
    service = salon.profile.service("coupe-femme")
    booked = await salon.calendar.book(
        service=service,
        slot=slot(salon, at(salon, salon.own_week, 15), "chloe"),
        customer=ALICE_CUSTOMER,
    )
    with pytest.raises(SlotTaken):
        await salon.calendar.reschedule(
            booking_uid=booked.uid,
            new_slot=slot(salon, at(salon, salon.away, 10), "chloe"),
            caller_phone=ALICE,
        )
    assert len(posted(salon.stub)) == 1  # the booking only: no reschedule reached Cal.com
    [still] = salon.stub.active_bookings()
    assert still["uid"] == booked.uid


async def test_a_salon_booking_by_chairs_drops_its_closure_days_too(tmp_path: Path) -> None:
    cal_truth = make_profile()
    closed = fridays(cal_truth, 1)[0]
    written = replace(cal_truth, closures=(*cal_truth.closures, Closure(closed, closed)))
    stub = CalComStub(profile=cal_truth).start()
    calendar = CalComCalendar(written, db=tmp_path / "s.db", api_key=API_KEY, base_url=stub.url)
    try:
        service = written.service("coupe-homme")
        prefs = SlotPreferences(day=closed)
        assert await calendar.free_slots(service=service, prefs=prefs, limit=100) == []
        start = datetime.combine(closed, time(10), tzinfo=written.timezone)
        with pytest.raises(SlotTaken):
            await calendar.book(
                service=service,
                slot=Slot("coupe-homme", start, start + timedelta(minutes=30)),
                customer=ALICE_CUSTOMER,
            )
        assert posted(stub) == []
    finally:
        await calendar.aclose()
        stub.stop()
