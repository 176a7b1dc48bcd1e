"""Integration tier (Flask test client): the owner books at the counter with the stylist
they choose or « Peu importe », a visit of two services in one block, and the form refuses
in French a stylist who does not do the visit; a salon without a team shows no stylist
field. The customer's SMS is the one a caller's booking sends, through the Twilio stub."""

from __future__ import annotations

import html
import re
import sqlite3
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from notify import texts
from salon.french import visit_price_words
from salon.profile import SalonProfile, load_profile
from tests.console.conftest import AppFactory, Salon, csrf, sign_in
from tests.console.seed import PHONE, SHOWN
from tests.fixtures.days import usual_day
from tests.stubs.twilio import TwilioStub

NEW = "/admin/rendez-vous/nouveau"
FRIDAY = 4  # Chloé, Yanis, Margaux and Inès all work on Fridays


def _friday(profile: SalonProfile) -> date:
    """A Friday ahead with the salon's usual hours and nobody away (not in Chloé's
    February holiday): the whole team works from 9:30."""
    after = datetime.now(profile.timezone).date() + timedelta(days=2)
    return usual_day(profile, after=after, weekday=FRIDAY)


def _row(salon: Salon, name: str) -> tuple[str | None, str | None, str, str]:
    """stylist_id, extra_services, start_utc, end_utc of `name`'s booking."""
    conn = sqlite3.connect(salon.salon_db)
    rows = conn.execute(
        "SELECT stylist_id, extra_services, start_utc, end_utc FROM local_bookings WHERE name = ?",
        (name,),
    ).fetchall()
    conn.close()
    assert len(rows) == 1, rows
    return rows[0]


def _count(salon: Salon) -> int:
    conn = sqlite3.connect(salon.salon_db)
    try:
        (count,) = conn.execute("SELECT COUNT(*) FROM local_bookings").fetchone()
    except sqlite3.OperationalError:  # the calendar never opened: no table yet
        count = 0
    conn.close()
    return int(count)


def _text(answer: Any) -> str:
    return html.unescape(answer.get_data(as_text=True))


def _offered(page: str) -> list[str]:
    """The stylists offered in the « Coiffeur ou coiffeuse » list (hidden ones left out)."""
    box = re.search(r'<select id="coiffeur".*?</select>', page, re.S)
    assert box, "no stylist field"
    return [
        label
        for attributes, label in re.findall(r"<option([^>]*)>([^<]*)</option>", box.group(0))
        if "hidden" not in attributes
    ]


def _fields(page: str, **chosen: str) -> dict[str, str]:
    return {"csrf_token": csrf(page), "nom": "Claire Bernard", "telephone": SHOWN,
            "sms": "oui", **chosen}  # fmt: skip


def test_the_stylist_chosen_at_the_counter_gets_the_booking_and_the_sms_names_her(
    owner: FlaskClient, salon: Salon, twilio: TwilioStub
) -> None:
    profile = load_profile(salon.profile)
    day = _friday(profile).isoformat()
    page = _text(owner.get(f"{NEW}?prestation=coupe-homme&coiffeur=chloe&jour={day}"))
    assert _offered(page) == ["Peu importe", "Yanis", "Chloé"]  # who cuts men's hair
    assert "Coupe homme avec Chloé, le" in page
    start = datetime.combine(date.fromisoformat(day), time(10, 0), tzinfo=profile.timezone)
    assert f'value="{start.isoformat()}"' in page
    answer = owner.post(NEW, data=_fields(page, prestation="coupe-homme", coiffeur="chloe",
                                          jour=day, debut=start.isoformat()))  # fmt: skip
    assert answer.status_code == 303
    listing = _text(owner.get(answer.headers["Location"]))
    assert "Rendez-vous noté pour Claire Bernard avec Chloé." in listing
    # Yanis, first in the team, was free too: the owner's choice is kept
    assert _row(salon, "Claire Bernard")[0] == "chloe"
    expected = texts.booked_text(profile=profile, service="Coupe homme", start=start,
                                 name="Claire Bernard", stylist="Chloé", price="28 €")  # fmt: skip
    assert [m["body"] for m in twilio.messages_to(PHONE)] == [expected]


def test_peu_importe_books_a_qualified_stylist_free_then(
    owner: FlaskClient, salon: Salon, twilio: TwilioStub
) -> None:
    profile = load_profile(salon.profile)
    day = _friday(profile).isoformat()
    page = _text(owner.get(f"{NEW}?prestation=coupe-homme&coiffeur=&jour={day}"))
    assert "avec une personne de l'équipe libre à cette heure-là" in page
    start = datetime.combine(date.fromisoformat(day), time(14, 0), tzinfo=profile.timezone)
    answer = owner.post(NEW, data=_fields(page, prestation="coupe-homme", coiffeur="",
                                          jour=day, debut=start.isoformat()))  # fmt: skip
    assert answer.status_code == 303
    stylist = _row(salon, "Claire Bernard")[0]
    assert stylist in {"yanis", "chloe"}
    who = profile.stylist(str(stylist)).first_name
    assert f"Rendez-vous noté pour Claire Bernard avec {who}." in _text(
        owner.get(answer.headers["Location"])
    )
    [sms] = [m["body"] for m in twilio.messages_to(PHONE)]
    assert f"avec {who}" in sms


