"""Integration tier: `CalComCalendar` against the Cal.com stub with injected faults.

Each test says what the caller experiences (the French `caller_message`) and checks that
nothing is lost or duplicated on the Cal.com side and in the local phone ↔ uid table.
The client runs with a 2.5 s overall deadline and 0.6 s per attempt here.
"""

from __future__ import annotations

import sqlite3
import tomllib
from datetime import timedelta

import httpx
import pytest

from booking.calcom import CalComCalendar
from booking.calendar import (
    CalendarUnavailable,
    Customer,
    InvalidRequest,
    NotAllowed,
    Slot,
    SlotPreferences,
    SlotTaken,
)
from salon.profile import parse_profile
from tests.booking.conftest import ALICE, TEST_SALON, Rig, make_profile, open_day
from tests.stubs.calcom import API_KEY, SLOT_TAKEN, CalComStub, spec_available

ALICE_CUSTOMER = Customer(name="Alice Dupont", phone=ALICE)


async def _slot(rig: Rig, service_id: str = "coupe-homme") -> Slot:
    service = rig.profile.service(service_id)
    day = open_day(rig.profile)
    return (await rig.calendar.free_slots(service=service, prefs=SlotPreferences(day=day)))[0]


def _links(rig: Rig) -> list[tuple[str, str]]:
    conn = sqlite3.connect(rig.calendar._conn.execute("PRAGMA database_list").fetchone()[2])
    try:
        return [tuple(r) for r in conn.execute("SELECT uid, status FROM calcom_links")]
    finally:
        conn.close()


async def test_rate_limited_slot_search_is_retried_and_the_caller_gets_slots(calcom: Rig) -> None:
    assert calcom.stub is not None
    fault = calcom.stub.fail_next(status=429, path="/v2/slots", retry_after=0.2)
    slots = await calcom.calendar.free_slots(service=calcom.profile.service("coupe-homme"))
    assert slots and fault.times == 0  # the 429 was served, then the retry succeeded
    assert [m for m, p, _ in calcom.stub.requests].count("GET") >= 2


async def test_a_rate_limit_longer_than_the_call_can_wait_fails_fast_and_retryable(
    calcom: Rig,
) -> None:
    assert calcom.stub is not None
    calcom.stub.fail_next(status=429, path="/v2/slots", retry_after=60)
    with pytest.raises(CalendarUnavailable) as err:
        await calcom.calendar.free_slots(service=calcom.profile.service("coupe-homme"))
    assert err.value.retryable is True and "réessayer" in err.value.caller_message
    assert len(calcom.stub.requests) == 1  # no pointless retry inside the 60 s window


async def test_server_errors_then_success_create_exactly_one_booking(calcom: Rig) -> None:
    assert calcom.stub is not None
    slot = await _slot(calcom)
    calcom.stub.fail_next(status=500, method="POST", path="/v2/bookings", times=2)
    booking = await calcom.calendar.book(
        service=calcom.profile.service("coupe-homme"), slot=slot, customer=ALICE_CUSTOMER
    )
    assert [b["uid"] for b in calcom.stub.active_bookings()] == [booking.uid]
    assert _links(calcom) == [(booking.uid, "accepted")]


@pytest.mark.parametrize(
    "fault",
    [{"delay": 1.0}, {"status": 500}, {"status": 502, "delay": 0.1}],
    ids=["late-answer", "error-after-work", "bad-gateway-after-work"],
)
async def test_a_lost_answer_after_the_server_booked_does_not_double_book(
    calcom: Rig, fault: dict
) -> None:
    assert calcom.stub is not None
    slot = await _slot(calcom)
    # The first POST is processed but its answer is lost (too late, or an error). The salon
    # has several chairs, so Cal.com would accept a second booking of the slot: before
    # sending again the client looks for the booking its first attempt created and returns
    # it — the caller hears "c'est noté" and is booked once.
    calcom.stub.capacity = 3
    calcom.stub.fail_next(method="POST", path="/v2/bookings", process=True, **fault)
    booking = await calcom.calendar.book(
        service=calcom.profile.service("coupe-homme"), slot=slot, customer=ALICE_CUSTOMER
    )
    active = calcom.stub.active_bookings()
    assert [b["uid"] for b in active] == [booking.uid]
    assert booking.start == slot.start and booking.customer == Customer("Alice Dupont", ALICE)
    assert _links(calcom) == [(booking.uid, "accepted")]
    assert [m for m, _, _ in calcom.stub.requests].count("POST") == 1


