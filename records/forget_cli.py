"""`python -m records forget PHONE`: erase a person on request, and say what was done.

    python -m records forget "06 12 34 56 78" --dry-run   # what would be erased
    python -m records forget "06 12 34 56 78"             # erase
    python -m records forget +33612345678 --json

Upcoming bookings are listed, not deleted (cancel them with the salon's calendar if the
person asks). Exit 0 when done, 1 when the database cannot be read or a trace remains,
2 on a usage error (not a phone number).
"""

from __future__ import annotations

import json
import sqlite3
import sys
from datetime import UTC, datetime

from records.erasure import ErasureReport, NotAPhoneNumber, open_and_forget
from salon.cli import french_parser
from salon.french import agree, slot_words
from salon.phone import display, region_of
from salon.profile import ProfileError, SalonProfile, load_profile

# What each count of `ErasureReport.done` is, in the singular then the plural (French
# takes the singular for 0 and 1: `done_words`).
WORDS: dict[str, tuple[str, str]] = {
    "calls": ("appel (numéro retiré de la fiche)", "appels (numéro retiré de la fiche)"),
    "transcript_lines": (
        "ligne de transcription supprimée",
        "lignes de transcription supprimées",
    ),
    "gap_questions": ("question sans réponse supprimée", "questions sans réponse supprimées"),
    "messages": (
        "message de ce numéro pour le salon supprimé",
        "messages de ce numéro pour le salon supprimés",
    ),
    "messages_redacted": (
        "message d'une autre personne citant ce numéro (numéro remplacé par « [numéro effacé] »)",
        "messages d'autres personnes citant ce numéro (numéro remplacé par « [numéro effacé] »)",
    ),
    "webhook_calls": (
        "entrée du journal d'appels supprimée",
        "entrées du journal d'appels supprimées",
    ),
    "webhook_call_events": ("statut d'appel supprimé", "statuts d'appel supprimés"),
    "transfer_requests": ("demande de transfert supprimée", "demandes de transfert supprimées"),
    "outbox": (
        "message (SMS, WhatsApp ou e-mail) supprimé de la boîte d'envoi",
        "messages (SMS, WhatsApp ou e-mail) supprimés de la boîte d'envoi",
    ),
    "whatsapp_window": ("fenêtre WhatsApp supprimée", "fenêtres WhatsApp supprimées"),
    "sms_inbound": ("SMS reçu supprimé du journal", "SMS reçus supprimés du journal"),
    "waitlist": (
        "inscription en liste d'attente supprimée",
        "inscriptions en liste d'attente supprimées",
    ),
    "journal": (
        "entrée du journal des rendez-vous supprimée",
        "entrées du journal des rendez-vous supprimées",
    ),
    "bookings": (
        "rendez-vous passé ou annulé anonymisé (nom, téléphone)",
        "rendez-vous passés ou annulés anonymisés (nom, téléphone)",
    ),
    "calcom_links": (
        "rendez-vous Cal.com passé ou annulé anonymisé ici (nom, téléphone)",
        "rendez-vous Cal.com passés ou annulés anonymisés ici (nom, téléphone)",
    ),
    "codes": ("code de vérification supprimé", "codes de vérification supprimés"),
    "grants": ("droit de modification supprimé", "droits de modification supprimés"),
    "redacted": (
        "autre mention du numéro remplacée par « [numéro effacé] »",
        "autres mentions du numéro remplacées par « [numéro effacé] »",
    ),
}


def done_words(kind: str, count: int) -> str:
    """What `count` rows of `kind` are, agreeing with it (« message … supprimé » for 1,
    « messages … supprimés » for 2); an unknown kind is named as it is."""
    singular, plural = WORDS.get(kind, (kind, kind))
    return agree(count, singular, plural)


def _print(report: ErasureReport, *, profile: SalonProfile | None) -> None:
    verb = "Effacement prévu" if report.dry_run else "Effacement"
    print(f"{verb} de {display(report.phone)} ({report.phone}) :")
    if not report.done:
        print("  rien n'était conservé pour ce numéro")
    for kind, count in report.done.items():
        print(f"  {count:>5}  {done_words(kind, count)}")
    if report.upcoming:
        n = len(report.upcoming)
        print(
            f"{n} rendez-vous à venir {agree(n, 'conservé')} (le salon en a besoin ; "
            f"{agree(n, 'annulez-le', 'annulez-les')} si la personne le demande) :"
        )
        for booking in report.upcoming:
            start = booking.start.astimezone(profile.timezone if profile else None)
            service = booking.service_id
            if profile is not None:
                service = next(
                    (s.name for s in profile.services if s.id == booking.service_id), service
                )
            print(f"  {slot_words(start)}  {service}  {booking.name}  ({booking.uid})")
    if report.done.get("calcom_links") or any(b.table == "calcom_links" for b in report.upcoming):
        print("Cal.com garde sa propre copie de ces rendez-vous : effacez-la aussi dans Cal.com.")
    if report.dry_run:
        print("(essai : rien n'a été effacé)")
    if report.leftovers:
        print("Attention, le numéro reste dans : " + ", ".join(report.leftovers))
    elif not report.dry_run:
        print("Plus aucune trace de ce numéro dans la base (hors rendez-vous à venir).")


def forget_main(argv: list[str]) -> int:
    parser = french_parser(
        prog="python -m records forget",
        description="Efface tout ce qui est conservé sur un numéro de téléphone (les "
        "rendez-vous à venir sont listés, pas supprimés).",
        epilog='exemple : python -m records forget "06 12 34 56 78" --dry-run',
    )
    parser.add_argument(
        "phone",
        metavar="NUMÉRO",
        help="le numéro, écrit comme on veut (06…, +33 6…, 0033…)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="montrer ce qui serait effacé, sans rien effacer"
    )
    parser.add_argument("--json", action="store_true", help="un seul objet JSON")
    parser.add_argument(
        "--salon-db", metavar="FICHIER", help="base du salon (par défaut : SALON_DB)"
    )
    args = parser.parse_args(argv)
    profile = _profile()
    # a national number is the salon's region's: « 0596 … » in Martinique is +596 596 …
    region = region_of(profile.holidays_subdivision if profile is not None else None)
    try:
        report = open_and_forget(
            phone=args.phone,
            now=datetime.now(UTC),
            db_path=args.salon_db,
            dry_run=args.dry_run,
            region=region,
        )
    except NotAPhoneNumber:
        parser.error(f"ce n'est pas un numéro de téléphone : {args.phone!r}")
    except (sqlite3.Error, OSError) as exc:
        print(f"records forget : erreur : {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(
            json.dumps(
                {
                    "phone": report.phone,
                    "dry_run": report.dry_run,
                    "done": report.done,
                    "upcoming": [
                        {"uid": b.uid, "start": b.start.isoformat(), "service_id": b.service_id}
                        for b in report.upcoming
                    ],
                    "leftovers": report.leftovers,
                },
                ensure_ascii=False,
            )
        )
    else:
        _print(report, profile=profile)
    return 1 if report.leftovers else 0


def _profile() -> SalonProfile | None:
    """The salon's profile for the listing (its zone and service names), if readable."""
    try:
        return load_profile()
    except (ProfileError, OSError):
        return None
