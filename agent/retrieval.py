"""Knowledge-base retrieval for a live turn: a time budget, hot reload, never an exception.

The agent asks the knowledge base once per caller turn. A slow or broken index must not
cost the caller an answer: the search runs in a worker thread under `asyncio.wait_for`
with a budget (`RAG_BUDGET_MS`), and any failure yields `None` (answer without
passages). `reload_if_changed()` is called at most every `RELOAD_EVERY_S` seconds so a
new index version written by `scripts/reindex` is picked up without a restart.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from kb.types import SearchResult
from salon import settings

logger = logging.getLogger("agent")

RELOAD_EVERY_S = 2.0
_SMALL_TALK = re.compile(
    r"^(oui|non|ok|okay|d'accord|merci|très bien|parfait|super|allô|allo|bonjour|bonsoir|"
    r"au revoir|c'est ça|exactement|voilà|ça marche|entendu|non merci|oui merci|"
    r"merci beaucoup|bonne journée)[\s,.!?]*$",
    re.IGNORECASE,
)


class KnowledgeBase(Protocol):
    """What the agent needs from `kb.retriever.Retriever`."""

    def search(self, query: str, k: int = 4) -> SearchResult: ...

    def reload_if_changed(self) -> bool: ...


@dataclass(frozen=True)
class RagOptions:
    """How and when the agent retrieves.

    `mode`: "llm_node" retrieves inside the LLM node, which keeps LiveKit's preemptive
    generation useful; "hook" retrieves in `on_user_turn_completed` (preemptive
    generation is then turned off, since the hook would throw it away, unless
    `preemptive` forces it: the benchmark does that to show the waste).
    """

    mode: str = "llm_node"
    budget_ms: float = 150.0
    k: int = 4
    preemptive: bool | None = None  # None: on for llm_node, off for hook

    @property
    def preemptive_generation(self) -> bool:
        return self.mode == "llm_node" if self.preemptive is None else self.preemptive

    @classmethod
    def from_env(cls) -> RagOptions:
        mode = (settings.get("RAG_MODE", "llm_node") or "llm_node").lower()
        if mode not in ("llm_node", "hook"):
            raise ValueError(f"le réglage RAG_MODE doit être llm_node ou hook, pas {mode!r}")
        return cls(
            mode=mode,
            budget_ms=settings.get_float("RAG_BUDGET_MS", 150.0),
            k=settings.get_int("RAG_TOP_K", 4),
        )


class IndexNotReady(RuntimeError):
    """No index has been built yet in the knowledge-base directory."""


class PendingKnowledgeBase:
    """Stands in for the retriever while no index exists, and becomes it as soon as
    `scripts/reindex` builds one: a worker started before the first reindex must not
    answer without documents for the rest of its life."""

    def __init__(self, path: Path, *, query_cache: int) -> None:
        self.path = path
        self.query_cache = query_cache
        self.loaded: KnowledgeBase | None = None

    def reload_if_changed(self) -> bool:
        if self.loaded is not None:
            return self.loaded.reload_if_changed()
        from kb.retriever import Retriever
        from kb.store import IndexMissing

        try:
            self.loaded = Retriever.open(self.path, query_cache=self.query_cache)
        except IndexMissing:
            return False
        return True

    def search(self, query: str, k: int = 4) -> SearchResult:
        if self.loaded is None:
            raise IndexNotReady(str(self.path))
        return self.loaded.search(query, k)


def open_knowledge_base(
    db_dir: str | Path | None = None, *, query_cache: int = 64, wait_for_index: bool = True
) -> KnowledgeBase | None:
    """Open the retriever on `db_dir` (`--db`, `KB_DB`, `data/kb`).

    With no index yet it returns a `PendingKnowledgeBase` that loads the first one built
    (`wait_for_index=False`: `None` instead); on any other failure `None`, with one
    warning, so the agent still takes calls. `query_cache=0` turns off the
    question-vector cache (benchmarks)."""
    path = settings.kb_db_path(db_dir)
    try:
        from kb.retriever import Retriever
        from kb.store import IndexMissing

        try:
            retriever: KnowledgeBase = Retriever.open(path, query_cache=query_cache)
        except IndexMissing:
            if not wait_for_index:
                raise
            logger.warning(
                "no knowledge base yet; answering without documents until scripts/reindex",
                extra={"kb_db": str(path)},
            )
            return PendingKnowledgeBase(path, query_cache=query_cache)
        return retriever
    except Exception as exc:  # no index yet, or kb not installed: answer without it
        logger.warning(
            "knowledge base unavailable; answering without documents",
            extra={"kb_db": str(path), "error": repr(exc)},
        )
        return None


def worth_searching(text: str) -> bool:
    """Skip retrieval for acknowledgements ("oui", "merci") that no document answers."""
    stripped = text.strip()
    return bool(stripped) and not _SMALL_TALK.match(stripped)


class BudgetedRetriever:
    """Runs `search` in a thread within a time budget; returns `None` on any failure."""

    def __init__(self, kb: KnowledgeBase | None, *, options: RagOptions) -> None:
        self.kb = kb
        self.options = options
        self._last_reload = 0.0
        self.reload_every = RELOAD_EVERY_S
        self.timeouts = 0
        self.failures = 0

    def _search_sync(self, query: str) -> SearchResult:
        assert self.kb is not None
        now = time.monotonic()
        if now - self._last_reload >= self.reload_every:
            self._last_reload = now
            try:
                if self.kb.reload_if_changed():
                    logger.info("knowledge base reloaded: new index version")
            except Exception:
                logger.warning("knowledge base reload failed; keeping the loaded version")
        return self.kb.search(query, self.options.k)

    async def retrieve(self, query: str) -> SearchResult | None:
        if self.kb is None or not worth_searching(query):
            return None
        try:
            return await asyncio.wait_for(
                asyncio.to_thread(self._search_sync, query),
                timeout=self.options.budget_ms / 1000,
            )
        except IndexNotReady:
            return None  # expected until the first reindex: not a failure
        except TimeoutError:
            self.timeouts += 1
            logger.warning(
                "retrieval over budget; answering without passages",
                extra={"budget_ms": self.options.budget_ms},
            )
        except Exception as exc:
            self.failures += 1
            logger.warning(
                "retrieval failed; answering without passages", extra={"error": repr(exc)}
            )
        return None
