"""Integration tier: the console on Cal.com (`CAL_API_KEY` set) against the local Cal.com
stub, every request checked against the v2 OpenAPI spec: the book lists Cal.com's
bookings, a booking taken at the counter goes to Cal.com, cancelling it there queues the
caller's SMS; a booking made directly in Cal.com without a number is changed in Cal.com."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from datetime import datetime, time, timedelta

import pytest
from flask.testing import FlaskClient

from notify import texts
from salon.profile import load_profile
from tests.console.conftest import Salon, csrf
from tests.console.seed import PHONE, SHOWN, open_day
from tests.stubs.calcom import API_KEY, CalComStub


@pytest.fixture
def calcom(salon: Salon, monkeypatch: pytest.MonkeyPatch) -> Iterator[CalComStub]:
    with CalComStub(profile=load_profile(salon.profile)) as stub:
        monkeypatch.setenv("CAL_API_KEY", API_KEY)
        monkeypatch.setenv("CAL_API_URL", stub.url)
        yield stub
        assert stub.spec_errors == []


def test_the_book_on_calcom_is_read_changed_and_confirmed(
    owner: FlaskClient, salon: Salon, calcom: CalComStub
) -> None:
    profile = load_profile(salon.profile)
    day = open_day(profile, after=datetime.now(profile.timezone).date() + timedelta(days=2))
    walk_in = calcom.take_slot(event_type_id=1201,
                               start=datetime.combine(day, time(9, 30), tzinfo=profile.timezone),
                               name="Client Direct")  # fmt: skip
    page = owner.get(f"/admin/rendez-vous/nouveau?prestation=coupe-homme&jour={day.isoformat()}")
    form = page.get_data(as_text=True)
    start = datetime.combine(day, time(11, 0), tzinfo=profile.timezone)
    booked = owner.post("/admin/rendez-vous/nouveau", data={
        "csrf_token": csrf(form), "prestation": "coupe-homme", "jour": day.isoformat(),
        "debut": start.isoformat(), "nom": "Claire Bernard", "telephone": SHOWN, "sms": "oui"})  # fmt: skip
    assert booked.status_code == 303
    listing = owner.get(f"/admin/rendez-vous?jour={day.isoformat()}").get_data(as_text=True)
    assert "Client Direct" in listing and "Claire Bernard" in listing
    [mine] = [b for b in calcom.active_bookings() if b["uid"] != walk_in]
    detail = owner.get(f"/admin/rendez-vous/{mine['uid']}?jour={day.isoformat()}").get_data(
        as_text=True
    )
    assert SHOWN in detail
    shown = re.search(r"<dt>Avec</dt><dd>(\w+)</dd>", detail)  # Cal.com names the host too
    assert shown is not None and shown[1] in {m.first_name for m in profile.stylists}
    assert f"avec {shown[1]}" in listing
    cancelled = owner.post(f"/admin/rendez-vous/{mine['uid']}/annuler",
                           data={"csrf_token": csrf(detail), "jour": day.isoformat()})  # fmt: skip
    assert cancelled.status_code == 303
    assert [b["uid"] for b in calcom.active_bookings()] == [walk_in]
    conn = sqlite3.connect(salon.salon_db)
    bodies = dict(conn.execute("SELECT dedupe_key, body FROM notify_outbox").fetchall())
    conn.close()
    expected = texts.cancelled_text(profile=profile, service="Coupe homme", start=start,
                                    name="Claire Bernard", stylist=shown[1])  # fmt: skip
    assert bodies[f"{mine['uid']}:cancelled:sms"] == expected
    # the booking made in Cal.com without a number: changed there, said in French
    direct = owner.get(f"/admin/rendez-vous/{walk_in}?jour={day.isoformat()}").get_data(
        as_text=True
    )
    refused = owner.post(f"/admin/rendez-vous/{walk_in}/annuler",
                         data={"csrf_token": csrf(direct), "jour": day.isoformat()})  # fmt: skip
    assert "dans Cal.com" in owner.get(refused.headers["Location"]).get_data(as_text=True)
    assert "Téléphone</dt><dd>aucun" in direct and "Effacer les données" not in direct
    assert PHONE not in listing


def test_a_visit_with_a_chosen_stylist_is_booked_on_calcom_with_her_as_host(
    owner: FlaskClient, salon: Salon, calcom: CalComStub
) -> None:
    profile = load_profile(salon.profile)
    day = datetime.now(profile.timezone).date() + timedelta(days=2)
    while day.weekday() != 4 or open_day(profile, after=day) != day:  # Chloé works Fridays
        day += timedelta(days=1)
    # Margaux, first in the team, Chloé and Inès all do both services: Chloé is chosen
    chosen = {"prestation": "couleur-racines", "prestation2": "brushing-courts",
              "coiffeur": "chloe", "jour": day.isoformat()}  # fmt: skip
    page = owner.get("/admin/rendez-vous/nouveau", query_string=chosen).get_data(as_text=True)
    start = datetime.combine(day, time(11, 0), tzinfo=profile.timezone)
    assert f'value="{start.isoformat()}"' in page
    booked = owner.post("/admin/rendez-vous/nouveau", data={
        **chosen, "csrf_token": csrf(page), "debut": start.isoformat(), "nom": "Claire Bernard",
        "telephone": SHOWN, "sms": "oui"})  # fmt: skip
    assert booked.status_code == 303
    hosts = {h["username"] for b in calcom.active_bookings() for h in b["hosts"]}
    assert hosts == {"chloe-martin"}
    listing = owner.get(booked.headers["Location"]).get_data(as_text=True)
    assert "Rendez-vous noté pour Claire Bernard avec Chloé." in listing
    assert "Couleur racines + Brushing, cheveux courts" in listing
