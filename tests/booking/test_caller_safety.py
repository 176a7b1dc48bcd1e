"""Integration tier: caller safety, on both calendars — attempts to change or learn about
someone else's booking (name only, date only, wrong codes, brute force, hidden number)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from booking.calendar import (
    Booking,
    BookingNotFound,
    Customer,
    NotAllowed,
    SlotPreferences,
    TooManyAttempts,
    VerificationFailed,
    VerificationRequired,
)
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


async def test_codes_per_booking_are_limited_against_brute_force(rig: Rig) -> None:
    booking = await _alice_booking(rig)
    for _ in range(3):
        await rig.calendar.send_verification_code(booking_uid=booking.uid, caller_phone=MALLORY)
    with pytest.raises(TooManyAttempts):
        await rig.calendar.send_verification_code(booking_uid=booking.uid, caller_phone=MALLORY)
    assert len(rig.inbox.sent) == 3


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


async def test_no_code_is_sent_for_an_unknown_booking(rig: Rig) -> None:
    with pytest.raises(BookingNotFound):
        await rig.calendar.send_verification_code(booking_uid="nope-1", caller_phone=MALLORY)
    assert rig.inbox.sent == []


async def test_a_verified_caller_keeps_the_right_on_the_moved_booking_only(rig: Rig) -> None:
    booking = await _alice_booking(rig)
    await rig.calendar.send_verification_code(booking_uid=booking.uid, caller_phone=MALLORY)
    await rig.calendar.verify_code(
        booking_uid=booking.uid, caller_phone=MALLORY, code=rig.inbox.last_code()
    )
    later = await rig.calendar.free_slots(
        service=booking.service,
        prefs=SlotPreferences(day=booking.start.date() + timedelta(days=1)),
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
