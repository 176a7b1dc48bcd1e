"""Integration tier: caller safety, on both calendars — attempts to change or learn about
someone else's booking (name only, date only, wrong codes, brute force, hidden number)."""

from __future__ import annotations

import re
from datetime import UTC, timedelta

import pytest

from booking.calendar import (
    Booking,
    Customer,
    LockedBooking,
    NotAllowed,
    SlotPreferences,
    TooManyAttempts,
    VerificationFailed,
    VerificationRequired,
)
from booking.hours import opening_hours
from tests.booking.conftest import ALICE, MALLORY, Rig, open_day

ALICE_CUSTOMER = Customer(name="Alice Dupont", phone=ALICE, email="alice@example.com")


async def _alice_booking(rig: Rig) -> Booking:
    service = rig.profile.service("coupe-homme")
    day = open_day(rig.profile)
    slots = await rig.calendar.free_slots(service=service, prefs=SlotPreferences(day=day))
    return await rig.calendar.book(service=service, slot=slots[0], customer=ALICE_CUSTOMER)


async def _still_booked(rig: Rig, booking: Booking) -> bool:
    mine = await rig.calendar.find_bookings(caller_phone=ALICE)
    return [(b.uid, b.start) for b in mine] == [(booking.uid, booking.start)]


def _leaks(value: object) -> bool:
    text = repr(value)
    return any(secret in text for secret in ("Alice", "Dupont", ALICE, "612345678", "alice@"))


async def test_another_phone_cannot_cancel_or_move_a_booking_it_knows_the_uid_of(rig: Rig) -> None:
    booking = await _alice_booking(rig)
    with pytest.raises(VerificationRequired) as err:
        await rig.calendar.cancel(booking_uid=booking.uid, caller_phone=MALLORY, reason="x")
    assert not _leaks(err.value.caller_message) and not _leaks(err.value)
    free = await rig.calendar.free_slots(service=booking.service)
    with pytest.raises(VerificationRequired):
        await rig.calendar.reschedule(
            booking_uid=booking.uid, new_slot=free[0], caller_phone=MALLORY
        )
    assert await _still_booked(rig, booking)


async def test_name_and_date_from_another_phone_reveal_nothing_about_the_customer(
    rig: Rig,
) -> None:
    booking = await _alice_booking(rig)
    found = await rig.calendar.find_bookings(
        caller_phone=MALLORY, name="alice dupont", day=booking.start.date()
    )
    assert [b.uid for b in found] == [booking.uid]
    assert found[0].owned is False and found[0].customer is None
    assert not _leaks(found)


def _says_nothing_of(found: list[object], booking: Booking) -> None:
    text = repr(found).replace(booking.uid, "<uid>")  # a random uid may hold "9h"
    local = booking.start.astimezone(booking.start.tzinfo)
    for secret in (
        booking.service.name,
        booking.service.id,
        local.isoformat()[:16],
        booking.start.astimezone(UTC).isoformat()[:16],
        f"{local.hour}h",
        booking.words,
    ):
        assert secret not in text, secret
    assert not _leaks(text)


async def test_a_booking_not_proven_the_callers_carries_only_its_uid(rig: Rig) -> None:
    booking = await _alice_booking(rig)
    found = await rig.calendar.find_bookings(
        caller_phone=MALLORY, name="Alice Dupont", day=booking.start.date()
    )
    assert found == [LockedBooking(uid=booking.uid)]
    _says_nothing_of(found, booking)


async def test_on_the_bookings_own_number_the_name_must_match_too(rig: Rig) -> None:
    booking = await _alice_booking(rig)  # a spoofed caller ID shows Alice's number
    for said in ("Jean Martin", "Bob"):
        found = await rig.calendar.find_bookings(caller_phone=ALICE, name=said)
        assert found == [LockedBooking(uid=booking.uid)], said
        _says_nothing_of(found, booking)
    found = await rig.calendar.find_bookings(
        caller_phone=ALICE, name="Jean Martin", day=booking.start.date()
    )
    assert found == [LockedBooking(uid=booking.uid)]
    for said in ("Alice Dupont", "dupont", "Alice Dupond"):
        mine = await rig.calendar.find_bookings(caller_phone=ALICE, name=said)
        assert [(b.uid, b.owned) for b in mine] == [(booking.uid, True)], said


