"""A reindex with no file changed: the day may still change the comparison with salon.toml.

Hours a document gives for a season are compared with `salon.toml`'s week only while their
months include the day of the reindex (`kb.season_checks`). When no file changed, the
version's stored facts (`kb.stored_facts`) tell whether that day entered or left such a
season since they were compared. If not, the version is kept as it is (the usual no-change
reindex, a few milliseconds). If so, the facts are compared again; when the contradictions
differ, a new version is made of the stored passages and vectors with the new outdated
marks (nothing read from the documents, nothing embedded) and CURRENT points at it, so the
running receptionist reloads it; when they are the same, the version is kept and only the
day of the comparison is recorded.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from ingest.model import Chunk, FileReport
from kb import store, stored_facts
from kb.contradictions import Contradiction, find_contradictions, outdated_notes, profile_of
from kb.versions import Progress, ReindexResult, publish
from salon.profile import SalonProfile

logger = logging.getLogger("kb")


def day_of(profile: SalonProfile | None, today: date | None) -> date:
    """`today`, else the salon's today (its time zone), else the machine's."""
    if today is not None:
        return today
    return profile.now().date() if profile is not None else date.today()


def when_unchanged(
    db_dir: Path,
    previous: store.Manifest,
    *,
    sources: Path,
    today: date | None,
    pipeline: str,
    say: Progress,
    started: float,
) -> ReindexResult | None:
    """The reindex when no file changed since `previous` (see the module docstring); None
    when its facts or passages cannot be read back: the caller reads the documents again
    (their passages keep their vectors)."""
    vdir = store.versions_dir(db_dir) / previous.version
    saved = stored_facts.read(vdir, pipeline)
    if saved is None:
        return None
    if not stored_facts.depends_on_day(saved):  # no need to read salon.toml
        say("nothing changed since the current version")
        return _kept(previous, started)
    profile = profile_of(sources)
    day = day_of(profile, today)
    if not stored_facts.due(saved, day):
        say("nothing changed since the current version")
        return _kept(previous, started)
    say(f"the season changed since {saved['checked']['day']}: comparing again with salon.toml")
    try:
        facts = stored_facts.facts_of(saved)
        contradictions = find_contradictions(profile, facts, today=day)
    except Exception as exc:
        logger.warning("kb: stored facts unusable, reading the documents again: %s", exc)
        return None
    checked = stored_facts.checked_for(profile, facts, day)
    if [c.to_dict() for c in contradictions] == previous.contradictions:
        stored_facts.save_checked(vdir, saved, checked)
        say("same contradictions: the current version is kept")
        return _kept(previous, started)
    try:
        chunks, vectors = stored_passages(db_dir, previous)
    except Exception as exc:
        logger.warning("kb: stored passages unreadable, reading the documents again: %s", exc)
        return None
    if contradictions:
        say(f"{len(contradictions)} value(s) in the documents contradict salon.toml")
    manifest, removed = publish(
        db_dir,
        chunks,
        vectors,
        outdated_notes(contradictions, chunks),
        facts=facts,
        checked=checked,
        manifest=replace(
            previous,
            embedded=0,
            reused=len(chunks),
            contradictions=[c.to_dict() for c in contradictions],
        ),
        say=say,
        started=started,
    )
    return ReindexResult(
        manifest=manifest,
        reports=[FileReport(**r) for r in previous.reports],
        rebuilt=True,
        reused=len(chunks),
        removed_versions=removed,
        contradictions=contradictions,
        seconds=time.perf_counter() - started,
    )


def _kept(previous: store.Manifest, started: float) -> ReindexResult:
    return ReindexResult(
        manifest=previous,
        reports=[FileReport(**r) for r in previous.reports],
        contradictions=[Contradiction.from_dict(c) for c in previous.contradictions],
        rebuilt=False,
        seconds=time.perf_counter() - started,
    )


def _chunk(document: str, meta: dict[str, Any]) -> Chunk:
    """The passage a stored row was made from (its metadata and its indexed text)."""
    title, section = str(meta["title"]), str(meta["section"])
    head = " — ".join(part for part in (title, section) if part)
    if head and not document.startswith(head + "\n"):
        raise ValueError("stored passage does not start with its title")
    page = meta.get("page")
    return Chunk(
        text=document[len(head) + 1 :] if head else document,
        title=title,
        section=section,
        source=str(meta["source"]),
        kind=meta["kind"],
        page=int(page) if page is not None else None,
        ordinal=int(meta["ordinal"]),
    )


def passages_of(
    db_dir: Path, manifest: store.Manifest, sources: set[str]
) -> dict[str, list[Chunk]]:
    """The passages a version holds of these source files, in reading order, keyed by file
    (a file it holds nothing of is absent); `ValueError` when a passage cannot be made
    again exactly (same id). Their vectors are not read: the indexer finds them by text."""
    if not sources:
        return {}
    names = sorted(sources)
    where: dict[str, Any] = {"source": names[0]} if len(names) == 1 else {"source": {"$in": names}}
    client = store.chroma_client(db_dir, manifest.version, manifest.store)
    found: dict[str, list[Chunk]] = {}
    try:
        collection = client.get_collection(manifest.store["collection"])
        got = collection.get(where=where, include=["documents", "metadatas"])
        for chunk_id, document, meta in zip(
            got["ids"], got["documents"], got["metadatas"], strict=True
        ):
            chunk = _chunk(document, dict(meta))
            if chunk.id != chunk_id:
                raise ValueError(f"stored passage {chunk_id} reads back as {chunk.id}")
            found.setdefault(chunk.source, []).append(chunk)
    finally:
        store.close_client(client)
    return {source: sorted(chunks, key=lambda c: c.ordinal) for source, chunks in found.items()}


def stored_passages(db_dir: Path, manifest: store.Manifest) -> tuple[list[Chunk], np.ndarray]:
    """A version's passages, in the manifest's order, and their vectors; `ValueError`
    when a passage cannot be made again exactly (same id) or the version is incomplete."""
    client = store.chroma_client(db_dir, manifest.version, manifest.store)
    rows: dict[str, tuple[Chunk, np.ndarray]] = {}
    try:
        collection = client.get_collection(manifest.store["collection"])
        total = collection.count()
        for offset in range(0, total, 500):
            got = collection.get(
                include=["embeddings", "documents", "metadatas"], limit=500, offset=offset
            )
            for chunk_id, document, vector, meta in zip(
                got["ids"], got["documents"], got["embeddings"], got["metadatas"], strict=True
            ):
                chunk = _chunk(document, dict(meta))
                if chunk.id != chunk_id:
                    raise ValueError(f"stored passage {chunk_id} reads back as {chunk.id}")
                rows[chunk_id] = (chunk, np.asarray(vector, dtype=np.float32))
    finally:
        store.close_client(client)
    if set(rows) != set(manifest.chunk_ids):
        raise ValueError(
            f"index version {manifest.version} holds {len(rows)} passages, its manifest "
            f"lists {len(manifest.chunk_ids)}"
        )
    chunks = [rows[cid][0] for cid in manifest.chunk_ids]
    return chunks, np.vstack([rows[cid][1] for cid in manifest.chunk_ids])
