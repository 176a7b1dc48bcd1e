"""Writing a version of the index: passages, vectors and outdated marks into Chroma, the
documents' facts (`kb.stored_facts`), then the manifest, and CURRENT switched to it.

A failure before the switch deletes the half-built version and leaves the previous one
serving; readers (`kb.retriever`) load a version by the CURRENT pointer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from ingest.model import Chunk, Fact, FileReport
from kb import store, stored_facts
from kb.contradictions import Contradiction

logger = logging.getLogger("kb")

Progress = Callable[[str], None]


@dataclass
class ReindexResult:
    manifest: store.Manifest
    reports: list[FileReport]
    rebuilt: bool  # False when nothing changed and the current version was kept
    embedded: int = 0
    reused: int = 0
    removed_versions: list[str] = field(default_factory=list)
    removed_documents: list[str] = field(default_factory=list)  # gone since the previous one
    contradictions: list[Contradiction] = field(default_factory=list)  # with salon.toml
    seconds: float = 0.0

    @property
    def chunks(self) -> int:
        return len(self.manifest.chunk_ids)


def metadata(chunk: Chunk, outdated: str | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "source": chunk.source,
        "title": chunk.title,
        "section": chunk.section,
        "kind": chunk.kind,
        "ordinal": chunk.ordinal,
    }
    if chunk.page is not None:
        meta["page"] = chunk.page
    if outdated:
        meta["outdated"] = outdated  # values salon.toml contradicts (kb.contradictions)
    return meta


def write_version(
    db_dir: Path,
    version: str,
    chunks: list[Chunk],
    vectors: np.ndarray,
    notes: dict[str, str] | None = None,
) -> dict[str, Any]:
    where = store.store_for_new_version(db_dir, version)
    store.start_version(db_dir, version, where)
    client = store.chroma_client(db_dir, version, where)
    try:
        collection = client.create_collection(
            where["collection"], metadata={"hnsw:space": "cosine"}, embedding_function=None
        )
        for start in range(0, len(chunks), 1000):
            part = chunks[start : start + 1000]
            collection.add(
                ids=[c.id for c in part],
                embeddings=vectors[start : start + len(part)],
                documents=[c.indexed_text() for c in part],
                metadatas=[metadata(c, (notes or {}).get(c.id)) for c in part],
            )
    finally:
        store.close_client(client)
    return where


def publish(
    db_dir: Path,
    chunks: list[Chunk],
    vectors: np.ndarray,
    notes: dict[str, str],
    *,
    facts: list[Fact],
    checked: dict[str, Any],
    manifest: store.Manifest,
    say: Progress,
    started: float,
) -> tuple[store.Manifest, list[str]]:
    """Write a new version (vectors, facts, then `manifest` under its new id), point
    CURRENT at it and prune old versions; the new manifest and the pruned versions.
    `started`: when the reindex started (`time.perf_counter`), for the build time."""
    version = store.new_version_id()
    try:
        where = write_version(db_dir, version, chunks, vectors, notes)
        vdir = store.versions_dir(db_dir) / version
        stored_facts.save(vdir, facts=facts, checked=checked, pipeline=manifest.pipeline)
        manifest = replace(
            manifest,
            version=version,
            dim=int(vectors.shape[1]),
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
            store=where,
            chunk_ids=[c.id for c in chunks],
            build_seconds=round(time.perf_counter() - started, 3),
        )
        store.write_manifest(vdir, manifest)
        store.switch_current(db_dir, version)
    except BaseException:
        store.delete_version(db_dir, version)
        raise
    try:
        removed = store.prune(db_dir)
    except Exception as exc:  # the new version is serving; old ones wait for next time
        logger.warning("kb: pruning old versions failed: %s", exc)
        removed = []
    say(f"version {version} is now serving")
    return manifest, removed
