"""`python -m records`: the owner's command line over the call records.

    python -m records --gaps                # questions nothing answered
    python -m records --gaps --since 2026-12-01 --json
    python -m records --messages            # messages taken for the salon
    python -m records --recent 10           # last calls, one line each
    python -m records --show CA123…         # one call (call_sid or #id)
    python -m records --latency             # p50/p95 of per-turn metrics
    python -m records --resolve "Vous faites les extensions ?"
    python -m records --purge-before 2026-06-01
    python -m records forget "06 12 34 56 78"   # erase a person (RGPD); --dry-run first

The state database is `SALON_DB` (default `data/salon.db`) or `--salon-db PATH`.
Usage errors exit 2, runtime failures exit 1 with one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from datetime import UTC, date, datetime

from records.forget_cli import forget_main
from records.report import INTENT_FR, OUTCOME_FR, transcript_email
from records.retention import purge_outbox_before
from records.store import CallRecords
from salon.cli import french_parser
from salon.french import agree, count_fr
from salon.owner_time import owner_time
from salon.phone import display, mask


def _since(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=UTC)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"date attendue sous la forme 2026-12-01, pas {text!r}"
        ) from exc


def _print_gaps(store: CallRecords, args: argparse.Namespace) -> None:
    """Unanswered questions with the number to answer them by (`records answer N`), then,
    apart, those already answered."""
    from records.listing import gap_ids, gap_key

    since = _since(args.since)
    open_gaps = store.knowledge_gaps(since=since)
    ids = gap_ids(store.conn)
    open_keys = {gap_key(g.question) for g in open_gaps}
    answered = [
        g
        for g in store.knowledge_gaps(since=since, include_resolved=True)
        if gap_key(g.question) not in open_keys
    ]
    if args.json:
        for g, is_open in [(g, True) for g in open_gaps] + [(g, False) for g in answered]:
            row = {
                "id": ids.get(gap_key(g.question)) if is_open else None,
                "question": g.question,
                "count": g.count,
                "last_asked": g.last_asked.isoformat(),
                "call_sids": list(g.call_sids),
                "answered": not is_open,
            }
            print(json.dumps(row, ensure_ascii=False))
        return
    if not open_gaps:
        print("aucune question sans réponse")
    else:
        print(f"{count_fr(len(open_gaps), 'question')} sans réponse, les plus posées d'abord :")
        for g in open_gaps:
            number = ids.get(gap_key(g.question))
            print(
                f"#{number:<5} {g.count:>4}×  {g.question}  (dernière fois : {owner_time(g.last_asked)})"
            )
        print('pour répondre : python -m records answer NUMÉRO "texte"')
    if answered:
        print(f"{count_fr(len(answered), 'question')} déjà {agree(len(answered), 'traitée')} :")
        for g in answered:
            print(f"       {g.count:>4}×  {g.question}")


def _print_messages(store: CallRecords, args: argparse.Namespace) -> None:
    pending = store.pending_messages()
    if args.json:
        for sid, m in pending:
            row = {
                "id": m.id,
                "call_sid": sid,
                "caller_name": m.caller_name,
                "callback_number": m.callback_number,
                "message": m.text,
                "channel": m.channel,
                "at": m.at.isoformat() if m.at else None,
            }
            print(json.dumps(row, ensure_ascii=False))
        return
    if not pending:
        print("aucun message en attente")
        return
    print(f"{count_fr(len(pending), 'message')} en attente :")
    for _sid, m in pending:
        who = m.caller_name or "?"
        via = {"sms": "  (SMS)", "whatsapp": "  (WhatsApp)"}.get(m.channel, "")
        print(
            f"#{m.id}  {owner_time(m.at)}  {who}  {display(m.callback_number)}  « {m.text} »{via}"
        )


def _print_recent(store: CallRecords, args: argparse.Namespace) -> None:
    recent = store.recent(args.recent)
    if args.json:
        for rec in recent:
            print(json.dumps(rec.redacted(), ensure_ascii=False))
        return
    if not recent:
        print("aucun appel enregistré")
        return
    # N° is what --show takes; a call without a Twilio reference came through scripts/chat
    print(
        f"{'N°':<6} {'Début':<16}  {'Référence Twilio':<36}  {'Appelant':<14}  "
        f"{'Demande':<27}  Issue"
    )
    for rec in recent:
        print(
            f"#{rec.id:<5} {owner_time(rec.started_at)}  {rec.call_sid or 'aucune':<36}  "
            f"{mask(rec.caller) or 'masqué':<14}  "
            f"{INTENT_FR.get(rec.intent or '', rec.intent or 'non déterminée'):<27}  "
            f"{OUTCOME_FR.get(rec.outcome, rec.outcome)}"
            + (f"  ({rec.failure})" if rec.failure else "")
        )


def _print_show(store: CallRecords, args: argparse.Namespace) -> int:
    record = store.get(args.show)
    if record is None and args.show.lstrip("#").isdigit():
        record = store.get_by_id(int(args.show.lstrip("#")))
    if record is None:
        print(
            f"records : erreur : aucun appel avec le call_sid ou le n° {args.show!r}",
            file=sys.stderr,
        )
        return 1
    from salon.profile import load_profile

    subject, body = transcript_email(record, load_profile())
    print(subject)
    print()
    print(body, end="")
    return 0


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else argv
    if args_list[:1] == ["forget"]:
        return forget_main(args_list[1:])
    if args_list[:1] == ["answer"]:
        from records.answer_cli import main as answer_main

        return answer_main(args_list[1:])
    parser = french_parser(
        prog="python -m records",
        description="Consulte le journal des appels du salon (base SALON_DB).",
        epilog="exemples :\n"
        "  python -m records --gaps --since 2026-12-01\n"
        '  python -m records answer 12 "Oui, sur devis."\n'
        '  python -m records forget "06 12 34 56 78" --dry-run',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--gaps", action="store_true", help="les questions restées sans réponse")
    what.add_argument("--messages", action="store_true", help="les messages pas encore traités")
    what.add_argument("--recent", type=int, metavar="N", help="les N derniers appels")
    what.add_argument(
        "--show", metavar="CALL_SID", help="un appel (call_sid ou #numéro) et sa transcription"
    )
    what.add_argument(
        "--latency", action="store_true", help="temps de réponse médian et p95 par tour (JSON)"
    )
    what.add_argument("--resolve", metavar="QUESTION", help="marquer une question comme traitée")
    what.add_argument(
        "--handled", type=int, metavar="NUMÉRO", help="marquer un message comme traité"
    )
    what.add_argument(
        "--purge-before", metavar="DATE", help="effacer les données personnelles avant DATE"
    )
    parser.add_argument(
        "--since", metavar="DATE", help="seulement à partir de cette date (AAAA-MM-JJ)"
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="accepté pour compatibilité : --gaps liste toujours à part les questions traitées",
    )
    parser.add_argument("--json", action="store_true", help="un objet JSON par ligne")
    parser.add_argument(
        "--salon-db", metavar="FICHIER", help="base du salon (par défaut : SALON_DB)"
    )
    args = parser.parse_args(args_list)
    try:
        for value in (args.since, args.purge_before):
            _since(value)
    except argparse.ArgumentTypeError as exc:
        parser.error(str(exc))
    try:
        store = CallRecords(path=args.salon_db)
        if args.gaps:
            _print_gaps(store, args)
        elif args.messages:
            _print_messages(store, args)
        elif args.recent is not None:
            _print_recent(store, args)
        elif args.show:
            return _print_show(store, args)
        elif args.latency:
            print(json.dumps(store.latency_summary(since=_since(args.since))))
        elif args.resolve:
            n = store.resolve_gap(args.resolve)
            print(f"{count_fr(n, 'occurrence')} {agree(n, 'marquée')} comme {agree(n, 'traitée')}")
        elif args.handled is not None:
            done = store.mark_message_handled(args.handled)
            print(
                "message marqué comme traité"
                if done
                else f"aucun message en attente n° {args.handled}"
            )
            return 0 if done else 1
        elif args.purge_before:
            cutoff = _since(args.purge_before)
            assert cutoff is not None
            purged = store.purge_personal_data(before=cutoff)
            print(f"données personnelles effacées pour {count_fr(purged, 'appel')}")
            gone = purge_outbox_before(store.conn, before=cutoff, now=datetime.now(UTC))
            print(
                f"{count_fr(gone, 'message')} {agree(gone, 'retiré')} de la file d'envoi, "
                "codes utilisés ou expirés effacés"
            )
    except (sqlite3.Error, OSError) as exc:
        print(f"records : erreur : {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
