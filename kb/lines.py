"""The lines of a passage, each with its own vector: a question about one row of a table.

A price table's passage holds seven or eight services; its one e5 vector averages them,
and « je voudrais qu'on me rase la tête » does not reach « Crâne lisse au rasoir — 30 min
— 25 € » through it. Every line of a passage of two lines or more (after its title line)
is therefore embedded on its own as well, and a passage's dense evidence is also its best
line's cosine (`best_line_cosines`), added to the fused score with `LINE_WEIGHT`.

The vectors live in `lines.npz` beside the version's manifest: each distinct line's text
and vector, written before the manifest (a version is finished only with them). A version
without the file (made before lines had vectors) or whose file cannot be read is served
on its passages' vectors alone, as before.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

logger = logging.getLogger("kb")

LINES_FILE = "lines.npz"
# The best line's cosine, min-max normalised over the index like the dense side, added to
# the fused score. Measured on 25 read salons (kb/README.md): 0.3 and 0.5 did as well,
# 0.7 less, 1.0 less again.
LINE_WEIGHT = 0.5


def lines_of(body: str) -> list[str]:
    """A passage body's distinct non-empty lines, in order, when it has two or more."""
    lines = list(dict.fromkeys(line.strip() for line in body.split("\n") if line.strip()))
    return lines if len(lines) >= 2 else []


def body_of(document: str, title: str, section: str) -> str:
    """A stored passage's body: its indexed text without the title line
    (`Chunk.indexed_text` puts « title — section » on the first line)."""
    head = " — ".join(part for part in (title, section) if part)
    if head and document.startswith(head + "\n"):
        return document[len(head) + 1 :]
    return document


@dataclass(frozen=True)
class LineVectors:
    """Distinct line texts and their vectors (row i of `matrix` is `texts[i]`)."""

    texts: list[str]
    matrix: np.ndarray

    @classmethod
    def of(cls, vectors: dict[str, np.ndarray], dim: int) -> LineVectors:
        texts = list(vectors)
        if not texts:
            return cls([], np.zeros((0, dim), dtype=np.float32))
        return cls(texts, np.vstack([vectors[t] for t in texts]).astype(np.float32))

    def by_text(self) -> dict[str, np.ndarray]:
        return {text: self.matrix[i] for i, text in enumerate(self.texts)}


def save(version_dir: Path, lines: LineVectors) -> None:
    """Write `lines.npz` through a temporary name: a reader never sees half a file."""
    temporary = version_dir / f".{LINES_FILE}.tmp"
    with open(temporary, "wb") as handle:
        np.savez(
            handle,
            texts=np.array(lines.texts, dtype=np.str_),
            vectors=np.asarray(lines.matrix, dtype=np.float32),
        )
    os.replace(temporary, version_dir / LINES_FILE)


def load(version_dir: Path, dim: int) -> LineVectors | None:
    """A version's line vectors; None when it has no file or an unusable one (logged)."""
    path = version_dir / LINES_FILE
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            texts = [str(t) for t in data["texts"]]
            matrix = np.asarray(data["vectors"], dtype=np.float32)
        if matrix.shape != (len(texts), dim):
            raise ValueError(f"{matrix.shape} vectors for {len(texts)} lines of dimension {dim}")
    except Exception as exc:
        logger.warning("kb: line vectors unreadable (%s), served without them: %s", path, exc)
        return None
    return LineVectors(texts, matrix)


@dataclass(frozen=True)
class PassageLines:
    """Which stored lines belong to which passage, for `best_line_cosines`."""

    matrix: np.ndarray  # the distinct lines' vectors
    line: np.ndarray  # per (passage, line) pair: the line's row in `matrix`
    owner: np.ndarray  # per pair: the passage's index

    @classmethod
    def build(cls, bodies: list[str], stored: LineVectors | None) -> PassageLines | None:
        """The pairs whose line has a stored vector; None when there is none."""
        if stored is None or not stored.texts:
            return None
        index = {text: i for i, text in enumerate(stored.texts)}
        lines: list[int] = []
        owners: list[int] = []
        for passage, body in enumerate(bodies):
            for text in lines_of(body):
                found = index.get(text)
                if found is not None:
                    lines.append(found)
                    owners.append(passage)
        if not lines:
            return None
        return cls(stored.matrix, np.array(lines, dtype=np.int64), np.array(owners, dtype=np.int64))


def best_line_cosines(
    dense: np.ndarray, lines: PassageLines | None, query_vector: np.ndarray
) -> np.ndarray:
    """Each passage's best cosine among itself and its lines (`dense` copied if none)."""
    best = dense.copy()
    if lines is not None:
        cosines = (lines.matrix @ query_vector)[lines.line]
        np.maximum.at(best, lines.owner, cosines.astype(best.dtype, copy=False))
    return best
