"""Booking benchmark (`scripts/bench booking`): prints one JSON object.

- `local_free_slots`: the embedded calendar's free-slot search for a service over two weeks
  (`SlotPreferences()` from "now"), on a salon filled with bookings, p50/p95 in ms
  (target: p95 ≤ 20 ms). Also a one-day search and a booking write.
- `outbox`: `notify.bench.run()` when that module exists (1 000 confirmations drained
  against the Twilio stub failing 20 % of requests), unless `--no-outbox`.

It runs isolated (`tests.fixtures.isolation`): the fixture salon, temporary state, no
outside service; nothing in the checkout's `data/` or `sources/` is used.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from booking.calendar import Customer, SlotPreferences, SlotTaken
from booking.local import LocalCalendar
from salon.measure import latency_summary
from salon.profile import load_profile


async def _local(iterations: int, fill: int, seed: int) -> dict[str, Any]:
    profile = load_profile()
    rng = random.Random(seed)
    services = [s for s in profile.services if s.bookable]
    with tempfile.TemporaryDirectory() as tmp:
        calendar = LocalCalendar(profile, db=Path(tmp) / "bench.db")
        now = datetime.now(profile.timezone)
        booked = 0
        write_ms: list[float] = []
        for i in range(fill):  # populate two weeks with random bookings
            service = rng.choice(services)
            day = now.date() + timedelta(days=rng.randint(1, 14))
            slots = await calendar.free_slots(
                service=service, prefs=SlotPreferences(day=day), limit=999
            )
            if not slots:
                continue
            slot = rng.choice(slots)
            started = time.perf_counter()
            try:
                await calendar.book(
                    service=service,
                    slot=slot,
                    customer=Customer(name=f"Client {i}", phone=f"+3361{i:07d}"),
                )
                booked += 1
            except SlotTaken:
                pass
            write_ms.append((time.perf_counter() - started) * 1000)
        two_weeks: list[float] = []
        one_day: list[float] = []
        for _ in range(iterations):
            service = rng.choice(services)
            started = time.perf_counter()
            await calendar.free_slots(service=service, now=now)
            two_weeks.append((time.perf_counter() - started) * 1000)
            day = now.date() + timedelta(days=rng.randint(1, 14))
            started = time.perf_counter()
            await calendar.free_slots(service=service, prefs=SlotPreferences(day=day), now=now)
            one_day.append((time.perf_counter() - started) * 1000)
        await calendar.aclose()
    searches = latency_summary(two_weeks, digits=3)
    result: dict[str, Any] = {
        "bookings_in_calendar": booked,
        "chairs": profile.chairs,
        "two_weeks": searches,
        "one_day": latency_summary(one_day, digits=3),
        "book": latency_summary(write_ms, digits=3) if write_ms else None,
        "target_p95_ms": 20,
    }
    result["meets_target"] = searches["p95_ms"] <= 20
    return result


def _outbox() -> dict[str, Any] | None:
    try:
        module = importlib.import_module("notify.bench")
    except ImportError:
        return None
    run = getattr(module, "run", None)
    if not callable(run):
        return None
    outcome = run()
    return outcome if isinstance(outcome, dict) else {"result": outcome}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/bench booking",
        description="Booking benchmark: local free-slot search p50/p95, and the outbox drain.",
        epilog="Examples:\n  scripts/bench booking\n  scripts/bench booking --no-outbox",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--iterations", type=int, default=200, help="searches to time")
    parser.add_argument("--fill", type=int, default=150, help="booking attempts to fill with")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-outbox", action="store_true", help="skip notify.bench")
    args = parser.parse_args(argv)
    from tests.fixtures.isolation import isolated_state

    with isolated_state(prefix="booking-bench-"):
        report: dict[str, Any] = {
            "local_free_slots": asyncio.run(_local(args.iterations, args.fill, args.seed))
        }
        if not args.no_outbox:
            report["outbox"] = _outbox()
    json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
