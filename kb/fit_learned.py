"""Fit `kb.learned` (the e5 metric for ranking and the answerable flag) on the fitting salons.

    .venv/bin/python -m kb.fit_learned            # fit, report left-out figures, write the file
    .venv/bin/python -m kb.fit_learned --dry-run  # report only
    .venv/bin/python -m kb.fit_learned --set NAME=SOURCES:QUESTIONS ... --out FILE

Each fitting salon (`kb.calibrate.FIT_SETS`) is indexed into a temporary folder (never
`data/`). Two passes:

1. **Metric.** For every answerable question, the fused ranking's best `RERANK_DEPTH`
   passages and which of them answer (`kb.evaluate.is_hit`). A weight per e5 dimension is
   fitted so that `fused + passage · (question ⊙ metric)` puts an answering passage first
   (softmax over the candidates, L2 `METRIC_L2`, every salon weighing the same).
2. **Flag.** With that metric in place, each question's signals, vector and vector times
   the best passage's: a class-balanced logistic model, every salon weighing the same,
   L2 `SIGNAL_L2` on the signals and `VECTOR_L2` on the vectors.

Both are reported **left one salon out** (the model fitted on the others, applied to the
one left out): hit@1 / hit@3 / MRR before and after the metric, and the flag's recall and
false flags at the operating point chosen by `kb.calibrate._operating_point` (the left-out
flags use the metric fitted on every salon: a small leak, which blind salons measure
instead). Output: JSON on stdout; progress on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kb import calibrate
from kb.evaluate import is_hit, load_gold
from kb.indexer import reindex
from kb.learned import RERANK_DEPTH, Learned, features, save
from kb.retriever import Retriever, SearchOptions, _passage

METRIC_L2 = 0.03
SIGNAL_L2 = 1e-3
VECTOR_L2 = 0.1
STEPS = 300  # Adam steps for the metric
FLAG_STEPS = 1500  # Adam steps for the flag


@dataclass
class Candidates:
    fused: np.ndarray  # the fused scores of the best `RERANK_DEPTH` passages
    passages: np.ndarray  # their vectors
    query: np.ndarray  # the question's vector
    answers: np.ndarray  # which of them answer


def _adam(gradient, start: np.ndarray, steps: int, rate: float = 0.05) -> np.ndarray:  # type: ignore[no-untyped-def]
    theta = start.copy()
    m = np.zeros_like(theta)
    v = np.zeros_like(theta)
    for t in range(1, steps + 1):
        g = gradient(theta)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        theta -= rate * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return theta


def candidates_of(retriever: Retriever, questions: Path) -> list[Candidates | None]:
    """Per answerable question, its candidates; None when none of them answers."""
    out: list[Candidates | None] = []
    snap = retriever._snapshot
    plain = SearchOptions(learned=False)
    for question in load_gold(questions):
        if not question.answerable:
            continue
        scored = retriever.scored(question.question, options=plain)
        if scored is None:
            continue
        fused, query, _ = scored
        best = np.argsort(-fused, kind="stable")[:RERANK_DEPTH]
        answers = np.array([is_hit(question, _passage(snap, int(i), 0.0)) for i in best])
        if not answers.any():
            out.append(None)
            continue
        out.append(Candidates(fused[best], retriever.matrix[best], query, answers))
    return out


def fit_metric(salons: dict[str, list[Candidates | None]]) -> np.ndarray:
    """The per-dimension weights, scaled so that they add to the fused score as is."""
    dim = next(c.query.shape[0] for s in salons.values() for c in s if c is not None)
    share = {name: 1.0 / max(1, sum(c is not None for c in s)) for name, s in salons.items()}
    items = [(c, share[name]) for name, s in salons.items() for c in s if c is not None]
    total = sum(w for _, w in items)

    def gradient(theta: np.ndarray) -> np.ndarray:
        grad = np.zeros_like(theta)
        for c, weight in items:
            inter = dim * c.passages * c.query  # candidates × dimensions, O(1) entries
            s = theta[0] * c.fused + inter @ theta[1:]
            p = np.exp(s - s.max())
            p /= p.sum()
            hit = p[c.answers].sum()
            ds = p - p * c.answers / (hit + 1e-12)
            grad[0] += weight * ds @ c.fused
            grad[1:] += weight * ds @ inter
        grad /= total
        grad[1:] += 2 * METRIC_L2 * theta[1:]
        return grad

    theta = _adam(gradient, np.r_[10.0, np.zeros(dim)], STEPS)
    return (dim * theta[1:] / theta[0]).astype(np.float32)


def ranks(metric: np.ndarray | None, salon: list[Candidates | None]) -> tuple[float, float, float]:
    """hit@1, hit@3 and MRR of a salon's answerable questions, with or without the metric."""
    h1 = h3 = rr = 0.0
    for c in salon:
        if c is None:
            continue
        s = c.fused + (c.passages @ (c.query * metric) if metric is not None else 0.0)
        rank = int(np.argmax(c.answers[np.argsort(-s, kind="stable")])) + 1
        h1 += rank == 1
        h3 += rank <= 3
        rr += 1 / rank
    n = max(1, len(salon))
    return round(h1 / n, 3), round(h3 / n, 3), round(rr / n, 3)


