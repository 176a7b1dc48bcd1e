"""Fixtures of the back-office tests: a clock the test moves, the fixture salon with one
chair (so a day can be full), the embedded calendar and an outbox pointed at the Twilio
stub, all on a temporary state database."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from booking.calendar import Booking, Customer, Slot
from booking.local import LocalCalendar
from jobs.config import JobsSettings
from jobs.runner import BackOffice
from notify.outbox import Outbox, RetryPolicy
from notify.twilio_messages import TwilioNotifier, TwilioOptions
from notify.whatsapp_window import WhatsAppWindow
from salon import state_db
from salon.profile import SalonProfile, load_profile
from tests.fixtures.days import usual_day
from tests.stubs.twilio import TwilioStub

ALICE = "+33612345678"
BOB = "+33698765432"
CAROL = "+33745454545"
FAST = RetryPolicy(max_attempts=6, base_delay=0.01, max_delay=0.05, lease_seconds=30)
SALON_NUMBER = "+33757000001"  # a number of the account: customers can reply


class Clock:
    """The back office's clock, moved by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def profile() -> SalonProfile:
    return dataclasses.replace(load_profile(), chairs=1)


def open_day(profile: SalonProfile, *, after_days: int = 4, weekday: int = 2) -> date:
    """The first day at least `after_days` ahead, on `weekday` (Wednesday: 9:30-19:00,
    Thursday until 20:30), with the salon's usual hours that weekday (no holiday) and its
    men's cuts (what `Rig.book` books) too: no stylist away, so on a Wednesday Chloé cuts
    them all day (Yanis is off)."""
    after = datetime.now(profile.timezone).date() + timedelta(days=after_days)
    return usual_day(profile, after=after, weekday=weekday, service="coupe-homme")


def at(profile: SalonProfile, day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=profile.timezone)


@dataclass
class Rig:
    profile: SalonProfile
    db: Path
    calendar: LocalCalendar
    outbox: Outbox
    office: BackOffice
    clock: Clock
    stub: TwilioStub

    async def book(
        self, start: datetime, phone: str = ALICE, name: str = "Alice Durand",
        service_id: str = "coupe-homme",
    ) -> Booking:  # fmt: skip
        service = self.profile.service(service_id)
        slot = Slot(service.id, start, start + timedelta(minutes=service.duration))
        return await self.calendar.book(
            service=service, slot=slot, customer=Customer(name=name, phone=phone)
        )

    def bodies_to(self, phone: str) -> list[str]:
        return [m["body"] for m in self.stub.messages_to(phone)]


def make_rig(
    profile: SalonProfile,
    db: Path,
    stub: TwilioStub,
    *,
    sms_from: str = "MMargaux",
    cfg: JobsSettings | None = None,
    now: datetime | None = None,
    **options: object,
) -> Rig:
    conn = state_db.connect(db)
    twilio = TwilioOptions(
        account_sid=stub.account_sid,
        auth_token=stub.auth_token,
        base_url=stub.base_url,
        sms_from=sms_from,
        timeout=2.0,
        **options,  # type: ignore[arg-type]
    )
    outbox = Outbox(
        notifiers=[TwilioNotifier(twilio, window=WhatsAppWindow(conn))], conn=conn, policy=FAST
    )
    calendar = LocalCalendar(profile, db=db)
    clock = Clock(now or datetime.now(profile.timezone))
    office = BackOffice(
        profile=profile,
        outbox=outbox,
        calendar=calendar,
        cfg=cfg or JobsSettings(),
        clock=clock,
        channel="sms",
        replies=sms_from.startswith("+"),
    )
    return Rig(profile, db, calendar, outbox, office, clock, stub)


@pytest.fixture
def twilio() -> Iterator[TwilioStub]:
    with TwilioStub() as stub:
        yield stub


@pytest.fixture
async def rig(profile: SalonProfile, tmp_path: Path, twilio: TwilioStub) -> AsyncIterator[Rig]:
    made = make_rig(profile, tmp_path / "salon.db", twilio)
    yield made
    await made.office.aclose()
    assert twilio.violations == []
