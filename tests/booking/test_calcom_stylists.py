"""Integration tier: what the Cal.com back-end does with stylists and visits on the wire.

`CalComCalendar` (real httpx client) against the Cal.com stub on 127.0.0.1, on the team
salon of `tests/booking/stylist_salon.py`: each stylist a Cal.com user whose own event
types carry the services' slugs, each request and answer checked against the OpenAPI
spec. The behaviour both calendars share is in `test_stylist_behaviour.py`; here: the
requests sent, the parts of a visit in Cal.com, and what happens when a part fails.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from booking import journal
from booking.calcom import CalComCalendar
from booking.calcom_visits import post_part
from booking.calendar import (
    Booking,
    CalendarUnavailable,
    Customer,
    InvalidRequest,
    Slot,
    SlotPreferences,
    SlotTaken,
)
from salon.profile import SalonProfile
from tests.booking.conftest import ALICE, Rig, make_rig
from tests.booking.stylist_salon import make_stylist_profile, work_day
from tests.stubs.calcom import CalComStub

ALICE_CUSTOMER = Customer(name="Alice Dupont", phone=ALICE)


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


def calendar_of(rig: Rig) -> CalComCalendar:
    assert isinstance(rig.calendar, CalComCalendar)
    return rig.calendar


def at(rig: Rig, day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=rig.profile.timezone)


def visit_slot(rig: Rig, start: datetime, *, stylist: str = "chloe") -> Slot:
    """Chloé's « coupe femme » then « brushing » (45 + 30 min) at `start`, asked for."""
    return Slot(
        service_id="coupe-femme",
        start=start,
        end=start + timedelta(minutes=75),
        stylist_id=stylist,
        extra_service_ids=("brushing",),
        stylist_requested=True,
    )


async def book(rig: Rig, slot: Slot) -> Booking:
    service = rig.profile.service(slot.service_id)
    return await rig.calendar.book(service=service, slot=slot, customer=ALICE_CUSTOMER)


def alice_parts(rig: Rig) -> list[tuple[str, str, str]]:
    """Alice's active Cal.com bookings: (start, event type slug, host username)."""
    return sorted(
        (b["start"], b["eventType"]["slug"], b["hosts"][0]["username"])
        for b in stub_of(rig).active_bookings()
        if b["attendees"][0].get("phoneNumber") == ALICE
    )


def utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# ------------------------------------------------------------------------ the wire


async def test_slots_are_asked_of_each_qualified_stylists_event_type_by_slug_and_username(
    cal: Rig,
) -> None:
    friday = work_day(cal.profile, "chloe", weekday=4)
    slots = await cal.calendar.free_slots(
        service=cal.profile.service("coupe-femme"), prefs=SlotPreferences(day=friday)
    )
    asked = [
        parse_qs(urlsplit(path).query)
        for method, path, _ in stub_of(cal).requests
        if method == "GET" and path.startswith("/v2/slots")
    ]
    assert sorted(q["username"][0] for q in asked) == ["chloe-martin", "ines-roux"]  # not Yanis
    assert {q["eventTypeSlug"][0] for q in asked} == {"coupe-femme"}
    assert all("eventTypeId" not in q for q in asked)
    booked = await book(cal, slots[0])
    post = next(b for m, p, b in stub_of(cal).requests if m == "POST" and p == "/v2/bookings")
    member = cal.profile.stylist(slots[0].stylist_id or "")
    assert post is not None and "eventTypeId" not in post
    assert (post["eventTypeSlug"], post["username"]) == ("coupe-femme", member.cal_username)
    assert stub_of(cal).host_of(booked.uid) == member.cal_username
    assert booked.stylist_id == member.id
    [found] = await cal.calendar.find_bookings(caller_phone=ALICE)
    assert isinstance(found, Booking) and found.stylist_id == member.id  # from `hosts`


async def test_a_visit_is_consecutive_bookings_with_one_host_and_metadata_naming_the_visit(
    cal: Rig,
) -> None:
    friday = work_day(cal.profile, "chloe", weekday=4)
    visit = await book(cal, visit_slot(cal, at(cal, friday, 10)))
    assert visit.end - visit.start == timedelta(minutes=75)
    assert [s.id for s in visit.services] == ["coupe-femme", "brushing"]
    assert alice_parts(cal) == [
        (utc_iso(at(cal, friday, 10)), "coupe-femme", "chloe-martin"),
        (utc_iso(at(cal, friday, 10, 45)), "brushing", "chloe-martin"),
    ]
    first, second = sorted(stub_of(cal).active_bookings(), key=lambda b: b["start"])
    assert first["uid"] == visit.uid
    assert first["metadata"] == {"visit": "1/2", "services": "coupe-femme,brushing"}
    assert second["metadata"] == {
        "visit": "2/2",
        "services": "coupe-femme,brushing",
        "visitUid": visit.uid,
    }
    [found] = await cal.calendar.find_bookings(caller_phone=ALICE)
    assert isinstance(found, Booking)
    assert (found.uid, found.end, found.stylist_id) == (visit.uid, visit.end, "chloe")
    assert [s.id for s in found.extra_services] == ["brushing"]
    day = await calendar_of(cal).bookings_between(at(cal, friday, 0), at(cal, friday, 23))
    assert [b.uid for b in day] == [visit.uid]  # the owner's list shows the visit once


