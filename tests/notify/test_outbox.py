"""Integration tier: the outbox against the Twilio stub on 127.0.0.1 (real `twilio` client).

Each fault test says what happens to the message (kept, retried, marked failed with the
reason) and checks that the stub received it exactly once, or not at all.
"""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest

from notify.outbox import Outbox, RetryPolicy
from notify.phone import InvalidPhone
from salon import state_db
from tests.notify.conftest import FAST, make_outbox
from tests.stubs.twilio import TwilioStub

MOBILE = "+33612345678"


async def _queue(outbox: Outbox, key: str = "bk1:booked:sms", to: str = MOBILE) -> None:
    await outbox.enqueue(channel="sms", to=to, body=f"Maison Margaux : RDV {key}", dedupe_key=key)


async def test_a_message_is_stored_before_sending_and_marked_sent_with_the_sid(
    outbox: Outbox, twilio: TwilioStub, db_path: Path
) -> None:
    queued = await outbox.enqueue(
        channel="sms", to="06 12 34 56 78", body="Bonjour", dedupe_key="bk1:booked:sms"
    )
    assert queued.created and queued.entry.status == "queued"
    assert queued.entry.recipient == MOBILE
    # another connection sees the committed row before any network call
    other = state_db.connect(db_path)
    assert other.execute("SELECT status FROM notify_outbox").fetchone()[0] == "queued"
    assert twilio.attempts == []

    report = await outbox.drain()

    assert report.sent == 1 and report.attempts == 1
    entry = outbox.get("bk1:booked:sms")
    assert entry is not None and entry.status == "sent"
    assert entry.provider_id == twilio.messages[0]["sid"]
    assert twilio.messages[0]["to"] == MOBILE and twilio.messages[0]["from"] == "MMargaux"
    assert twilio.violations == []


async def test_enqueueing_the_same_booking_event_twice_sends_one_sms(
    outbox: Outbox, twilio: TwilioStub
) -> None:
    first = await outbox.enqueue(channel="sms", to=MOBILE, body="A", dedupe_key="bk1:booked:sms")
    await outbox.drain()
    again = await outbox.enqueue(channel="sms", to=MOBILE, body="A", dedupe_key="bk1:booked:sms")
    await outbox.drain()
    assert first.created and not again.created
    assert again.entry.status == "sent"
    assert len(twilio.messages) == 1


async def test_without_twilio_credentials_messages_are_kept_and_sent_once_configured(
    db_path: Path, twilio: TwilioStub
) -> None:
    unconfigured = make_outbox(db_path)  # no Twilio, no SMTP
    await _queue(unconfigured)
    report = await unconfigured.drain()
    entry = unconfigured.get("bk1:booked:sms")
    assert report.sent == 0 and entry is not None
    assert entry.status == "not_sent" and entry.detail == "not sent: Twilio not configured"
    assert twilio.attempts == []

    configured = make_outbox(db_path, twilio=twilio)
    report = await configured.drain()
    await configured.aclose()
    assert report.sent == 1
    assert configured.get("bk1:booked:sms").status == "sent"  # type: ignore[union-attr]
    assert len(twilio.messages) == 1


async def test_a_429_is_retried_with_backoff_and_the_sms_goes_out_once(
    outbox: Outbox, twilio: TwilioStub
) -> None:
    twilio.fail_next(status=429, times=2)
    await _queue(outbox)
    report = await outbox.drain(max_wait=2)
    entry = outbox.get("bk1:booked:sms")
    assert entry is not None and entry.status == "sent" and entry.attempts == 3
    assert report.attempts == 3 and len(twilio.messages) == 1


async def test_a_500_leaves_the_message_queued_for_a_later_drain_when_not_waiting(
    outbox: Outbox, twilio: TwilioStub
) -> None:
    twilio.fail_next(status=500)
    await _queue(outbox)
    report = await outbox.drain()  # one pass, as the agent does during a call
    entry = outbox.get("bk1:booked:sms")
    assert entry is not None and entry.status == "queued" and "500" in (entry.detail or "")
    assert report.retry_later == 1 and twilio.messages == []
    await asyncio.sleep(0.06)
    await outbox.drain()
    assert outbox.get("bk1:booked:sms").status == "sent"  # type: ignore[union-attr]
    assert len(twilio.messages) == 1


