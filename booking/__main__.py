"""`python -m booking`: look at the calendar the agent would use.

Examples:
  python -m booking list                        # today and the next 7 days
  python -m booking list --day 2026-12-12
  python -m booking list --from 2026-12-01 --to 2026-12-31 --json
  python -m booking slots "un balayage cheveux longs"
  python -m booking slots "coupe homme" --day 2026-12-05 --window matin
  python -m booking slots "couleur racines" --also "coupe homme" --avec Chloé
  python -m booking check        # with CAL_API_KEY: is Cal.com set up for the salon?

Exit codes: 0 fine, 1 runtime failure, setup problems or a service to make precise (`slots
"balayage"` asks which, listing each candidate's id and name: give one of them), 2 usage
error.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import re
import sys
from collections.abc import Iterator
from datetime import date, datetime
from typing import cast

from booking import (
    Calendar,
    CalendarError,
    CalendarUnavailable,
    ServiceMatch,
    SlotPreferences,
    Window,
    open_calendar,
)
from booking.agenda import AppointmentBook, Period, as_json, bookings_in, table
from booking.hours import closed_words, off_words
from salon import settings
from salon.cli import french_parser
from salon.french import agree, count_fr
from salon.profile import ProfileError, SalonProfile, load_profile

EXAMPLES_FR = """exemples :
  python -m booking list                        # aujourd'hui et les 7 jours suivants
  python -m booking list --day 2026-12-12
  python -m booking list --from 2026-12-01 --to 2026-12-31 --json
  python -m booking slots "un balayage cheveux longs"
  python -m booking slots "coupe homme" --day 2026-12-05 --window matin
  python -m booking slots "couleur racines" --also "coupe homme" --avec Chloé
  python -m booking check        # avec CAL_API_KEY : Cal.com est-il prêt pour le salon ?

codes de sortie : 0 tout va bien, 1 échec, réglages à revoir ou prestation à préciser
(la question et les prestations possibles s'affichent : relancez avec l'une d'elles),
2 commande mal écrite.
"""


PROG = "python -m booking"
# ops/doctor's and `check`'s wording for the same fact
LOCAL_CALENDAR = "CAL_API_KEY n'est pas réglé : l'agenda intégré du salon est utilisé"


def _open_calendar(profile: SalonProfile, *, say: bool = True) -> Calendar:
    """`open_calendar`, telling the owner once on stderr, in French, when the embedded
    calendar is used (the library logs it in English at INFO, which is not shown here)."""
    if say and not settings.get("CAL_API_KEY"):
        print(LOCAL_CALENDAR, file=sys.stderr)
    return open_calendar(profile)


async def _slots(args: argparse.Namespace) -> int:
    profile = load_profile()
    calendar = _open_calendar(profile)
    try:
        match = calendar.match_service(args.service)
        if match.service is None:
            _ask_which(match)
            return 1
        prefs = SlotPreferences(
            day=args.day,
            window=Window.parse(args.window),
            earliest=args.earliest,
        )
        extra = []
        for said in args.also or []:
            more = calendar.match_service(said)
            if more.service is None:
                _ask_which(more)
                return 1
            extra.append(more.service)
        stylist = None
        if args.avec:
            member = profile.find_stylist(args.avec)
            if member is None:
                team = ", ".join(m.first_name for m in profile.stylists) or "aucune équipe"
                print(f"Personne ne s'appelle « {args.avec} » dans l'équipe ({team}).")
                return 1
            stylist = member.id
        slots = await calendar.free_slots(
            service=match.service, prefs=prefs, extra=tuple(extra), stylist=stylist
        )
        visit = [match.service, *extra]
        names = " + ".join(s.name for s in visit)
        print(f"{names} ({sum(s.duration for s in visit)} min)")
        for slot in slots:
            name = profile.stylist_name(slot.stylist_id)
            who = f" avec {name}" if name else ""
            print(f"  {slot.words}{who}")
        if not slots:
            member = profile.stylist(stylist) if stylist else None
            why = _closed(profile, prefs.day) if prefs.day else None
            if why is None and member and prefs.day:
                why = off_words(profile, member, prefs.day)
            print(f"  aucun créneau libre{f' : {why}' if why else ''}")
        return 0
    except CalendarError as exc:
        print(f"{PROG} : erreur : {_owner_words(exc)}", file=sys.stderr)
        return 1
    finally:
        await calendar.aclose()


def _ask_which(match: ServiceMatch) -> None:
    """The receptionist's question for words that name several services (or none), then
    each candidate's id and name, either of which the command takes."""
    print(match.question)
    for candidate in match.candidates:
        print(f"  - {candidate.id}: {candidate.name}")


def _closed(profile: SalonProfile, day: date) -> str | None:
    """« le salon est fermé ce jour-là (fêtes de Noël) », to follow « aucun créneau
    libre : »; None when the salon opens on `day`."""
    words = closed_words(profile, day)
    return words[0].lower() + words[1:].rstrip(".") if words else None


def _day(text: str) -> date:
    """An argparse type: `YYYY-MM-DD`."""
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"date attendue sous la forme 2026-12-12, pas {text!r}"
        ) from exc


