"""Integration tier: the console's Rendez-vous pages when Cal.com cannot be read.

The console runs on Cal.com (`CAL_API_KEY`) against the local Cal.com stub; a booking is
there; then the stub stops (the port refuses connections, as a Cal.com outage would).
The day and week views must say that the bookings are unknown for now, never
« 0 rendez-vous » / « Aucun rendez-vous » (an empty day, which the owner would believe),
and opening the booking must say the same rather than « Page introuvable ».
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import datetime, time, timedelta

import pytest
from flask.testing import FlaskClient

from salon.profile import load_profile
from tests.console.conftest import Salon
from tests.console.seed import open_day
from tests.stubs.calcom import API_KEY, CalComStub

DAY_UNREADABLE = (
    "Impossible de lire l'agenda pour le moment : les rendez-vous de ce jour ne peuvent pas "
    "être affichés. Réessayez dans un instant."
)


@pytest.fixture
def calcom(salon: Salon, monkeypatch: pytest.MonkeyPatch) -> Iterator[CalComStub]:
    with CalComStub(profile=load_profile(salon.profile)) as stub:
        monkeypatch.setenv("CAL_API_KEY", API_KEY)
        monkeypatch.setenv("CAL_API_URL", stub.url)
        monkeypatch.setenv("CAL_API_DEADLINE", "0.5")  # the outage costs each page this
        yield stub
        assert stub.spec_errors == []


def text(answer: object) -> str:
    return html.unescape(answer.get_data(as_text=True))  # type: ignore[attr-defined]


def test_a_day_cal_com_cannot_read_is_unknown_not_empty(
    owner: FlaskClient, salon: Salon, calcom: CalComStub
) -> None:
    profile = load_profile(salon.profile)
    day = open_day(profile, after=datetime.now(profile.timezone).date() + timedelta(days=2))
    start = datetime.combine(day, time(9, 30), tzinfo=profile.timezone)
    uid = calcom.take_slot(event_type_id=1201, start=start, name="Client Direct")
    shown = text(owner.get(f"/admin/rendez-vous?jour={day.isoformat()}"))
    assert "Client Direct" in shown and "1 rendez-vous" in shown
    calcom.stop()

    page = text(owner.get(f"/admin/rendez-vous?jour={day.isoformat()}"))
    assert DAY_UNREADABLE in page
    assert "0 rendez-vous" not in page and "Aucun rendez-vous" not in page
    week = text(owner.get(f"/admin/rendez-vous?jour={day.isoformat()}&vue=semaine"))
    assert "les rendez-vous de cette semaine ne peuvent pas être affichés" in week
    assert "0 rendez-vous" not in week and "Aucun rendez-vous" not in week

    opened = owner.get(f"/admin/rendez-vous/{uid}?jour={day.isoformat()}")
    assert opened.status_code == 503
    assert DAY_UNREADABLE in text(opened) and "Page introuvable" not in text(opened)
    moving = owner.get(f"/admin/rendez-vous/{uid}/deplacer?jour={day.isoformat()}")
    assert moving.status_code == 503 and DAY_UNREADABLE in text(moving)