async def test_a_code_read_back_proves_a_booking_on_the_number_under_another_name(
    rig: Rig,
) -> None:
    booking = await _alice_booking(rig)  # booked for Alice by her husband, say
    locked = await rig.calendar.find_bookings(caller_phone=ALICE, name="Marc Dupont")
    assert locked == [LockedBooking(uid=booking.uid)]
    await rig.calendar.send_verification_code(booking_uid=booking.uid, caller_phone=ALICE)
    await rig.calendar.verify_code(
        booking_uid=booking.uid, caller_phone=ALICE, code=rig.inbox.last_code()
    )
    mine = await rig.calendar.find_bookings(caller_phone=ALICE, name="Marc Dupont")
    assert [(b.uid, b.owned) for b in mine] == [(booking.uid, True)]


async def test_a_date_with_a_wrong_name_finds_nothing(rig: Rig) -> None:
    booking = await _alice_booking(rig)
    for name in ("Martin", "Al", "", "Bob Dupond-Lefebvre"):
        found = await rig.calendar.find_bookings(
            caller_phone=MALLORY, name=name, day=booking.start.date()
        )
        assert found == [], name


async def test_the_code_goes_to_the_bookings_number_never_to_the_caller(rig: Rig) -> None:
    booking = await _alice_booking(rig)
    await rig.calendar.send_verification_code(booking_uid=booking.uid, caller_phone=MALLORY)
    assert [phone for phone, _ in rig.inbox.sent] == [ALICE]
    assert re.fullmatch(r"\d{6}", rig.inbox.last_code())  # notify words and checks the SMS


async def test_the_right_code_lets_a_caller_from_another_number_cancel(rig: Rig) -> None:
    booking = await _alice_booking(rig)
    await rig.calendar.send_verification_code(booking_uid=booking.uid, caller_phone=MALLORY)
    await rig.calendar.verify_code(
        booking_uid=booking.uid, caller_phone=MALLORY, code=rig.inbox.last_code()
    )
    found = await rig.calendar.find_bookings(
        caller_phone=MALLORY, name="Dupont", day=booking.start.date()
    )
    assert found[0].owned is True  # proven: the caller may now hear the details
    cancelled = await rig.calendar.cancel(
        booking_uid=booking.uid, caller_phone=MALLORY, reason="au nom de ma femme"
    )
    assert cancelled.status == "cancelled"


async def test_a_wrong_code_is_refused_and_counts_down_to_a_lock(rig: Rig) -> None:
    booking = await _alice_booking(rig)
    await rig.calendar.send_verification_code(booking_uid=booking.uid, caller_phone=MALLORY)
    right = rig.inbox.last_code()
    wrong = "000000" if right != "000000" else "111111"
    lefts = []
    for _ in range(3):
        with pytest.raises(VerificationFailed) as err:
            await rig.calendar.verify_code(
                booking_uid=booking.uid, caller_phone=MALLORY, code=wrong
            )
        lefts.append(err.value.attempts_left)
    assert lefts == [2, 1, 0]
    assert "essais" in err.value.caller_message
    with pytest.raises(TooManyAttempts):  # even the right code is refused now
        await rig.calendar.verify_code(booking_uid=booking.uid, caller_phone=MALLORY, code=right)
    with pytest.raises(VerificationRequired):
        await rig.calendar.cancel(booking_uid=booking.uid, caller_phone=MALLORY, reason="x")
    assert await _still_booked(rig, booking)


async def test_a_booking_gets_three_codes_a_day_and_a_fourth_request_looks_the_same(
    rig: Rig,
) -> None:
    booking = await _alice_booking(rig)
    callers = [MALLORY, "+33611111111", "+33622222222", "+33633333333"]
    for caller in callers:  # several numbers: the caller's own quota is not what stops it
        await rig.calendar.send_verification_code(booking_uid=booking.uid, caller_phone=caller)
    assert len(rig.inbox.sent) == 3  # the fourth was stored, answered alike, never sent
    with pytest.raises(VerificationFailed) as err:  # and checking it looks like any code
        await rig.calendar.verify_code(
            booking_uid=booking.uid, caller_phone=callers[-1], code=rig.inbox.last_code()
        )
    assert err.value.attempts_left == 2


