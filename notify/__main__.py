"""`python -m notify`: the owner's view of the outbox (SMS, WhatsApp, e-mails in SALON_DB).

    python -m notify --list [--status not_sent] [--limit 50]
    python -m notify --drain [--wait 30] [--json]
    python -m notify --test-sms "06 12 34 56 78" [--json]

Help, errors and the drain's summary are in French; `--json` prints the drain's counts
(`DrainReport.as_dict()`) as one JSON object for programs. Usage errors (a number that
cannot receive SMS among them) exit 2; runtime failures exit 1 with one line
« python -m notify : erreur : … » on stderr. `--test-sms` also exits 1 when the test SMS
did not go out (not configured, refused, still waiting), its French line saying why, so
a script or an owner checking the code learns it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import sqlite3
import sys
import time
from collections.abc import Iterator

from notify.outbox import STATUSES, Outbox, OutboxEntry
from notify.phone import InvalidPhone, sms_number
from notify.reasons_fr import CHANNEL_FR, KIND_FR, OTHER_KIND, STATUS_FR, kind_fr, reason_fr
from notify.records import DrainReport
from salon.cli import french_parser
from salon.french import agree, count_fr
from salon.owner_time import owner_time
from salon.phone import mask
from salon.profile import ProfileError
from salon.settings import MissingSetting

PROG = "python -m notify"

STATUS_NOTES = {"not_sent": " (réglages manquants)"}
STATUS_WIDTH = max(map(len, STATUS_FR.values()))  # the list's status column
CHANNEL_WIDTH = max(map(len, CHANNEL_FR.values()))  # the list's channel column
KIND_WIDTH = max(map(len, [*KIND_FR.values(), OTHER_KIND]))  # what each message is


def statuses_help(width: int = 79) -> str:
    """The help's « statuts : » lines: each `--status` value and the words the list and
    the console show for it (`notify.reasons_fr.STATUS_FR`), never split in two."""
    items = [f"{s} = {STATUS_FR[s]}{STATUS_NOTES.get(s, '')}" for s in STATUSES]
    lines = ["statuts (pour --status) :"]
    for n, item in enumerate(items):
        item += "." if n == len(items) - 1 else ","
        if len(lines[-1]) + 1 + len(item) > width:
            lines.append(item)
        else:
            lines[-1] += " " + item
    return "\n".join(lines)


EXAMPLES_FR = f"""exemples :
  python -m notify --list                       # les derniers messages et leur statut
  python -m notify --list --status not_sent     # ceux gardés faute de réglages
  python -m notify --drain --wait 30            # envoyer ce qui est dû, réessayer 30 s
  python -m notify --test-sms "06 12 34 56 78"  # un SMS de test vers votre portable
  python -m notify --drain --json               # le bilan en un objet JSON (programmes)

{statuses_help()}
codes de sortie : 0 tout va bien, 1 échec (dont un SMS de test non envoyé),
2 commande mal écrite ou numéro refusé.
"""


def _mask(recipient: str) -> str:
    """`p***@example.fr` for an e-mail address, `salon.phone.mask` for a number."""
    if "@" in recipient:
        name, _, domain = recipient.partition("@")
        return f"{name[:1]}***@{domain}"
    return mask(recipient.removeprefix("whatsapp:"))


def summary(report: DrainReport) -> list[str]:
    """A drain in a few French lines: what this drain sent or gave up on, what the outbox
    still holds (`retry_later`, `not_sent` count the whole outbox) and what to do next."""
    if not (
        report.sent or report.failed or report.recovered or report.retry_later or report.not_sent
    ):
        return ["Rien à envoyer : aucun message en attente."]
    done = f"{count_fr(report.sent, 'message')} {agree(report.sent, 'envoyé')}, {report.failed} en échec"
    if report.recovered:
        n = report.recovered
        done += f", {n} déjà {agree(n, 'reçu')} par le fournisseur (pas {agree(n, 'renvoyé')})"
    lines = [done + "."]
    if report.retry_later or report.not_sent:
        lines.append(
            f"Encore dans la file : {report.retry_later} à réessayer plus tard, "
            f"{report.not_sent} non {agree(report.not_sent, 'envoyé')} faute de réglages."
        )
    else:
        lines.append("Plus rien en attente dans la file.")
    if report.failed:
        lines.append("Pourquoi en échec : python -m notify --list --status failed")
    if report.retry_later:
        lines.append(
            "Les messages à réessayer partent avec scripts/jobs, "
            "ou : python -m notify --drain --wait 30"
        )
    if report.not_sent:
        lines.append(
            "Non envoyés : réglez Twilio (SMS, WhatsApp) ou SMTP (e-mails) dans .env "
            "(scripts/doctor dit quoi), ils partiront au prochain envoi ; "
            "la liste : python -m notify --list --status not_sent"
        )
    return lines


def _reason(detail: str | None) -> str:
    """The outbox's stored reason (English, for logs) as the owner should read it."""
    return reason_fr(detail) or "raison inconnue"


def words_for_test_sms(entry: OutboxEntry | None) -> str:
    """What became of the test SMS, in one French line."""
    if entry is None:
        return "SMS de test introuvable dans la file."
    to = _mask(entry.recipient)
    if entry.status == "sent":
        return f"SMS de test envoyé au {to} : regardez le portable."
    if entry.status == "queued":
        return (
            f"SMS de test pour le {to} pas encore parti ({_reason(entry.detail)}) : "
            "nouvel essai plus tard, ou relancez avec --wait 30."
        )
    if entry.status == "sending":
        return f"SMS de test pour le {to} {STATUS_FR['sending']}."
    if entry.status == "failed":
        return f"Échec du SMS de test pour le {to} : {_reason(entry.detail)}."
    return f"SMS de test pour le {to} {STATUS_FR['not_sent']} : {_reason(entry.detail)}."