def _failure(exc: CalendarError) -> str:
    """A failed Cal.com call in the owner's words (`booking.calcom_owner.failure`)."""
    from booking.calcom_owner import failure

    return failure(exc.detail or str(exc))


_SETUP_FR = (
    (
        re.compile(r"service (\S+) has no Cal\.com event type"),
        "la prestation {0} n'a pas de type d'événement Cal.com : ajoutez son "
        "cal_event_type_id dans salon.toml",
    ),
    (
        re.compile(r"stylist (\S+) has no Cal\.com username"),
        "le membre de l'équipe « {0} » n'a pas de cal_username dans salon.toml : Cal.com "
        "ne peut pas lui donner de rendez-vous",
    ),
    (
        re.compile(r"no stylist has a cal_username in salon\.toml"),
        "aucun membre de l'équipe n'a de cal_username dans salon.toml",
    ),
)


def _owner_words(exc: CalendarError) -> str:
    """A calendar failure as the owner should read it, in French: Cal.com's failures in
    the owner's words (`booking.calcom_owner.failure`), the French sentence a refusal
    carries (« Yanis ne réalise pas cette prestation. »), a Cal.com setup gap named with
    its salon.toml field. The English `detail` is for the logs; it is shown, in
    parentheses, only when nothing better is known."""
    if isinstance(exc, CalendarUnavailable):
        if settings.get("CAL_API_KEY"):
            return _failure(exc)
        return f"l'agenda ne peut pas être lu pour le moment ({exc.detail or exc})"
    if exc.caller_message != type(exc).default_message:
        return exc.caller_message  # worded for this refusal, in French
    for pattern, words in _SETUP_FR:
        if m := pattern.search(exc.detail):
            return words.format(*m.groups())
    return f"l'agenda refuse la demande ({exc.detail or exc})"


@contextlib.contextmanager
def _library_warnings_hidden() -> Iterator[None]:
    """The calendars' English WARNING log lines (« Cal.com deadline exceeded », « stylist's
    slots not read ») would reach the owner's terminal through logging's last-resort
    handler; the command's own French line says what failed, so only errors are shown
    while it runs (a program that configures logging still gets every record)."""
    log = logging.getLogger("booking")
    before = log.level
    if not logging.getLogger().handlers and not log.handlers:
        log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(before)


async def _list(args: argparse.Namespace, profile: SalonProfile, period: Period) -> int:
    calendar = _open_calendar(profile, say=not args.json)  # the JSON names the calendar
    kind = "calcom" if settings.get("CAL_API_KEY") else "local"
    try:
        bookings = await bookings_in(cast(AppointmentBook, calendar), period)
    except CalendarError as exc:
        print(f"{PROG} : erreur : {_owner_words(exc)}", file=sys.stderr)
        return 1
    finally:
        await calendar.aclose()
    if args.json:
        print(json.dumps(as_json(bookings, profile=profile, period=period, calendar=kind),
                         ensure_ascii=False))  # fmt: skip
    else:
        print(table(bookings, profile=profile, period=period))
    return 0


