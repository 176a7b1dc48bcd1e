"""Integration tier: the console on Cal.com (`CAL_API_KEY` set) against the local Cal.com
stub, every request checked against the v2 OpenAPI spec: the book lists Cal.com's
bookings, a booking taken at the counter goes to Cal.com, cancelling it there queues the
caller's SMS; a booking made directly in Cal.com without a number is changed in Cal.com."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
from flask.testing import FlaskClient

from notify import texts
from salon.profile import SalonProfile, load_profile
from salon.utc import utc_text
from tests.console.conftest import Salon, csrf
from tests.console.seed import PHONE, SHOWN
from tests.fixtures.days import usual_day
from tests.stubs.calcom import API_KEY, CalComStub


@pytest.fixture
def calcom(salon: Salon, monkeypatch: pytest.MonkeyPatch) -> Iterator[CalComStub]:
    with CalComStub(profile=load_profile(salon.profile)) as stub:
        monkeypatch.setenv("CAL_API_KEY", API_KEY)
        monkeypatch.setenv("CAL_API_URL", stub.url)
        yield stub
        assert stub.spec_errors == []


def _men_at_ten(profile: SalonProfile) -> date:
    """A usual day at least two days ahead when someone cuts men's hair at 10h (not a
    Thursday, when Yanis starts at 11h, nor a Wednesday of Chloé's February holiday)."""
    after = datetime.now(profile.timezone).date() + timedelta(days=2)
    return usual_day(profile, after=after, service="coupe-homme", at=time(10))


def test_the_book_on_calcom_is_read_changed_and_confirmed(
    owner: FlaskClient, salon: Salon, calcom: CalComStub
) -> None:
    profile = load_profile(salon.profile)
    after = datetime.now(profile.timezone).date() + timedelta(days=2)
    day = usual_day(profile, after=after, service="coupe-homme", at=time(11))
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
    cancelled = owner.post(f"/admin/rendez-vous/{mine['uid']}/annuler/confirme",
                           data={"csrf_token": csrf(detail), "jour": day.isoformat(), "sms": "oui"})  # fmt: skip
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
    refused = owner.post(f"/admin/rendez-vous/{walk_in}/annuler/confirme",
                         data={"csrf_token": csrf(direct), "jour": day.isoformat()})  # fmt: skip
    assert "dans Cal.com" in owner.get(refused.headers["Location"]).get_data(as_text=True)
    assert "Téléphone</dt><dd>aucun" in direct and "Effacer les données" not in direct
    assert PHONE not in listing


def test_a_visit_with_a_chosen_stylist_is_booked_on_calcom_with_her_as_host(
    owner: FlaskClient, salon: Salon, calcom: CalComStub
) -> None:
    profile = load_profile(salon.profile)
    after = datetime.now(profile.timezone).date() + timedelta(days=2)
    day = usual_day(profile, after=after, weekday=4, stylists=["chloe"], at=time(11))
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


