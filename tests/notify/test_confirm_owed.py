"""Integration tier: the confirmation a booking journal entry still owes (after a crash)
is the very message the agent would have queued — same text, same dedupe key — so both
together are one SMS; a number that can never get one settles the debt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from notify.outbox import Outbox
from notify.service import BookingEvent, confirm_booking, confirm_owed
from salon.french import visit_price_words
from salon.profile import SalonProfile


@dataclass(frozen=True)
class Entry:
    """The shape of `booking.journal.JournalEntry` (notify reads it by its attributes)."""

    kind: BookingEvent
    uid: str | None
    service_id: str
    start: datetime
    previous_start: datetime | None
    phone: str
    name: str
    stylist_id: str | None = None
    extra_service_ids: tuple[str, ...] = ()

    @property
    def service_ids(self) -> tuple[str, ...]:
        return (self.service_id, *self.extra_service_ids)


START = datetime(2026, 12, 3, 13, 30, tzinfo=UTC)  # 14h30 in Paris


async def test_an_owed_confirmation_is_the_message_the_agent_would_have_queued(
    outbox: Outbox, profile: SalonProfile
) -> None:
    local = START.astimezone(profile.timezone)
    agent = await confirm_booking(
        outbox, profile=profile, event="booked", booking_uid="u1", phone="+33612345678",
        service=profile.service("coupe-homme").name, start=local, name="Paul Martin",
    )  # fmt: skip
    entry = Entry("booked", "u1", "coupe-homme", START, None, "+33612345678", "Paul Martin")
    owed = await confirm_owed(outbox, profile=profile, entry=entry)
    assert owed is not None and owed.created is False  # the same key: one message
    assert owed.entry.body == agent.entry.body and "14h30" in owed.entry.body
    assert len(outbox.entries()) == 1


async def test_an_owed_move_names_the_new_time_once(outbox: Outbox, profile: SalonProfile) -> None:
    later = START.replace(hour=15)
    entry = Entry("moved", "u2", "coupe-homme", later, START, "+33612345678", "Paul Martin")
    first = await confirm_owed(outbox, profile=profile, entry=entry)
    again = await confirm_owed(outbox, profile=profile, entry=entry)
    assert first is not None and again is not None and again.created is False
    assert "16h30" in first.entry.body
    assert first.entry.dedupe_key.startswith("u2:moved@2026-12-03T16:30:00+01:00")


async def test_a_landline_owes_nothing_and_nothing_is_queued(
    outbox: Outbox, profile: SalonProfile
) -> None:
    entry = Entry("booked", "u3", "coupe-homme", START, None, "+33478000000", "Paul Martin")
    assert await confirm_owed(outbox, profile=profile, entry=entry) is None
    assert outbox.entries() == []


async def test_an_owed_visit_names_every_service_its_stylist_and_its_price_as_the_agent_did(
    outbox: Outbox, profile: SalonProfile
) -> None:
    local = START.astimezone(profile.timezone)
    visit = (profile.service("couleur-vegetale"), profile.service("coupe-homme"))
    agent = await confirm_booking(
        outbox, profile=profile, event="booked", booking_uid="u4", phone="+33612345678",
        service=[s.name for s in visit], start=local, name="Paul Martin",
        stylist=profile.stylist_name("chloe"), price=visit_price_words(visit),
    )  # fmt: skip
    entry = Entry(
        "booked", "u4", "couleur-vegetale", START, None, "+33612345678", "Paul Martin",
        stylist_id="chloe", extra_service_ids=("coupe-homme",),
    )  # fmt: skip
    owed = await confirm_owed(outbox, profile=profile, entry=entry)
    assert owed is not None and owed.created is False
    assert owed.entry.body == agent.entry.body
    # a name, two services, a stylist and « à partir de »: the shortest price form fits
    assert "couleur végétale + coupe homme avec Chloé (dès 107 €)" in agent.entry.body
    assert agent.entry.template_vars["2"] == "Couleur végétale + Coupe homme avec Chloé"


async def test_an_owed_visit_whose_stylist_and_service_left_the_salon_is_still_sent(
    outbox: Outbox, profile: SalonProfile
) -> None:
    entry = Entry(
        "cancelled", "u5", "coupe-homme", START, None, "+33612345678", "Paul Martin",
        stylist_id="sophie", extra_service_ids=("ancien-soin",),
    )  # fmt: skip
    owed = await confirm_owed(outbox, profile=profile, entry=entry)
    assert owed is not None
    assert "(coupe homme + ancien-soin)" in owed.entry.body and "avec" not in owed.entry.body
