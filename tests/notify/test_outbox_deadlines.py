"""Integration tier: how long the outbox keeps trying, against the Twilio stub, with the
production retry policy and a clock the test moves (a day of retries in a second).

A salon's customers must get their confirmation or answer once Twilio or the Internet
is back, even hours later; a reminder is of no use after its appointment, so it is
given up then, never sent late; a refusal that will not change fails at once."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from notify.outbox import Outbox, RetryPolicy
from notify.reasons_fr import reason_fr
from tests.notify.conftest import make_outbox
from tests.stubs.twilio import TwilioStub

pytestmark = pytest.mark.integration

MOBILE = "+33612345678"
HOUR = 3600.0
OUTAGE = 10_000  # more failed requests than a day of retries makes


class Clock:
    """UNIX seconds, moved by the test."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _outbox(db_path: Path, twilio: TwilioStub, clock: Clock) -> Outbox:
    outbox = make_outbox(db_path, twilio=twilio, policy=RetryPolicy())  # production policy
    outbox.clock = clock
    return outbox


async def _live_until(
    outbox: Outbox, clock: Clock, key: str, *, until: float, twilio: TwilioStub,
    back_at: float | None = None,
) -> list[float]:  # fmt: skip
    """Drain each time the message is due (as `scripts/jobs` does) until it leaves the
    queue or `until`; Twilio answers again from `back_at`. Returns when attempts were made."""
    tried: list[float] = []
    while clock.now <= until:
        if back_at is not None and clock.now >= back_at:
            twilio.reset()  # the outage is over
            back_at = None
        before = len(twilio.attempts)
        await outbox.drain()
        if len(twilio.attempts) > before:
            tried.append(clock.now)
        entry = outbox.get(key)
        assert entry is not None
        if entry.status != "queued":
            break
        clock.now = max(clock.now + 0.001, entry.next_attempt_at)
    return tried


async def test_a_message_outlives_an_outage_of_a_minute_and_a_half_and_goes_out_once(
    db_path: Path, twilio: TwilioStub
) -> None:
    clock = Clock(time.time())
    start = clock.now
    outbox = _outbox(db_path, twilio, clock)
    twilio.fail_next(status=500, times=OUTAGE)
    outbox.enqueue_now(channel="sms", to=MOBILE, body="RDV confirmé", dedupe_key="bk1:booked:sms")
    await _live_until(outbox, clock, "bk1:booked:sms", until=start + HOUR, twilio=twilio,
                      back_at=start + 90)  # fmt: skip
    await outbox.aclose()
    entry = outbox.get("bk1:booked:sms")
    assert entry is not None and entry.status == "sent", entry
    assert entry.sent_at is not None and entry.sent_at - start < 90 + 128  # one backoff late
    assert len(twilio.messages) == 1


async def test_during_a_long_outage_it_tries_every_ten_minutes_at_most_then_gives_up_after_a_day(
    db_path: Path, twilio: TwilioStub
) -> None:
    clock = Clock(time.time())
    start = clock.now
    outbox = _outbox(db_path, twilio, clock)
    twilio.fail_next(status=500, times=OUTAGE)
    outbox.enqueue_now(channel="sms", to=MOBILE, body="Merci", dedupe_key="reply:SM1:sms")
    tried = await _live_until(outbox, clock, "reply:SM1:sms", until=start + 30 * HOUR,
                              twilio=twilio)  # fmt: skip
    await outbox.aclose()
    entry = outbox.get("reply:SM1:sms")
    assert entry is not None and entry.status == "failed"
    assert max(b - a for a, b in zip(tried, tried[1:], strict=False)) <= 600
    assert 23.8 * HOUR <= tried[-1] - start <= 24 * HOUR  # a whole day, not a minute
    assert entry.attempts == len(tried) > 100
    assert reason_fr(entry.detail) == (
        f"abandonné après {len(tried)} essais : Twilio a un problème de son côté (erreur 500)"
    )
    assert twilio.messages == []


async def test_the_owner_sending_it_again_once_given_up_gets_a_new_span_of_retries(
    db_path: Path, twilio: TwilioStub
) -> None:
    clock = Clock(time.time())
    start = clock.now
    outbox = _outbox(db_path, twilio, clock)
    outbox.policy = RetryPolicy(max_age=HOUR)  # an hour instead of a day: fewer requests
    twilio.fail_next(status=500, times=OUTAGE)
    queued = outbox.enqueue_now(channel="sms", to=MOBILE, body="x", dedupe_key="bk2:booked:sms")
    await _live_until(outbox, clock, "bk2:booked:sms", until=start + 2 * HOUR, twilio=twilio)
    assert outbox.get("bk2:booked:sms").status == "failed"  # type: ignore[union-attr]
    clock.now = start + 3 * HOUR
    assert outbox.retry(queued.entry.id)  # « Renvoyer » on the Envois page
    tried = await _live_until(outbox, clock, "bk2:booked:sms", until=start + 3.5 * HOUR,
                              twilio=twilio)  # fmt: skip
    await outbox.aclose()
    entry = outbox.get("bk2:booked:sms")
    assert entry is not None and entry.status == "queued"  # still trying, Twilio still down
    assert len(tried) > 5


