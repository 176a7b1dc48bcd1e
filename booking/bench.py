"""Booking benchmark (`scripts/bench booking`): prints one JSON object.

- `local_free_slots`: the embedded calendar's free-slot search over two weeks
  (`SlotPreferences()` from "now") with stylists: the fixture salon's team plus two more
  (6 stylists, `chairs` = 6), holding 2 000 bookings made through `book()` (the searched
  two weeks filled first, the rest in the weeks after). p50/p95/max in ms for « peu
  importe » (any qualified stylist), for one named stylist, and for a visit of two
  services; also a one-day search and a booking write. Target: p95 ≤ 20 ms for each.
- `silence`: with `--silence-report FILE` (what `scripts/bench booking` passes), the
  result of `scripts/bench silence` (the Cal.com stub answering after 3 s): the worst
  silence from the calendar call to the line or the answer, target ≤ 1 000 ms, and the
  worst from the end of the caller's speech. This module only reads that JSON: booking
  never imports agent.
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
import tomllib
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from booking.calendar import Customer, SlotPreferences, SlotTaken
from booking.local import LocalCalendar
from salon.measure import latency_summary
from salon.profile import SalonProfile, Service, load_profile, parse_profile

TARGET_P95_MS = 20
TARGET_SILENCE_MS = 1000
WINDOW_DAYS = 14

# Two more stylists on top of the fixture salon's four: six in all.
EXTRA_TEAM = [
    {
        "id": "lucas",
        "name": "Lucas Perrin",
        "role": "coiffeur",
        "services": ["Homme", "Enfants", "Femme"],
        "hours": {
            "tuesday": [["09:30", "19:00"]],
            "wednesday": [["09:30", "19:00"]],
            "friday": [["09:30", "19:00"]],
            "saturday": [["09:00", "18:00"]],
        },
    },
    {
        "id": "emma",
        "name": "Emma Garnier",
        "role": "coloriste",
        "services": ["Couleur", "Mèches et balayage", "Soins", "Femme"],
        "hours": {
            "wednesday": [["09:30", "19:00"]],
            "thursday": [["09:30", "20:30"]],
            "friday": [["09:30", "19:00"]],
            "saturday": [["09:00", "18:00"]],
        },
    },
]


def six_stylists(base: SalonProfile) -> SalonProfile:
    """The fixture salon with six stylists and six chairs (parsed like any salon.toml)."""
    if base.source is None:
        raise SystemExit("le profil du salon de test est introuvable")
    data = tomllib.loads(Path(base.source).read_text(encoding="utf-8"))
    data["team"] = [*data.get("team", []), *EXTRA_TEAM]
    data["salon"]["chairs"] = 6
    profile = parse_profile(data, base.source)
    if len(profile.stylists) != 6:
        raise SystemExit(f"{len(profile.stylists)} coiffeurs au lieu de 6 dans le profil du banc")
    return profile


async def _fill(
    calendar: LocalCalendar, services: list[Service], fill: int, rng: random.Random
) -> tuple[int, list[float]]:
    """Book `fill` visits through `book()`: the searched two weeks until they are full,
    then the weeks after. Returns the bookings made and the write timings."""
    profile = calendar.profile
    today = datetime.now(profile.timezone).date()
    days = [today + timedelta(days=d) for d in range(1, WINDOW_DAYS + 1)]
    full: set[date] = set()
    booked, write_ms = 0, []
    attempts = 0
    while booked < fill and attempts < fill * 20:
        attempts += 1
        open_days = [d for d in days if d not in full]
        if not open_days:  # the window is full: a week more
            last = days[-1]
            days += [last + timedelta(days=d) for d in range(1, 8)]
            continue
        day = rng.choice(open_days)
        service = rng.choice(services)
        slots = await calendar.free_slots(
            service=service, prefs=SlotPreferences(day=day), limit=999
        )
        if not slots:  # full for this service; for every one when even the shortest fails
            shortest = await calendar.free_slots(
                service=min(services, key=lambda s: s.duration), prefs=SlotPreferences(day=day)
            )
            if not shortest:
                full.add(day)
            continue
        started = time.perf_counter()
        try:
            await calendar.book(
                service=service,
                slot=rng.choice(slots),
                customer=Customer(name=f"Client {attempts}", phone=f"+3361{attempts:07d}"),
            )
            booked += 1
        except SlotTaken:
            pass
        write_ms.append((time.perf_counter() - started) * 1000)
    return booked, write_ms


async def _timed(iterations: int, search: Callable[[], Awaitable[object]]) -> dict[str, float]:
    samples = []
    for _ in range(iterations):
        started = time.perf_counter()
        await search()
        samples.append((time.perf_counter() - started) * 1000)
    return latency_summary(samples, digits=3)


async def _local(iterations: int, fill: int, seed: int) -> dict[str, Any]:
    profile = six_stylists(load_profile())
    rng = random.Random(seed)
    services = [s for s in profile.services if s.bookable and profile.stylists_for([s.id])]
    pairs = [
        (a, b)
        for a in services
        for b in services
        if a.id != b.id and a.duration + b.duration <= 150 and profile.stylists_for([a.id, b.id])
    ]
    with tempfile.TemporaryDirectory() as tmp:
        calendar = LocalCalendar(profile, db=Path(tmp) / "bench.db")
        now = datetime.now(profile.timezone)
        booked, write_ms = await _fill(calendar, services, fill, rng)
        window_end = now + timedelta(days=WINDOW_DAYS + 1)
        in_window = len(await calendar.bookings_between(now, window_end))

        async def any_stylist() -> None:
            await calendar.free_slots(service=rng.choice(services), now=now)

        async def named() -> None:
            member = rng.choice(profile.stylists)
            theirs = [s for s in services if member.does(s.id)]
            await calendar.free_slots(service=rng.choice(theirs), now=now, stylist=member.id)

        async def visit() -> None:
            first, second = rng.choice(pairs)
            await calendar.free_slots(service=first, extra=(second,), now=now)

        async def one_day() -> None:
            day = now.date() + timedelta(days=rng.randint(1, WINDOW_DAYS))
            prefs = SlotPreferences(day=day)
            await calendar.free_slots(service=rng.choice(services), prefs=prefs, now=now)

        searches = {
            "any_stylist": await _timed(iterations, any_stylist),
            "named_stylist": await _timed(iterations, named),
            "two_service_visit": await _timed(iterations, visit),
        }
        day_search = await _timed(iterations, one_day)
        await calendar.aclose()
    result: dict[str, Any] = {
        "stylists": len(profile.stylists),
        "chairs": profile.chairs,
        "bookings_in_calendar": booked,
        "bookings_in_searched_two_weeks": in_window,
        **searches,
        "one_day": day_search,
        "book": latency_summary(write_ms, digits=3) if write_ms else None,
        "target_p95_ms": TARGET_P95_MS,
    }
    result["meets_target"] = all(s["p95_ms"] <= TARGET_P95_MS for s in searches.values())
    return result


def _silence(path: Path) -> dict[str, Any]:
    """The `scripts/bench silence` report, with its verdict against the target."""
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
        worst = report["after"]["silence_after_calendar_call_ms"]["max_ms"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return {"error": f"scripts/bench silence n'a pas donné de résultat lisible ({exc})"}
    return {
        "calendar_delay_s": report.get("calendar_delay_s"),
        "worst_silence_ms": worst,
        "before_worst_silence_ms": report["before"]["silence_after_calendar_call_ms"]["max_ms"],
        # from the end of the caller's speech (the model's time to its tool call included)
        "worst_silence_after_caller_ms": report["after"]["silence_after_caller_ms"]["max_ms"],
        "lines_with_a_fast_calendar": len(report["fast_calendar"]["lines"]),
        "target_ms": TARGET_SILENCE_MS,
        "meets_target": bool(report.get("meets_target")) and worst <= TARGET_SILENCE_MS,
        "report": report,
    }


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
        description="Booking benchmark: free-slot search with stylists p50/p95, the silence "
        "with a slow calendar, and the outbox drain.",
        epilog="Examples:\n  scripts/bench booking\n  scripts/bench booking --no-outbox"
        "\n  scripts/bench booking --no-silence --fill 500",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--iterations", type=int, default=200, help="searches to time")
    parser.add_argument("--fill", type=int, default=2000, help="bookings to fill with")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-outbox", action="store_true", help="skip notify.bench")
    parser.add_argument(
        "--silence-report", type=Path, help="JSON printed by scripts/bench silence, to include"
    )
    parser.add_argument(
        "--no-silence",
        action="store_true",
        help="scripts/bench booking: do not run scripts/bench silence first (about a minute)",
    )
    args = parser.parse_args(argv)
    from tests.fixtures.isolation import isolated_state

    with isolated_state(prefix="booking-bench-"):
        report: dict[str, Any] = {
            "local_free_slots": asyncio.run(_local(args.iterations, args.fill, args.seed))
        }
        if args.silence_report is not None:
            report["silence"] = _silence(args.silence_report)
        if not args.no_outbox:
            report["outbox"] = _outbox()
    json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
