"""What the fitting salons' questions taught beyond the hand-made signals, for one model.

Two small linear models over the bundled e5's vectors, fitted by `python -m
kb.fit_learned` on the fitting salons (`kb.calibrate.FIT_SETS`) and shipped beside this
module (`learned-<model>.npz`):

- **A weighting of e5's dimensions for ranking** (`metric`): each of the fused ranking's
  best `RERANK_DEPTH` passages gains `passage · (question ⊙ metric)`. e5-small was
  trained on the web; the weighting says which of its dimensions matter when a caller's
  question meets a salon's documents (a learned diagonal metric; the fused score keeps
  its own weight). It sees no word and no question list, only the vectors.
- **The answerable flag** (`flag`): a logistic model over the signals of
  `kb.confidence.Signals`, the question's vector and the question's vector times the best
  passage's. The first two say what a question is about (the neighbourhood, a product, a
  price); the third which of its aspects the best passage meets. The hand-made signals
  keep their meaning; the vectors add what words cannot (a paraphrase, a topic).

Both are measured leave one salon out, then on blind salons (`kb/README.md`). A model
without its own file (OpenAI embeddings) keeps `kb.confidence.WEIGHTS`/`FALLBACK` and the
fused ranking.
"""

from __future__ import annotations

import functools
import logging
import math
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kb.confidence import Signals

logger = logging.getLogger("kb")

RERANK_DEPTH = 30  # passages the metric re-ranks: the fused ranking's best


@dataclass(frozen=True)
class Learned:
    model: str
    metric: np.ndarray  # one weight per embedding dimension
    flag: np.ndarray  # intercept, then signals, question, question ⊙ best passage
    threshold: float  # operating point of the flag (left-out rule, `kb.calibrate`)

    def rerank(self, fused: np.ndarray, matrix: np.ndarray, query: np.ndarray) -> np.ndarray:
        """`fused` with the metric's bonus added to its best `RERANK_DEPTH` passages."""
        depth = min(RERANK_DEPTH, len(fused))
        if depth == 0:
            return fused
        best = np.argpartition(-fused, depth - 1)[:depth]
        bonus = matrix[best] @ (query * self.metric)
        out = fused.copy()
        out[best] = out[best] + bonus.astype(out.dtype)
        return out

    def probability(self, signals: Signals, query: np.ndarray, top: np.ndarray) -> float:
        x = features(signals, query, top)
        z = float(self.flag[0] + x @ self.flag[1:])
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))


def features(signals: Signals, query: np.ndarray, top: np.ndarray) -> np.ndarray:
    """The flag's inputs: the signals, the question's vector, question ⊙ best passage."""
    return np.concatenate([np.asarray(signals.vector()), query, query * top])


def path_for(model: str) -> Path:
    return Path(__file__).with_name(f"learned-{model.replace('/', '--')}.npz")


@functools.cache
def for_model(model: str) -> Learned | None:
    """The learned models of `model`, or None when none were fitted for it."""
    return checked(path_for(model), model)


def checked(path: Path, model: str) -> Learned | None:
    """The fit at `path` if it is one for `model`; None (the hand-weighted flag and the
    fused ranking then serve) when it is missing, unreadable or for another model."""
    if not path.exists():
        return None
    try:
        learned = load(path)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        logger.warning("kb: %s is unreadable (%s); the hand-weighted flag serves", path, exc)
        return None
    if learned.model != model:
        return None
    return learned


def load(path: Path) -> Learned:
    with np.load(path) as data:
        return Learned(
            model=str(data["model"]),
            metric=data["metric"].astype(np.float32),
            flag=data["flag"].astype(np.float64),
            threshold=float(data["threshold"]),
        )


def save(learned: Learned, path: Path | None = None) -> Path:
    """Write `learned` (beside this module unless `path` is given)."""
    path = path or path_for(learned.model)
    with path.open("wb") as out:
        np.savez(
            out,
            model=np.array(learned.model),
            metric=learned.metric.astype(np.float32),
            flag=learned.flag.astype(np.float32),
            threshold=np.array(learned.threshold),
        )
    for_model.cache_clear()
    return path