async def test_a_persistent_outage_ends_failed_with_the_reason_after_max_attempts(
    outbox: Outbox, twilio: TwilioStub
) -> None:
    twilio.fail_next(status=500, times=10)
    await _queue(outbox)
    report = await outbox.drain(max_wait=2)
    entry = outbox.get("bk1:booked:sms")
    assert entry is not None and entry.status == "failed"
    assert entry.attempts == FAST.max_attempts
    assert "Twilio 500" in (entry.detail or "") and "gave up after 4" in (entry.detail or "")
    assert report.failed == 1 and twilio.messages == []


@pytest.mark.parametrize(
    ("code", "label"), [(21614, "not a mobile number"), (21211, "invalid number")]
)
async def test_twilio_refusing_the_number_is_permanent_and_not_retried(
    outbox: Outbox, twilio: TwilioStub, code: int, label: str
) -> None:
    twilio.fail_next(status=400, code=code)
    await _queue(outbox)
    await outbox.drain(max_wait=1)
    entry = outbox.get("bk1:booked:sms")
    assert entry is not None and entry.status == "failed" and entry.attempts == 1
    assert entry.error_code == code and label in (entry.detail or "")
    assert len(twilio.attempts) == 1


async def test_a_landline_is_refused_at_enqueue_and_nothing_is_stored(
    outbox: Outbox, twilio: TwilioStub
) -> None:
    with pytest.raises(InvalidPhone, match="portable"):
        await _queue(outbox, to="04 78 42 18 90")
    assert outbox.counts() == {}
    assert twilio.attempts == []


async def test_a_landline_reaching_twilio_gets_21614_from_the_stub(
    db_path: Path, twilio: TwilioStub
) -> None:
    # Bypass the local check to show the stub answers like Twilio for a landline.
    from notify.base import OutgoingMessage, SendError
    from notify.twilio_messages import TwilioNotifier
    from tests.notify.conftest import twilio_options

    notifier = TwilioNotifier(twilio_options(twilio))
    with pytest.raises(SendError) as caught:
        await notifier.send(OutgoingMessage(channel="sms", to="+33478421890", body="x"))
    await notifier.aclose()
    assert caught.value.code == 21614 and not caught.value.retryable


async def test_a_timeout_after_twilio_accepted_is_reconciled_not_sent_twice(
    db_path: Path, twilio: TwilioStub
) -> None:
    outbox = make_outbox(db_path, twilio=twilio, timeout=0.3)
    twilio.delay_next(0.6, create=True)  # the client gives up at 0.3 s: Twilio has it
    await _queue(outbox)
    first = await outbox.drain()
    entry = outbox.get("bk1:booked:sms")
    assert first.sent == 0 and entry is not None and entry.status == "queued" and entry.uncertain
    await outbox.aclose()
    await asyncio.sleep(0.4)  # let the late answer finish
    patient = make_outbox(db_path, twilio=twilio, timeout=5)  # later drain, normal timeout
    second = await patient.drain(max_wait=1)
    await patient.aclose()
    entry = patient.get("bk1:booked:sms")
    assert second.recovered == 1 and entry is not None and entry.status == "sent"
    assert len(twilio.messages) == 1 and entry.provider_id == twilio.messages[0]["sid"]


async def test_a_timeout_before_twilio_created_anything_is_sent_again_once(
    db_path: Path, twilio: TwilioStub
) -> None:
    outbox = make_outbox(db_path, twilio=twilio, timeout=0.3)
    twilio.delay_next(0.6, create=False)
    await _queue(outbox)
    await outbox.drain()
    await outbox.aclose()
    await asyncio.sleep(0.4)
    patient = make_outbox(db_path, twilio=twilio, timeout=5)
    report = await patient.drain(max_wait=1)
    await patient.aclose()
    assert report.recovered == 0 and report.sent == 1
    assert len(twilio.messages) == 1


