"""Integration tier (Flask test client): the console's links to the back office — erasing
a number (RGPD, `records.erasure.forget`) from an opened call, after a dry run that shows
what goes and which upcoming bookings stay; and the waitlist shown on the day it is for."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from flask.testing import FlaskClient

from booking import waitlist
from salon import state_db
from salon.profile import load_profile
from tests.console.conftest import Salon, csrf
from tests.console.seed import PHONE, SHOWN, insert_booking, open_day, save_call


def _count(salon: Salon, sql: str) -> int:
    conn = sqlite3.connect(salon.salon_db)
    (n,) = conn.execute(sql).fetchone()
    conn.close()
    return int(n)


def test_a_number_is_erased_after_a_dry_run_and_upcoming_bookings_stay(
    owner: FlaskClient, salon: Salon
) -> None:
    profile = load_profile(salon.profile)
    call_id = save_call(salon.salon_db, started=datetime.now(UTC) - timedelta(days=2),
                        said=f"Rappelez-moi au {SHOWN}", message="Rappelez-moi")  # fmt: skip
    day = open_day(profile, after=datetime.now(profile.timezone).date() + timedelta(days=3))
    start = datetime.combine(day, datetime.min.time(), tzinfo=profile.timezone) + timedelta(
        hours=10
    )
    insert_booking(salon.salon_db, service_id="coupe-homme", start=start, minutes=30,
                   name="Paul Martin")  # fmt: skip
    page = owner.get(f"/admin/appels/{call_id}").get_data(as_text=True)
    assert "Effacer les données de ce numéro" in page
    dry = owner.post("/admin/effacer", data={"csrf_token": csrf(page), "numero": PHONE})
    shown = dry.get_data(as_text=True)
    assert dry.status_code == 200 and "Voici ce qui serait effacé" in shown
    assert "Coupe homme, Paul Martin" in shown and "Effacer définitivement" in shown
    assert _count(salon, "SELECT count(*) FROM call_transcript") == 2  # nothing yet
    done = owner.post("/admin/effacer",
                      data={"csrf_token": csrf(shown), "numero": PHONE, "confirme": "oui"})  # fmt: skip
    report = done.get_data(as_text=True)
    assert "Effacement fait" in report and "Plus aucune trace" in report
    assert _count(salon, "SELECT count(*) FROM call_transcript") == 0
    assert _count(salon, "SELECT count(*) FROM call_records WHERE caller IS NOT NULL") == 0
    assert _count(salon, "SELECT count(*) FROM local_bookings WHERE phone = '+33612345678'") == 1
    assert (
        owner.post("/admin/effacer", data={"csrf_token": csrf(report), "numero": "abc"}).status_code
        == 400
    )


def test_the_waitlist_of_a_day_is_shown_with_masked_numbers(
    owner: FlaskClient, salon: Salon
) -> None:
    profile = load_profile(salon.profile)
    day = open_day(profile, after=datetime.now(profile.timezone).date() + timedelta(days=2))
    conn = state_db.connect(salon.salon_db)
    waitlist.join(conn, phone=PHONE, name="Inès Garnier", service_id="balayage-longs", day=day,
                  now=datetime.now(UTC))  # fmt: skip
    conn.close()
    page = owner.get(f"/admin/rendez-vous?jour={day.isoformat()}").get_data(as_text=True)
    assert "Liste d'attente, Balayage, cheveux longs : Inès Garnier (+336******78)" in page
    other = owner.get(f"/admin/rendez-vous?jour={(day + timedelta(days=1)).isoformat()}")
    assert "Inès Garnier" not in other.get_data(as_text=True)
