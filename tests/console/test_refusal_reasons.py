"""Integration tier (Flask test client): when nothing can be booked, the console says why
in French — a past day, the salon closed (its weekly day off, an exceptional closure and
its reason), a stylist's day off or absence (the agent's own words, `booking.hours.off_words`),
a start after closing — on the new-booking form, on hand-made POSTs and on « Déplacer »,
instead of « Aucun horaire libre ce jour-là » or « Ce créneau n'est plus libre » for all."""

from __future__ import annotations

import asyncio
import html
import re
import sqlite3
from datetime import date, datetime, time, timedelta

from flask.testing import FlaskClient

from booking import Customer, SlotPreferences
from booking.hours import opening_hours, public_holiday
from booking.local import LocalCalendar
from salon.french import day_words
from salon.profile import load_profile
from tests.console.conftest import Salon, csrf
from tests.console.seed import PHONE, SHOWN
from tests.fixtures.days import usual_day


def _next(salon: Salon, weekday: int, *, after: int = 2, stylists: tuple[str, ...] = ()) -> date:
    """The first `weekday` (0: Monday) at least `after` days ahead when the salon keeps its
    usual hours and nobody is away (`usual_day`, the file read again for closures a test
    added), each of `stylists` working; Monday, the salon's weekly day off, when it is closed
    for that reason only: no special hours (the Monday before Christmas opens), public
    holiday or closure, which each give their own reason."""
    profile = load_profile(salon.profile)
    day = datetime.now(profile.timezone).date() + timedelta(days=after)
    if weekday != 0:
        return usual_day(profile, after=day, weekday=weekday, stylists=stylists)
    while (
        day.weekday() != 0
        or opening_hours(profile, day)
        or profile.closure_on(day)
        or any(s.day == day for s in profile.special_hours)
        or public_holiday(day)
    ):
        day += timedelta(days=1)
    return day


def _form(owner: FlaskClient, day: date, service: str = "coupe-homme", **more: str) -> str:
    query = {"prestation": service, "jour": day.isoformat(), **more}
    page = owner.get("/admin/rendez-vous/nouveau", query_string=query)
    assert page.status_code == 200
    return html.unescape(page.get_data(as_text=True))