def test_a_counter_booking_cal_com_answered_too_late_is_not_booked_again(
    owner: FlaskClient, salon: Salon, calcom: CalComStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cal.com makes the booking but answers after the console's deadline: the owner is
    told it may be booked already, not « réessayez » (and once), and the same booking
    sent again — with « Peu importe », when another stylist is still free — is not made
    a second time, whether Cal.com shows it yet or not."""
    monkeypatch.setenv("CAL_API_DEADLINE", "1")
    profile = load_profile(salon.profile)
    day = _men_at_ten(profile)
    chosen = {"prestation": "coupe-homme", "jour": day.isoformat()}
    page = owner.get("/admin/rendez-vous/nouveau", query_string=chosen).get_data(as_text=True)
    start = datetime.combine(day, time(10, 0), tzinfo=profile.timezone)
    fields = {**chosen, "csrf_token": csrf(page), "debut": start.isoformat(),
              "nom": "Claire Bernard", "telephone": SHOWN, "sms": "oui"}  # fmt: skip
    calcom.fail_next(method="POST", path="/v2/bookings", process=True, delay=1.5)
    late = owner.post("/admin/rendez-vous/nouveau", data=fields)
    assert late.status_code == 409
    text = late.get_data(as_text=True)
    maybe = "Ce rendez-vous a peut-être déjà été enregistré : vérifiez l&#39;agenda avant de recommencer."
    assert text.count(maybe) == 1 and "réessayez" not in text
    assert len(calcom.active_bookings()) == 1  # Cal.com did book it
    # Cal.com still slow to list it: the owner is told the same, nothing is booked
    calcom.fail_next(method="GET", path="/v2/bookings", delay=1.5)
    again = owner.post("/admin/rendez-vous/nouveau", data=fields)
    assert again.status_code == 409 and again.get_data(as_text=True).count(maybe) == 1
    # Cal.com lists it: the owner is told where it is
    third = owner.post("/admin/rendez-vous/nouveau", data=fields)
    assert third.status_code == 409
    assert "Ce rendez-vous est déjà dans l&#39;agenda : Claire Bernard" in third.get_data(
        as_text=True
    )
    assert len(calcom.active_bookings()) == 1
    conn = sqlite3.connect(salon.salon_db)
    sent = conn.execute("SELECT COUNT(*) FROM notify_outbox").fetchone()[0]
    conn.close()
    assert sent == 0  # the confirmation is owed by the journal: scripts/jobs sends it once


def test_a_counter_booking_whose_lost_call_made_nothing_can_be_made_later(
    owner: FlaskClient, salon: Salon, calcom: CalComStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cal.com did not answer and made nothing: once the call cannot be under way any
    more, the same booking is taken (the owner is not stuck on « peut-être »)."""
    monkeypatch.setenv("CAL_API_DEADLINE", "1")
    profile = load_profile(salon.profile)
    day = _men_at_ten(profile)
    chosen = {"prestation": "coupe-homme", "jour": day.isoformat()}
    page = owner.get("/admin/rendez-vous/nouveau", query_string=chosen).get_data(as_text=True)
    start = datetime.combine(day, time(10, 0), tzinfo=profile.timezone)
    fields = {**chosen, "csrf_token": csrf(page), "debut": start.isoformat(),
              "nom": "Claire Bernard", "telephone": SHOWN}  # fmt: skip
    calcom.fail_next(method="POST", path="/v2/bookings", delay=1.5)  # not processed
    assert owner.post("/admin/rendez-vous/nouveau", data=fields).status_code == 409
    assert calcom.active_bookings() == []
    conn = sqlite3.connect(salon.salon_db)
    with conn:  # the lost call is three minutes old
        conn.execute(
            "UPDATE booking_journal SET created_at = ? WHERE state = 'pending'",
            (utc_text(datetime.now(UTC) - timedelta(minutes=3)),),
        )
    conn.close()
    booked = owner.post("/admin/rendez-vous/nouveau", data=fields)
    assert booked.status_code == 303
    assert len(calcom.active_bookings()) == 1


def test_a_move_made_in_the_console_reaches_cal_com_as_the_salon_s(
    owner: FlaskClient, salon: Salon, calcom: CalComStub
) -> None:
    """Cal.com records why a booking moved: « Déplacé par le salon » when the owner moved
    it, not « Déplacé par téléphone » (the agent's, for a caller's own move)."""
    profile = load_profile(salon.profile)
    day = _men_at_ten(profile)
    chosen = {"prestation": "coupe-homme", "jour": day.isoformat()}
    page = owner.get("/admin/rendez-vous/nouveau", query_string=chosen).get_data(as_text=True)
    start = datetime.combine(day, time(10, 0), tzinfo=profile.timezone)
    booked = owner.post("/admin/rendez-vous/nouveau", data={
        **chosen, "csrf_token": csrf(page), "debut": start.isoformat(), "nom": "Claire Bernard",
        "telephone": SHOWN, "sms": "oui"})  # fmt: skip
    assert booked.status_code == 303
    [mine] = calcom.active_bookings()
    later = start + timedelta(hours=1)
    moving = owner.get(f"/admin/rendez-vous/{mine['uid']}/deplacer?jour={day.isoformat()}")
    form = moving.get_data(as_text=True)
    assert f'value="{later.isoformat()}"' in form
    moved = owner.post(f"/admin/rendez-vous/{mine['uid']}/deplacement", data={
        "csrf_token": csrf(form), "jour": day.isoformat(), "debut": later.isoformat(),
        "sms": "oui"})  # fmt: skip
    assert moved.status_code == 303
    assert "Rendez-vous déplacé." in owner.get(moved.headers["Location"]).get_data(as_text=True)
    reasons = [body.get("reschedulingReason") for method, path, body in calcom.requests
               if method == "POST" and path.endswith("/reschedule") and body]  # fmt: skip
    assert reasons == ["Déplacé par le salon"]
    [now] = calcom.active_bookings()
    assert now["reschedulingReason"] == "Déplacé par le salon"
