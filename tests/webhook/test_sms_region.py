"""Integration tier: a text's sender is read in the salon's own region, as every other
number is (`salon.phone.region_of`). Twilio sends `From` in E.164, so this only matters
for a sender given in national form; there, a Martinique salon's « 0596 60 12 34 » is
+596 596 60 12 34, the number its bookings hold, not the metropolitan +33 5 96 60 12 34."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

from booking.calendar import Customer, Slot
from booking.local import LocalCalendar
from records.store import CallRecords
from salon import state_db
from salon.profile import SalonProfile, load_profile
from tests.webhook.conftest import PROFILE
from tests.webhook.test_sms import cancellable
from webhook.sms import Inbound, handle_text, keep_as_message

CLIENT = "+596596601234"  # a Martinique landline; « 0596 60 12 34 » there
NATIONAL = "0596 60 12 34"


def martinique_salon() -> SalonProfile:
    return dataclasses.replace(load_profile(PROFILE), holidays_subdivision="972")


def local(profile: SalonProfile, db: Path | str | None) -> LocalCalendar:
    return LocalCalendar(profile, db=db)


async def test_annuler_from_a_national_number_cancels_the_booking_the_salon_holds_for_it(
    tmp_path: Path,
) -> None:
    profile, db = martinique_salon(), tmp_path / "salon.db"
    service = profile.service("coupe-homme")
    # a men's cut a barber really takes (not on a day Chloé is away and Yanis is off),
    # inside the 7 days « ANNULER » reaches by itself (skipped in the summer closure)
    start = cancellable(profile)
    calendar = local(profile, db)
    booking = await calendar.book(
        service=service,
        slot=Slot(service.id, start, start + timedelta(minutes=service.duration)),
        customer=Customer(name="Alice Durand", phone=CLIENT),
    )
    await calendar.aclose()
    message = Inbound(message_sid="SM" + "1" * 32, sender=NATIONAL, body="ANNULER")
    handled = await handle_text(
        message, profile=profile, db_path=db, now=datetime.now(UTC), calendar_factory=local
    )
    assert (handled.kind, handled.outcome) == ("cancel", "cancelled")
    conn = state_db.connect(db)
    row = conn.execute("SELECT status FROM local_bookings WHERE uid = ?", (booking.uid,))
    assert row.fetchone()[0] == "cancelled"
    phones = conn.execute("SELECT phone FROM sms_inbound").fetchall()
    assert [p[0] for p in phones] == [CLIENT]


def test_a_text_kept_when_handling_failed_is_under_the_number_read_in_the_salons_region(
    tmp_path: Path,
) -> None:
    db = tmp_path / "salon.db"
    message = Inbound(message_sid="SM" + "2" * 32, sender=NATIONAL, body="Bonjour")
    keep_as_message(message, db_path=db, now=datetime.now(UTC), profile=martinique_salon())
    [(_, kept)] = CallRecords(path=db).pending_messages()
    assert kept.callback_number == CLIENT