async def test_a_reminder_is_given_up_when_its_appointment_begins_and_never_sent_after(
    db_path: Path, twilio: TwilioStub
) -> None:
    clock = Clock(time.time())
    start = clock.now
    appointment = start + 3 * HOUR
    outbox = _outbox(db_path, twilio, clock)
    twilio.fail_next(status=500, times=OUTAGE)
    outbox.enqueue_now(channel="sms", to=MOBILE, body="rappel", expires_at=appointment,
                       dedupe_key="bk3:reminder@2026-12-08T13:30:00Z:sms")  # fmt: skip
    tried = await _live_until(outbox, clock, "bk3:reminder@2026-12-08T13:30:00Z:sms",
                              until=start + 30 * HOUR, twilio=twilio)  # fmt: skip
    entry = outbox.get("bk3:reminder@2026-12-08T13:30:00Z:sms")
    assert entry is not None and entry.status == "failed"
    assert max(tried) < appointment and clock.now < appointment
    assert entry.detail is not None and entry.detail.startswith("expired before it could be sent")
    assert reason_fr(entry.detail) == (
        "plus envoyé, il serait arrivé trop tard (un rappel après l'heure du rendez-vous, "
        "une proposition après son délai de réponse) ; dernière raison : Twilio a un "
        "problème de son côté (erreur 500)"
    )
    twilio.reset()  # Twilio is back after the appointment: still nothing goes out
    clock.now = appointment + HOUR
    assert outbox.retry(entry.id)
    report = await outbox.drain()
    await outbox.aclose()
    assert report.failed == 1 and twilio.attempts == [] and twilio.messages == []
    assert outbox.get("bk3:reminder@2026-12-08T13:30:00Z:sms").status == "failed"  # type: ignore[union-attr]


async def test_a_reminder_kept_for_lack_of_settings_is_not_sent_after_its_appointment(
    db_path: Path, twilio: TwilioStub
) -> None:
    clock = Clock(time.time())
    unconfigured = make_outbox(db_path)  # no Twilio yet
    unconfigured.clock = clock
    unconfigured.enqueue_now(channel="sms", to=MOBILE, body="rappel", dedupe_key="bk4:reminder",
                             expires_at=clock.now + HOUR)  # fmt: skip
    await unconfigured.drain()
    assert unconfigured.get("bk4:reminder").status == "not_sent"  # type: ignore[union-attr]
    clock.now += 2 * HOUR  # the owner sets Twilio up the afternoon after the appointment
    configured = _outbox(db_path, twilio, clock)
    report = await configured.drain()
    await configured.aclose()
    entry = configured.get("bk4:reminder")
    assert entry is not None and entry.status == "failed" and report.failed == 1
    assert reason_fr(entry.detail).endswith("dernière raison : Twilio n'est pas configuré "
                                            "(TWILIO_ACCOUNT_SID et TWILIO_AUTH_TOKEN dans .env)")  # fmt: skip
    assert twilio.attempts == []


@pytest.mark.parametrize(("code", "says"), [
    (21211, "ce numéro n'est pas valide selon Twilio (code 21211)"),
    (21610, "le client a demandé à ne plus recevoir de SMS du salon (STOP ; Twilio, code 21610)"),
])  # fmt: skip
async def test_a_refusal_that_will_not_change_fails_at_once_despite_a_day_of_retries(
    db_path: Path, twilio: TwilioStub, code: int, says: str
) -> None:
    clock = Clock(time.time())
    outbox = _outbox(db_path, twilio, clock)
    twilio.fail_next(status=400, code=code)
    outbox.enqueue_now(channel="sms", to=MOBILE, body="x", dedupe_key="bk5:booked:sms")
    report = await outbox.drain()
    await outbox.aclose()
    entry = outbox.get("bk5:booked:sms")
    assert entry is not None and entry.status == "failed" and entry.attempts == 1
    assert report.failed == 1 and reason_fr(entry.detail) == says
    assert len(twilio.attempts) == 1
