"""Integration tier (Flask test client): the appointment book from the console — by day
and week, one booking opened, cancelled, moved, one taken at the counter — and the
customer's SMS, the very text and outbox key a caller's own change produces
(`notify.service.confirm_booking`), sent through the local Twilio stub."""

from __future__ import annotations

import asyncio
import html
import re
import sqlite3
from datetime import datetime, time, timedelta

from flask.testing import FlaskClient

from booking import Customer, SlotPreferences
from booking.hours import stylist_hours
from booking.local import LocalCalendar
from notify import texts
from salon.french import short_slot_words
from salon.profile import load_profile
from tests.console.conftest import Salon, csrf
from tests.console.seed import PHONE, SHOWN, open_day
from tests.fixtures.days import usual_day
from tests.stubs.twilio import TwilioStub


def _book(salon: Salon, *, service_id: str, day_offset: int = 2, name: str = "Paul Martin"):  # type: ignore[no-untyped-def]
    """A booking made through the embedded calendar, as a caller's would be, on a usual
    day from `day_offset` days ahead when someone who does the service works (not a
    Wednesday of Chloé's February holiday for a men's cut: Yanis is off then)."""
    profile = load_profile(salon.profile)
    after = datetime.now(profile.timezone).date() + timedelta(days=day_offset)
    day = usual_day(profile, after=after, service=service_id)

    async def make():  # type: ignore[no-untyped-def]
        calendar = LocalCalendar(profile, db=salon.salon_db)
        service = profile.service(service_id)
        slot = (await calendar.free_slots(service=service, prefs=SlotPreferences(day=day)))[0]
        booking = await calendar.book(service=service, slot=slot, customer=Customer(name, PHONE))
        await calendar.aclose()
        return booking

    return asyncio.run(make())


def _outbox(salon: Salon) -> dict[str, tuple[str, str]]:
    conn = sqlite3.connect(salon.salon_db)
    rows = conn.execute("SELECT dedupe_key, body, status FROM notify_outbox").fetchall()
    conn.close()
    return {key: (body, status) for key, body, status in rows}


def _stylist(salon: Salon, uid: str) -> str:
    """The first name of the stylist the calendar gave booking `uid`."""
    conn = sqlite3.connect(salon.salon_db)
    (stylist_id,) = conn.execute(
        "SELECT stylist_id FROM local_bookings WHERE uid = ?", (uid,)
    ).fetchone()
    conn.close()
    return load_profile(salon.profile).stylist(stylist_id).first_name


def _status(salon: Salon, uid: str) -> str:
    conn = sqlite3.connect(salon.salon_db)
    (status,) = conn.execute("SELECT status FROM local_bookings WHERE uid = ?", (uid,)).fetchone()
    conn.close()
    return str(status)


def test_the_book_shows_a_day_or_its_week(owner: FlaskClient, salon: Salon) -> None:
    first = _book(salon, service_id="coupe-homme", name="Paul Martin")
    day = first.start.date()
    later = _book(salon, service_id="frange", day_offset=(day - datetime.now(first.start.tzinfo).date()).days + 1,
                  name="Inès Garnier")  # fmt: skip
    one_day = owner.get(f"/admin/rendez-vous?jour={day.isoformat()}").get_data(as_text=True)
    assert "Paul Martin" in one_day and "Inès Garnier" not in one_day
    assert "Coupe homme" in one_day and "+336******78" in one_day and SHOWN not in one_day
    monday = day - timedelta(days=day.weekday())
    week = owner.get(f"/admin/rendez-vous?jour={monday.isoformat()}&vue=semaine").get_data(
        as_text=True
    )
    if later.start.date() - monday < timedelta(days=7):
        assert "Inès Garnier" in week
    assert "Paul Martin" in week and week.count("<h2>") == 7
    assert owner.get("/admin/rendez-vous?jour=demain").status_code == 400