def _shown(page: str) -> str:
    """The page's text, tags dropped, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def _close(salon: Salon, first: date, last: date, reason: str) -> None:
    with salon.profile.open("a", encoding="utf-8") as toml:
        toml.write(
            f'\n[[closures]]\nstart = "{first.isoformat()}"\nend = "{last.isoformat()}"\n'
            f'reason = "{reason}"\n'
        )


def test_the_form_says_why_a_day_has_no_free_time(owner: FlaskClient, salon: Salon) -> None:
    monday = _next(salon, 0)
    assert "Le salon est fermé le lundi." in _shown(_form(owner, monday))
    friday = _next(salon, 4)
    _close(salon, friday, friday + timedelta(days=1), "fêtes de Noël")
    page = _shown(_form(owner, friday))
    assert "Le salon est fermé ce jour-là (fêtes de Noël)." in page
    assert "Aucun horaire libre" not in page
    yesterday = datetime.now(load_profile(salon.profile).timezone).date() - timedelta(days=1)
    assert "Ce jour est passé." in _shown(_form(owner, yesterday))
    thursday = _next(salon, 3)
    assert "Chloé ne travaille pas le jeudi." in _shown(_form(owner, thursday, coiffeur="chloe"))
    # « Peu importe », and the only one who does it is off: said too
    wednesday = _next(salon, 2)
    assert "Yanis ne travaille pas le mercredi." in _shown(_form(owner, wednesday, "taille-barbe"))
    # a day with free times says nothing of the kind
    page = _form(owner, _next(salon, 4, after=3, stylists=("chloe",)), coiffeur="chloe")
    assert 'name="debut"' in page and "ne travaille pas" not in page
    assert "Le salon est fermé" not in page


def _absent_from(salon: Salon) -> date:
    """A Tuesday at least 7 days ahead whose Wednesday (the day the form is asked for) and
    itself are usual days: not 13 July, its Wednesday the 14th."""
    profile = load_profile(salon.profile)
    wednesday = datetime.now(profile.timezone).date() + timedelta(days=8)
    while True:
        wednesday = usual_day(profile, after=wednesday, weekday=2)
        tuesday = wednesday - timedelta(days=1)
        if usual_day(profile, after=tuesday) == tuesday:
            return tuesday
        wednesday += timedelta(days=1)


def test_the_form_names_a_stylists_absence_with_the_agents_words(
    owner: FlaskClient, salon: Salon
) -> None:
    first = _absent_from(salon)  # a Tuesday, to the Saturday
    text = salon.profile.read_text(encoding="utf-8")
    absent = text.replace('start = "2027-02-15"\nend = "2027-02-20"',
                          f'start = "{first.isoformat()}"\nend = '
                          f'"{(first + timedelta(days=4)).isoformat()}"')  # fmt: skip
    assert absent != text
    salon.profile.write_text(absent, encoding="utf-8")
    page = _shown(_form(owner, first + timedelta(days=1), coiffeur="chloe"))
    assert (
        f"Chloé n'est pas au salon du {day_words(first)} au "
        f"{day_words(first + timedelta(days=4))} (congés) ; retour le "
    ) in page


def _post(owner: FlaskClient, salon: Salon, day: date, at: time, **more: str) -> tuple[int, str]:
    """A hand-made booking POST (any page's token: it is the session's)."""
    page = owner.get("/admin/rendez-vous/nouveau").get_data(as_text=True)
    start = datetime.combine(day, at, tzinfo=load_profile(salon.profile).timezone)
    fields = {"csrf_token": csrf(page), "prestation": "coupe-homme", "jour": day.isoformat(),
              "debut": start.isoformat(), "nom": "Claire Bernard", "telephone": SHOWN,
              **more}  # fmt: skip
    answer = owner.post("/admin/rendez-vous/nouveau", data=fields)
    return answer.status_code, _shown(html.unescape(answer.get_data(as_text=True)))


def test_a_hand_made_post_is_refused_with_its_reason(owner: FlaskClient, salon: Salon) -> None:
    friday = _next(salon, 4)
    status, page = _post(owner, salon, friday, time(19, 0))
    assert status == 409 and "19h est après la fermeture (19h)." in page
    status, page = _post(owner, salon, friday, time(18, 45))
    assert status == 409 and "Le rendez-vous finirait à 19h15 : le salon ferme à 19h." in page
    status, page = _post(owner, salon, friday, time(8, 0))
    assert status == 409 and "8h est avant l'ouverture (9h30)." in page
    status, page = _post(owner, salon, _next(salon, 0), time(10, 0))
    assert status == 409 and "Le salon est fermé le lundi." in page
    status, page = _post(owner, salon, _next(salon, 3), time(10, 0), coiffeur="chloe")
    assert status == 409 and "Chloé ne travaille pas le jeudi." in page
    status, page = _post(owner, salon, _next(salon, 3), time(10, 0), coiffeur="yanis")
    assert status == 409 and "Yanis travaille de 11h à 20h30 ce jour-là, pas à 10h." in page
    yesterday = datetime.now(load_profile(salon.profile).timezone).date() - timedelta(days=1)
    status, page = _post(owner, salon, yesterday, time(10, 0))
    assert status == 409 and "Ce jour est passé." in page
    assert "plus libre" not in page


def test_moving_says_why_a_day_or_an_hour_cannot_be_had(owner: FlaskClient, salon: Salon) -> None:
    profile = load_profile(salon.profile)
    friday = _next(salon, 4)

    async def make():  # type: ignore[no-untyped-def]
        calendar = LocalCalendar(profile, db=salon.salon_db)
        service = profile.service("coupe-homme")
        [slot] = await calendar.free_slots(service=service, prefs=SlotPreferences(day=friday),
                                           limit=1)  # fmt: skip
        booking = await calendar.book(service=service, slot=slot, customer=Customer("Paul", PHONE))
        await calendar.aclose()
        return booking

    booking = asyncio.run(make())
    day = friday.isoformat()
    monday = _next(salon, 0)
    page = owner.get(f"/admin/rendez-vous/{booking.uid}/deplacer?jour={day}&vers={monday}")
    shown = _shown(html.unescape(page.get_data(as_text=True)))
    assert "Le salon est fermé le lundi." in shown and "Aucun horaire libre" not in shown
    night = datetime.combine(friday, time(23, 0), tzinfo=profile.timezone)
    answer = owner.post(f"/admin/rendez-vous/{booking.uid}/deplacement",
                        data={"csrf_token": csrf(page.get_data(as_text=True)), "jour": day,
                              "debut": night.isoformat()})  # fmt: skip
    assert answer.status_code == 303
    told = _shown(html.unescape(owner.get(answer.headers["Location"]).get_data(as_text=True)))
    assert "23h est après la fermeture (19h)." in told


def test_a_start_off_the_slot_grid_is_refused_with_the_nearest_ones(
    owner: FlaskClient, salon: Salon
) -> None:
    """Starts come every `slot_step_minutes` (15) from the opening: a hand-made 10h07 is
    refused (the embedded calendar took it; Cal.com refuses it), booking or moving."""
    friday = _next(salon, 4)
    status, page = _post(owner, salon, friday, time(10, 7))
    assert status == 409
    assert "Les rendez-vous commencent toutes les 15 minutes : 10h ou 10h15, pas 10h07." in page
    status, page = _post(owner, salon, friday, time(9, 40))  # from 9h30, the opening
    assert status == 409 and "9h30 ou 9h45, pas 9h40." in page
    assert _post(owner, salon, friday, time(9, 45))[0] == 303
    uid = _post_uid(salon)
    page = owner.get(f"/admin/rendez-vous/{uid}?jour={friday.isoformat()}").get_data(as_text=True)
    odd = datetime.combine(friday, time(14, 7), tzinfo=load_profile(salon.profile).timezone)
    answer = owner.post(f"/admin/rendez-vous/{uid}/deplacement",
                        data={"csrf_token": csrf(page), "jour": friday.isoformat(),
                              "debut": odd.isoformat()})  # fmt: skip
    told = _shown(html.unescape(owner.get(answer.headers["Location"]).get_data(as_text=True)))
    assert "toutes les 15 minutes : 14h ou 14h15, pas 14h07." in told
    assert _post_uid(salon) == uid  # not moved


def _post_uid(salon: Salon) -> str:
    conn = sqlite3.connect(salon.salon_db)
    [(uid,)] = conn.execute("SELECT uid FROM local_bookings WHERE status = 'accepted'").fetchall()
    conn.close()
    return str(uid)