async def test_a_visit_whose_second_part_was_taken_meanwhile_books_nothing_and_says_so(
    cal: Rig,
) -> None:
    friday = work_day(cal.profile, "chloe", weekday=4)
    start = at(cal, friday, 10)
    stub_of(cal).take_slot(
        slug="brushing", username="chloe-martin", start=start + timedelta(minutes=45)
    )
    with pytest.raises(SlotTaken):
        await book(cal, visit_slot(cal, start))
    assert alice_parts(cal) == []  # the first part was cancelled again
    assert await cal.calendar.find_bookings(caller_phone=ALICE) == []
    states = cal.calendar._run(
        lambda c: c.execute("SELECT kind, state FROM booking_journal").fetchall()
    )
    assert [tuple(r) for r in states] == [("booked", "failed")]


async def test_peu_importe_gives_the_whole_visit_to_another_stylist_when_the_first_is_taken(
    cal: Rig,
) -> None:
    friday = work_day(cal.profile, "chloe", weekday=4)
    start = at(cal, friday, 10)
    slot = replace(visit_slot(cal, start), stylist_requested=False)
    stub_of(cal).take_slot(
        slug="brushing", username="chloe-martin", start=start + timedelta(minutes=45)
    )
    visit = await book(cal, slot)
    assert visit.stylist_id == "ines"
    assert [host for _, _, host in alice_parts(cal)] == ["ines-roux", "ines-roux"]
    entry = cal.calendar._run(lambda c: c.execute("SELECT * FROM booking_journal").fetchone())
    assert (entry["state"], entry["stylist_id"], entry["extra_services"]) == (
        "done",
        "ines",
        "brushing",
    )


# ------------------------------------------------------------------------- moving


async def test_a_visit_moved_by_less_than_its_length_does_not_trip_over_itself(cal: Rig) -> None:
    friday = work_day(cal.profile, "chloe", weekday=4)
    visit = await book(cal, visit_slot(cal, at(cal, friday, 10)))
    for hour, minute in ((10, 30), (10, 15)):  # later, then earlier, overlapping each time
        moved = await cal.calendar.reschedule(
            booking_uid=visit.uid,
            new_slot=visit_slot(cal, at(cal, friday, hour, minute)),
            caller_phone=ALICE,
        )
        assert moved.uid != visit.uid and moved.end - moved.start == timedelta(minutes=75)
        assert alice_parts(cal) == [
            (utc_iso(at(cal, friday, hour, minute)), "coupe-femme", "chloe-martin"),
            (
                utc_iso(at(cal, friday, hour, minute) + timedelta(minutes=45)),
                "brushing",
                "chloe-martin",
            ),
        ]
        visit = moved
    [found] = await cal.calendar.find_bookings(caller_phone=ALICE)
    assert isinstance(found, Booking) and found.uid == visit.uid


async def test_a_move_refused_half_way_puts_the_moved_part_back_and_keeps_the_visit(
    cal: Rig,
) -> None:
    friday = work_day(cal.profile, "chloe", weekday=4)
    visit = await book(cal, visit_slot(cal, at(cal, friday, 10)))
    before = alice_parts(cal)
    # Moving later moves the brushing first (14h45 is free), then the cut: 14h is taken.
    stub_of(cal).take_slot(slug="coupe-femme", username="chloe-martin", start=at(cal, friday, 14))
    with pytest.raises(SlotTaken):
        await cal.calendar.reschedule(
            booking_uid=visit.uid,
            new_slot=visit_slot(cal, at(cal, friday, 14)),
            caller_phone=ALICE,
        )
    assert alice_parts(cal) == before
    reschedules = [p for m, p, _ in stub_of(cal).requests if p.endswith("/reschedule")]
    assert len(reschedules) == 3  # the brushing moved, the cut refused, the brushing back
    [found] = await cal.calendar.find_bookings(caller_phone=ALICE)
    assert isinstance(found, Booking)
    assert (found.start, found.end) == (visit.start, visit.end)
    assert [s.id for s in found.services] == ["coupe-femme", "brushing"]


