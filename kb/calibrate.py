"""Fit the `answerable` model (`kb.confidence.WEIGHTS`) on a gold question file.

    .venv/bin/python -m kb.calibrate --db data/kb [--questions eval/gold-questions.jsonl]

Prints, as JSON, the fitted weights for the index's embedding model, the signal ranges of
answerable and unanswerable questions, and the no-answer recall / false-flag rate the fit
gives on the same questions (optimistic: same data) and in 5-fold cross-validation (an
honest estimate). Paste the weights into `kb.confidence.WEIGHTS`, rounded.
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from kb.cli import user_path
from kb.confidence import ANSWERABLE_AT, fit_logistic
from kb.evaluate import load_gold
from kb.retriever import Retriever
from salon import settings


def _rates(weights: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    z = weights[0] + x @ weights[1:]
    flagged = 1 / (1 + np.exp(-z)) >= ANSWERABLE_AT
    recall = float((~flagged[y == 0]).mean()) if (y == 0).any() else 0.0
    false_flag = float((~flagged[y == 1]).mean()) if (y == 1).any() else 0.0
    return round(recall, 4), round(false_flag, 4)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kb.calibrate")
    parser.add_argument("--db", metavar="DIR")
    parser.add_argument("--questions", metavar="FILE")
    args = parser.parse_args(argv)
    gold = load_gold(user_path(args.questions, settings.project_path("eval/gold-questions.jsonl")))
    retriever = Retriever.open(user_path(args.db, settings.kb_db_path()))
    rows, labels = [], []
    for question in gold:
        signals = retriever.signals(question.question)
        if signals is None:
            continue
        rows.append(signals.vector())
        labels.append(1.0 if question.answerable else 0.0)
    x, y = np.array(rows), np.array(labels)
    weights = fit_logistic(x, y)
    folds = np.arange(len(y)) % 5
    predicted_recall, predicted_false = [], []
    for fold in range(5):
        train, test = folds != fold, folds == fold
        w = fit_logistic(x[train], y[train])
        r, f = _rates(w, x[test], y[test])
        predicted_recall.append(r * float((y[test] == 0).sum()))
        predicted_false.append(f * float((y[test] == 1).sum()))
    names = ["coverage", "dense_top", "dense_spread"]
    report = {
        "model": retriever.embedder.name,
        "weights": [round(float(v), 3) for v in weights],
        "order": ["intercept", *names],
        "answerable_mean": dict(zip(names, x[y == 1].mean(axis=0).round(3).tolist(), strict=True)),
        "unanswerable_mean": dict(
            zip(names, x[y == 0].mean(axis=0).round(3).tolist(), strict=True)
        ),
        "same_data": dict(
            zip(["no_answer_recall", "false_flag_rate"], _rates(weights, x, y), strict=True)
        ),
        "cross_validated": {
            "no_answer_recall": round(sum(predicted_recall) / max((y == 0).sum(), 1), 4),
            "false_flag_rate": round(sum(predicted_false) / max((y == 1).sum(), 1), 4),
        },
    }
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