def test_opening_a_booking_shows_the_customer_number(owner: FlaskClient, salon: Salon) -> None:
    booking = _book(salon, service_id="coupe-homme")
    day = booking.start.date().isoformat()
    page = owner.get(f"/admin/rendez-vous/{booking.uid}?jour={day}").get_data(as_text=True)
    assert SHOWN in page and "Paul Martin" in page and "Annuler ce rendez-vous" in page
    assert owner.get(f"/admin/rendez-vous/inconnu?jour={day}").status_code == 404
    assert owner.get(f"/admin/rendez-vous/..%2Fx?jour={day}").status_code == 404


def test_cancelling_sends_the_customer_the_sms_a_caller_would_get(
    owner: FlaskClient, salon: Salon, twilio: TwilioStub
) -> None:
    booking = _book(salon, service_id="coupe-homme")
    day = booking.start.date().isoformat()
    page = owner.get(f"/admin/rendez-vous/{booking.uid}?jour={day}").get_data(as_text=True)
    # « Annuler ce rendez-vous » is a link to the question, not a one-click form
    link = re.search(r'<a class="button danger" href="([^"]+)">Annuler ce rendez-vous</a>', page)
    assert link is not None and "<form" not in page.split("Annuler ce rendez-vous", 1)[0][-300:]
    assert html.unescape(link[1]) == f"/admin/rendez-vous/{booking.uid}/annuler?jour={day}"
    assert owner.post(f"/admin/rendez-vous/{booking.uid}/annuler",
                      data={"csrf_token": csrf(page), "jour": day}).status_code == 405  # fmt: skip
    assert _status(salon, booking.uid) == "accepted"
    page = owner.get(html.unescape(link[1])).get_data(as_text=True)
    answer = owner.post(_action(page, "Oui, annuler le rendez-vous"),
                        data={"csrf_token": csrf(page), "jour": day, "sms": "oui"})  # fmt: skip
    assert answer.status_code == 303
    shown = owner.get(answer.headers["Location"]).get_data(as_text=True)
    # a cancellation SMS, not « le SMS de confirmation »; Twilio took it, not yet the phone
    assert "Rendez-vous annulé. Le client va recevoir un SMS d&#39;annulation." in shown
    assert "confirmation" not in shown.split("Rendez-vous annulé", 1)[1].split("<", 1)[0]
    assert _status(salon, booking.uid) == "cancelled"
    expected = texts.cancelled_text(profile=load_profile(salon.profile), service="Coupe homme",
                                    start=booking.start, name="Paul Martin",
                                    stylist=_stylist(salon, booking.uid))  # fmt: skip
    assert f"(coupe homme avec {_stylist(salon, booking.uid)})" in expected
    assert _outbox(salon)[f"{booking.uid}:cancelled:sms"] == (expected, "sent")
    assert [m["body"] for m in twilio.messages_to(PHONE)] == [expected]
    # the same form again: the booking is gone, nothing is sent twice
    again = owner.post(_action(page, "Oui, annuler le rendez-vous"),
                       data={"csrf_token": csrf(page), "jour": day, "sms": "oui"})  # fmt: skip
    assert again.status_code == 404 and "existe plus" in again.get_data(as_text=True)
    assert len(twilio.messages_to(PHONE)) == 1


