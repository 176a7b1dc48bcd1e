"""Integration tier: an exceptional closure added from the console is written back into
`salon.toml` with every comment kept, read by the receptionist's loader and calendar,
and refused in French when it makes no sense (the file then stays byte for byte)."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from booking import SlotPreferences
from booking.local import LocalCalendar
from salon.profile import load_profile
from tests.console.conftest import Salon, console_of, csrf
from tests.console.seed import insert_booking, open_day
from webhook.console.closures import ClosureRefused, NewClosure, with_closure


def _comments(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith("#") or " # " in line]


@pytest.fixture
def reindexes(app: Flask, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The reindexes the console asked for (not run: the documents tests run real ones)."""
    asked: list[str] = []
    job = console_of(app).reindex
    monkeypatch.setattr(job, "start", lambda *, reason: (asked.append(reason), (None, True))[1])
    return asked


def test_a_closure_is_written_into_salon_toml_with_its_comments_kept(
    owner: FlaskClient, salon: Salon, reindexes: list[str]
) -> None:
    before = salon.profile.read_text(encoding="utf-8")
    profile = load_profile(salon.profile)
    day = open_day(profile, after=datetime.now(profile.timezone).date() + timedelta(days=3))
    insert_booking(salon.salon_db, service_id="coupe-homme", minutes=30, name="Paul Martin",
                   start=datetime.combine(day, datetime.min.time(), tzinfo=profile.timezone)
                   + timedelta(hours=10))  # fmt: skip
    page = owner.get("/admin/salon").get_data(as_text=True)
    answer = owner.post("/admin/salon/fermetures", data={
        "csrf_token": csrf(page), "debut": day.isoformat(), "fin": "",
        "motif": 'formation "couleur" <b>'})  # fmt: skip
    assert answer.status_code == 303
    shown = owner.get("/admin/salon").get_data(as_text=True)
    assert "Fermeture ajoutée le" in shown and "1 rendez-vous déjà pris" in shown
    assert "formation &#34;couleur&#34; &lt;b&gt;" in shown
    after = salon.profile.read_text(encoding="utf-8")
    assert _comments(after) == _comments(before)
    assert after.startswith(before.split("[[special_hours]]")[0].rsplit("\n# Days", 1)[0])
    closure = load_profile(salon.profile).closure_on(day)
    assert closure is not None and closure.reason == 'formation "couleur" <b>'
    assert reindexes == ["fermeture ajoutée dans salon.toml"]

    async def slots() -> list[object]:
        calendar = LocalCalendar(load_profile(salon.profile), db=salon.salon_db)
        service = calendar.profile.service("coupe-homme")
        found = await calendar.free_slots(service=service, prefs=SlotPreferences(day=day))
        await calendar.aclose()
        return list(found)

    assert asyncio.run(slots()) == []  # the receptionist no longer offers that day


@pytest.mark.parametrize(
    ("start", "end", "reason", "message"),
    [
        ("demain", "", "", "n&#39;est pas une date"),
        ("+5", "+2", "", "avant la date de début"),
        ("-3", "-1", "", "déjà passée"),
        ("+1", "+400", "", "au plus un an"),
        ("+1", "", "x" * 101, "au plus 100 caractères"),
        ("+1", "", "congés\u202e", "caractères invisibles"),
    ],
)
def test_a_closure_that_makes_no_sense_is_refused_and_the_file_is_untouched(
    owner: FlaskClient, salon: Salon, start: str, end: str, reason: str, message: str,
    reindexes: list[str],
) -> None:  # fmt: skip
    today = date.today()

    def day(text: str) -> str:
        return (today + timedelta(days=int(text))).isoformat() if text[:1] in "+-" else text

    before = salon.profile.read_bytes()
    page = owner.get("/admin/salon").get_data(as_text=True)
    answer = owner.post("/admin/salon/fermetures", data={
        "csrf_token": csrf(page), "debut": day(start), "fin": day(end) if end else "",
        "motif": reason})  # fmt: skip
    assert message in owner.get(answer.headers["Location"]).get_data(as_text=True)
    assert salon.profile.read_bytes() == before and reindexes == []


def test_a_profile_without_closures_gets_its_first_one() -> None:
    text = '[salon]\nname = "X"\n# a comment\n'
    out = with_closure(text, NewClosure(date(2027, 3, 1), date(2027, 3, 2), "travaux"))
    assert out.startswith(text)
    assert '[[closures]]\nstart = "2027-03-01"\nend = "2027-03-02"\nreason = "travaux"' in out


def test_a_damaged_profile_is_reported_not_overwritten() -> None:
    with pytest.raises(ClosureRefused, match="pas lisible"):
        with_closure("[salon\nname=", NewClosure(date(2027, 3, 1), date(2027, 3, 1), ""))
