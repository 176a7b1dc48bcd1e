"""Fixtures of the booking suites: a small test salon, both calendars, a code "SMS" inbox.

The same behavioural tests run against `LocalCalendar` and against `CalComCalendar`
talking to the Cal.com stub server (`tests/stubs/calcom.py`) on 127.0.0.1.
"""

from __future__ import annotations

import tomllib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from booking.base import BaseCalendar
from booking.calcom import CalComCalendar
from booking.hours import opening_hours
from booking.local import LocalCalendar
from salon.profile import SalonProfile, parse_profile
from tests.stubs.calcom import API_KEY, CalComStub

TEST_SALON = """
[salon]
id = "test-salon"
name = "Salon Test Coiffure"
short_name = "Salon Test"
address = "1 rue de la Paix, 69002 Lyon"
phone = "+33478000000"
timezone = "Europe/Paris"
chairs = 1
slot_step_minutes = 15
closed_on_public_holidays = true

[hours]
monday = []
tuesday = [["09:00", "12:00"], ["14:00", "19:00"]]
wednesday = [["09:00", "19:00"]]
thursday = [["09:00", "20:00"]]
friday = [["09:00", "19:00"]]
saturday = [["09:00", "18:00"]]
sunday = []

[[closures]]
start = "2030-01-01"
end = "2030-01-01"

[[services]]
id = "coupe-homme"
name = "Coupe homme"
category = "Homme"
duration = 30
price = 28
aliases = ["coupe homme"]
cal_event_type_id = 201
cal_event_type_slug = "coupe-homme"

[[services]]
id = "balayage-courts"
name = "Balayage, cheveux courts"
category = "Couleur"
duration = 120
price = 89
aliases = ["balayage court"]
cal_event_type_id = 202
cal_event_type_slug = "balayage-courts"

[[services]]
id = "balayage-longs"
name = "Balayage, cheveux longs"
category = "Couleur"
duration = 150
price = 115
aliases = ["balayage long"]
cal_event_type_id = 203
cal_event_type_slug = "balayage-longs"

[[services]]
id = "coupe-enfant"
name = "Coupe enfant"
category = "Enfants"
duration = 20
price = 16
aliases = ["coupe pour mon fils", "coupe enfant"]
cal_event_type_id = 204
cal_event_type_slug = "coupe-enfant"
"""

ALICE = "+33612345678"  # owner of the bookings in most tests
MALLORY = "+33698765432"  # another caller


def make_profile(**overrides: object) -> SalonProfile:
    data = tomllib.loads(TEST_SALON)
    data["salon"].update(overrides)
    return parse_profile(data, Path("test-salon.toml"))


@pytest.fixture
def profile() -> SalonProfile:
    return make_profile()


def open_day(profile: SalonProfile, *, after_days: int = 8) -> date:
    """The first day at least `after_days` ahead on which the salon is open all day."""
    day = datetime.now(profile.timezone).date() + timedelta(days=after_days)
    while len(opening_hours(profile, day)) == 0 or day.weekday() == 1:  # skip Tuesdays' break
        day += timedelta(days=1)
    return day


@dataclass
class Inbox:
    """Where verification codes go: a `send_code(phone, code)` callable."""

    sent: list[tuple[str, str]] = field(default_factory=list)

    async def __call__(self, phone: str, code: str) -> None:
        self.sent.append((phone, code))

    def last_code(self) -> str:
        return self.sent[-1][1]


@dataclass
class Rig:
    kind: str
    calendar: BaseCalendar
    inbox: Inbox
    stub: CalComStub | None
    profile: SalonProfile


async def make_rig(kind: str, profile: SalonProfile, tmp_path: Path, **kw: object) -> Rig:
    inbox = Inbox()
    db = tmp_path / f"{kind}.db"
    if kind == "local":
        return Rig(kind, LocalCalendar(profile, db=db, send_code=inbox), inbox, None, profile)
    stub = CalComStub(profile=profile).start()
    calendar = CalComCalendar(
        profile, db=db, send_code=inbox, api_key=API_KEY, base_url=stub.url, **kw
    )  # type: ignore[arg-type]
    return Rig(kind, calendar, inbox, stub, profile)


@pytest.fixture(params=["local", "calcom"])
async def rig(
    request: pytest.FixtureRequest, profile: SalonProfile, tmp_path: Path
) -> AsyncIterator[Rig]:
    made = await make_rig(request.param, profile, tmp_path)
    yield made
    await made.calendar.aclose()
    made.calendar.close_db()
    if made.stub is not None:
        assert made.stub.spec_errors == [], made.stub.spec_errors
        made.stub.stop()


@pytest.fixture
async def calcom(profile: SalonProfile, tmp_path: Path) -> AsyncIterator[Rig]:
    made = await make_rig("calcom", profile, tmp_path, deadline=2.5, attempt_timeout=0.6)
    yield made
    await made.calendar.aclose()
    made.calendar.close_db()
    assert made.stub is not None
    made.stub.stop()