def test_moving_offers_the_free_times_and_sends_the_moved_sms(
    owner: FlaskClient, salon: Salon, twilio: TwilioStub
) -> None:
    booking = _book(salon, service_id="coupe-homme")
    day = booking.start.date()
    target = usual_day(load_profile(salon.profile), after=day + timedelta(days=1),
                       service="coupe-homme", at=time(11))  # fmt: skip
    page = owner.get(
        f"/admin/rendez-vous/{booking.uid}/deplacer?jour={day.isoformat()}&vers={target.isoformat()}"
    ).get_data(as_text=True)
    assert "Horaires libres" in page and 'name="debut"' in page
    new_start = datetime.combine(target, time(11, 0), tzinfo=booking.start.tzinfo)
    assert f'value="{new_start.isoformat()}"' in page
    answer = owner.post(
        f"/admin/rendez-vous/{booking.uid}/deplacement",
        data={
            "csrf_token": csrf(page),
            "jour": day.isoformat(),
            "sms": "oui",
            "debut": new_start.isoformat(),
        },
    )
    assert answer.status_code == 303 and f"jour={target.isoformat()}" in answer.headers["Location"]
    assert "Rendez-vous déplacé" in owner.get(answer.headers["Location"]).get_data(as_text=True)
    assert _status(salon, booking.uid) == "cancelled"  # replaced by the moved one
    conn = sqlite3.connect(salon.salon_db)
    (new_uid,) = conn.execute(
        "SELECT rescheduled_to FROM local_bookings WHERE uid = ?", (booking.uid,)
    ).fetchone()
    conn.close()
    expected = texts.moved_text(profile=load_profile(salon.profile), service="Coupe homme",
                                start=new_start, previous=booking.start, name="Paul Martin",
                                stylist=_stylist(salon, new_uid))  # fmt: skip
    assert _outbox(salon)[f"{new_uid}:moved@{new_start.isoformat()}:sms"] == (expected, "sent")
    assert [m["body"] for m in twilio.messages_to(PHONE)] == [expected]


def test_moving_to_a_closed_hour_is_refused_in_french(owner: FlaskClient, salon: Salon) -> None:
    booking = _book(salon, service_id="coupe-homme")
    day = booking.start.date().isoformat()
    page = owner.get(f"/admin/rendez-vous/{booking.uid}/deplacer?jour={day}").get_data(as_text=True)
    night = datetime.combine(booking.start.date(), time(23, 0), tzinfo=booking.start.tzinfo)
    answer = owner.post(f"/admin/rendez-vous/{booking.uid}/deplacement",
                        data={"csrf_token": csrf(page), "jour": day, "sms": "oui", "debut": night.isoformat()})  # fmt: skip
    assert answer.status_code == 303
    told = owner.get(answer.headers["Location"]).get_data(as_text=True)
    assert "23h est après la fermeture (" in told  # not « plus libre »: why
    assert _status(salon, booking.uid) == "accepted"
    bad = owner.post(f"/admin/rendez-vous/{booking.uid}/deplacement",
                     data={"csrf_token": csrf(page), "jour": day, "sms": "oui", "debut": "bientôt"})  # fmt: skip
    assert bad.status_code == 400


def test_a_booking_taken_at_the_counter_is_noted_and_confirmed(
    owner: FlaskClient, salon: Salon, twilio: TwilioStub
) -> None:
    profile = load_profile(salon.profile)
    # Not a Thursday (men's cuts start at 11:00: Yanis; Chloé is off) nor a Wednesday of
    # Chloé's February holiday (Yanis is off on Wednesdays).
    after = datetime.now(profile.timezone).date() + timedelta(days=2)
    day = usual_day(profile, after=after, service="coupe-homme", at=time(10))
    form_page = owner.get(
        f"/admin/rendez-vous/nouveau?prestation=coupe-homme&jour={day.isoformat()}"
    )
    page = form_page.get_data(as_text=True)
    start = datetime.combine(day, time(10, 0), tzinfo=profile.timezone)
    assert f'value="{start.isoformat()}"' in page
    fields = {"csrf_token": csrf(page), "prestation": "coupe-homme", "jour": day.isoformat(),
              "debut": start.isoformat(), "nom": "Claire Bernard", "sms": "oui"}  # fmt: skip
    refused = owner.post("/admin/rendez-vous/nouveau", data={**fields, "telephone": "12"})
    assert refused.status_code == 400
    body = refused.get_data(as_text=True)
    assert "numéro de téléphone n&#39;est pas valide" in body and 'value="Claire Bernard"' in body
    answer = owner.post("/admin/rendez-vous/nouveau", data={**fields, "telephone": SHOWN})
    assert answer.status_code == 303
    listing = owner.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Rendez-vous noté pour Claire Bernard" in listing and "Claire Bernard" in listing
    conn = sqlite3.connect(salon.salon_db)
    (uid,) = conn.execute("SELECT uid FROM local_bookings WHERE name = 'Claire Bernard'").fetchone()
    conn.close()
    expected = texts.booked_text(profile=profile, service="Coupe homme", start=start,
                                 name="Claire Bernard", stylist=_stylist(salon, uid),
                                 price="28 €")  # fmt: skip
    assert [m["body"] for m in twilio.messages_to(PHONE)] == [expected]
    unknown = owner.post("/admin/rendez-vous/nouveau", data={**fields, "prestation": "massage"})
    assert unknown.status_code == 400