async def test_a_visit_moved_to_another_stylist_is_booked_with_her_and_the_old_one_cancelled(
    cal: Rig,
) -> None:
    friday = work_day(cal.profile, "chloe", weekday=4)
    visit = await book(cal, visit_slot(cal, at(cal, friday, 10)))
    moved = await cal.calendar.reschedule(
        booking_uid=visit.uid,
        new_slot=visit_slot(cal, at(cal, friday, 15), stylist="ines"),
        caller_phone=ALICE,
    )
    assert moved.stylist_id == "ines"
    assert alice_parts(cal) == [
        (utc_iso(at(cal, friday, 15)), "coupe-femme", "ines-roux"),
        (utc_iso(at(cal, friday, 15, 45)), "brushing", "ines-roux"),
    ]
    assert [b.uid for b in await cal.calendar.find_bookings(caller_phone=ALICE)] == [moved.uid]  # type: ignore[union-attr]


async def test_cancelling_a_visit_cancels_every_part_in_cal_com(cal: Rig) -> None:
    friday = work_day(cal.profile, "chloe", weekday=4)
    visit = await book(cal, visit_slot(cal, at(cal, friday, 10)))
    cancelled = await cal.calendar.cancel(booking_uid=visit.uid, caller_phone=ALICE, reason="")
    assert cancelled.status == "cancelled" and cancelled.extra_services == visit.extra_services
    assert alice_parts(cal) == []


# ------------------------------------------------------------------ lost answers, crashes


async def test_a_lost_answer_for_the_second_part_books_it_once(cal: Rig) -> None:
    friday = work_day(cal.profile, "chloe", weekday=4)
    stub_of(cal).fail_next(method="POST", path="/v2/bookings", status=500, process=True, after=1)
    visit = await book(cal, visit_slot(cal, at(cal, friday, 10)))
    assert len(alice_parts(cal)) == 2 and len(stub_of(cal).active_bookings()) == 2
    [found] = await cal.calendar.find_bookings(caller_phone=ALICE)
    assert isinstance(found, Booking) and found.end == visit.end


async def _crash_after(cal: Rig, parts: int) -> tuple[int, list[journal.JournalEntry]]:
    """A visit whose booking a crash cut after `parts` parts; then reconcile."""
    friday = work_day(cal.profile, "chloe", weekday=4)
    start = at(cal, friday, 10)
    services = (cal.profile.service("coupe-femme"), cal.profile.service("brushing"))
    entry = cal.calendar._run(
        lambda c: journal.record(
            c, kind="booked", state="pending", service_id="coupe-femme", start=start,
            phone=ALICE, name=ALICE_CUSTOMER.name, stylist_id="chloe",
            extra_service_ids=("brushing",),
            now=datetime.now().astimezone() - timedelta(minutes=5),
        )
    )  # fmt: skip
    chloe = cal.profile.stylist("chloe")
    offset = timedelta(0)
    for svc in services[:parts]:
        await post_part(calendar_of(cal), svc, start + offset, ALICE_CUSTOMER, chloe, {})
        offset += timedelta(minutes=svc.duration)
    confirmed: list[journal.JournalEntry] = []

    async def confirm(e: journal.JournalEntry) -> None:
        confirmed.append(e)

    report = await cal.calendar.reconcile(confirm=confirm)
    assert report.resolved == 1 and report.errors == []
    return entry, confirmed


async def test_a_crash_half_way_through_a_visit_is_undone_by_reconcile_with_no_sms(
    cal: Rig,
) -> None:
    entry, confirmed = await _crash_after(cal, 1)
    assert alice_parts(cal) == [] and confirmed == []
    state = cal.calendar._run(
        lambda c: c.execute("SELECT state FROM booking_journal WHERE id = ?", (entry,)).fetchone()
    )
    assert state[0] == "failed"
    assert await cal.calendar.find_bookings(caller_phone=ALICE) == []


async def test_a_crash_after_a_whole_visit_was_booked_is_linked_and_confirmed_once(
    cal: Rig,
) -> None:
    _, confirmed = await _crash_after(cal, 2)
    [entry] = confirmed
    assert entry.service_ids == ("coupe-femme", "brushing") and entry.stylist_id == "chloe"
    [found] = await cal.calendar.find_bookings(caller_phone=ALICE)
    assert isinstance(found, Booking) and found.uid == entry.uid
    assert found.end - found.start == timedelta(minutes=75)


# ------------------------------------------------------------------- setup, failures


