"""Shared fixtures for the kb tests: a deterministic embedder and a tiny ingest."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from ingest.model import Chunk, FileReport, IngestResult
from kb.indexer import reindex
from kb.retriever import Retriever
from kb.text import tokens


class CountingEmbedder:
    """Deterministic bag-of-stems vectors; records every passage it embeds."""

    dim = 64

    def __init__(self, name: str = "fake/bag-of-words", fail_after: int | None = None) -> None:
        self.name = name
        self.embedded: list[str] = []
        self.fail_after = fail_after

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, dtype=np.float32)
        for term in tokens(text) or ["<empty>"]:
            slot = int(hashlib.md5(term.encode()).hexdigest(), 16) % self.dim
            vector[slot] += 1.0
        return vector / np.linalg.norm(vector)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if self.fail_after is not None and len(self.embedded) + len(texts) > self.fail_after:
            raise RuntimeError("embedding model crashed")
        self.embedded += texts
        return np.vstack([self._vector(t) for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)


def paragraph_ingest(sources: Path) -> IngestResult:
    """A minimal ingest for kb unit tests: each .md paragraph is a chunk."""
    result = IngestResult()
    for path in sorted(sources.rglob("*.md")):
        rel = path.relative_to(sources).as_posix()
        paragraphs = [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n")]
        paragraphs = [p for p in paragraphs if p]
        for n, text in enumerate(paragraphs):
            result.chunks.append(
                Chunk(text=text, title=path.stem, section="", source=rel, ordinal=n)
            )
        status = "ok" if paragraphs else "warning"
        warnings = [] if paragraphs else ["empty file"]
        result.reports.append(
            FileReport(path=rel, status=status, chunks=len(paragraphs), warnings=warnings)
        )
    return result


SALON_FILES = {
    "tarifs.md": (
        "Balayage, cheveux longs — 2 h 30 — 115 €\n\n"
        "Coupe homme — 30 min — 28 €\n\n"
        "Couleur végétale — 2 h — à partir de 79 €"
    ),
    "horaires.md": (
        "Le salon est ouvert du mardi au samedi, de 9 h 30 à 19 h.\n\n"
        "Le salon est fermé le dimanche et le lundi."
    ),
    "faq.md": "Un test d'allergie est obligatoire 48 heures avant une première couleur.",
}


@pytest.fixture
def salon_sources(tmp_path: Path) -> Path:
    folder = tmp_path / "sources"
    folder.mkdir()
    for name, text in SALON_FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def embedder() -> CountingEmbedder:
    return CountingEmbedder()


Passage = tuple[str, str, str]  # (source, section, text)


def retriever_over(passages: list[Passage], root: Path) -> Retriever:
    """A retriever over an index of exactly these passages (one chunk each), built in
    `root` with the counting embedder: no document loader involved."""

    def ingest(_sources: Path) -> IngestResult:
        chunks = [
            Chunk(text=text, title=source, section=section, source=source, ordinal=n)
            for n, (source, section, text) in enumerate(passages)
        ]
        reports = [FileReport(path=s, chunks=1) for s in {p[0] for p in passages}]
        return IngestResult(chunks=chunks, reports=reports)

    (root / "sources").mkdir()
    embedder = CountingEmbedder()
    reindex(sources=root / "sources", db_dir=root / "kb", embedder=embedder, ingest=ingest)
    return Retriever.open(root / "kb", embedder=embedder)


def real_retriever(root: Path) -> Retriever:
    """A retriever over `SALON_FILES` (one passage per paragraph) with the real bundled
    model, indexed in `root`."""
    sources = root / "sources"
    sources.mkdir()
    for name, text in SALON_FILES.items():
        (sources / name).write_text(text, encoding="utf-8")
    reindex(sources=sources, db_dir=root / "kb", ingest=paragraph_ingest)
    return Retriever.open(root / "kb")