def test_a_counter_booking_without_sms_sends_nothing(
    owner: FlaskClient, salon: Salon, twilio: TwilioStub
) -> None:
    profile = load_profile(salon.profile)
    day = open_day(profile, after=datetime.now(profile.timezone).date() + timedelta(days=2))
    page = owner.get(
        f"/admin/rendez-vous/nouveau?prestation=frange&jour={day.isoformat()}"
    ).get_data(as_text=True)
    start = datetime.combine(day, time(10, 0), tzinfo=profile.timezone)
    answer = owner.post("/admin/rendez-vous/nouveau", data={
        "csrf_token": csrf(page), "prestation": "frange", "jour": day.isoformat(),
        "debut": start.isoformat(), "nom": "Léo Martin", "telephone": SHOWN})  # fmt: skip
    assert answer.status_code == 303
    assert "Pas de SMS" in owner.get(answer.headers["Location"]).get_data(as_text=True)
    assert twilio.messages_to(PHONE) == [] and _outbox(salon) == {}


def _book_visit(  # type: ignore[no-untyped-def]
    salon: Salon, *, ids: tuple[str, ...], stylist: str, name: str = "Léa Petit",
    weekday: int | None = None,
):  # fmt: skip
    """A visit of several services with `stylist`, at her first free start from two days
    ahead (on `weekday` if given), as a caller's would be."""
    profile = load_profile(salon.profile)
    visit = tuple(profile.service(i) for i in ids)

    async def make():  # type: ignore[no-untyped-def]
        calendar = LocalCalendar(profile, db=salon.salon_db)
        day = datetime.now(profile.timezone).date() + timedelta(days=2)
        slots: list = []
        while not slots:
            day += timedelta(days=1)
            if weekday is not None and day.weekday() != weekday:
                continue
            slots = await calendar.free_slots(
                service=visit[0], extra=visit[1:], stylist=stylist, prefs=SlotPreferences(day=day)
            )
        booking = await calendar.book(
            service=visit[0], slot=slots[0], customer=Customer(name, PHONE)
        )
        await calendar.aclose()
        return booking

    return asyncio.run(make())


def test_the_book_and_today_show_every_service_of_a_visit_and_its_stylist(
    owner: FlaskClient, salon: Salon
) -> None:
    visit = _book_visit(salon, ids=("couleur-racines", "coupe-homme"), stylist="chloe")
    day = visit.start.date()
    page = owner.get(f"/admin/rendez-vous?jour={day.isoformat()}").get_data(as_text=True)
    assert "Couleur racines + Coupe homme" in page and "avec Chloé" in page
    week = owner.get(f"/admin/rendez-vous?jour={day.isoformat()}&vue=semaine").get_data(
        as_text=True
    )
    assert "Couleur racines + Coupe homme" in week and "avec Chloé" in week
    opened = owner.get(f"/admin/rendez-vous/{visit.uid}?jour={day.isoformat()}")
    text = opened.get_data(as_text=True)
    assert "Prestations" in text and "Couleur racines + Coupe homme" in text
    assert "<dt>Avec</dt><dd>Chloé</dd>" in text
    end = visit.end.astimezone(visit.start.tzinfo)
    assert f"{end.hour}h" in text  # the visit's whole length