async def _check() -> int:
    if not settings.get("CAL_API_KEY"):
        print(f"{LOCAL_CALENDAR} (rien à vérifier)")
        return 0
    from booking.calcom import CalComCalendar

    calendar = CalComCalendar(load_profile())
    try:
        problems = await calendar.check_setup()
    except CalendarError as exc:
        print(f"{PROG} : erreur : {_owner_words(exc)}", file=sys.stderr)
        return 1
    finally:
        await calendar.aclose()
    for problem in problems:
        print(f"problème : {problem}")
    n = len(calendar.services())
    print(
        f"{count_fr(n, 'prestation')} {agree(n, 'réservable')} {agree(n, 'vérifiée')}, "
        f"{count_fr(len(problems), 'problème')}"
    )
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = french_parser(
        prog=PROG,
        description="Consulte l'agenda tel que l'assistante le voit.",
        epilog=EXAMPLES_FR,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")
    listing = sub.add_parser(
        "list",
        help="le carnet de rendez-vous : heure, prestation, client, téléphone masqué",
        description="Les rendez-vous d'un jour ou d'une période (par défaut : aujourd'hui "
        "et les 7 jours suivants), à l'heure du salon. "
        "Exemple : python -m booking list --day 2026-12-12",
    )
    listing.add_argument("--day", type=_day, metavar="AAAA-MM-JJ", help="un seul jour")
    listing.add_argument(
        "--from", dest="first", type=_day, metavar="AAAA-MM-JJ", help="premier jour"
    )
    listing.add_argument("--to", dest="last", type=_day, metavar="AAAA-MM-JJ", help="dernier jour")
    listing.add_argument("--json", action="store_true", help="un seul objet JSON")
    slots = sub.add_parser(
        "slots",
        help="les créneaux libres pour ce que dirait un client",
        description="Les créneaux libres que l'assistante proposerait. "
        'Exemple : python -m booking slots "coupe homme" --day 2026-12-05 --window matin',
    )
    slots.add_argument(
        "service", metavar="PRESTATION", help='ce que dit le client, par exemple "un balayage"'
    )
    slots.add_argument("--day", type=_day, metavar="AAAA-MM-JJ", help="le jour voulu")
    slots.add_argument("--window", metavar="MOMENT", help="matin, après-midi ou soir")
    slots.add_argument("--earliest", action="store_true", help="le plus tôt possible")
    slots.add_argument(
        "--also",
        action="append",
        metavar="PRESTATION",
        help="une autre prestation du même rendez-vous (répétable)",
    )
    slots.add_argument("--avec", metavar="PRÉNOM", help="la coiffeuse demandée, par exemple Chloé")
    sub.add_parser(
        "check",
        help="vérifier les types d'événements Cal.com par rapport à salon.toml",
        description="Vérifie que Cal.com est prêt pour le salon (avec CAL_API_KEY).",
    )
    args = parser.parse_args(argv)
    try:
        with _library_warnings_hidden():
            return _run(args, listing)
    except (ProfileError, settings.MissingSetting, ValueError) as exc:
        print(f"{PROG} : erreur : {exc}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace, listing: argparse.ArgumentParser) -> int:
    if args.command == "list":
        profile = load_profile()
        try:
            period = Period.around(
                today=datetime.now(profile.timezone).date(),
                day=args.day, first=args.first, last=args.last,
            )  # fmt: skip
        except ValueError as exc:
            listing.error(str(exc))  # exits 2
        return asyncio.run(_list(args, profile, period))
    if args.command == "slots":
        return asyncio.run(_slots(args))
    return asyncio.run(_check())


if __name__ == "__main__":
    raise SystemExit(main())
