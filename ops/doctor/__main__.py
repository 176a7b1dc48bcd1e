"""`scripts/doctor [--fix] [--json]`: is every configured service ready for a real call?

Examples:
  scripts/doctor              # one line per check: ok, problem or skipped
  scripts/doctor --fix        # also point the Twilio number at PUBLIC_BASE_URL
  scripts/doctor --json       # one JSON object: {"ok", "checks": [...], "summary"}

Exit codes: 0 nothing is a problem, 1 at least one problem, 2 usage error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys

from ops.doctor import CheckResult, Context, run_checks
from ops.doctor.base import NAME_FR, STATUS_FR
from salon.cli import french_parser
from salon.french import agree, count_fr

EXAMPLES_FR = """exemples :
  scripts/doctor              # une ligne par vérification : ok, problème ou non réglé
  scripts/doctor --fix        # règle aussi le numéro Twilio sur PUBLIC_BASE_URL
  scripts/doctor --json       # un seul objet JSON : {"ok", "checks": [...], "summary"}

codes de sortie : 0 aucun problème, 1 au moins un problème, 2 commande mal écrite.
"""


def _lines(results: list[CheckResult]) -> list[str]:
    width = max(len(NAME_FR.get(r.name, r.name)) for r in results) + 2
    status_width = max(len(STATUS_FR[r.status]) for r in results) + 1
    lines = []
    for result in results:
        texts = result.problems if result.status == "problem" else [result.detail]
        status, name = STATUS_FR[result.status], NAME_FR.get(result.name, result.name)
        for text in texts:
            lines.append(f"{status:<{status_width}} {name:<{width}} {text}")
    return lines


def _summary(results: list[CheckResult]) -> dict[str, int]:
    return {s: sum(r.status == s for r in results) for s in ("ok", "problem", "skipped")}


def main(argv: list[str] | None = None) -> int:
    parser = french_parser(
        prog="scripts/doctor",
        description="Vérifie, avant le premier appel, que salon.toml se lit et que chaque\n"
        "service réglé (LiveKit, Twilio, Cal.com, OpenAI, Deepgram, ElevenLabs, e-mail,\n"
        "adresse publique) répond avec les réglages du salon : un appel réel et peu\n"
        "coûteux par service.",
        epilog=EXAMPLES_FR,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--fix", action="store_true", help="régler les adresses du numéro Twilio (webhooks)"
    )
    parser.add_argument("--json", action="store_true", help="un seul objet JSON")
    parser.add_argument(
        "--timeout",
        type=float,
        default=8.0,
        metavar="SECONDES",
        help="attente maximale par appel à un service (par défaut : 8)",
    )
    args = parser.parse_args(argv)
    if args.timeout <= 0:
        parser.error("--timeout doit être un nombre de secondes positif")
    # libraries log their own retries and warnings: the report says it all, once
    logging.basicConfig(level=logging.CRITICAL)
    results = asyncio.run(run_checks(Context(fix=args.fix, timeout=args.timeout)))
    summary = _summary(results)
    if args.json:
        payload = {
            "ok": summary["problem"] == 0,
            "checks": [r.as_dict() for r in results],
            "summary": summary,
        }
        print(json.dumps(payload, ensure_ascii=False))
    else:
        print("\n".join(_lines(results)))
        print(
            f"\n{count_fr(len(results), 'vérification')} : {summary['ok']} ok, "
            f"{count_fr(summary['problem'], 'problème')}, "
            f"{summary['skipped']} non {agree(summary['skipped'], 'réglée')}"
        )
    return 1 if summary["problem"] else 0


if __name__ == "__main__":
    sys.exit(main())