def test_moving_a_visit_keeps_its_services_and_its_stylist_and_the_sms_names_them(
    owner: FlaskClient, salon: Salon, twilio: TwilioStub
) -> None:
    visit = _book_visit(salon, ids=("couleur-racines", "coupe-homme"), stylist="chloe")
    day = visit.start.date()
    target = day + timedelta(days=7)  # the same weekday, a week on Chloé works as usual
    profile = load_profile(salon.profile)
    while stylist_hours(profile, profile.stylist("chloe"), target) != stylist_hours(
        profile, profile.stylist("chloe"), day
    ):
        target += timedelta(days=7)  # not a closure, a holiday or her absence
    page = owner.get(
        f"/admin/rendez-vous/{visit.uid}/deplacer?jour={day.isoformat()}&vers={target.isoformat()}"
    ).get_data(as_text=True)
    assert "Couleur racines + Coupe homme de Léa Petit avec Chloé" in page
    assert "le rendez-vous reste avec Chloé" in page
    new_start = datetime.combine(target, time(11, 0), tzinfo=visit.start.tzinfo)
    assert f'value="{new_start.isoformat()}"' in page
    answer = owner.post(
        f"/admin/rendez-vous/{visit.uid}/deplacement",
        data={
            "csrf_token": csrf(page),
            "jour": day.isoformat(),
            "sms": "oui",
            "debut": new_start.isoformat(),
        },
    )
    assert answer.status_code == 303
    conn = sqlite3.connect(salon.salon_db)
    (new_uid,) = conn.execute(
        "SELECT rescheduled_to FROM local_bookings WHERE uid = ?", (visit.uid,)
    ).fetchone()
    stylist, extra, start, end = conn.execute(
        "SELECT stylist_id, extra_services, start_utc, end_utc FROM local_bookings WHERE uid = ?",
        (new_uid,),
    ).fetchone()
    conn.close()
    assert stylist == "chloe" and extra == "coupe-homme"
    assert datetime.fromisoformat(end) - datetime.fromisoformat(start) == visit.end - visit.start
    [sms] = [m["body"] for m in twilio.messages_to(PHONE)]
    assert "(couleur racines + coupe homme avec Chloé)" in sms, sms


def test_moving_when_the_stylist_is_busy_gives_the_visit_to_another_qualified_one(
    owner: FlaskClient, salon: Salon
) -> None:
    # Fridays, Chloé and Yanis both cut men's hair; a later Friday Chloé is fully booked
    # (one both work as usual: not Christmas Day, nor in Chloé's February holiday).
    visit = _book_visit(salon, ids=("coupe-homme",), stylist="chloe", weekday=4)
    day = visit.start.date()
    profile = load_profile(salon.profile)
    busy_day = usual_day(profile, after=day + timedelta(days=1), weekday=4,
                         stylists=["chloe", "yanis"], at=time(11))  # fmt: skip

    async def fill() -> None:
        calendar = LocalCalendar(profile, db=salon.salon_db)
        service = profile.service("coupe-homme")
        while slots := await calendar.free_slots(
            service=service, stylist="chloe", prefs=SlotPreferences(day=busy_day), limit=1
        ):
            await calendar.book(
                service=service, slot=slots[0], customer=Customer("Autre Client", "+33611223344")
            )
        await calendar.aclose()

    asyncio.run(fill())
    page = owner.get(
        f"/admin/rendez-vous/{visit.uid}/deplacer?jour={day.isoformat()}"
        f"&vers={busy_day.isoformat()}"
    ).get_data(as_text=True)
    new_start = datetime.combine(busy_day, time(11, 0), tzinfo=visit.start.tzinfo)
    assert f'value="{new_start.isoformat()}" required> 11h <span class="muted">avec Yanis' in page
    answer = owner.post(
        f"/admin/rendez-vous/{visit.uid}/deplacement",
        data={
            "csrf_token": csrf(page),
            "jour": day.isoformat(),
            "sms": "oui",
            "debut": new_start.isoformat(),
        },
    )
    assert answer.status_code == 303
    assert _moved_to_stylist(salon, visit.uid) == "yanis"


