"""Integration tier: a worker started before the first `scripts/reindex` answers without
documents, then uses the index as soon as it is built, without a restart (real kb)."""

from __future__ import annotations

from pathlib import Path

from agent.retrieval import BudgetedRetriever, PendingKnowledgeBase, RagOptions, open_knowledge_base
from kb.indexer import reindex


async def test_the_first_index_built_after_start_is_picked_up_without_restart(
    tmp_path: Path,
) -> None:
    db = tmp_path / "kb"
    kb = open_knowledge_base(db)
    assert isinstance(kb, PendingKnowledgeBase)
    retriever = BudgetedRetriever(kb, options=RagOptions(budget_ms=5000))
    retriever.reload_every = 0.0

    # Before any index: no passages, and that is not counted as a failure.
    assert await retriever.retrieve("Combien coûte une coupe homme ?") is None
    assert retriever.failures == 0 and retriever.timeouts == 0

    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "tarifs.md").write_text(
        "# Tarifs\n\n## Homme\n\nCoupe homme — 30 min — 28 €\n\n## Enfants\n\n"
        "Coupe enfant — 20 min — 16 €\n",
        encoding="utf-8",
    )
    reindex(sources=sources, db_dir=db)  # the owner runs scripts/reindex

    result = await retriever.retrieve("Combien coûte une coupe homme ?")
    assert result is not None and result.passages
    assert "28 €" in result.passages[0].text
    assert retriever.failures == 0


def test_benchmarks_can_ask_for_no_stand_in_when_there_is_no_index(tmp_path: Path) -> None:
    assert open_knowledge_base(tmp_path / "kb", wait_for_index=False) is None
