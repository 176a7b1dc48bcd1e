"""Unit tier (temporary folders, real Chroma on disk): a whole reindex has a time budget
(issue 13: a 49 MB page once embedded for four hours). When it runs out, the smallest
documents are served, the cut one is reported, and the next reindex goes on with it."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest

from kb import store
from kb.indexer import NothingToIndex, hash_sources, reindex
from tests.kb.conftest import CountingEmbedder, paragraph_ingest


class SlowEmbedder(CountingEmbedder):
    """Takes `pause` seconds per passage, like a real model on a busy machine."""

    def __init__(self, pause: float) -> None:
        super().__init__()
        self.pause = pause

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        time.sleep(self.pause * len(texts))
        return super().embed_passages(texts)


def _salon(folder: Path, catalogue: int) -> Path:
    folder.mkdir()
    # named to come first: the budget must not be spent on it before the small ones
    (folder / "a-catalogue.md").write_text(
        "\n\n".join(f"Référence {n} : soin numéro {n}, {n + 10} euros." for n in range(catalogue)),
        encoding="utf-8",
    )
    (folder / "horaires.md").write_text("Ouvert du mardi au samedi.\n\nFermé le lundi.")
    (folder / "tarifs.md").write_text("Coupe homme : 28 €.\n\nBrushing : 25 €.\n\nFrange : 9 €.")
    return folder


def test_when_the_budget_runs_out_small_documents_are_served_and_the_big_one_goes_on_later(
    tmp_path: Path,
) -> None:
    sources = _salon(tmp_path / "sources", catalogue=300)
    db = tmp_path / "kb"
    slow = SlowEmbedder(pause=0.01)  # 32 passages a batch: 0.32 s
    first = reindex(
        sources=sources, db_dir=db, embedder=slow, ingest=paragraph_ingest, budget_seconds=0.8
    )
    reports = {r.path: r for r in first.reports}
    assert reports["horaires.md"].status == reports["tarifs.md"].status == "ok"
    catalogue = reports["a-catalogue.md"]
    kept = catalogue.chunks
    assert 0 < kept < 300
    assert catalogue.status == "warning"
    assert catalogue.warnings == [
        f"the reindex time budget (0.8 s, KB_REINDEX_BUDGET_S) ran out: {kept} of 300 "
        "passages indexed; scripts/reindex goes on with the rest next time"
    ]
    assert first.chunks == 5 + kept == first.embedded
    assert store.current_manifest(db).files["a-catalogue.md"].startswith("unfinished-")

    fast = CountingEmbedder()
    second = reindex(sources=sources, db_dir=db, embedder=fast, ingest=paragraph_ingest)
    assert second.rebuilt and second.embedded == 300 - kept and second.reused == 5 + kept
    assert {r.path: r.status for r in second.reports}["a-catalogue.md"] == "ok"
    third = reindex(sources=sources, db_dir=db, embedder=fast, ingest=paragraph_ingest)
    assert not third.rebuilt  # complete now: nothing left to go on with


def test_a_budget_spent_before_any_passage_is_embedded_builds_no_version(tmp_path: Path) -> None:
    sources = _salon(tmp_path / "sources", catalogue=3)
    db = tmp_path / "kb"
    with pytest.raises(NothingToIndex, match="time budget .* ran out before any passage"):
        reindex(
            sources=sources,
            db_dir=db,
            embedder=CountingEmbedder(),
            ingest=lambda folder: (time.sleep(0.05), paragraph_ingest(folder))[1],
            budget_seconds=0.01,
        )
    with pytest.raises(store.IndexMissing):
        store.current_manifest(db)


def test_a_link_out_of_the_sources_is_hashed_by_its_target_name_never_read(
    tmp_path: Path,
) -> None:
    sources = _salon(tmp_path / "sources", catalogue=1)
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0", encoding="utf-8")
    os.symlink(secret, sources / "passwd.txt")
    before = hash_sources(sources)
    secret.write_text("root:x:0:0:changed", encoding="utf-8")
    assert hash_sources(sources) == before  # the target's content is never read
    assert "passwd.txt" in before