def _moved_to_stylist(salon: Salon, uid: str) -> str | None:
    """The stylist of the booking `uid` was moved to."""
    conn = sqlite3.connect(salon.salon_db)
    (stylist,) = conn.execute(
        "SELECT b.stylist_id FROM local_bookings a JOIN local_bookings b "
        "ON b.uid = a.rescheduled_to WHERE a.uid = ?",
        (uid,),
    ).fetchone()
    conn.close()
    return stylist


def test_a_visit_moves_by_fifteen_minutes_with_the_same_stylist(
    owner: FlaskClient, salon: Salon, twilio: TwilioStub
) -> None:
    """The booking's own time does not block its move: 15 minutes later, with Chloé
    still, even though the visit (30 minutes) is in the way of itself."""
    visit = _book_visit(salon, ids=("coupe-homme",), stylist="chloe", weekday=4)
    day = visit.start.date().isoformat()
    later = visit.start + timedelta(minutes=15)
    page = owner.get(f"/admin/rendez-vous/{visit.uid}/deplacer?jour={day}").get_data(as_text=True)
    offered = rf'value="{re.escape(later.isoformat())}" required( checked)?> {later:%-Hh%M}</label>'
    assert re.search(offered, page)  # with her, not « avec » someone else
    assert f'value="{visit.start.isoformat()}"' not in page  # where it is already
    answer = owner.post(f"/admin/rendez-vous/{visit.uid}/deplacement",
                        data={"csrf_token": csrf(page), "jour": day, "sms": "oui", "debut": later.isoformat()})  # fmt: skip
    assert answer.status_code == 303
    assert _moved_to_stylist(salon, visit.uid) == "chloe"


def test_a_counter_booking_sent_twice_is_booked_once_and_the_owner_told_where_it_is(
    owner: FlaskClient, salon: Salon, twilio: TwilioStub
) -> None:
    profile = load_profile(salon.profile)
    # a day both barbers cut men's hair at 10:00, so the child below gets the same time
    after = datetime.now(profile.timezone).date() + timedelta(days=2)
    day = usual_day(profile, after=after, stylists=["yanis", "chloe"], at=time(10))
    page = owner.get(
        f"/admin/rendez-vous/nouveau?prestation=coupe-homme&jour={day.isoformat()}"
    ).get_data(as_text=True)
    start = datetime.combine(day, time(10, 0), tzinfo=profile.timezone)
    fields = {"csrf_token": csrf(page), "prestation": "coupe-homme", "jour": day.isoformat(),
              "debut": start.isoformat(), "nom": "Claire Bernard", "telephone": SHOWN,
              "sms": "oui"}  # fmt: skip
    assert owner.post("/admin/rendez-vous/nouveau", data=fields).status_code == 303
    again = owner.post("/admin/rendez-vous/nouveau", data={**fields, "nom": "claire  BERNARD"})
    assert again.status_code == 409
    who = _stylist(salon, _uids(salon, "Claire Bernard")[0])
    assert (
        f"Ce rendez-vous est déjà dans l&#39;agenda : claire BERNARD, "
        f"{short_slot_words(start)} avec {who}. Il n&#39;a pas été pris une deuxième fois."
    ) in again.get_data(as_text=True)
    assert len(_uids(salon, "Claire Bernard")) == 1 and len(twilio.messages_to(PHONE)) == 1
    # another person on the same number (a child) is another booking
    child = owner.post("/admin/rendez-vous/nouveau", data={**fields, "nom": "Léo Bernard"})
    assert child.status_code == 303