async def test_one_caller_number_may_ask_for_five_codes_a_day_whatever_the_bookings(
    rig: Rig,
) -> None:
    booking = await _alice_booking(rig)
    uids = [booking.uid, "made-up-1", "made-up-2", booking.uid, "made-up-3"]
    for uid in uids:
        await rig.calendar.send_verification_code(booking_uid=uid, caller_phone=MALLORY)
    for uid in (booking.uid, "made-up-4"):  # refused alike: it says nothing of the booking
        with pytest.raises(TooManyAttempts):
            await rig.calendar.send_verification_code(booking_uid=uid, caller_phone=MALLORY)
    assert len(rig.inbox.sent) == 2


async def test_a_code_for_one_booking_does_not_unlock_another(rig: Rig) -> None:
    booking = await _alice_booking(rig)
    service = rig.profile.service("coupe-enfant")
    slots = await rig.calendar.free_slots(service=service)
    other = await rig.calendar.book(
        service=service, slot=slots[-1], customer=Customer(name="Zoé Petit", phone="0611223344")
    )
    await rig.calendar.send_verification_code(booking_uid=other.uid, caller_phone=MALLORY)
    with pytest.raises(VerificationRequired):  # no code was ever sent for Alice's booking
        await rig.calendar.verify_code(
            booking_uid=booking.uid, caller_phone=MALLORY, code=rig.inbox.last_code()
        )
    with pytest.raises(VerificationRequired):
        await rig.calendar.cancel(booking_uid=booking.uid, caller_phone=MALLORY, reason="x")


async def test_a_hidden_number_cannot_prove_ownership(rig: Rig) -> None:
    booking = await _alice_booking(rig)
    with pytest.raises(NotAllowed) as err:
        await rig.calendar.send_verification_code(booking_uid=booking.uid, caller_phone=None)
    assert "masqué" in err.value.caller_message
    with pytest.raises(VerificationRequired):
        await rig.calendar.cancel(booking_uid=booking.uid, caller_phone=None, reason="x")
    assert rig.inbox.sent == []


async def test_an_unknown_booking_answers_like_a_real_one_and_nothing_is_sent(rig: Rig) -> None:
    booking = await _alice_booking(rig)
    answers = []
    for uid in (booking.uid, "no-such-booking"):
        await rig.calendar.send_verification_code(booking_uid=uid, caller_phone=MALLORY)
        lefts = []
        for _ in range(3):
            with pytest.raises(VerificationFailed) as err:
                await rig.calendar.verify_code(booking_uid=uid, caller_phone=MALLORY, code="000000")
            lefts.append((err.value.attempts_left, err.value.caller_message))
        with pytest.raises(TooManyAttempts) as locked:
            await rig.calendar.verify_code(booking_uid=uid, caller_phone=MALLORY, code="000000")
        answers.append((lefts, locked.value.caller_message))
    assert answers[0] == answers[1]
    assert [phone for phone, _ in rig.inbox.sent] == [ALICE]  # only the real booking's


async def test_a_verified_caller_keeps_the_right_on_the_moved_booking_only(rig: Rig) -> None:
    booking = await _alice_booking(rig)
    await rig.calendar.send_verification_code(booking_uid=booking.uid, caller_phone=MALLORY)
    await rig.calendar.verify_code(
        booking_uid=booking.uid, caller_phone=MALLORY, code=rig.inbox.last_code()
    )
    next_day = booking.start.date() + timedelta(days=1)
    while not opening_hours(rig.profile, next_day):  # a Sunday or a public holiday
        next_day += timedelta(days=1)
    later = await rig.calendar.free_slots(
        service=booking.service, prefs=SlotPreferences(day=next_day)
    )
    moved = await rig.calendar.reschedule(
        booking_uid=booking.uid, new_slot=later[0], caller_phone=MALLORY
    )
    assert moved.customer is not None and moved.customer.phone == ALICE  # still Alice's
    cancelled = await rig.calendar.cancel(
        booking_uid=moved.uid, caller_phone=MALLORY, reason="finalement non"
    )
    assert cancelled.status == "cancelled"
    assert await rig.calendar.find_bookings(caller_phone=ALICE) == []
