"""Behaviour tier: a caller's overseas mobile, said in national form, books like any
French mobile, in a salon overseas (`holidays_subdivision`) and in metropolitan France."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from booking.calendar import Customer, SlotPreferences
from booking.local import LocalCalendar
from tests.booking.conftest import make_profile, open_day


@pytest.mark.parametrize(
    ("subdivision", "said", "e164"),
    [
        ("974", "0692 12 34 56", "+262692123456"),  # La Réunion
        ("976", "0639 12 34 56", "+262639123456"),  # Mayotte
        ("972", "0696 12 34 56", "+596696123456"),  # Martinique
        (None, "0690 12 34 56", "+590690123456"),  # Guadeloupe, from Lyon
        (None, "0694 12 34 56", "+594694123456"),  # Guyane, from Lyon
    ],
)
async def test_an_overseas_mobile_books_and_finds_its_booking(
    tmp_path: Path, subdivision: str | None, said: str, e164: str
) -> None:
    profile = make_profile(**({"holidays_subdivision": subdivision} if subdivision else {}))
    calendar = LocalCalendar(profile, db=tmp_path / "salon.db")
    try:
        service = profile.service("coupe-homme")
        day = open_day(profile)
        [slot] = await calendar.free_slots(service=service, prefs=SlotPreferences(day=day), limit=1)
        booked = await calendar.book(
            service=service, slot=slot, customer=Customer(name="Léa Hoarau", phone=said)
        )
        assert booked.customer is not None and booked.customer.phone == e164
        found = await calendar.find_bookings(
            caller_phone=said, name="Léa Hoarau", now=datetime.now(profile.timezone)
        )
        assert [b.uid for b in found] == [booked.uid]
    finally:
        await calendar.aclose()
