"""`python -m records answer GAP_ID "texte"`: the owner answers a question callers asked.

The answer is added to `reponses-du-salon.md` in the salon's sources (the folder of
`SALON_PROFILE`, or `--sources`), the question is marked answered, then the knowledge
base is rebuilt by `scripts/reindex`'s own module in a child process (`records/` may not
import `kb/`), so the next caller gets the answer. `--no-reindex` skips that step.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from records.answers import AnswerError, answer_gap
from salon import settings, state_db
from salon.cli import french_parser
from salon.french import agree, count_fr

EXAMPLES = """exemples :
  python -m records --gaps                                  # les questions et leurs numéros
  python -m records answer 12 "Oui, nous faisons les extensions à la kératine, sur devis."
"""


def reindex(sources: Path) -> int:
    """Rebuild the knowledge base from `sources` (KB_DB); the reindex's exit code."""
    command = [sys.executable, "-m", "kb.cli.reindex", "--sources", str(sources), "--quiet"]
    return subprocess.run(command, check=False).returncode


def main(argv: list[str]) -> int:
    parser = french_parser(
        prog="python -m records answer",
        description="Répond à une question que l'assistante n'a pas su traiter : la réponse "
        "est ajoutée au document des réponses du salon, puis la base de connaissances est "
        "mise à jour.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("gap_id", type=int, metavar="NUMÉRO", help="le numéro affiché par --gaps")
    parser.add_argument("text", metavar="TEXTE", help="la réponse, en français")
    parser.add_argument(
        "--sources", type=Path, metavar="DOSSIER", help="le dossier des documents du salon"
    )
    parser.add_argument(
        "--salon-db", metavar="FICHIER", help="base du salon (par défaut : SALON_DB)"
    )
    parser.add_argument(
        "--no-reindex", action="store_true", help="ne pas mettre à jour la base de connaissances"
    )
    args = parser.parse_args(argv)
    sources = args.sources or settings.salon_profile_path().parent
    try:
        conn = state_db.connect(args.salon_db)
        try:
            done = answer_gap(conn, gap_id=args.gap_id, text=args.text, sources=sources)
        finally:
            conn.close()
    except AnswerError as exc:
        print(f"records : erreur : {exc}", file=sys.stderr)
        return 1
    print(
        f"Réponse ajoutée à {done.document.name} pour « {done.question} » "
        f"({count_fr(done.occurrences, 'appel')} {agree(done.occurrences, 'marqué')} comme "
        f"{agree(done.occurrences, 'traité')})."
    )
    if args.no_reindex:
        print("Pensez à lancer scripts/reindex pour que l'assistante la donne.")
        return 0
    code = reindex(sources)
    if code != 0:
        print(
            "records : erreur : la réponse est enregistrée mais la réindexation a échoué ; "
            "relancez scripts/reindex",
            file=sys.stderr,
        )
        return 1
    print("Base de connaissances mise à jour : l'assistante donnera cette réponse.")
    return 0