async def test_a_stylist_without_a_cal_username_is_named_by_the_error_and_the_setup_check(
    tmp_path: Path,
) -> None:
    base = make_stylist_profile()
    team = tuple(replace(m, cal_username=None) if m.id == "chloe" else m for m in base.team)
    profile: SalonProfile = replace(base, team=team)
    rig = await make_rig("calcom", profile, tmp_path)
    try:
        friday = work_day(profile, "chloe", weekday=4)
        with pytest.raises(InvalidRequest, match="chloe") as refused:
            await rig.calendar.free_slots(
                service=profile.service("coupe-femme"),
                prefs=SlotPreferences(day=friday),
                stylist="chloe",
            )
        assert "avec Chloé" in refused.value.caller_message  # the caller hears why
        anyone = await rig.calendar.free_slots(
            service=profile.service("coupe-femme"), prefs=SlotPreferences(day=friday)
        )
        assert anyone and {s.stylist_id for s in anyone} == {"ines"}
        problems = await calendar_of(rig).check_setup()
        assert problems[0] == (
            "chloe : pas de cal_username dans salon.toml ([[team]]) ; il faut son nom "
            "d'utilisateur Cal.com pour lui réserver des rendez-vous"
        )
        assert len(problems) == 1
    finally:
        await rig.calendar.aclose()
        assert rig.stub is not None
        rig.stub.stop()


async def test_the_setup_check_names_each_stylists_missing_or_wrong_event_type(cal: Rig) -> None:
    assert await calendar_of(cal).check_setup() == []
    stub = stub_of(cal)
    del stub.event_types[stub.event_type_of(slug="brushing", username="ines-roux").id]
    stub.event_type_of(slug="coupe-homme", username="yanis-benali").length = 45
    problems = await calendar_of(cal).check_setup()
    assert problems == [
        "yanis/coupe-homme : dure 45 min dans Cal.com mais 30 min dans salon.toml",
        "ines/brushing : pas de type d'événement 'brushing' pour l'utilisateur Cal.com ines-roux",
    ]
    assert any("username=ines-roux" in p for _, p, _ in stub.requests)


async def test_a_stylist_whose_slots_cannot_be_read_is_left_out_when_others_answer(
    cal: Rig,
) -> None:
    friday = work_day(cal.profile, "chloe", weekday=4)
    stub_of(cal).fail_next(path="/v2/slots", query="username=ines-roux", status=500, times=100)
    service = cal.profile.service("coupe-femme")
    slots = await cal.calendar.free_slots(service=service, prefs=SlotPreferences(day=friday))
    assert slots and {s.stylist_id for s in slots} == {"chloe"}
    with pytest.raises(CalendarUnavailable):
        await cal.calendar.free_slots(
            service=service, prefs=SlotPreferences(day=friday), stylist="ines"
        )


async def test_past_bookings_are_read_from_the_link_table_without_asking_cal_com(
    cal: Rig,
) -> None:
    friday = work_day(cal.profile, "chloe", weekday=4)
    visit = await book(cal, visit_slot(cal, at(cal, friday, 10)))
    asked = len(stub_of(cal).requests)
    [past] = await cal.calendar.past_bookings(phone="06 12 34 56 78", before=visit.end)
    assert len(stub_of(cal).requests) == asked
    assert (past.uid, past.stylist_id, past.start, past.end) == (
        visit.uid,
        "chloe",
        visit.start,
        visit.end,
    )
    assert [s.id for s in past.services] == ["coupe-femme", "brushing"]
    assert past.customer == Customer(name="Alice Dupont", phone=ALICE)
    await cal.calendar.cancel(booking_uid=visit.uid, caller_phone=ALICE, reason="")
    assert await cal.calendar.past_bookings(phone=ALICE, before=visit.end) == []
    assert await cal.calendar.past_bookings(phone="anonymous", before=visit.end) == []


async def test_a_team_without_cal_com_usernames_books_by_the_salons_event_types(
    tmp_path: Path,
) -> None:
    """A team listed in salon.toml for the receptionist to talk about, none with a Cal.com
    username: Cal.com books as without a team (the salon's event types, `chairs`), a
    stylist asked for gets a French sentence, and `check` says why."""
    profile = make_stylist_profile()
    profile = replace(profile, team=tuple(replace(m, cal_username=None) for m in profile.team))
    made = await make_rig("calcom", profile, tmp_path)
    try:
        calendar = calendar_of(made)
        assert calendar.team() == ()
        service = profile.service("coupe-homme")
        slots = await calendar.free_slots(service=service)
        assert slots and all(s.stylist_id is None for s in slots)
        booking = await calendar.book(service=service, slot=slots[0], customer=ALICE_CUSTOMER)
        assert booking.stylist_id is None and booking.start == slots[0].start
        with pytest.raises(InvalidRequest) as refused:
            await calendar.free_slots(service=service, stylist="yanis")
        assert "par coiffeur" in refused.value.caller_message
        problems = await calendar.check_setup()
        assert problems[0] == (
            "salon.toml liste une équipe ([[team]]) mais personne n'y a de cal_username : "
            "Cal.com réserve alors avec les types d'événements du salon, sans choix de coiffeur"
        ), problems
    finally:
        await made.calendar.aclose()
        made.calendar.close_db()
        assert made.stub is not None
        made.stub.stop()
        assert made.stub.spec_errors == [], made.stub.spec_errors
