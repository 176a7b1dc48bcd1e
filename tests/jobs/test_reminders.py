"""Integration tier: reminders against the Twilio stub with a clock the test moves — sent
once, again when the booking moves, never in quiet hours, not for late bookings, withdrawn
when the booking is cancelled before it went out, a failing Twilio or Cal.com never
stops the back office, and the WhatsApp template is filled as for a confirmation."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import timedelta
from pathlib import Path

import pytest

from booking.calcom import CalComCalendar
from booking.calendar import Customer, Slot
from booking.hours import opening_hours
from jobs.config import JobsSettings, QuietHours
from jobs.reminders import reminder_key
from jobs.runner import BackOffice
from notify.outbox import RetryPolicy
from notify.reasons_fr import reason_fr
from notify.service import confirm_booking
from salon.measure import free_port
from salon.profile import SalonProfile
from salon.utc import utc_text
from tests.jobs.conftest import ALICE, BOB, SALON_NUMBER, Rig, at, make_rig, open_day
from tests.stubs.calcom import API_KEY as CAL_KEY
from tests.stubs.calcom import CalComStub
from tests.stubs.twilio import TwilioStub

pytestmark = pytest.mark.integration


async def test_a_reminder_goes_out_once_24_hours_before(rig: Rig) -> None:
    day = open_day(rig.profile)
    start = at(rig.profile, day, 14, 30)
    await rig.book(start, ALICE, "Alice Durand")
    rig.clock.now = start - timedelta(hours=24, minutes=1)
    early = await rig.office.run_once()
    assert early.ok and early.as_dict()["reminders"]["queued"] == 0
    assert rig.stub.messages == []
    rig.clock.now = start - timedelta(hours=23, minutes=59)
    for _ in range(3):
        report = await rig.office.run_once()
        assert report.ok, report.as_dict()
    rig.clock.now = start - timedelta(hours=2)
    await rig.office.run_once()
    bodies = rig.bodies_to(ALICE)
    assert len(bodies) == 1
    assert bodies[0].startswith("Maison Margaux : rappel du RDV d'Alice Durand le ")
    # On Wednesdays Chloé is the one stylist who cuts men's hair (Yanis is off).
    assert "à 14h30 (coupe homme avec Chloé)" in bodies[0]
    # The alphanumeric sender is one-way: the text says to call, not to reply.
    assert bodies[0].endswith("Pour annuler, appelez le 04 78 42 18 90.")


async def test_from_a_number_of_the_account_the_reminder_says_reply_annuler(
    profile: SalonProfile, tmp_path: Path, twilio: TwilioStub
) -> None:
    made = make_rig(profile, tmp_path / "salon.db", twilio, sms_from=SALON_NUMBER)
    try:
        start = at(profile, open_day(profile), 10)
        await made.book(start)
        made.clock.now = start - timedelta(hours=20)
        await made.office.run_once()
        assert made.bodies_to(ALICE)[0].endswith("Répondez ANNULER pour annuler.")
        assert twilio.messages[0]["from"] == SALON_NUMBER
    finally:
        await made.office.aclose()


async def test_a_moved_booking_is_reminded_again_for_its_new_time(rig: Rig) -> None:
    day = open_day(rig.profile)
    start = at(rig.profile, day, 11)
    booking = await rig.book(start)
    rig.clock.now = start - timedelta(hours=23)
    await rig.office.run_once()
    later = start + timedelta(days=2, hours=3)  # the Friday after, at 14h
    while opening_hours(rig.profile, later.date()) != rig.profile.hours["friday"]:
        later += timedelta(days=7)  # not a closure like 1 January: a Friday as usual
    service = rig.profile.service("coupe-homme")
    moved = await rig.calendar.reschedule(
        booking_uid=booking.uid,
        new_slot=Slot(service.id, later, later + timedelta(minutes=30)),
        caller_phone=ALICE,
    )
    for hours in (22, 12, 1):  # the old time passes: nothing more for it
        rig.clock.now = start - timedelta(hours=hours)
        await rig.office.run_once()
    assert len(rig.bodies_to(ALICE)) == 1
    rig.clock.now = later - timedelta(hours=23)
    await rig.office.run_once()
    await rig.office.run_once()
    bodies = rig.bodies_to(ALICE)
    assert len(bodies) == 2 and moved.uid != booking.uid
    assert "à 14h" in bodies[1] and "à 11h" in bodies[0]


async def test_quiet_hours_hold_a_reminder_until_the_morning(rig: Rig) -> None:
    thursday = open_day(rig.profile, weekday=3)  # open until 20:30
    start = at(rig.profile, thursday, 20)
    await rig.book(start)
    for moment in (start - timedelta(hours=24), start - timedelta(hours=11, minutes=1)):
        rig.clock.now = moment  # 20:00 and 08:59 the day of: quiet
        await rig.office.run_once()
        assert rig.stub.messages == []
    rig.clock.now = at(rig.profile, thursday, 9)
    await rig.office.run_once()
    [body] = rig.bodies_to(ALICE)
    assert "aujourd'hui à 20h" in body, body  # sent the day itself: not « le jeudi … »


async def test_a_reminder_the_quiet_hours_would_make_useless_is_skipped(
    profile: SalonProfile, tmp_path: Path, twilio: TwilioStub
) -> None:
    cfg = JobsSettings(reminder_hours=2, quiet=QuietHours.parse("20:00-09:00"))
    made = make_rig(profile, tmp_path / "salon.db", twilio, cfg=cfg)
    try:
        start = at(profile, open_day(profile), 9, 30)  # due 7:30, quiet until 9:00
        await made.book(start)
        made.clock.now = start - timedelta(hours=1, minutes=50)
        report = await made.office.run_once()
        assert report.as_dict()["reminders"]["skipped"] == {"too_late": 1}
        made.clock.now = start - timedelta(minutes=30)
        await made.office.run_once()
        assert twilio.messages == []
    finally:
        await made.office.aclose()


async def test_no_reminder_for_a_booking_made_less_than_the_lead_before(rig: Rig) -> None:
    start = at(rig.profile, open_day(rig.profile), 15)
    booking = await rig.book(start)
    rig.calendar._conn.execute(  # as if booked the evening before
        "UPDATE local_bookings SET created_at = ? WHERE uid = ?",
        (utc_text(start - timedelta(hours=20)), booking.uid),
    )
    rig.clock.now = start - timedelta(hours=19)
    report = await rig.office.run_once()
    assert report.as_dict()["reminders"]["skipped"] == {"booked_late": 1}
    assert rig.stub.messages == []


async def test_a_reminder_not_yet_sent_is_withdrawn_when_the_booking_is_cancelled(
    rig: Rig,
) -> None:
    start = at(rig.profile, open_day(rig.profile), 16)
    booking = await rig.book(start, BOB, "Bob Roux")
    rig.stub.fail_next(status=503, times=20)  # Twilio down: the reminder waits in the outbox
    rig.clock.now = start - timedelta(hours=23)
    report = await rig.office.run_once()
    assert report.ok and report.as_dict()["reminders"]["queued"] == 1
    await rig.calendar.cancel(booking_uid=booking.uid, caller_phone=BOB, reason="test")
    rig.stub.reset()
    report = await rig.office.run_once()
    assert report.as_dict()["reminders"]["withdrawn"] == 1
    await rig.office.run_once()
    assert rig.stub.messages == []


async def test_a_failing_twilio_is_retried_and_the_reminder_goes_out_once(rig: Rig) -> None:
    start = at(rig.profile, open_day(rig.profile), 17)
    await rig.book(start)
    rig.stub.fail_next(status=500, times=2)
    rig.clock.now = start - timedelta(hours=23)
    first = await rig.office.run_once()
    assert first.ok
    for _ in range(20):
        if rig.stub.messages:
            break
        await asyncio.sleep(0.05)
        await rig.office.run_once()
    assert len(rig.bodies_to(ALICE)) == 1


async def test_a_failing_cal_com_fails_one_job_and_the_loop_carries_on(
    profile: SalonProfile,
    tmp_path: Path,
    twilio: TwilioStub,
    caplog: pytest.LogCaptureFixture,
) -> None:
    made = make_rig(profile, tmp_path / "salon.db", twilio)
    dead = CalComCalendar(
        profile,
        db=tmp_path / "salon.db",
        api_key="cal_test",
        base_url=f"http://127.0.0.1:{free_port()}/v2",
        deadline=0.3,
        attempt_timeout=0.1,
    )
    office = BackOffice(
        profile=profile,
        outbox=made.outbox,
        calendar=dead,
        cfg=JobsSettings(interval=1, tick=0.1),
        clock=made.clock,
        channel="sms",
        replies=False,
    )
    try:
        report = await office.run_once()
        assert not report.ok
        failed = {r.name for r in report.results if not r.ok}
        assert failed == {"reminders"}
        assert "CalendarUnavailable" in (report.as_dict()["reminders"]["error"])
        stop = asyncio.Event()
        caplog.set_level(logging.WARNING, logger="jobs")
        loop = asyncio.create_task(office.serve(stop=stop))
        await asyncio.sleep(1.5)
        assert not loop.done()  # still running after failing passes
        stop.set()
        await asyncio.wait_for(loop, 5)
        assert sum("job failed" in r.getMessage() for r in caplog.records) >= 2
    finally:
        await office.aclose()
        await made.calendar.aclose()


async def test_cal_com_bookings_are_reminded_even_those_made_outside_the_agent(
    profile: SalonProfile, tmp_path: Path, twilio: TwilioStub
) -> None:
    made = make_rig(profile, tmp_path / "salon.db", twilio)
    with CalComStub(profile=profile) as cal:
        calendar = CalComCalendar(
            profile, db=tmp_path / "salon.db", api_key=CAL_KEY, base_url=cal.url
        )
        office = BackOffice(
            profile=profile, outbox=made.outbox, calendar=calendar, clock=made.clock,
            channel="sms", replies=False,
        )  # fmt: skip
        service = profile.service("coupe-homme")
        start = at(profile, open_day(profile), 10)
        for phone, name, offset in ((ALICE, "Alice Durand", 0), (BOB, "Bob Roux", 30)):
            begin = start + timedelta(minutes=offset)
            await calendar.book(
                service=service,
                slot=Slot(service.id, begin, begin + timedelta(minutes=30)),
                customer=Customer(name=name, phone=phone),
            )
        # Bob's booking was made by the owner in Cal.com: no phone link, no creation time.
        made.calendar._conn.execute("DELETE FROM calcom_links WHERE phone = ?", (BOB,))
        try:
            made.clock.now = start - timedelta(hours=47)
            assert (await office.run_once()).ok
            made.clock.now = start - timedelta(hours=23)
            report = await office.run_once()
            assert report.ok and report.as_dict()["reminders"]["queued"] == 2
            await office.run_once()
        finally:
            await office.aclose()
            await made.calendar.aclose()
        assert cal.spec_errors == []
    assert len(made.bodies_to(ALICE)) == 1 and len(made.bodies_to(BOB)) == 1
    assert "RDV de Bob Roux le " in made.bodies_to(BOB)[0]


async def test_reminders_and_confirmations_fill_the_whatsapp_template_alike(rig: Rig) -> None:
    start = at(rig.profile, open_day(rig.profile), 14, 30)
    await rig.book(start, ALICE, "Alice Durand")
    rig.clock.now = start - timedelta(hours=20)
    await rig.office.run_once()
    await confirm_booking(
        rig.outbox,
        profile=rig.profile,
        event="booked",
        booking_uid="uid-1",
        phone=BOB,
        service="Coupe homme",
        start=start,
        channel="sms",
        stylist="Chloé",
    )
    rows = rig.outbox.conn.execute(
        "SELECT recipient, template_vars FROM notify_outbox ORDER BY id"
    ).fetchall()
    variables = {row[0]: json.loads(row[1]) for row in rows}
    assert variables[ALICE]["5"] == "reminder" and variables[BOB]["5"] == "booked"
    for got in variables.values():
        assert got["1"] == "Maison Margaux" and got["4"] == "04 78 42 18 90"
        assert f" {start.day} " in got["3"] and got["3"].endswith(" à 14h30")
    assert variables[ALICE]["2"] == variables[BOB]["2"] == "Coupe homme avec Chloé"
    assert variables[ALICE]["3"] == variables[BOB]["3"]


async def test_a_visit_of_two_services_is_reminded_once_naming_both_and_its_stylist(
    rig: Rig,
) -> None:
    start = at(rig.profile, open_day(rig.profile), 10)
    first, then = rig.profile.service("couleur-racines"), rig.profile.service("coupe-homme")
    slot = Slot(
        first.id,
        start,
        start + timedelta(minutes=first.duration + then.duration),
        stylist_id="chloe",
        extra_service_ids=(then.id,),
        stylist_requested=True,
    )
    await rig.calendar.book(
        service=first, slot=slot, customer=Customer(name="Alice Durand", phone=ALICE)
    )
    rig.clock.now = start - timedelta(hours=20)
    await rig.office.run_once()
    await rig.office.run_once()
    bodies = rig.bodies_to(ALICE)
    assert len(bodies) == 1
    assert "(couleur racines + coupe homme avec Chloé)" in bodies[0], bodies[0]
    row = rig.outbox.conn.execute("SELECT template_vars FROM notify_outbox").fetchone()
    assert json.loads(row[0])["2"] == "Couleur racines + Coupe homme avec Chloé"


async def test_a_reminder_twilio_cannot_take_is_retried_until_the_appointment_never_after(
    rig: Rig,
) -> None:
    rig.outbox.policy = RetryPolicy()  # the production schedule, on the test's clock
    rig.outbox.clock = lambda: rig.clock.now.timestamp()
    start = at(rig.profile, open_day(rig.profile), 14, 30)
    booking = await rig.book(start, ALICE, "Alice Durand")
    rig.stub.fail_next(status=500, times=10_000)  # Twilio down from the day before on
    rig.clock.now = start - timedelta(hours=23)
    failed = 0
    while rig.clock.now < start + timedelta(hours=1):
        report = await rig.office.run_once()
        failed += report.as_dict()["outbox"]["failed"]
        rig.clock.now += timedelta(minutes=30)
    entry = rig.outbox.get(reminder_key(booking.uid, start, "sms"))
    assert entry is not None and entry.status == "failed" and failed == 1
    assert entry.attempts >= 40  # every pass of the day tried it: not given up in a minute
    assert reason_fr(entry.detail).startswith(
        "plus envoyé, il serait arrivé trop tard (un rappel après l'heure du rendez-vous"
    )
    rig.stub.reset()  # Twilio is back in the afternoon: the reminder stays unsent
    rig.clock.now = start + timedelta(hours=3)
    await rig.office.run_once()
    assert rig.stub.messages == []