async def test_a_lost_reschedule_answer_is_recovered_without_a_second_move(calcom: Rig) -> None:
    assert calcom.stub is not None
    slot = await _slot(calcom)
    booking = await calcom.calendar.book(
        service=calcom.profile.service("coupe-homme"), slot=slot, customer=ALICE_CUSTOMER
    )
    later = Slot(slot.service_id, slot.start + timedelta(hours=3), slot.end + timedelta(hours=3))
    calcom.stub.fail_next(path=f"/v2/bookings/{booking.uid}/reschedule", status=500, process=True)
    moved = await calcom.calendar.reschedule(
        booking_uid=booking.uid, new_slot=later, caller_phone=ALICE
    )
    assert moved.start == later.start and moved.uid != booking.uid
    assert [b["uid"] for b in calcom.stub.active_bookings()] == [moved.uid]
    assert [b.uid for b in await calcom.calendar.find_bookings(caller_phone=ALICE)] == [moved.uid]


async def test_a_lost_cancel_answer_still_reports_the_cancellation(calcom: Rig) -> None:
    assert calcom.stub is not None
    slot = await _slot(calcom)
    booking = await calcom.calendar.book(
        service=calcom.profile.service("coupe-homme"), slot=slot, customer=ALICE_CUSTOMER
    )
    calcom.stub.fail_next(path=f"/v2/bookings/{booking.uid}/cancel", status=503, process=True)
    cancelled = await calcom.calendar.cancel(
        booking_uid=booking.uid, caller_phone=ALICE, reason="empêchement"
    )
    assert cancelled.status == "cancelled"
    assert calcom.stub.active_bookings() == []
    assert _links(calcom) == [(booking.uid, "cancelled")]


async def test_a_calendar_that_keeps_failing_gives_a_retryable_message_and_books_nothing(
    calcom: Rig,
) -> None:
    assert calcom.stub is not None
    slot = await _slot(calcom)
    calcom.stub.fail_next(status=500, method="POST", times=100)
    with pytest.raises(CalendarUnavailable) as err:
        await calcom.calendar.book(
            service=calcom.profile.service("coupe-homme"), slot=slot, customer=ALICE_CUSTOMER
        )
    assert err.value.retryable is True
    assert "L'agenda ne répond pas" in err.value.caller_message
    assert calcom.stub.active_bookings() == [] and _links(calcom) == []


async def test_a_hanging_calendar_is_abandoned_within_the_deadline(calcom: Rig) -> None:
    assert calcom.stub is not None
    calcom.stub.fail_next(path="/v2/slots", delay=0.9, times=10)
    with pytest.raises(CalendarUnavailable) as err:
        await calcom.calendar.free_slots(service=calcom.profile.service("coupe-homme"))
    assert err.value.retryable is True
    assert 2 <= len(calcom.stub.requests) <= 5  # bounded retries, not a loop


async def test_slot_taken_between_proposal_and_booking_tells_the_caller(calcom: Rig) -> None:
    assert calcom.stub is not None
    slot = await _slot(calcom)
    other = calcom.stub.take_slot(event_type_id=201, start=slot.start)
    with pytest.raises(SlotTaken) as err:
        await calcom.calendar.book(
            service=calcom.profile.service("coupe-homme"), slot=slot, customer=ALICE_CUSTOMER
        )
    assert "vient d'être pris" in err.value.caller_message
    assert [b["uid"] for b in calcom.stub.active_bookings()] == [other]
    assert _links(calcom) == []


