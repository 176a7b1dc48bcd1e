"""`python -m notify --list|--drain|--test-sms N`: see or send what the outbox keeps."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

from notify.outbox import STATUSES, Outbox
from notify.phone import InvalidPhone
from notify.records import DrainReport
from salon.phone import mask

EXAMPLES = """examples:
  python -m notify --list --status not_sent
  python -m notify --drain --wait 30
  python -m notify --test-sms "06 12 34 56 78"
"""


def _mask(recipient: str) -> str:
    """`p***@example.fr` for an e-mail address, `salon.phone.mask` for a number."""
    if "@" in recipient:
        name, _, domain = recipient.partition("@")
        return f"{name[:1]}***@{domain}"
    return mask(recipient.removeprefix("whatsapp:"))


STATUS_FR = {
    "queued": "en file",
    "sending": "en cours",
    "sent": "envoyé",
    "failed": "en échec",
    "not_sent": "non envoyé",
}


def _list(args: argparse.Namespace) -> int:
    outbox = Outbox(db_path=args.db)
    entries = outbox.entries(status=args.status, limit=args.limit)
    for e in entries:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(e.created_at))
        print(
            f"{e.id:>5}  {when}  {e.channel:<8} {_mask(e.recipient):<16} "
            f"{STATUS_FR.get(e.status, e.status):<10} "
            f"{e.attempts}  {e.dedupe_key}  {e.detail or e.provider_id or ''}"
        )
    counts = outbox.counts()
    totals = ", ".join(f"{STATUS_FR.get(k, k)} {n}" for k, n in sorted(counts.items())) or "aucun"
    print(f"{len(entries)} message(s) affiché(s) ; en tout : {totals}")
    return 0


async def _drain(args: argparse.Namespace) -> DrainReport:
    from notify.service import outbox_from_settings
    from salon.profile import load_profile

    outbox = outbox_from_settings(db_path=args.db)
    try:
        if args.test_sms:
            profile = load_profile()
            body = f"{profile.short_name} : SMS de test de l'assistante téléphonique."
            await outbox.enqueue(
                channel="sms", to=args.test_sms, body=body, dedupe_key=f"test:{time.time_ns()}"
            )
        return await outbox.drain(max_wait=args.wait)
    finally:
        await outbox.aclose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m notify",
        description="See or send the messages kept in the outbox (SALON_DB).",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--list", action="store_true", help="list messages, newest first")
    action.add_argument("--drain", action="store_true", help="send what is due now")
    action.add_argument("--test-sms", metavar="NUMBER", help="queue a test SMS, then drain")
    parser.add_argument("--status", choices=STATUSES, help="with --list: only this status")
    parser.add_argument("--limit", type=int, default=50, help="with --list: at most N rows")
    parser.add_argument("--wait", type=float, default=0.0, help="when draining: retry N seconds")
    parser.add_argument("--db", help="state database (default SALON_DB or data/salon.db)")
    args = parser.parse_args(argv)

    if args.list:
        return _list(args)
    try:
        report = asyncio.run(_drain(args))
    except InvalidPhone as exc:
        print(f"error: {exc.reason}", file=sys.stderr)
        return 1
    except Exception as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(report.as_dict()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
