"""Unit tier: the shipped held-out salons are usable evaluation sets, and the local e5
model embeds questions and passages with their own prefixes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kb.embeddings import LocalE5Embedder
from kb.evaluate import load_gold

EVAL = Path(__file__).resolve().parents[2] / "eval"
HOLDOUTS = sorted(
    (p for p in EVAL.glob("holdout-salon*") if p.is_dir()),
    key=lambda p: int(p.name.rpartition("-")[2]) if p.name[-1].isdigit() else 1,
)


def test_the_held_out_salons_are_numbered_without_a_gap() -> None:
    names = [p.name for p in HOLDOUTS]
    assert names[0] == "holdout-salon" and len(names) >= 10
    assert names[1:] == [f"holdout-salon-{n}" for n in range(2, len(names) + 1)]


@pytest.mark.parametrize("salon", HOLDOUTS, ids=lambda p: p.name)
def test_each_held_out_salon_has_spoken_questions_of_both_kinds(salon: Path) -> None:
    questions = load_gold(salon / "gold-questions.jsonl")
    unanswerable = sum(1 for q in questions if not q.answerable)
    assert len(questions) >= 35 and 8 <= unanswerable <= len(questions) // 3
    assert all(q.question == q.question.lower() for q in questions)
    assert not any(ch in q.question for q in questions for ch in "?!.,")


@pytest.mark.parametrize("salon", HOLDOUTS, ids=lambda p: p.name)
def test_each_held_out_salon_mixes_document_formats(salon: Path) -> None:
    suffixes = {p.suffix for p in (salon / "sources").rglob("*") if p.is_file()}
    formats = suffixes & {".pdf", ".csv", ".xlsx", ".html", ".md"}
    assert len(formats) >= 3 and ".toml" in suffixes


def test_the_local_model_embeds_a_question_unlike_the_same_words_as_a_passage() -> None:
    model = LocalE5Embedder()
    text = "c'est combien une coupe homme"
    query = model.embed_query(text)
    passage = model.embed_passages([text])[0]
    assert np.isclose(np.linalg.norm(query), 1.0) and np.isclose(np.linalg.norm(passage), 1.0)
    # e5 reads "query: " and "passage: " prefixes: the same words give different vectors.
    assert float(query @ passage) < 0.99
    assert np.allclose(query, model.embed_query(text))