def test_a_visit_of_two_services_is_one_block_with_one_stylist_and_one_sms(
    owner: FlaskClient, salon: Salon, twilio: TwilioStub
) -> None:
    profile = load_profile(salon.profile)
    day = _friday(profile).isoformat()
    page = _text(
        owner.get(f"{NEW}?prestation=couleur-racines&prestation2=coupe-homme&coiffeur=&jour={day}")
    )
    assert _offered(page) == ["Peu importe", "Chloé"]  # the only one doing both
    visit = (profile.service("couleur-racines"), profile.service("coupe-homme"))
    price = visit_price_words(visit)
    assert "Couleur racines + Coupe homme, le" in page and f"1 h 30, {price}" in page
    start = datetime.combine(date.fromisoformat(day), time(11, 0), tzinfo=profile.timezone)
    assert f'value="{start.isoformat()}"' in page
    answer = owner.post(NEW, data=_fields(page, prestation="couleur-racines",
                                          prestation2="coupe-homme", coiffeur="", jour=day,
                                          debut=start.isoformat()))  # fmt: skip
    assert answer.status_code == 303
    stylist, extra, start_utc, end_utc = _row(salon, "Claire Bernard")
    assert (stylist, extra) == ("chloe", "coupe-homme")
    length = datetime.fromisoformat(end_utc) - datetime.fromisoformat(start_utc)
    assert length == timedelta(minutes=90)
    expected = texts.booked_text(profile=profile, service=["Couleur racines", "Coupe homme"],
                                 start=start, name="Claire Bernard", stylist="Chloé",
                                 price=price)  # fmt: skip
    assert [m["body"] for m in twilio.messages_to(PHONE)] == [expected]
    book = _text(owner.get(f"/admin/rendez-vous?jour={day}"))
    assert "Couleur racines + Coupe homme" in book and "avec Chloé" in book


def test_a_stylist_who_does_not_do_the_service_is_refused_in_french(
    owner: FlaskClient, salon: Salon
) -> None:
    profile = load_profile(salon.profile)
    day = _friday(profile).isoformat()
    asked = owner.get(f"{NEW}?prestation=couleur-racines&coiffeur=yanis&jour={day}")
    assert asked.status_code == 400
    page = _text(asked)
    assert "Yanis ne fait pas « Couleur racines » : choisissez une autre personne ou « Peu " \
           "importe »." in page  # fmt: skip
    assert 'name="debut"' not in page  # no times offered for a visit that cannot be booked
    # the colourists, and Yanis still shown (selected) next to the reason
    assert _offered(page) == ["Peu importe", "Margaux", "Yanis", "Chloé", "Inès"]
    start = datetime.combine(date.fromisoformat(day), time(10, 0), tzinfo=profile.timezone)
    forged = owner.post(NEW, data=_fields(page, prestation="couleur-racines", coiffeur="yanis",
                                          jour=day, debut=start.isoformat()))  # fmt: skip
    assert forged.status_code == 400
    refused = _text(forged)
    assert "Yanis ne fait pas « Couleur racines »" in refused
    assert 'name="debut"' not in refused
    stranger = owner.post(NEW, data=_fields(page, prestation="coupe-homme", coiffeur="paul",
                                            jour=day, debut=start.isoformat()))  # fmt: skip
    assert stranger.status_code == 400
    assert "ne fait pas (ou plus) partie de l'équipe" in _text(stranger)
    nobody = owner.get(f"{NEW}?prestation=couleur-racines&prestation2=taille-barbe&jour={day}")
    assert nobody.status_code == 400
    assert "Personne dans l'équipe ne fait « Couleur racines » et « Taille de barbe" in _text(
        nobody
    )
    twice = owner.get(f"{NEW}?prestation=coupe-homme&prestation2=coupe-homme&jour={day}")
    assert "Choisissez deux prestations différentes" in _text(twice)
    assert _count(salon) == 0


def _without_team(salon: Salon) -> None:
    """Remove every `[[team]]` table (and its sub-tables) from the salon's profile."""
    kept, in_team = [], False
    for line in salon.profile.read_text(encoding="utf-8").splitlines(keepends=True):
        header = line.strip()
        if header.startswith("["):
            in_team = header.startswith(("[[team]]", "[team.", "[[team."))
        if not in_team:
            kept.append(line)
    salon.profile.write_text("".join(kept), encoding="utf-8")
    assert load_profile(salon.profile).stylists == ()