async def test_a_rejected_reschedule_keeps_the_original_booking(calcom: Rig) -> None:
    assert calcom.stub is not None
    slot = await _slot(calcom)
    booking = await calcom.calendar.book(
        service=calcom.profile.service("coupe-homme"), slot=slot, customer=ALICE_CUSTOMER
    )
    later = Slot(slot.service_id, slot.start + timedelta(hours=3), slot.end + timedelta(hours=3))
    calcom.stub.fail_next(
        path=f"/v2/bookings/{booking.uid}/reschedule",
        status=400,
        message="Cannot reschedule within the minimum notice",
    )
    with pytest.raises(NotAllowed) as err:
        await calcom.calendar.reschedule(
            booking_uid=booking.uid, new_slot=later, caller_phone=ALICE
        )
    assert "votre rendez-vous actuel est conservé" in err.value.caller_message
    mine = await calcom.calendar.find_bookings(caller_phone=ALICE)
    assert [(b.uid, b.start) for b in mine] == [(booking.uid, booking.start)]
    assert [b["uid"] for b in calcom.stub.active_bookings()] == [booking.uid]


async def test_reschedule_creates_a_new_uid_that_the_phone_table_follows(calcom: Rig) -> None:
    assert calcom.stub is not None
    slot = await _slot(calcom)
    booking = await calcom.calendar.book(
        service=calcom.profile.service("coupe-homme"), slot=slot, customer=ALICE_CUSTOMER
    )
    later = Slot(slot.service_id, slot.start + timedelta(hours=3), slot.end + timedelta(hours=3))
    moved = await calcom.calendar.reschedule(
        booking_uid=booking.uid, new_slot=later, caller_phone=ALICE
    )
    assert moved.uid != booking.uid
    assert calcom.stub.bookings[booking.uid]["rescheduledToUid"] == moved.uid
    assert sorted(_links(calcom)) == sorted([(booking.uid, "rescheduled"), (moved.uid, "accepted")])
    assert [b.uid for b in await calcom.calendar.find_bookings(caller_phone=ALICE)] == [moved.uid]


async def test_the_wire_format_is_utc_with_the_iana_zone_and_no_email(calcom: Rig) -> None:
    assert calcom.stub is not None
    slot = await _slot(calcom)
    await calcom.calendar.book(
        service=calcom.profile.service("coupe-homme"), slot=slot, customer=ALICE_CUSTOMER
    )
    body = next(b for m, p, b in calcom.stub.requests if m == "POST")
    assert body is not None
    assert body["start"].endswith("Z")
    assert body["attendee"] == {
        "name": "Alice Dupont",
        "timeZone": "Europe/Paris",
        "phoneNumber": ALICE,
        "language": "fr",
    }
    assert body["eventTypeId"] == 201


async def test_slots_returned_outside_the_asked_day_are_dropped(calcom: Rig) -> None:
    assert calcom.stub is not None and calcom.stub.out_of_range_quirk
    day = open_day(calcom.profile)
    slots = await calcom.calendar.free_slots(
        service=calcom.profile.service("coupe-homme"), prefs=SlotPreferences(day=day, earliest=True)
    )
    assert slots and all(s.start.date() == day for s in slots)


async def test_a_refused_api_key_is_not_retried_and_says_so(calcom: Rig, tmp_path) -> None:
    assert calcom.stub is not None
    bad = CalComCalendar(
        calcom.profile, db=tmp_path / "bad.db", api_key="cal_live_wrong", base_url=calcom.stub.url
    )
    try:
        with pytest.raises(CalendarUnavailable) as err:
            await bad.free_slots(service=calcom.profile.service("coupe-homme"))
        assert err.value.retryable is False
        assert "rappeler" in err.value.caller_message
        assert len(calcom.stub.requests) == 1
    finally:
        await bad.aclose()
        bad.close_db()


async def test_an_unreachable_calendar_is_reported_as_retryable(profile, tmp_path) -> None:
    stub = CalComStub(profile=profile).start()
    url = stub.url
    stub.stop()  # nothing listens there any more
    cal = CalComCalendar(profile, db=tmp_path / "x.db", api_key=API_KEY, base_url=url, deadline=0.6)
    try:
        with pytest.raises(CalendarUnavailable) as err:
            await cal.free_slots(service=profile.service("coupe-homme"))
        assert err.value.retryable is True
    finally:
        await cal.aclose()
        cal.close_db()