def _row(*cells: str) -> str:
    """One line of the list: number, time, channel, recipient, status, attempts, what the
    message is, then why it waits (or the provider's id), in aligned columns."""
    number, when, channel, to, status, attempts, kind, detail = cells
    return (
        f"{number:>5}  {when:<16}  {channel:<{CHANNEL_WIDTH}} {to:<16} "
        f"{status:<{STATUS_WIDTH}} {attempts:>6}  {kind:<{KIND_WIDTH}}  {detail}"
    ).rstrip()


LIST_HEADER = _row(
    "n°", "créé le", "canal", "destinataire", "statut", "essais", "message", "détail"
)


def _list(args: argparse.Namespace) -> int:
    outbox = Outbox(db_path=args.db)
    entries = outbox.entries(status=args.status, limit=args.limit or 50)
    if entries:
        print(LIST_HEADER)
    for e in entries:
        print(
            _row(
                str(e.id),
                owner_time(e.created_at),
                CHANNEL_FR.get(e.channel, e.channel),
                _mask(e.recipient),
                STATUS_FR.get(e.status, e.status),
                str(e.attempts),
                kind_fr(e.dedupe_key),
                reason_fr(e.detail) or e.provider_id or "",
            )
        )
    counts = outbox.counts()
    totals = ", ".join(f"{STATUS_FR.get(k, k)} {n}" for k, n in sorted(counts.items())) or "aucun"
    print(
        f"{count_fr(len(entries), 'message')} {agree(len(entries), 'affiché')} ; en tout : {totals}"
    )
    return 0


async def _drain(args: argparse.Namespace) -> tuple[DrainReport, OutboxEntry | None]:
    """Drain the outbox (after queueing the test SMS, if asked); the test SMS as it ended."""
    from notify.service import outbox_from_settings
    from salon.profile import load_profile

    outbox = outbox_from_settings(db_path=args.db)
    try:
        key = None
        if args.test_sms:
            profile = load_profile()
            body = f"{profile.short_name} : SMS de test de l'assistante téléphonique."
            key = f"test:{time.time_ns()}"
            await outbox.enqueue(channel="sms", to=args.test_sms, body=body, dedupe_key=key)
        report = await outbox.drain(max_wait=args.wait or 0.0)
        return report, outbox.get(key) if key else None
    finally:
        await outbox.aclose()


def _mobile(text: str) -> str:
    """An argparse type: a number that can receive SMS, as typed."""
    try:
        sms_number(text)
    except InvalidPhone as exc:
        raise argparse.ArgumentTypeError(f"{exc.reason} (« {text} »)") from exc
    return text


def _parser() -> argparse.ArgumentParser:
    parser = french_parser(
        prog=PROG,
        description="Consulte ou envoie les messages (SMS, WhatsApp, e-mails) gardés dans "
        "la file d'envoi du salon (SALON_DB).",
        epilog=EXAMPLES_FR,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument(
        "--list", action="store_true", help="les messages, du plus récent au plus ancien"
    )
    action.add_argument(
        "--drain", action="store_true", help="envoyer maintenant ce qui doit partir"
    )
    action.add_argument(
        "--test-sms",
        metavar="NUMÉRO",
        type=_mobile,
        help="mettre un SMS de test en file vers ce portable, puis envoyer",
    )
    parser.add_argument(
        "--status", choices=STATUSES, help="avec --list : seulement ce statut (voir plus bas)"
    )
    parser.add_argument(
        "--limit", type=int, metavar="N", help="avec --list : au plus N lignes (50 par défaut)"
    )
    parser.add_argument(
        "--wait",
        type=float,
        metavar="SECONDES",
        help="avec --drain ou --test-sms : réessayer pendant ce temps ce qui échoue",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="avec --drain ou --test-sms : le bilan en un objet JSON (pour les programmes)",
    )
    parser.add_argument(
        "--db", metavar="CHEMIN", help="la base d'état (par défaut SALON_DB ou data/salon.db)"
    )
    return parser


@contextlib.contextmanager
def _library_warnings_hidden() -> Iterator[None]:
    """The outbox's English WARNING log lines (a channel not configured, a message given
    up) would reach the owner's terminal through logging's last-resort handler; the French
    summary says the same, so only errors are shown while the command runs."""
    log = logging.getLogger("notify")
    before = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(before)


def _failed(message: str) -> int:
    print(f"{PROG} : erreur : {message}", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.list and (args.wait is not None or args.json):
        parser.error("--wait et --json vont avec --drain ou --test-sms")
    if not args.list and (args.status is not None or args.limit is not None):
        parser.error("--status et --limit vont avec --list")
    if args.limit is not None and args.limit < 1:
        parser.error("--limit doit valoir au moins 1")
    if args.wait is not None and not args.wait >= 0:
        parser.error("--wait ne peut pas être négatif")

    try:
        with _library_warnings_hidden():
            if args.list:
                return _list(args)
            report, test = asyncio.run(_drain(args))
    except InvalidPhone as exc:
        return _failed(exc.reason)
    except (MissingSetting, ProfileError, ValueError) as exc:  # worded in French
        return _failed(str(exc))
    except (sqlite3.Error, OSError) as exc:
        return _failed(f"la base d'état (SALON_DB ou --db) ne s'ouvre pas : {exc}")
    except Exception as exc:  # one line, no traceback
        return _failed(f"échec inattendu ({type(exc).__name__} : {exc})")
    test_failed = bool(args.test_sms) and (test is None or test.status != "sent")
    if args.json:
        print(json.dumps(report.as_dict()))
        return 1 if test_failed else 0
    if args.test_sms:
        print(words_for_test_sms(test))
    print("\n".join(summary(report)))
    return 1 if test_failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
