"""Integration tier: the waitlist from a full day to a booking — a freed slot offered by SMS
to the first person waiting, accepted with « OUI » in time, passed on when nobody answers,
raced by two people and by a caller — with the Twilio stub and a clock the test moves."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from pathlib import Path

import pytest

from booking import waitlist
from booking.calendar import Booking, SlotPreferences
from jobs.runner import BackOffice
from notify.gsm7 import to_gsm7
from salon.french import day_words
from salon.profile import SalonProfile
from tests.jobs.conftest import ALICE, BOB, CAROL, SALON_NUMBER, Rig, at, make_rig, open_day
from tests.stubs.twilio import TwilioStub
from webhook.sms import Handled, Inbound, handle_text

pytestmark = pytest.mark.integration

_sids = iter(range(1, 10_000))


def text(sender: str, body: str) -> Inbound:
    return Inbound(message_sid=f"SM{next(_sids):032x}", sender=sender, body=body)


@pytest.fixture
async def full(
    profile: SalonProfile, tmp_path: Path, twilio: TwilioStub
) -> tuple[Rig, date, list[Booking]]:
    """A Wednesday with every half hour booked (one chair), Alice then Bob waiting."""
    made = make_rig(profile, tmp_path / "salon.db", twilio, sms_from=SALON_NUMBER)
    day = open_day(profile)
    bookings = [
        await made.book(at(profile, day, 9, 30) + timedelta(minutes=30 * i), CAROL, f"Client {i}")
        for i in range(19)
    ]
    made.clock.now = at(profile, day, 10) - timedelta(days=1)
    for phone, name, minutes in ((ALICE, "Alice Durand", 0), (BOB, "Bob Roux", 1)):
        waitlist.join(
            made.calendar._conn, phone=phone, name=name, service_id="coupe-homme", day=day,
            now=made.clock.now + timedelta(minutes=minutes),
        )  # fmt: skip
    yield made, day, bookings
    await made.office.aclose()


async def _answer(rig: Rig, message: Inbound, minutes_later: int = 0) -> Handled:
    return await handle_text(
        message,
        profile=rig.profile,
        db_path=rig.db,
        now=rig.clock.now + timedelta(minutes=minutes_later),
    )


async def test_a_freed_slot_goes_to_the_first_person_who_answers_oui_in_time(
    full: tuple[Rig, date, list[Booking]],
) -> None:
    rig, day, bookings = full
    report = await rig.office.run_once()
    assert report.as_dict()["waitlist"]["offered"] == 0  # the day is full
    await rig.calendar.cancel(booking_uid=bookings[9].uid, caller_phone=CAROL, reason="x")
    report = await rig.office.run_once()
    assert report.as_dict()["waitlist"]["offered"] == 1
    [offer] = rig.bodies_to(ALICE)
    assert offer == (  # the phone gets GSM-7: « août » arrives as « aout »
        f"Maison Margaux : un créneau s'est libéré le {to_gsm7(day_words(day))} à 14h pour "
        "coupe homme. Répondez OUI avant 11h pour le réserver."
    )
    assert rig.bodies_to(BOB) == []  # never two people at once
    handled = await _answer(rig, text(ALICE, "Oui !"), minutes_later=20)
    assert handled == Handled("accept", "booked")
    await rig.office.run_once()
    confirmation = rig.bodies_to(ALICE)[-1]
    assert "RDV d'Alice Durand confirmé le mer" in confirmation and "à 14h" in confirmation
    mine = await rig.calendar.find_bookings(caller_phone=ALICE, now=rig.clock.now)
    assert [b.start for b in mine if isinstance(b, Booking)] == [at(rig.profile, day, 14)]
    assert [e.phone for e in waitlist.waiting(rig.calendar._conn, service_id="coupe-homme",
                                              day=day)] == [BOB]  # fmt: skip


async def test_an_offer_nobody_takes_in_time_passes_to_the_next_person_only_once(
    full: tuple[Rig, date, list[Booking]],
) -> None:
    rig, day, bookings = full
    await rig.calendar.cancel(booking_uid=bookings[4].uid, caller_phone=CAROL, reason="x")
    await rig.office.run_once()
    assert len(rig.bodies_to(ALICE)) == 1
    rig.clock.now += timedelta(hours=1, minutes=1)  # past « avant 11h »
    report = await rig.office.run_once()
    counts = report.as_dict()["waitlist"]
    assert (counts["offered"], counts["expired"]) == (1, 1)
    assert len(rig.bodies_to(BOB)) == 1 and "à 11h30" in rig.bodies_to(BOB)[0]
    late = await _answer(rig, text(ALICE, "OUI"))
    assert late == Handled("accept", "offer_expired")
    for _ in range(3):  # Bob does not answer either: Alice never gets the same slot again
        rig.clock.now += timedelta(hours=1, minutes=1)
        await rig.office.run_once()
    assert [b for b in rig.bodies_to(ALICE) if "libéré" in b] == [rig.bodies_to(ALICE)[0]]
    assert "délai pour ce créneau est passé" in rig.bodies_to(ALICE)[-1]
    assert len([b for b in rig.bodies_to(BOB) if "libéré" in b]) == 1


async def test_two_back_offices_at_once_offer_the_slot_to_one_person(
    full: tuple[Rig, date, list[Booking]], twilio: TwilioStub
) -> None:
    rig, _, bookings = full
    other = make_rig(rig.profile, rig.db, twilio, sms_from=SALON_NUMBER, now=rig.clock.now)
    try:
        await rig.calendar.cancel(booking_uid=bookings[12].uid, caller_phone=CAROL, reason="x")
        reports = await asyncio.gather(rig.office.run_once(), other.office.run_once())
        assert sum(r.as_dict()["waitlist"]["offered"] for r in reports) == 1
        await rig.office.run_once()
        offers = [m for m in twilio.messages if "libéré" in m["body"]]
        assert len(offers) == 1 and offers[0]["to"] == ALICE
    finally:
        await other.office.aclose()


async def test_two_people_answering_oui_at_once_book_the_slot_once(
    full: tuple[Rig, date, list[Booking]],
) -> None:
    rig, day, bookings = full
    await rig.calendar.cancel(booking_uid=bookings[2].uid, caller_phone=CAROL, reason="x")
    await rig.office.run_once()
    answers = await asyncio.gather(
        _answer(rig, text(ALICE, "oui")),
        _answer(rig, text(BOB, "OUI")),
        _answer(rig, text(ALICE, "Oui merci")),
    )
    assert sorted(a.outcome for a in answers) == ["already_accepted", "booked", "no_offer"]
    slots = await rig.calendar.free_slots(
        service=rig.profile.service("coupe-homme"), prefs=SlotPreferences(day=day),
        now=rig.clock.now,
    )  # fmt: skip
    assert slots == []
    taken = [
        b for b in await rig.calendar.bookings_between(at(rig.profile, day, 10, 30),
                                                       at(rig.profile, day, 11))
    ]  # fmt: skip
    assert [(b.customer.phone if b.customer else None) for b in taken] == [ALICE]


async def test_a_slot_a_caller_books_first_is_lost_and_the_person_keeps_waiting(
    full: tuple[Rig, date, list[Booking]],
) -> None:
    rig, day, bookings = full
    await rig.calendar.cancel(booking_uid=bookings[6].uid, caller_phone=CAROL, reason="x")
    await rig.office.run_once()
    await rig.book(bookings[6].start, "+33655443322", "Dan Petit")  # by phone, meanwhile
    handled = await _answer(rig, text(ALICE, "OUI"))
    assert handled == Handled("accept", "offer_taken")
    await rig.office.run_once()
    assert "réservé entre-temps" in rig.bodies_to(ALICE)[-1]
    waiting = waitlist.waiting(rig.calendar._conn, service_id="coupe-homme", day=day)
    assert [e.phone for e in waiting] == [ALICE, BOB]


async def test_no_offer_goes_out_during_quiet_hours(
    full: tuple[Rig, date, list[Booking]],
) -> None:
    rig, day, bookings = full
    await rig.calendar.cancel(booking_uid=bookings[15].uid, caller_phone=CAROL, reason="x")
    rig.clock.now = at(rig.profile, day - timedelta(days=1), 21)
    await rig.office.run_once()
    assert rig.stub.messages == []
    rig.clock.now = at(rig.profile, day, 9)
    await rig.office.run_once()
    assert len(rig.bodies_to(ALICE)) == 1 and "avant 10h" in rig.bodies_to(ALICE)[0]


async def test_with_a_one_way_sender_the_offer_says_to_call_the_salon(
    profile: SalonProfile, tmp_path: Path, twilio: TwilioStub
) -> None:
    made = make_rig(profile, tmp_path / "salon.db", twilio)  # alphanumeric sender
    office: BackOffice = made.office
    try:
        day = open_day(profile)
        made.clock.now = at(profile, day, 15) - timedelta(days=1)
        waitlist.join(
            made.calendar._conn, phone=ALICE, name="Alice", service_id="coupe-homme", day=day,
            now=made.clock.now,
        )  # fmt: skip
        await office.run_once()
        [body] = made.bodies_to(ALICE)
        assert "Appelez le 04 78 42 18 90 avant 16h pour le réserver." in body
    finally:
        await office.aclose()


async def test_a_freed_hour_is_offered_once_to_each_person_then_to_the_next_never_again(
    full: tuple[Rig, date, list[Booking]],
) -> None:
    rig, day, bookings = full
    waitlist.join(
        rig.calendar._conn, phone=CAROL, name="Carol Petit", service_id="coupe-homme", day=day,
        now=rig.clock.now + timedelta(minutes=2),
    )  # fmt: skip
    for booking in bookings[9:11]:  # 14h-15h frees up: room for 14h, 14h15 or 14h30
        await rig.calendar.cancel(booking_uid=booking.uid, caller_phone=CAROL, reason="x")
    await rig.office.run_once()
    assert ["à 14h " in b for b in rig.bodies_to(ALICE)] == [True]
    assert ["à 14h30 " in b for b in rig.bodies_to(BOB)] == [True]  # the other half hour
    for _ in range(4):  # nobody answers: hour after hour
        rig.clock.now += timedelta(hours=1, minutes=1)
        await rig.office.run_once()
    offers = {p: [b for b in rig.bodies_to(p) if "libéré" in b] for p in (ALICE, BOB, CAROL)}
    assert len(offers[ALICE]) == 1 and len(offers[BOB]) == 1  # never that hour again
    assert len(offers[CAROL]) == 1 and "à 14h " in offers[CAROL][0]  # the next one's turn