async def test_an_event_type_requiring_email_refuses_phone_only_attendees(calcom: Rig) -> None:
    assert calcom.stub is not None
    calcom.stub.event_types[201].email_required = True
    slot = await _slot(calcom)
    with pytest.raises(CalendarUnavailable) as err:
        await calcom.calendar.book(
            service=calcom.profile.service("coupe-homme"), slot=slot, customer=ALICE_CUSTOMER
        )
    assert err.value.retryable is False and "email" in err.value.detail
    assert calcom.stub.active_bookings() == []


@pytest.mark.skipif(not spec_available(), reason="../shared/specs/calcom-v2-openapi.json absent")
async def test_the_stub_rejects_requests_that_break_the_spec_or_the_api_version(
    calcom: Rig,
) -> None:
    assert calcom.stub is not None
    headers = {"Authorization": f"Bearer {API_KEY}"}
    async with httpx.AsyncClient(base_url=calcom.stub.url, headers=headers) as client:
        no_attendee = await client.post(
            "/bookings",
            json={"start": "2030-01-02T09:00:00Z", "eventTypeId": 201},
            headers={"cal-api-version": "2024-08-13"},
        )
        wrong_version = await client.get(
            "/slots",
            params={"eventTypeId": 201, "start": "2030-01-02", "end": "2030-01-03"},
            headers={"cal-api-version": "2024-08-13"},
        )
    assert no_attendee.status_code == 400 and wrong_version.status_code == 400
    assert len(calcom.stub.spec_errors) == 2
    assert "request POST /v2/bookings" in calcom.stub.spec_errors[0]
    assert "cal-api-version must be 2024-09-04" in calcom.stub.spec_errors[1]
    assert SLOT_TAKEN not in no_attendee.text


async def test_setup_check_passes_on_a_matching_account_and_names_each_problem(
    calcom: Rig,
) -> None:
    assert calcom.stub is not None and isinstance(calcom.calendar, CalComCalendar)
    assert await calcom.calendar.check_setup() == []
    calcom.stub.event_types[201].email_required = True
    calcom.stub.event_types[202].length = 90
    del calcom.stub.event_types[203]
    problems = await calcom.calendar.check_setup()
    assert len(problems) == 3
    assert problems[0].startswith("coupe-homme : le type d'événement 201 exige un e-mail ; ")
    assert "rendez-le facultatif" in problems[0]
    assert problems[1].endswith(" : dure 90 min dans Cal.com mais 120 min dans salon.toml")
    assert problems[2] == "balayage-longs : type d'événement 203 introuvable dans Cal.com"
    assert calcom.stub.spec_errors == []


async def test_an_event_type_given_by_slug_and_username_books_too(tmp_path) -> None:
    data = tomllib.loads(TEST_SALON)
    for service in data["services"]:
        service.pop("cal_event_type_id")
    profile = parse_profile(data, tmp_path / "salon.toml")
    stub = CalComStub(profile=make_profile()).start()  # event types known by id and slug
    cal = CalComCalendar(
        profile, db=tmp_path / "s.db", api_key=API_KEY, base_url=stub.url, username="salon"
    )
    try:
        service = profile.service("coupe-homme")
        slots = await cal.free_slots(service=service)
        booking = await cal.book(service=service, slot=slots[0], customer=ALICE_CUSTOMER)
        assert [b["uid"] for b in stub.active_bookings()] == [booking.uid]
        post = next(b for m, _, b in stub.requests if m == "POST")
        assert post is not None and post["eventTypeSlug"] == "coupe-homme"
        assert post["username"] == "salon" and "eventTypeId" not in post
        assert stub.spec_errors == []
        nameless = CalComCalendar(profile, db=tmp_path / "n.db", api_key=API_KEY, base_url=stub.url)
        with pytest.raises(InvalidRequest):
            await nameless.free_slots(service=service)
        await nameless.aclose()
    finally:
        await cal.aclose()
        stub.stop()