def flag_rows(retriever: Retriever, questions: Path) -> calibrate.SalonSignals:
    """Each question's flag inputs (`kb.learned.features`) with the metric in place."""
    rows, labels = [], []
    for question in load_gold(questions):
        scored = retriever.scored(question.question)
        if scored is None:
            continue
        fused, query, signals = scored
        top = retriever.matrix[int(np.argmax(fused))]
        rows.append(features(signals, query, top))
        labels.append(1.0 if question.answerable else 0.0)
    return calibrate.SalonSignals("", np.array(rows), np.array(labels))


def fit_flag(salons: list[calibrate.SalonSignals], signal_count: int) -> np.ndarray:
    """Intercept and raw weights of the class-balanced, salon-balanced logistic flag."""
    x = np.vstack([s.x for s in salons])
    y = np.concatenate([s.y for s in salons])
    weight = np.concatenate(
        [
            np.where(s.y > 0.5, 0.5 / max(s.y.mean(), 1e-9), 0.5 / max(1 - s.y.mean(), 1e-9))
            / len(s.y)
            for s in salons
        ]
    )
    weight /= weight.sum()
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / std])
    l2 = np.r_[0.0, np.full(signal_count, SIGNAL_L2), np.full(x.shape[1] - signal_count, VECTOR_L2)]

    def gradient(w: np.ndarray) -> np.ndarray:
        p = 1 / (1 + np.exp(-(z @ w)))
        return z.T @ ((p - y) * weight) + 2 * l2 * w

    w = _adam(gradient, np.zeros(z.shape[1]), FLAG_STEPS)
    raw = w[1:] / std
    return np.r_[w[0] - float((w[1:] * mean / std).sum()), raw]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kb.fit_learned")
    parser.add_argument("--dry-run", action="store_true", help="report only, write nothing")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=SOURCES:QUESTIONS",
        help="a salon to fit on instead of the fitting salons (repeatable, at least two)",
    )
    parser.add_argument("--out", metavar="FILE", help="where to write the fit (default: kb/)")
    args = parser.parse_args(argv)
    sets = calibrate.chosen_sets(parser, args.set)
    if len(sets) < 2:
        parser.error("leaving one salon out needs at least two salons")
    with tempfile.TemporaryDirectory(prefix="kb-fit-learned-") as tmp:
        retrievers: dict[str, Retriever] = {}
        ranking: dict[str, list[Candidates | None]] = {}
        for name, (sources, questions) in sets.items():
            print(f"fit_learned: {name}", file=sys.stderr)
            reindex(sources=sources, db_dir=Path(tmp) / name)
            retrievers[name] = Retriever.open(Path(tmp) / name, query_cache=0)
            ranking[name] = candidates_of(retrievers[name], questions)
        model = next(iter(retrievers.values()))._snapshot.manifest.model
        left_out = {}
        for held in ranking:
            metric = fit_metric({n: c for n, c in ranking.items() if n != held})
            left_out[held] = {
                "before": ranks(None, ranking[held]),
                "after": ranks(metric, ranking[held]),
            }
            print(f"fit_learned: metric without {held}: {left_out[held]}", file=sys.stderr)
        metric = fit_metric(ranking)
        # The flag's rows are read with this metric in place (and no flag of its own yet).
        for retriever in retrievers.values():
            retriever.use_fit(Learned(model, metric, np.zeros(1), 1.0))
        flags = []
        for name, (_, questions) in sets.items():
            rows = flag_rows(retrievers[name], questions)
            flags.append(calibrate.SalonSignals(name, rows.x, rows.y))
        signal_count = len(calibrate.SIGNAL_NAMES)
        held_out = {
            s.name: calibrate.probabilities(
                fit_flag([o for o in flags if o is not s], signal_count), s.x
            )
            for s in flags
        }
        threshold = calibrate._operating_point(flags, held_out)
        flag = fit_flag(flags, signal_count)
    per_salon = {s.name: calibrate.rates(held_out[s.name], s.y, threshold) for s in flags}
    report: dict[str, object] = {
        "model": model,
        "metric_left_one_salon_out": left_out,
        "flag_threshold": threshold,
        "flag_left_one_salon_out": {
            n: {"recall": r, "false_flags": f} for n, (r, f) in per_salon.items()
        },
        "flag_mean": {
            "recall": round(float(np.mean([r for r, _ in per_salon.values()])), 3),
            "false_flags": round(float(np.mean([f for _, f in per_salon.values()])), 3),
        },
    }
    if not args.dry_run:
        out = Path(args.out).resolve() if args.out else None
        report["written"] = str(save(Learned(model, metric, flag, threshold), out))
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
