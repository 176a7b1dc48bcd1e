"""Integration tier: an exceptional closure on days the salon is closed anyway (its
weekly day off, a public holiday it closes on) is refused from the console with the
reason, and salon.toml stays byte for byte; a closure that takes in such days among
open ones is added as usual."""

from __future__ import annotations

import tomllib
from datetime import date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from booking.hours import opening_hours, public_holiday
from salon.profile import SalonProfile, load_profile
from tests.console.conftest import Salon, console_of, csrf


@pytest.fixture
def reindexes(app: Flask, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The reindexes the console asked for (not run)."""
    asked: list[str] = []

    def start(*, reason: str) -> tuple[None, bool]:
        asked.append(reason)
        return None, True

    monkeypatch.setattr(console_of(app).reindex, "start", start)
    return asked


def _days_ahead(profile: SalonProfile) -> list[date]:
    today = datetime.now(profile.timezone).date()
    return [today + timedelta(days=n) for n in range(3, 800)]


def _weekly_day_off(profile: SalonProfile, weekday: int) -> date:
    """A coming `weekday` (0 = Monday) closed only because the salon never opens then."""
    return next(
        d
        for d in _days_ahead(profile)
        if d.weekday() == weekday
        and not opening_hours(profile, d)
        and profile.closure_on(d) is None
        and not any(s.day == d for s in profile.special_hours)
        and not public_holiday(d)
    )


def _add(owner: FlaskClient, start: date, end: date | None = None) -> str:
    token = csrf(owner.get("/admin/salon").get_data(as_text=True))
    answer = owner.post("/admin/salon/fermetures", data={
        "csrf_token": token, "debut": start.isoformat(),
        "fin": end.isoformat() if end else "", "motif": "formation"})  # fmt: skip
    assert answer.status_code == 303
    return owner.get(answer.headers["Location"]).get_data(as_text=True)


def test_a_closure_on_a_sunday_is_refused_saying_the_salon_is_closed_then(
    owner: FlaskClient, salon: Salon, reindexes: list[str]
) -> None:
    sunday = _weekly_day_off(load_profile(salon.profile), 6)
    before = salon.profile.read_bytes()
    shown = _add(owner, sunday)
    assert "Le salon est déjà fermé ce jour-là (dimanche)." in shown
    assert "Fermeture ajoutée" not in shown
    assert salon.profile.read_bytes() == before and reindexes == []


def test_a_closure_on_a_public_holiday_is_refused_naming_it(
    owner: FlaskClient, salon: Salon, reindexes: list[str]
) -> None:
    profile = load_profile(salon.profile)
    holiday = next(
        d
        for d in _days_ahead(profile)
        if public_holiday(d)
        and profile.hours_on(d)  # a day the salon opens on other weeks
        and profile.closure_on(d) is None
        and not opening_hours(profile, d)
    )
    before = salon.profile.read_bytes()
    shown = _add(owner, holiday)
    assert f"Le salon est déjà fermé ce jour-là ({public_holiday(holiday)}, jour férié)." in shown
    assert salon.profile.read_bytes() == before and reindexes == []


def test_a_closure_over_closed_days_only_is_refused(
    owner: FlaskClient, salon: Salon, reindexes: list[str]
) -> None:
    profile = load_profile(salon.profile)
    monday = _weekly_day_off(profile, 0)  # the fixture salon never opens on Sundays either
    sunday = monday - timedelta(days=1)
    assert not opening_hours(profile, sunday)
    before = salon.profile.read_bytes()
    shown = _add(owner, sunday, monday)
    assert "Le salon est déjà fermé tous ces jours-là." in shown
    assert salon.profile.read_bytes() == before and reindexes == []


def test_a_closure_that_takes_in_closed_days_among_open_ones_is_added(
    owner: FlaskClient, salon: Salon, reindexes: list[str]
) -> None:
    profile = load_profile(salon.profile)
    sunday = _weekly_day_off(profile, 6)
    saturday, tuesday = sunday - timedelta(days=1), sunday + timedelta(days=2)
    shown = _add(owner, saturday, tuesday)
    assert "Fermeture ajoutée du" in shown and "déjà fermé" not in shown
    closures = tomllib.loads(salon.profile.read_text(encoding="utf-8"))["closures"]
    assert {"start": saturday.isoformat(), "end": tuesday.isoformat(),
            "reason": "formation"} in closures  # fmt: skip
    assert reindexes == ["fermeture ajoutée dans salon.toml"]
