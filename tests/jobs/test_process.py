"""Integration tier: `python -m jobs` (what `scripts/jobs` runs) as whole processes under a
fake wall clock (libfaketime) against the Twilio stub — two passes at once send each
reminder once, quiet hours hold them, and the loop sends, logs one line per thing done
(never a phone number) and stops cleanly on SIGTERM."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from booking.calendar import Customer, Slot
from booking.local import LocalCalendar
from salon.profile import SalonProfile
from tests.jobs.conftest import SALON_NUMBER, at, open_day
from tests.stubs.twilio import TwilioStub

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
LIBFAKETIME = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")
PHONES = [f"+3361200{n:04d}" for n in range(12)]

needs_faketime = pytest.mark.skipif(
    not LIBFAKETIME.is_file(),
    reason="libfaketime is not installed (Debian package libfaketime; scripts/install adds it)",
)


async def _book_day(db: Path, profile: SalonProfile) -> datetime:
    """Twelve bookings on one day (several chairs), each by another person; returns the
    first start. Booked as a salon without stylists, four at a time (bookings made before
    the team took appointments: each takes one of the chairs)."""
    roomy = dataclasses.replace(profile, chairs=4, team=())
    calendar = LocalCalendar(roomy, db=db)
    service = roomy.service("coupe-homme")
    first = at(roomy, open_day(roomy, after_days=3), 14)
    try:
        for i, phone in enumerate(PHONES):
            start = first + timedelta(minutes=30 * (i // 4))
            await calendar.book(
                service=service,
                slot=Slot(service.id, start, start + timedelta(minutes=30)),
                customer=Customer(name=f"Client {i}", phone=phone),
            )
    finally:
        await calendar.aclose()
    return first


def _env(db: Path, stub: TwilioStub, fake_now: datetime, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "SALON_DB": str(db),
        "TWILIO_ACCOUNT_SID": stub.account_sid,
        "TWILIO_AUTH_TOKEN": stub.auth_token,
        "TWILIO_API_BASE_URL": stub.base_url,
        "TWILIO_SMS_FROM": SALON_NUMBER,
        "LD_PRELOAD": str(LIBFAKETIME),
        "FAKETIME": "@" + fake_now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
        "FAKETIME_DONT_FAKE_MONOTONIC": "1",
        "TZ": "UTC",
        **extra,
    }


def _once(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "jobs", "--once", "--json"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@needs_faketime
async def test_two_job_processes_at_once_send_each_reminder_once(
    tmp_path: Path, profile: SalonProfile, twilio: TwilioStub
) -> None:
    db = tmp_path / "salon.db"
    first = await _book_day(db, profile)
    env = _env(db, twilio, first - timedelta(hours=23))
    procs = [_once(env) for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    reports = [json.loads(out) for out, _ in outputs]
    assert sum(r["reminders"]["queued"] for r in reports) >= len(PHONES)
    sent = Counter(m["to"] for m in twilio.messages)
    assert sent == Counter(PHONES), sent  # every reminder, none twice
    assert all("rappel" in m["body"] and "Répondez ANNULER" in m["body"] for m in twilio.messages)
    assert twilio.violations == []
    # The process really ran at the fake time: the outbox rows are stamped with it.
    created = sqlite3.connect(db).execute("SELECT min(created_at) FROM notify_outbox").fetchone()
    assert abs(created[0] - (first - timedelta(hours=23)).timestamp()) < 120


@needs_faketime
async def test_a_process_in_quiet_hours_holds_the_reminders_until_morning(
    tmp_path: Path, profile: SalonProfile, twilio: TwilioStub
) -> None:
    db = tmp_path / "salon.db"
    first = await _book_day(db, profile)  # 14:00: due 14:00 the day before
    evening = first - timedelta(hours=17)  # 21:00 the day before: quiet, and past due
    out, err = _once(_env(db, twilio, evening)).communicate(timeout=120)
    assert json.loads(out)["reminders"]["queued"] == 0, err
    assert twilio.messages == []
    morning = first - timedelta(hours=5)  # 9:00
    out, err = _once(_env(db, twilio, morning)).communicate(timeout=120)
    assert json.loads(out)["reminders"]["queued"] == len(PHONES), err
    assert len(twilio.messages) == len(PHONES)


@needs_faketime
async def test_the_loop_sends_logs_each_thing_and_stops_on_sigterm(
    tmp_path: Path, profile: SalonProfile, twilio: TwilioStub
) -> None:
    db = tmp_path / "salon.db"
    first = await _book_day(db, profile)
    env = _env(db, twilio, first - timedelta(hours=23), JOBS_INTERVAL="1", JOBS_TICK="0.2")
    log_path = tmp_path / "jobs.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "jobs"], cwd=ROOT, env=env, stdout=log, stderr=log
        )
        try:
            deadline = time.monotonic() + 60
            while len(twilio.messages) < len(PHONES) and time.monotonic() < deadline:
                assert proc.poll() is None, log_path.read_text()
                time.sleep(0.1)
            time.sleep(1.5)  # more passes: nothing more to send
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=20) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
    text = log_path.read_text()
    assert len(twilio.messages) == len(PHONES)
    assert text.count("reminder queued") == len(PHONES)
    assert "back office started" in text and "back office stopped" in text
    assert "Traceback" not in text
    assert not any(p in text for p in PHONES)  # numbers never in the log