def test_a_salon_without_a_team_shows_no_stylist_field_and_books_by_chairs(
    make_console: AppFactory, salon: Salon, twilio: TwilioStub
) -> None:
    _without_team(salon)
    app: Flask = make_console()
    owner = app.test_client()
    assert sign_in(owner).status_code == 303
    profile = load_profile(salon.profile)
    day = _friday(profile).isoformat()
    page = _text(owner.get(f"{NEW}?prestation=couleur-racines&prestation2=coupe-homme&jour={day}"))
    assert 'id="coiffeur"' not in page and "Peu importe" not in page
    assert "personne de l'équipe" not in page
    start = datetime.combine(date.fromisoformat(day), time(10, 0), tzinfo=profile.timezone)
    chosen = {"prestation": "couleur-racines", "prestation2": "coupe-homme", "jour": day,
              "debut": start.isoformat()}  # fmt: skip
    forged = owner.post(NEW, data=_fields(page, **chosen, coiffeur="chloe"))
    assert forged.status_code == 400
    assert "Le salon ne prend pas les rendez-vous par coiffeur." in _text(forged)
    answer = owner.post(NEW, data=_fields(page, **chosen))
    assert answer.status_code == 303
    assert "Rendez-vous noté pour Claire Bernard. " in _text(owner.get(answer.headers["Location"]))
    assert _row(salon, "Claire Bernard")[:2] == (None, "coupe-homme")
    [sms] = [m["body"] for m in twilio.messages_to(PHONE)]
    assert "avec" not in sms and "couleur racines + coupe homme" in sms


def test_a_booking_whose_stylist_left_the_team_says_so_in_the_book(
    owner: FlaskClient, salon: Salon, twilio: TwilioStub
) -> None:
    profile = load_profile(salon.profile)
    day = _friday(profile).isoformat()
    page = _text(owner.get(f"{NEW}?prestation=coupe-homme&coiffeur=chloe&jour={day}"))
    start = datetime.combine(date.fromisoformat(day), time(10, 0), tzinfo=profile.timezone)
    answer = owner.post(NEW, data=_fields(page, prestation="coupe-homme", coiffeur="chloe",
                                          jour=day, debut=start.isoformat()))  # fmt: skip
    assert answer.status_code == 303
    conn = sqlite3.connect(salon.salon_db)
    with conn:  # someone who has since left salon.toml's team
        conn.execute("UPDATE local_bookings SET stylist_id = 'sarah' WHERE name = 'Claire Bernard'")
    conn.close()
    listing = _text(owner.get(f"/admin/rendez-vous?jour={day}"))
    assert "avec sarah (plus dans l'équipe)" in listing, listing


def test_a_refused_stylist_keeps_the_client_typed_without_putting_the_phone_in_a_url(
    owner: FlaskClient, salon: Salon, twilio: TwilioStub
) -> None:
    profile = load_profile(salon.profile)
    day = _friday(profile).isoformat()
    page = _text(owner.get(f"{NEW}?prestation=coupe-homme&coiffeur=chloe&jour={day}"))
    start = datetime.combine(date.fromisoformat(day), time(10, 0), tzinfo=profile.timezone)
    # a stylist who left the team meanwhile: the booking is refused, the client is kept
    refused = owner.post(NEW, data=_fields(page, prestation="coupe-homme", coiffeur="paul",
                                           jour=day, debut=start.isoformat()))  # fmt: skip
    assert refused.status_code == 400
    again = _text(refused)
    assert "ne fait pas (ou plus) partie de l'équipe" in again
    choose = re.search(r'<form method="post"[^>]*class="card">.*?</form>', again, re.S)
    assert choose, "the choice form is posted, not sent in the URL"
    assert f'name="telephone" value="{SHOWN}"' in choose.group(0)
    assert 'name="nom" value="Claire Bernard"' in choose.group(0)
    # choosing again shows the free times with the client already filled in
    shown = owner.post(NEW, data={"csrf_token": csrf(again), "etape": "choix",
                                  "nom": "Claire Bernard", "telephone": SHOWN, "sms": "oui",
                                  "prestation": "coupe-homme", "coiffeur": "chloe",
                                  "jour": day})  # fmt: skip
    assert shown.status_code == 200
    slots = _text(shown)
    assert 'name="debut"' in slots and 'value="Claire Bernard"' in slots
    assert f'value="{SHOWN}"' in slots and "Choisissez un horaire" not in slots
    assert _count(salon) == 0 and twilio.messages_to(PHONE) == []