def _uids(salon: Salon, name: str) -> list[str]:
    conn = sqlite3.connect(salon.salon_db)
    rows = conn.execute(
        "SELECT uid FROM local_bookings WHERE name = ? AND status = 'accepted'", (name,)
    ).fetchall()
    conn.close()
    return [uid for (uid,) in rows]


def test_a_booking_opened_without_its_day_is_found(owner: FlaskClient, salon: Salon) -> None:
    """`/admin/rendez-vous/<uid>` without `?jour=` (a link cut short, or a booking since
    moved to another day) opens the live booking, not « n'existe plus »."""
    booking = _book(salon, service_id="coupe-homme", day_offset=9)
    page = owner.get(f"/admin/rendez-vous/{booking.uid}")
    assert page.status_code == 200 and SHOWN in page.get_data(as_text=True)
    wrong_day = booking.start.date() - timedelta(days=1)
    moving = owner.get(f"/admin/rendez-vous/{booking.uid}/deplacer?jour={wrong_day}")
    assert moving.status_code == 200 and "Paul Martin" in moving.get_data(as_text=True)
    assert owner.get("/admin/rendez-vous/inconnu").status_code == 404


def _owed(salon: Salon) -> list[tuple[str, str]]:
    """The journal's confirmations of changes still owed (`scripts/jobs` would send them;
    `_book`'s own bookings owe theirs: no console sent them)."""
    conn = sqlite3.connect(salon.salon_db)
    rows = conn.execute(
        "SELECT kind, uid FROM booking_journal WHERE state = 'done' AND notified_at IS NULL "
        "AND kind != 'booked'"
    ).fetchall()
    conn.close()
    return [(kind, uid) for kind, uid in rows]


def _action(page: str, button: str) -> str:
    """The address the form holding `button` posts to."""
    form = page[: page.index(button)].rsplit("<form", 1)[1]
    found = re.search(r'action="([^"]+)"', form)
    assert found is not None, form
    return found.group(1)


def test_cancelling_asks_first_then_may_leave_the_client_without_sms(
    owner: FlaskClient, salon: Salon, twilio: TwilioStub
) -> None:
    booking = _book(salon, service_id="coupe-homme")
    day = booking.start.date().isoformat()
    asked = owner.get(f"/admin/rendez-vous/{booking.uid}/annuler?jour={day}")
    assert asked.status_code == 200
    page = asked.get_data(as_text=True)
    assert "Annuler ce rendez-vous ?" in page and "Coupe homme de Paul Martin" in page
    assert 'name="sms" value="oui" checked> Prévenir le client par SMS' in page
    assert "Non, garder le rendez-vous" in page
    assert _status(salon, booking.uid) == "accepted"  # asking cancels nothing
    answer = owner.post(_action(page, "Oui, annuler le rendez-vous"),
                        data={"csrf_token": csrf(page), "jour": day})  # unticked  # fmt: skip
    assert answer.status_code == 303
    shown = owner.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Rendez-vous annulé. Pas de SMS envoyé (décoché)." in shown
    assert _status(salon, booking.uid) == "cancelled"
    assert twilio.messages_to(PHONE) == [] and _outbox(salon) == {}
    assert _owed(salon) == []  # nor later, from scripts/jobs
    # ticked (the default): the caller's cancellation SMS
    other = _book(salon, service_id="frange", name="Inès Garnier")
    page = owner.get(f"/admin/rendez-vous/{other.uid}/annuler?jour={day}").get_data(as_text=True)
    owner.post(_action(page, "Oui, annuler le rendez-vous"),
               data={"csrf_token": csrf(page), "jour": day, "sms": "oui"})  # fmt: skip
    assert _status(salon, other.uid) == "cancelled"
    assert _outbox(salon)[f"{other.uid}:cancelled:sms"][1] == "sent"


