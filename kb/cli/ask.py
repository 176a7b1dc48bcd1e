"""`scripts/ask`: ask the knowledge base questions, as the agent would.

Examples::

    scripts/ask "c'est combien un balayage sur cheveux longs"
    scripts/ask -k 5 --json "vous êtes ouverts le lundi"
    printf 'question une\nquestion deux\n' | scripts/ask --json

With `--json`, one object per question and per line:
`{"question": str, "answerable": bool, "passages": [{"text", "source", "score"}, ...]}`
(a passage holding a value salon.toml contradicts also has "outdated", the note),
best first. Exit status: 0, or 1 when there is no usable index, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator

from kb.cli import run, user_path
from kb.embeddings import EmbeddingError
from kb.report_fr import error_fr
from kb.retriever import Retriever
from kb.types import SearchResult
from salon.cli import french_parser


def _parser() -> argparse.ArgumentParser:
    parser = french_parser(
        prog="scripts/ask",
        description="Interroge la base de connaissances comme le ferait l'assistante ; "
        "sans QUESTION, lit une question par ligne sur l'entrée standard.",
        epilog='exemple : scripts/ask --json "vous êtes ouverts le samedi"',
    )
    parser.add_argument(
        "--db", metavar="DOSSIER", help="dossier de la base de connaissances (par défaut : data/kb)"
    )
    parser.add_argument(
        "-k", type=int, default=5, metavar="N", help="passages par question (par défaut : 5)"
    )
    parser.add_argument("--json", action="store_true", help="un objet JSON par ligne")
    parser.add_argument(
        "question",
        nargs="*",
        metavar="QUESTION",
        help="une question par argument ; sans question, une par ligne de l'entrée standard",
    )
    return parser


def as_json(result: SearchResult) -> str:
    return json.dumps(
        {
            "question": result.query,
            "answerable": result.answerable,
            "passages": [
                {"text": p.text, "source": p.source, "score": p.score}
                | ({"outdated": p.outdated} if p.outdated else {})
                for p in result.passages
            ],
        },
        ensure_ascii=False,
    )


def as_text(result: SearchResult) -> str:
    verdict = (
        "réponse dans les documents" if result.answerable else "probablement PAS dans les documents"
    )
    confidence = f"{result.confidence:.2f}".replace(".", ",")
    lines = [f"? {result.query}", f"  {verdict} (confiance {confidence})"]
    for n, p in enumerate(result.passages, start=1):
        where = p.source + (f" p.{p.page}" if p.page else "")
        body = " ".join(p.text.split())
        body = body if len(body) <= 300 else body[:297] + "..."
        lines.append(f"  {n}. [{p.score:.3f}] {where}")
        lines.append(f"     {body}")
        if p.outdated:  # a value salon.toml contradicts (see scripts/reindex)
            lines.append(f"     PÉRIMÉ : {p.outdated}")
    return "\n".join(lines)


def _questions(args: argparse.Namespace) -> Iterator[str]:
    if args.question:
        yield from (q for q in args.question if q.strip())
        return
    for line in sys.stdin:
        if line.strip():
            yield line.strip()


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.k < 1:
        parser.error("-k doit valoir au moins 1")
    try:
        retriever = Retriever.open(user_path(args.db, None))  # None: KB_DB or data/kb
    except (RuntimeError, ValueError) as exc:  # no index, other model, missing key…
        print(f"ask : erreur : {error_fr(str(exc))}", file=sys.stderr)
        return 1
    for question in _questions(args):
        try:
            result = retriever.search(question, k=args.k)
        except EmbeddingError as exc:  # e.g. the OpenAI endpoint went away mid-run
            print(f"ask : erreur : {error_fr(str(exc))}", file=sys.stderr)
            return 1
        print(as_json(result) if args.json else as_text(result), flush=True)
    return 0


if __name__ == "__main__":
    run(main)