async def test_a_worker_that_died_mid_send_leaves_a_lease_another_worker_recovers(
    db_path: Path, twilio: TwilioStub
) -> None:
    crashed = make_outbox(db_path, twilio=twilio, policy=RetryPolicy(lease_seconds=0.05))
    await _queue(crashed)
    claimed = crashed._claim(["sms"])  # claimed, then the process "dies" before sending
    assert [e.dedupe_key for e in claimed] == ["bk1:booked:sms"]
    survivor = make_outbox(db_path, twilio=twilio)
    assert (await survivor.drain()).sent == 0  # lease still held: not touched
    await asyncio.sleep(0.06)
    report = await survivor.drain()
    await survivor.aclose()
    assert report.sent == 1 and len(twilio.messages) == 1


async def test_refused_credentials_keep_the_message_for_later(
    db_path: Path, twilio: TwilioStub
) -> None:
    outbox = make_outbox(db_path, twilio=twilio, auth_token="wrong-token")
    await _queue(outbox)
    await outbox.drain(max_wait=0.5)
    await outbox.aclose()
    entry = outbox.get("bk1:booked:sms")
    assert entry is not None and entry.status == "not_sent"
    assert entry.detail is not None and "20003" in entry.detail
    assert twilio.messages == []


def test_two_workers_draining_at_once_send_every_message_exactly_once(
    db_path: Path, twilio: TwilioStub
) -> None:
    seed = make_outbox(db_path, twilio=twilio)
    for i in range(120):
        seed.enqueue_now(channel="sms", to=MOBILE, body=f"msg {i}", dedupe_key=f"bk{i}:booked:sms")
    twilio.set_failure_rate(0.2, seed=3)
    reports = []

    def worker() -> None:
        async def run() -> None:
            box = make_outbox(
                db_path,
                twilio=twilio,
                policy=RetryPolicy(max_attempts=12, base_delay=0.005, max_delay=0.02, batch=10),
            )
            reports.append(await box.drain(max_wait=5))
            await box.aclose()

        asyncio.run(run())

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    bodies = [m["body"] for m in twilio.messages]
    assert len(bodies) == 120 and len(set(bodies)) == 120
    assert sum(r.sent for r in reports) == 120
    assert seed.counts() == {"sent": 120}
    assert twilio.violations == []


async def test_bad_input_is_a_clear_error_and_stores_nothing(outbox: Outbox) -> None:
    with pytest.raises(ValueError, match="unknown channel"):
        await outbox.enqueue(channel="fax", to=MOBILE, body="x", dedupe_key="k")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="dedupe key"):
        await outbox.enqueue(channel="sms", to=MOBILE, body="x", dedupe_key=" ")
    with pytest.raises(ValueError, match="empty"):
        await outbox.enqueue(channel="sms", to=MOBILE, body="  ", dedupe_key="k")
    with pytest.raises(ValueError, match="e-mail"):
        await outbox.enqueue(channel="email", to="salon", body="x", dedupe_key="k")
    assert outbox.counts() == {}


async def test_a_429_with_retry_after_waits_at_least_that_long_before_retrying(
    db_path: Path, twilio: TwilioStub
) -> None:
    policy = RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=120)
    outbox = make_outbox(db_path, twilio=twilio, policy=policy)
    twilio.fail_next(status=429, retry_after=30)
    await _queue(outbox)
    before = time.time()
    await outbox.drain()
    await outbox.aclose()
    entry = outbox.get("bk1:booked:sms")
    assert entry is not None and entry.status == "queued" and entry.error_code == 20429
    assert entry.next_attempt_at >= before + 30  # Twilio's Retry-After, not our 10 ms
    assert twilio.messages == []


async def test_the_background_loop_sends_what_arrives_until_stopped(
    outbox: Outbox, twilio: TwilioStub
) -> None:
    stop = asyncio.Event()
    loop = asyncio.create_task(outbox.serve(stop=stop, interval=0.02))
    await _queue(outbox, key="bk1:booked:sms")
    await _queue(outbox, key="bk2:booked:sms")
    for _ in range(200):
        if len(twilio.messages) == 2:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await loop
    assert outbox.counts() == {"sent": 2} and len(twilio.messages) == 2
