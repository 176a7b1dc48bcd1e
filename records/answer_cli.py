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

EXAMPLES = """examples:
  python -m records --gaps                                  # the questions and their numbers
  python -m records answer 12 "Oui, nous faisons les extensions à la kératine, sur devis."
"""


def reindex(sources: Path) -> int:
    """Rebuild the knowledge base from `sources` (KB_DB); the reindex's exit code."""
    command = [sys.executable, "-m", "kb.cli.reindex", "--sources", str(sources), "--quiet"]
    return subprocess.run(command, check=False).returncode


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m records answer",
        description="Answer a question the receptionist could not: the answer goes to the "
        "salon's FAQ document, then the knowledge base is rebuilt.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("gap_id", type=int, metavar="GAP_ID", help="the number shown by --gaps")
    parser.add_argument("text", metavar="TEXTE", help="the answer, in French")
    parser.add_argument("--sources", type=Path, help="the salon's documents folder")
    parser.add_argument("--salon-db", metavar="PATH", help="state database (default: SALON_DB)")
    parser.add_argument("--no-reindex", action="store_true", help="do not rebuild the index")
    args = parser.parse_args(argv)
    sources = args.sources or settings.salon_profile_path().parent
    try:
        conn = state_db.connect(args.salon_db)
        try:
            done = answer_gap(conn, gap_id=args.gap_id, text=args.text, sources=sources)
        finally:
            conn.close()
    except AnswerError as exc:
        print(f"records: error: {exc}", file=sys.stderr)
        return 1
    print(
        f"Réponse ajoutée à {done.document.name} pour « {done.question} » "
        f"({done.occurrences} appel(s) marqué(s) comme traité(s))."
    )
    if args.no_reindex:
        print("Pensez à lancer scripts/reindex pour que l'assistante la donne.")
        return 0
    code = reindex(sources)
    if code != 0:
        print(
            "records: error: la réponse est enregistrée mais la réindexation a échoué ; "
            "relancez scripts/reindex",
            file=sys.stderr,
        )
        return 1
    print("Base de connaissances mise à jour : l'assistante donnera cette réponse.")
    return 0
