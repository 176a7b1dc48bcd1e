"""`python -m booking`: look at the calendar the agent would use.

Examples:
  python -m booking slots "un balayage cheveux longs"
  python -m booking slots "coupe homme" --day 2026-12-05 --window matin
  python -m booking check        # with CAL_API_KEY: is Cal.com set up for the salon?

Exit codes: 0 fine, 1 runtime failure or setup problems, 2 usage error.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date

from booking import CalendarError, SlotPreferences, Window, open_calendar
from salon import settings
from salon.profile import ProfileError, load_profile


async def _slots(args: argparse.Namespace) -> int:
    profile = load_profile()
    calendar = open_calendar(profile)
    try:
        match = calendar.match_service(args.service)
        if match.service is None:
            print(match.question)
            for candidate in match.candidates:
                print(f"  - {candidate.id}: {candidate.name}")
            return 1
        prefs = SlotPreferences(
            day=date.fromisoformat(args.day) if args.day else None,
            window=Window.parse(args.window),
            earliest=args.earliest,
        )
        slots = await calendar.free_slots(service=match.service, prefs=prefs)
        print(f"{match.service.name} ({match.service.duration} min)")
        for slot in slots:
            print(f"  {slot.words}")
        if not slots:
            print("  aucun créneau libre")
        return 0
    except CalendarError as exc:
        print(f"error: {exc.detail or exc}", file=sys.stderr)
        return 1
    finally:
        await calendar.aclose()


async def _check() -> int:
    if not settings.get("CAL_API_KEY"):
        print("CAL_API_KEY is not set: the embedded SQLite calendar is used (nothing to check)")
        return 0
    from booking.calcom import CalComCalendar

    calendar = CalComCalendar(load_profile())
    try:
        problems = await calendar.check_setup()
    except CalendarError as exc:
        print(f"error: {exc.detail or exc}", file=sys.stderr)
        return 1
    finally:
        await calendar.aclose()
    for problem in problems:
        print(f"problem: {problem}")
    print(f"{len(calendar.services())} bookable services checked, {len(problems)} problem(s)")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m booking",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    slots = sub.add_parser("slots", help="free slots for what a caller would say")
    slots.add_argument("service", help='what the caller says, e.g. "un balayage"')
    slots.add_argument("--day", help="YYYY-MM-DD")
    slots.add_argument("--window", help="matin, après-midi or soir")
    slots.add_argument("--earliest", action="store_true", help="le plus tôt possible")
    sub.add_parser("check", help="check the Cal.com event types against salon.toml")
    args = parser.parse_args(argv)
    try:
        if args.command == "slots":
            return asyncio.run(_slots(args))
        return asyncio.run(_check())
    except (ProfileError, settings.MissingSetting, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
