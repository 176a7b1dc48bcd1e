"""`scripts/eval-retrieval`: score retrieval on a gold question file.

Examples::

    scripts/eval-retrieval                               # eval/gold-questions.jsonl
    scripts/eval-retrieval --questions my.jsonl --json

Prints hit@1/3/5, MRR, the no-answer flag's recall and false-flag rate, latency p50/p95
and every miss (the gold format is described in `kb/evaluate.py` and the README).
Exit status: 0; 1 when there is no usable index or the file is malformed; 2 on a usage
error (including a questions file that does not exist).
"""

from __future__ import annotations

import argparse
import json
import sys

from kb.cli import run, user_path
from kb.embeddings import EmbeddingError
from kb.evaluate import GoldFileError, evaluate, format_report, load_gold
from kb.retriever import Retriever
from salon import settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scripts/eval-retrieval",
        description="Evaluate retrieval on gold questions (JSONL).",
        epilog="example: scripts/eval-retrieval --questions eval/gold-questions.jsonl --json",
    )
    parser.add_argument("--db", metavar="DIR", help="knowledge-base folder (default: data/kb)")
    parser.add_argument(
        "--questions", metavar="FILE", help="gold JSONL (default: eval/gold-questions.jsonl)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    path = user_path(args.questions, settings.project_path("eval/gold-questions.jsonl"))
    if not path.is_file():
        print(f"eval-retrieval: error: questions file not found: {path}", file=sys.stderr)
        return 2
    try:
        questions = load_gold(path)
    except (GoldFileError, UnicodeDecodeError) as exc:
        print(f"eval-retrieval: error: {exc}", file=sys.stderr)
        return 1
    try:
        retriever = Retriever.open(user_path(args.db, None), query_cache=0)  # None: KB_DB
    except (RuntimeError, ValueError) as exc:  # no index, other model, missing key…
        print(f"eval-retrieval: error: {exc}", file=sys.stderr)
        return 1
    try:
        report = evaluate(retriever, questions)
    except EmbeddingError as exc:
        print(f"eval-retrieval: error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        print(format_report(report))
    return 0


if __name__ == "__main__":
    run(main)
