"""Integration tests of what the fallback and the transfers say and do against the salon's
opening hours, through the app with signed requests and LiveKit down: nobody is rung while
the salon is closed (it says when it reopens), « Bonsoir » from 18h as the agent says it,
the salon's number is not read back to a caller who just dialled it, and a transfer's
`<Dial>` has an action that hangs up after a conversation and speaks only when nobody was
reached. Every moment comes from the fixture salon's own hours."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from booking.hours import opening_hours
from records import transfers
from salon import state_db
from salon.french import spoken_time
from salon.profile import WEEKDAYS_FR, SalonProfile, load_profile
from tests.stubs.livekit_twirp import LiveKitStub
from tests.webhook.conftest import (
    PROFILE,
    PUBLIC,
    AppFactory,
    call_form,
    new_call_sid,
    post_signed,
)
from webhook.config import WebhookSettings
from webhook.fallback import hours_sentence

pytestmark = pytest.mark.integration

SALON_PHONE = "+33478421890"  # `phone` in the fixture's salon.toml
OTHER_NUMBER = "+33186950000"  # a Twilio number of the salon's that is not its `phone`
HUMAN = "+33612457890</Dial>"  # `transfer_number`
NOBODY = "Personne n'est disponible pour le moment."


@pytest.fixture
def profile() -> SalonProfile:
    return load_profile(PROFILE)


def _open_days(profile: SalonProfile) -> list[date]:
    """The days the salon opens in the coming three months (holidays applied): three weeks
    are not enough around its summer closure, which leaves no Saturday followed by an
    opening on Tuesday from the end of July to early August."""
    today = profile.now().date()
    days = [today + timedelta(days=n) for n in range(1, 91)]
    return [day for day in days if opening_hours(profile, day)]


def _at(profile: SalonProfile, day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=profile.timezone)


def _clock(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment


def _said(body: str) -> tuple[ET.Element, str]:
    """The parsed TwiML (it must be valid XML) and everything its <Say>s say."""
    root = ET.fromstring(body)
    assert root.tag == "Response"
    return root, " ".join(say.text or "" for say in root.iter("Say"))


def _voice(client: FlaskClient, **extra: str) -> str:
    response = post_signed(client, "/voice", call_form(**extra))
    assert response.status_code == 200 and response.mimetype == "text/xml"
    return str(response.get_data(as_text=True))


@pytest.fixture
def down(stub: LiveKitStub) -> LiveKitStub:
    stub.fail_status = 500  # every call gets the human fallback
    return stub


def test_at_five_in_the_morning_nobody_is_rung_and_the_reopening_is_said(
    make_app: AppFactory, down: LiveKitStub, profile: SalonProfile
) -> None:
    day = _open_days(profile)[0]
    first_opening = opening_hours(profile, day)[0][0]
    client = make_app(now=_clock(_at(profile, day, time(5, 0)))).test_client()
    root, said = _said(_voice(client))
    assert root.find("Dial") is None and "+33612457890" not in said
    assert said.startswith("Bonjour, vous êtes bien chez Maison Margaux Coiffure.")
    assert "Le salon est fermé pour le moment." in said
    assert f"Nous rouvrons aujourd'hui à {spoken_time(first_opening)}." in said
    assert "Merci de nous rappeler à ce moment-là." in said
    assert "Je vous mets en relation" not in said and NOBODY not in said
    assert [child.tag for child in root] == ["Say", "Hangup"]


def test_on_a_closed_evening_it_says_bonsoir_and_the_weekday_it_reopens(
    make_app: AppFactory, down: LiveKitStub, profile: SalonProfile
) -> None:
    days = _open_days(profile)
    night = time(21, 30)
    # an open day closed by 21h30 whose next opening is days away, within a week (a
    # Saturday, with Sunday and Monday closed)
    day, reopening = next(
        (a, b)
        for a, b in zip(days, days[1:], strict=False)
        if 1 < (b - a).days < 7 and opening_hours(profile, a)[-1][1] <= night
    )
    client = make_app(now=_clock(_at(profile, day, night))).test_client()
    root, said = _said(_voice(client))
    assert root.find("Dial") is None
    assert said.startswith("Bonsoir, vous êtes bien chez Maison Margaux Coiffure.")
    opens = spoken_time(opening_hours(profile, reopening)[0][0])
    assert f"Nous rouvrons {WEEKDAYS_FR[reopening.weekday()]} à {opens}." in said


def test_while_open_the_human_is_dialled_with_an_action_and_nothing_after(
    make_app: AppFactory, down: LiveKitStub, profile: SalonProfile
) -> None:
    day = _open_days(profile)[0]
    start = opening_hours(profile, day)[0][0]
    client = make_app(now=_clock(_at(profile, day, start) + timedelta(minutes=30))).test_client()
    body = _voice(client)
    root, said = _said(body)
    assert said.startswith("Bonjour, vous êtes bien chez Maison Margaux Coiffure.")
    assert "Je vous mets en relation avec un membre de l'équipe." in said
    dial = root.find("Dial")
    assert dial is not None and dial.text == "+33612457890"
    assert dial.get("action") == f"{PUBLIC}/transfer-done" and dial.get("method") == "POST"
    assert dial.get("timeout") == "25"
    # Twilio plays the action's answer: a verb after the <Dial> would never be reached
    assert [child.tag for child in root] == ["Say", "Dial"] and NOBODY not in said


def test_after_18h_while_open_the_fallback_says_bonsoir(
    make_app: AppFactory, down: LiveKitStub, profile: SalonProfile
) -> None:
    evening = time(18, 30)
    day = next(
        d
        for d in _open_days(profile)
        if any(a <= evening < b for a, b in opening_hours(profile, d))
    )
    client = make_app(now=_clock(_at(profile, day, evening))).test_client()
    root, said = _said(_voice(client))
    assert said.startswith("Bonsoir, vous êtes bien chez Maison Margaux Coiffure.")
    assert "Bonjour" not in said
    assert root.find("Dial") is not None  # still open: the human is rung


def _without_transfer_number(tmp_path: Path) -> Path:
    profile = tmp_path / "salon.toml"
    original = PROFILE.read_text(encoding="utf-8")
    profile.write_text(
        "\n".join(line for line in original.splitlines() if "transfer_number" not in line),
        encoding="utf-8",
    )
    return profile


def test_the_salon_number_is_not_read_back_to_a_caller_who_just_dialled_it(
    make_app: AppFactory, down: LiveKitStub, tmp_path: Path
) -> None:
    client = make_app(salon_profile=_without_transfer_number(tmp_path)).test_client()
    root, said = _said(_voice(client, To=SALON_PHONE))
    assert root.find("Dial") is None
    assert "04 78 42 18 90" not in said
    assert "Vous pouvez nous rappeler un peu plus tard." in said
    assert "le samedi de 9 heures à 18 heures" in said  # the hours are still said
    # dialled on another of the salon's numbers, the salon's own number is worth saying
    _, said = _said(_voice(client, To=OTHER_NUMBER))
    assert "Vous pouvez nous rappeler au 04 78 42 18 90." in said


def _transfer_done(client: FlaskClient, status: str) -> str:
    form = call_form(DialCallStatus=status, DialCallSid="CA" + "2" * 32, CallStatus="in-progress")
    response = post_signed(client, "/transfer-done", form)
    assert response.status_code == 200 and response.mimetype == "text/xml"
    return str(response.get_data(as_text=True))


@pytest.mark.parametrize("status", ["completed", "answered"])
def test_after_a_conversation_with_the_salon_the_transfer_just_hangs_up(
    client: FlaskClient, status: str
) -> None:
    root, said = _said(_transfer_done(client, status))
    assert [child.tag for child in root] == ["Hangup"] and said == ""


@pytest.mark.parametrize("status", ["busy", "no-answer", "failed", "canceled"])
def test_a_transfer_nobody_answered_says_so_with_the_hours(
    client: FlaskClient, profile: SalonProfile, status: str
) -> None:
    root, said = _said(_transfer_done(client, status))
    assert said.startswith(NOBODY)
    assert "et le samedi de 9 heures à 18 heures." in said
    assert hours_sentence(profile) in said
    assert said.endswith("Merci de rappeler un peu plus tard. Au revoir.")
    assert [child.tag for child in root] == ["Say", "Hangup"]


def test_the_transfer_action_refuses_a_forged_request(client: FlaskClient) -> None:
    form = call_form(DialCallStatus="no-answer")
    response = post_signed(client, "/transfer-done", form, token="not-the-auth-token")
    assert response.status_code == 403


def _agent_transfer(client: FlaskClient, settings: WebhookSettings) -> str:
    """The agent asked for a human and left the room: Twilio POSTs /dial-done."""
    sid = new_call_sid()
    transfers.request_transfer(state_db.connect(settings.salon_db), call_sid=sid, reason="")
    form = call_form(sid, DialCallStatus="completed", DialCallSid="CA" + "1" * 32)
    response = post_signed(client, "/dial-done", form)
    assert response.status_code == 200
    return str(response.get_data(as_text=True))


def test_the_transfer_the_agent_asked_for_has_the_same_action(
    client: FlaskClient, settings: WebhookSettings
) -> None:
    root, said = _said(_agent_transfer(client, settings))
    dial = root.find("Dial")
    assert dial is not None and dial.text == "+33612457890"
    assert dial.get("action") == f"{PUBLIC}/transfer-done"
    assert [child.tag for child in root] == ["Say", "Dial"] and NOBODY not in said


def test_the_transfer_the_agent_asked_for_rings_nobody_while_closed(
    make_app: AppFactory, settings: WebhookSettings, profile: SalonProfile
) -> None:
    day = _open_days(profile)[0]
    client = make_app(now=_clock(_at(profile, day, time(5, 0)))).test_client()
    root, said = _said(_agent_transfer(client, settings))
    assert root.find("Dial") is None
    assert said.startswith("Le salon est fermé pour le moment.")
    assert "Nous rouvrons aujourd'hui à" in said
