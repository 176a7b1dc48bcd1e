"""Fit the `answerable` model (`kb.confidence.WEIGHTS`) on a gold question file.

    .venv/bin/python -m kb.calibrate --db data/kb [--questions eval/gold-questions.jsonl]

Prints, as JSON, the fitted weights for the index's embedding model, the signal ranges of
answerable and unanswerable questions, and the no-answer recall / false-flag rate the fit
gives on the same questions (optimistic: same data) and in 5-fold cross-validation (an
honest estimate), and the threshold curve with the operating point chosen by the rule in
`_operating_point`. Paste the weights into `kb.confidence.WEIGHTS` and the threshold into
`ANSWERABLE_AT`, rounded.
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

L2 = 0.1
MIN_RECALL = 0.9  # issue 11 asks ≥ 0.90 on unseen salons


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
    retriever = Retriever.open(user_path(args.db, None))  # None: KB_DB or data/kb
    rows, labels = [], []
    for question in gold:
        signals = retriever.signals(question.question)
        if signals is None:
            continue
        rows.append(signals.vector())
        labels.append(1.0 if question.answerable else 0.0)
    x, y = np.array(rows), np.array(labels)
    names = ["coverage", "dense_top", "dense_spread", "gap", "unknown", "unknown_noun"]
    report: dict[str, object] = {
        "model": retriever.embedder.name,
        "answerable_mean": dict(zip(names, x[y == 1].mean(axis=0).round(3).tolist(), strict=True)),
        "unanswerable_mean": dict(
            zip(names, x[y == 0].mean(axis=0).round(3).tolist(), strict=True)
        ),
    }
    for label, columns in (
        ("coverage_only", [0]),
        ("coverage_gap", [0, 3]),
        ("coverage_gap_unknown", [0, 3, 4, 5]),
        ("all_signals", [0, 1, 2, 3, 4, 5]),
    ):
        report[label] = _fit_report(x[:, columns], y, [names[c] for c in columns])
    report["operating_point"] = _operating_point(x, y)
    print(json.dumps(report, ensure_ascii=False))
    return 0


def _operating_point(x: np.ndarray, y: np.ndarray) -> dict[str, object]:
    """Recall and false flags per threshold (out-of-fold probabilities, all signals), and
    the threshold chosen: the one with the best no-answer recall minus false-flag rate
    (both matter to a caller: a false flag makes the agent say it does not know what the
    documents answer, a missed no-answer leaves the LLM with passages that do not
    answer), the middle one when several tie, so that a salon whose questions score a
    little higher or lower still sits on the plateau. `MIN_RECALL` is reported as the
    lowest threshold reaching it.
    """
    folds = np.arange(len(y)) % 5
    probability = np.zeros(len(y))
    for fold in range(5):
        train, test = folds != fold, folds == fold
        w = fit_logistic(x[train], y[train], l2=L2)
        probability[test] = 1 / (1 + np.exp(-(w[0] + x[test] @ w[1:])))
    curve = {}
    lowest = None
    scores: list[tuple[float, float]] = []
    for threshold in [round(t, 2) for t in np.arange(0.1, 0.95, 0.05)]:
        flagged = probability >= threshold
        recall = round(float((~flagged[y == 0]).mean()), 3)
        false_flag = round(float((~flagged[y == 1]).mean()), 3)
        curve[str(threshold)] = {"no_answer_recall": recall, "false_flag_rate": false_flag}
        scores.append((threshold, round(recall - false_flag, 3)))
        if lowest is None and recall >= MIN_RECALL:
            lowest = threshold
    best = max(score for _, score in scores)
    tied = [threshold for threshold, score in scores if score == best]
    return {
        "min_recall": MIN_RECALL,
        "lowest_threshold_reaching_min_recall": lowest,
        "chosen_threshold": tied[len(tied) // 2],
        "curve": curve,
    }


def _fit_report(x: np.ndarray, y: np.ndarray, names: list[str]) -> dict[str, object]:
    weights = fit_logistic(x, y, l2=L2)
    folds = np.arange(len(y)) % 5
    predicted_recall, predicted_false = [], []
    for fold in range(5):
        train, test = folds != fold, folds == fold
        w = fit_logistic(x[train], y[train], l2=L2)
        r, f = _rates(w, x[test], y[test])
        predicted_recall.append(r * float((y[test] == 0).sum()))
        predicted_false.append(f * float((y[test] == 1).sum()))
    return {
        "weights": dict(
            zip(["intercept", *names], [round(float(v), 3) for v in weights], strict=True)
        ),
        "same_data": dict(
            zip(["no_answer_recall", "false_flag_rate"], _rates(weights, x, y), strict=True)
        ),
        "cross_validated": {
            "no_answer_recall": round(sum(predicted_recall) / max((y == 0).sum(), 1), 4),
            "false_flag_rate": round(sum(predicted_false) / max((y == 1).sum(), 1), 4),
        },
    }


if __name__ == "__main__":
    sys.exit(main())