def test_moving_may_leave_the_client_without_sms(
    owner: FlaskClient, salon: Salon, twilio: TwilioStub
) -> None:
    booking = _book(salon, service_id="coupe-homme")
    day = booking.start.date()
    target = usual_day(load_profile(salon.profile), after=day + timedelta(days=1),
                       service="coupe-homme", at=time(11))  # fmt: skip
    page = owner.get(
        f"/admin/rendez-vous/{booking.uid}/deplacer?jour={day.isoformat()}&vers={target.isoformat()}"
    ).get_data(as_text=True)
    assert 'name="sms" value="oui" checked> Prévenir le client par SMS' in page
    new_start = datetime.combine(target, time(11, 0), tzinfo=booking.start.tzinfo)
    answer = owner.post(_action(page, "Déplacer</button>"), data={
        "csrf_token": csrf(page), "jour": day.isoformat(), "debut": new_start.isoformat()})  # fmt: skip
    assert answer.status_code == 303 and f"jour={target.isoformat()}" in answer.headers["Location"]
    shown = owner.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Rendez-vous déplacé. Pas de SMS envoyé (décoché)." in shown
    assert _status(salon, booking.uid) == "cancelled"  # replaced by the moved one
    assert twilio.messages_to(PHONE) == [] and _outbox(salon) == {} and _owed(salon) == []
    # ticked: the caller's SMS, as before
    conn = sqlite3.connect(salon.salon_db)
    (moved,) = conn.execute(
        "SELECT rescheduled_to FROM local_bookings WHERE uid = ?", (booking.uid,)
    ).fetchone()
    conn.close()
    page = owner.get(f"/admin/rendez-vous/{moved}/deplacer?jour={target.isoformat()}").get_data(
        as_text=True
    )
    later = datetime.combine(target, time(15, 0), tzinfo=booking.start.tzinfo)
    owner.post(_action(page, "Déplacer</button>"), data={"csrf_token": csrf(page),
               "jour": target.isoformat(), "debut": later.isoformat(), "sms": "oui"})  # fmt: skip
    [sms] = [m["body"] for m in twilio.messages_to(PHONE)]
    assert "15h" in sms


def test_a_number_typed_at_an_overseas_salon_s_counter_is_read_in_its_department(
    owner: FlaskClient, salon: Salon
) -> None:
    """A Martinique salon (`holidays_subdivision = "972"`) types its client's landline as
    the island dials it, « 0596 70 12 34 »: +596 596 70 12 34, not +33 5 96 70 12 34 (a
    metropolitan number nobody has, which the SMS and the caller's own calls would miss)."""
    text = salon.profile.read_text(encoding="utf-8")
    salon.profile.write_text(
        text.replace('# holidays_subdivision = "57"', 'holidays_subdivision = "972"', 1),
        encoding="utf-8",
    )
    profile = load_profile(salon.profile)
    assert profile.holidays_subdivision == "972"
    after = datetime.now(profile.timezone).date() + timedelta(days=2)
    day = usual_day(profile, after=after, service="coupe-homme", at=time(10))
    page = owner.get(
        f"/admin/rendez-vous/nouveau?prestation=coupe-homme&jour={day.isoformat()}"
    ).get_data(as_text=True)
    start = datetime.combine(day, time(10, 0), tzinfo=profile.timezone)
    answer = owner.post("/admin/rendez-vous/nouveau", data={
        "csrf_token": csrf(page), "prestation": "coupe-homme", "jour": day.isoformat(),
        "debut": start.isoformat(), "nom": "Joël Célestine", "telephone": "0596 70 12 34"})  # fmt: skip
    assert answer.status_code == 303, answer.get_data(as_text=True)
    conn = sqlite3.connect(salon.salon_db)
    (phone,) = conn.execute(
        "SELECT phone FROM local_bookings WHERE name = 'Joël Célestine'"
    ).fetchone()
    conn.close()
    assert phone == "+596596701234"
