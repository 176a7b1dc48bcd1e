"""Back-office benchmark (`scripts/bench jobs`): one pass over a busy salon, and idle CPU.

    scripts/bench jobs [--bookings 5000] [--outbox 10000] [--idle-seconds 62]

A temporary state database gets `--bookings` appointments over 90 days around now (so
the next 48 hours hold about a hundred, due for reminders) and `--outbox` outbox rows of
every status, a fifth of them past the retention time. Then it times:

- `pass_s`: one `run_once` (reminders, waitlist, outbox drain, retention), cold — the
  reminders of the next day decided and queued, old rows deleted — with Twilio not
  configured (nothing is sent; messages are kept as "not sent"), and `steady_pass_s`,
  the next pass;
- `stub_pass_s`: the same cold pass on a fresh copy, the reminders really sent to the
  local Twilio stub;
- `idle_cpu_percent`: `python -m jobs` run as a process on that database with the
  default timing, its CPU time over `--idle-seconds` of wall time (one full pass at the
  start of the window included: the average of a whole cycle).

Targets: `pass_s` ≤ 1 s, `idle_cpu_percent` ≤ 1 %. Prints one JSON object; exit 1 when a
target is missed. Runs isolated: the fixture salon, temporary state, nothing sent.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from booking.local import LocalCalendar
from jobs.config import JobsSettings
from jobs.runner import BackOffice
from notify.outbox import Outbox, RetryPolicy
from notify.twilio_messages import TwilioNotifier, TwilioOptions
from salon import state_db
from salon.measure import cpu_seconds
from salon.profile import SalonProfile, load_profile
from salon.text import fold
from salon.utc import utc_text

PASS_TARGET_S = 1.0
IDLE_TARGET_PERCENT = 1.0
ROOT = Path(__file__).resolve().parents[1]


def seed(db: Path, profile: SalonProfile, *, bookings: int, outbox: int, now: datetime) -> None:
    """Bookings spread over 45 days before and after `now` in opening hours, and outbox
    rows: sent, failed, not sent, queued for later; a fifth older than 90 days."""
    rng = random.Random(7)
    conn = state_db.connect(db)
    services = [s for s in profile.services if s.bookable]
    rows = []
    for i in range(bookings):
        day = (now + timedelta(days=rng.uniform(-45, 45))).astimezone(profile.timezone)
        start = day.replace(hour=rng.randint(9, 17), minute=rng.choice((0, 15, 30, 45)))
        service = services[i % len(services)]
        name = f"Client {i}"
        rows.append(
            (
                secrets.token_urlsafe(12), service.id, utc_text(start),
                utc_text(start + timedelta(minutes=service.duration)), name, fold(name),
                f"+336{10_000_000 + i:08d}", utc_text(start - timedelta(days=20)),
            )
        )  # fmt: skip
    with state_db.write_transaction(conn):
        conn.executemany(
            "INSERT INTO local_bookings (uid, service_id, start_utc, end_utc, name, "
            "name_folded, phone, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        statuses = ("sent",) * 7 + ("failed", "not_sent", "queued")
        now_ts = now.timestamp()
        conn.executemany(
            "INSERT INTO notify_outbox (dedupe_key, channel, recipient, body, status, "
            "next_attempt_at, created_at, updated_at) VALUES (?, 'sms', ?, ?, ?, ?, ?, ?)",
            [
                (
                    f"bench-{i}:booked:sms", f"+336{20_000_000 + i:08d}",
                    f"Maison Margaux : RDV confirmé n°{i}", statuses[i % 10],
                    now_ts + 3600, now_ts - (95 if i % 5 == 0 else 10) * 86400, now_ts,
                )
                for i in range(outbox)
            ],
        )  # fmt: skip
    conn.close()


async def _pass(db: Path, profile: SalonProfile, options: TwilioOptions) -> dict[str, Any]:
    conn = state_db.connect(db)
    box = Outbox(
        notifiers=[TwilioNotifier(options)],
        conn=conn,
        policy=RetryPolicy(base_delay=0.01, max_delay=0.05, batch=200, concurrency=16),
    )
    office = BackOffice(
        profile=profile,
        outbox=box,
        calendar=LocalCalendar(profile, db=db),
        cfg=JobsSettings(),
        channel="sms",
        replies=True,
    )
    try:
        first = await office.run_once()
        second = await office.run_once()
    finally:
        await office.aclose()
    return {
        "pass_s": round(first.seconds, 3),
        "steady_pass_s": round(second.seconds, 3),
        "jobs_s": {r.name: round(r.seconds, 3) for r in first.results},
        "reminders_queued": first.as_dict()["reminders"]["queued"],
        "outbox": first.as_dict()["outbox"],
        "retention": {k: v for k, v in first.as_dict()["retention"].items() if k != "ok"},
        "ok": first.ok and second.ok,
    }


def idle_cpu(db: Path, *, seconds: float) -> dict[str, Any]:
    """CPU of `python -m jobs` over `seconds` of wall time, after its start-up."""
    env = {**os.environ, "SALON_DB": str(db)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "jobs", "--quiet"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(3.0)  # imports and the first pass
        if proc.poll() is not None:
            raise RuntimeError(f"jobs exited: {proc.stderr.read() if proc.stderr else ''}")
        cpu0, wall0 = cpu_seconds(proc.pid), time.monotonic()
        time.sleep(seconds)
        cpu1, wall1 = cpu_seconds(proc.pid), time.monotonic()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return {
        "idle_window_s": round(wall1 - wall0, 1),
        "idle_cpu_s": round(cpu1 - cpu0, 3),
        "idle_cpu_percent": round(100 * (cpu1 - cpu0) / (wall1 - wall0), 3),
        "stopped_cleanly": proc.returncode == 0,
    }


def run(*, bookings: int, outbox: int, idle_seconds: float, tmp: Path) -> dict[str, Any]:
    from tests.fixtures.isolation import FIXTURE_PROFILE  # the tests' own salon
    from tests.stubs.twilio import TwilioStub

    profile = load_profile(FIXTURE_PROFILE)
    now = datetime.now(UTC)
    db = tmp / "bench.db"
    seed(db, profile, bookings=bookings, outbox=outbox, now=now)
    fresh = tmp / "fresh.db"
    shutil.copyfile(db, fresh)
    result: dict[str, Any] = {"benchmark": "jobs", "bookings": bookings, "outbox_rows": outbox}
    result.update(asyncio.run(_pass(db, profile, TwilioOptions())))
    with TwilioStub(validate=False) as stub:
        options = TwilioOptions(
            account_sid=stub.account_sid,
            auth_token=stub.auth_token,
            base_url=stub.base_url,
            sms_from="+33757000001",
        )
        sent = asyncio.run(_pass(fresh, profile, options))
        result["stub_pass_s"] = sent["pass_s"]
        result["stub_messages_sent"] = len(stub.messages)
    if idle_seconds > 0:
        result.update(idle_cpu(db, seconds=idle_seconds))
    result["targets"] = {"pass_s": PASS_TARGET_S, "idle_cpu_percent": IDLE_TARGET_PERCENT}
    result["met"] = result["pass_s"] <= PASS_TARGET_S and (
        idle_seconds <= 0 or result["idle_cpu_percent"] <= IDLE_TARGET_PERCENT
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/bench jobs",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--bookings", type=int, default=5000)
    parser.add_argument("--outbox", type=int, default=10000)
    parser.add_argument(
        "--idle-seconds", type=float, default=62.0, help="0 skips the idle CPU measure"
    )
    args = parser.parse_args(argv)
    from tests.fixtures.isolation import isolated_state

    with isolated_state(prefix="jobs-bench-") as tmp:
        result = run(
            bookings=args.bookings, outbox=args.outbox, idle_seconds=args.idle_seconds, tmp=tmp
        )
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["met"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
