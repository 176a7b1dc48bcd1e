"""Reindexing: sources → chunks → vectors → a new index version, switched in atomically.

Incremental by content: when no source file changed (same SHA-256 for every file, same
ingestion code, same model) nothing is rebuilt. Otherwise a new version is built beside
the current one; every chunk whose id (source, position, text) already exists in the
current version reuses its stored vector, so only new or changed text is embedded, and
chunks of removed files are simply absent from the new version. A failure before the
switch deletes the half-built version and leaves the previous one serving.

A file the previous version had indexed that cannot be read now (a truncated PDF copied
over a good one, an emptied file: an error for the whole file, not a warning about some
pages) does not silently take its passages away from callers: the new version keeps
serving that file's previous passages as they were (their vectors reused, their facts
still compared with `salon.toml`) and its report says so (`FileReport.kept_previous`),
until a readable copy replaces it. A file deleted from the sources is removed as always;
an unreadable file that was never indexed is only reported.

A `salon.toml` that does not load as a profile (a TOML typo, a price written as text)
stops the reindex before anything is read (`InvalidProfile`): the salon's own hours,
prices and phone come from it, and an index without them, whose documents are no longer
compared with it, would answer callers from stale documents. The previous version keeps
serving until the file is fixed. A folder without `salon.toml` is indexed as always.

The comparison with `salon.toml` depends on the day (a season's hours are compared only
in that season): when no file changed but the day entered or left such a season, the
stored facts are compared again and the new outdated marks are served as a new version
made of the stored passages and vectors, without reading or embedding anything
(`kb.recheck`). When the contradictions stay the same, the version is kept.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, replace
from datetime import date
from pathlib import Path

import numpy as np

from ingest.model import Chunk, Fact, FileReport, IngestResult
from kb import recheck, store, stored_facts
from kb.contradictions import PROFILE_NAME, find_contradictions, outdated_notes, profile_of
from kb.embeddings import Embedder, get_embedder, model_name_for
from kb.versions import Progress, ReindexResult, publish
from salon import settings
from salon.profile import ProfileError, load_profile

logger = logging.getLogger("kb")

_BATCH = 32  # passages per embedding call: progress every second or two
DEFAULT_BUDGET_S = 1800.0  # a whole reindex; a first index of a real salon takes a minute


class NothingToIndex(RuntimeError):
    """No usable chunk came out of the sources; the current index is left as it was."""

    def __init__(self, message: str, reports: list[FileReport]) -> None:
        super().__init__(message)
        self.reports = reports


class InvalidProfile(RuntimeError):
    """`salon.toml` is there but does not load as a profile; nothing was switched in.

    `detail` is the owner's French sentence (`salon.profile`: the file, the line or the
    block and field, what is wrong); `kept` the version still serving (None: no index)."""

    def __init__(self, detail: str, kept: str | None) -> None:
        state = (
            "the previous index keeps serving"
            if kept
            else "nothing was indexed (there is no index yet)"
        )
        super().__init__(
            f"salon.toml cannot be read: {detail}; {state}; fix salon.toml and run "
            "scripts/reindex again"
        )
        self.detail = detail
        self.kept = kept


def check_profile(sources: Path, kept: str | None = None) -> None:
    """Raise `InvalidProfile` when `sources` has a `salon.toml` that does not load."""
    path = sources / PROFILE_NAME
    if not path.is_file():
        return  # a salon without a profile: its documents alone are indexed
    try:
        load_profile(path)
    except ProfileError as exc:
        raise InvalidProfile(str(exc), kept) from exc


def hash_sources(sources: Path) -> dict[str, str]:
    """SHA-256 of every visible regular file under `sources`, keyed by relative path. A
    symbolic link leading out of `sources` is never read (ingestion refuses it): its
    target's name is hashed instead."""
    hashes: dict[str, str] = {}
    root = sources.resolve()
    for path in sorted(sources.rglob("*")):
        rel = path.relative_to(sources)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.is_symlink() and not path.resolve().is_relative_to(root):
            target = f"link to {os.readlink(path)}".encode("utf-8", "surrogateescape")
            hashes[_valid_text(rel.as_posix())] = hashlib.sha256(target).hexdigest()
            continue
        if not path.is_file():
            continue
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        hashes[_valid_text(rel.as_posix())] = digest.hexdigest()
    return hashes


def pipeline_fingerprint() -> str:
    """Hash of the code that makes chunks (`ingest`, and `salon`, which reads salon.toml):
    when it changes, the same files may give other chunks, so the index is rebuilt."""
    import ingest
    import salon

    digest = hashlib.sha256(f"kb-format-{store.FORMAT}".encode())
    for package in (ingest, salon):
        root = Path(str(package.__file__)).parent
        for path in sorted(root.rglob("*.py")):
            digest.update(path.relative_to(root.parent).as_posix().encode())
            digest.update(path.read_bytes())
    here = Path(__file__).parent
    # they write chunk metadata
    for name in ("contradictions.py", "calendar_checks.py", "season_checks.py", "team_checks.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:16]


def _valid_text(value: str) -> str:
    """A string that encodes as UTF-8: undecodable file-name bytes become U+FFFD."""
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        try:
            raw = value.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            raw = value.encode("utf-8", "replace")
        return raw.decode("utf-8", "replace")


def _sanitised(result: IngestResult) -> IngestResult:
    """Chunks, reports and facts whose strings are valid UTF-8 (a file named with invalid
    bytes must not stop the whole index)."""
    chunks = [
        replace(
            c,
            text=_valid_text(c.text),
            title=_valid_text(c.title),
            section=_valid_text(c.section),
            source=_valid_text(c.source),
        )
        for c in result.chunks
    ]
    reports = [
        replace(
            r,
            path=_valid_text(r.path),
            warnings=[_valid_text(w) for w in r.warnings],
            error=_valid_text(r.error) if r.error else r.error,
        )
        for r in result.reports
    ]
    facts = [
        replace(
            f,
            where=replace(
                f.where,
                source=_valid_text(f.where.source),
                section=_valid_text(f.where.section),
                text=_valid_text(f.where.text),
            ),
        )
        for f in result.facts
    ]
    return IngestResult(chunks=chunks, reports=reports, facts=facts)


def _default_ingest(sources: Path, say: Progress, deadline: float | None = None) -> IngestResult:
    from ingest.pipeline import ingest_directory

    def on_file(done: int, total: int, report: FileReport) -> None:
        repeated = f", {report.repeated} repeated" if report.repeated else ""
        say(f"read {done}/{total} {report.path} ({report.chunks} chunks{repeated})")

    return ingest_directory(sources, on_file=on_file, deadline=deadline)


def budget_from_settings() -> float:
    """`KB_REINDEX_BUDGET_S`: seconds a whole reindex may take (reading and embedding)."""
    return max(1.0, settings.get_float("KB_REINDEX_BUDGET_S", DEFAULT_BUDGET_S))


def _embedding_order(todo: list[Chunk], sizes: Counter[str]) -> list[Chunk]:
    """Smallest documents first, each in reading order: when the time budget runs out,
    it is the biggest document (a 49 MB page) that is cut, not every document after it."""
    return sorted(todo, key=lambda c: sizes[c.source])


def _cut_by_budget(
    left: list[Chunk],
    sizes: Counter[str],
    reports: list[FileReport],
    hashes: dict[str, str],
    budget: float,
) -> None:
    """Report each document whose passages were not all embedded in time, and mark its
    hash as unfinished so that the next reindex goes on with it."""
    by_path = {r.path: r for r in reports}
    for source, missing in Counter(c.source for c in left).items():
        if source in hashes:
            hashes[source] = f"unfinished-{hashes[source]}"
        report = by_path.get(source)
        if report is None:
            continue
        kept = sizes[source] - missing
        report.chunks = kept
        reason = (
            f"the reindex time budget ({budget:g} s, KB_REINDEX_BUDGET_S) ran out: "
            f"{kept} of {sizes[source]} passages indexed; scripts/reindex goes on with "
            f"the rest next time"
        )
        if kept:
            report.status = "warning"
            report.warnings.append(reason)
        else:
            report.status = "error"
            report.error = reason


def _text_key(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def _reuse_vectors(db_dir: Path, previous: store.Manifest) -> dict[str, np.ndarray]:
    """Every stored vector of the previous version, keyed by a hash of the embedded text.

    Keyed by text rather than chunk id, so a paragraph that only moved (its position, hence
    its id, changed) or a file that was renamed is not embedded again.
    """
    client = store.chroma_client(db_dir, previous.version, previous.store)
    try:
        collection = client.get_collection(previous.store["collection"])
        found: dict[str, np.ndarray] = {}
        total = collection.count()
        for offset in range(0, total, 500):
            got = collection.get(include=["embeddings", "documents"], limit=500, offset=offset)
            for text, vector in zip(got["documents"], got["embeddings"], strict=True):
                found[_text_key(text)] = np.asarray(vector, dtype=np.float32)
        return found
    finally:
        store.close_client(client)


_UNREAD = ("error", "skipped")  # the whole file was not read (not: some pages)


def kept_reason(passages: int, *, read_next_time: bool) -> str:
    """The report's remark on a file whose previous passages are still served."""
    served = f"previous version kept: its {passages} passages from the last index are still served"
    if read_next_time:  # the time budget ran out: nothing is wrong with the file
        return f"{served} until the next reindex reads the file"
    return f"{served}; replace the file with a readable copy and run scripts/reindex again"


def _keep_unreadable(
    db_dir: Path,
    previous: store.Manifest | None,
    reports: list[FileReport],
    present: dict[str, str],
    fresh: list[Chunk],
    read_next_time: tuple[str, ...],
) -> tuple[list[Chunk], list[Fact]]:
    """The previous version's passages and facts of each file it indexed that is still in
    the sources but could not be read now (see the module docstring); each such file's
    report counts them and says so. A passage whose text another file now gives is not
    kept twice. Costs nothing when every file was read."""
    if previous is None:
        return [], []
    lost = {
        r.path: r
        for r in reports
        if r.status in _UNREAD and not r.chunks and r.path in present and r.path in previous.files
    }
    if not lost:
        return [], []
    try:
        found = recheck.passages_of(db_dir, previous, set(lost))
    except Exception as exc:  # an unreadable old version: the file is only reported
        logger.warning("kb: previous passages of unreadable files not found: %s", exc)
        return [], []
    seen = {" ".join(c.text.casefold().split()) for c in fresh}
    kept: list[Chunk] = []
    for path, passages in found.items():
        passages = [c for c in passages if " ".join(c.text.casefold().split()) not in seen]
        if not passages:
            continue
        report = lost[path]
        report.kept_previous = report.chunks = len(passages)
        report.warnings.append(
            kept_reason(len(passages), read_next_time=report.error in read_next_time)
        )
        kept += passages
    if not kept:
        return [], []
    vdir = store.versions_dir(db_dir) / previous.version
    facts = stored_facts.of_sources(vdir, {c.source for c in kept})
    if facts is None:
        logger.warning("kb: the facts of the kept passages are unreadable; not compared")
    return kept, facts or []


def reindex(
    *,
    sources: Path,
    db_dir: Path,
    full: bool = False,
    embedder: Embedder | None = None,
    ingest: Callable[[Path], IngestResult] | None = None,
    progress: Progress | None = None,
    budget_seconds: float | None = None,
    today: date | None = None,
) -> ReindexResult:
    """Bring the index in `db_dir` up to date with `sources`; see the module docstring.

    `budget_seconds` (default `KB_REINDEX_BUDGET_S`, 30 min) bounds the whole run: files
    not read in time are reported; when embedding runs out of time, what was embedded is
    served (smallest documents first), each cut document is reported, and the next
    reindex goes on with it. `today` (default: the salon's today) says which season's
    hours `salon.toml`'s week is, for the contradictions (`kb.season_checks`); when it
    changes that with no file changed, the contradictions are computed again without
    embedding (`kb.recheck`).

    Raises `InvalidProfile` when `sources/salon.toml` does not load (nothing is read),
    `NothingToIndex` when no chunk could be made, `store.IndexBusy` when another reindex
    runs, `NotADirectoryError` when `sources` is not a folder.
    """
    say = progress or (lambda _message: None)
    started = time.perf_counter()
    budget = budget_seconds if budget_seconds is not None else budget_from_settings()
    deadline = time.monotonic() + budget
    if not sources.is_dir():
        raise NotADirectoryError(f"sources folder not found: {sources}")
    model = embedder.name if embedder is not None else model_name_for()
    with store.writer_lock(db_dir):
        previous: store.Manifest | None
        try:
            previous = store.current_manifest(db_dir)
        except store.IndexMissing:
            previous = None
        check_profile(sources, previous.version if previous else None)
        hashes = hash_sources(sources)
        fingerprint = pipeline_fingerprint()
        say(f"{len(hashes)} file(s) in {sources}")
        if (
            not full
            and previous is not None
            and previous.model == model
            and previous.files == hashes
            and previous.pipeline == fingerprint
        ):
            done = recheck.when_unchanged(
                db_dir,
                previous,
                sources=sources,
                today=today,
                pipeline=fingerprint,
                say=say,
                started=started,
            )
            if done is not None:
                return done

        say("reading documents")
        from ingest.pipeline import BUDGET_ERRORS  # here: importing kb must stay light

        result = _sanitised(
            ingest(sources) if ingest is not None else _default_ingest(sources, say, deadline)
        )
        for report in result.reports:
            if report.error in BUDGET_ERRORS and report.path in hashes:
                hashes[report.path] = f"unfinished-{hashes[report.path]}"  # next run reads it
        unique: dict[str, Chunk] = {}
        for chunk in result.chunks:
            if chunk.text.strip():
                unique.setdefault(chunk.id, chunk)
        chunks = list(unique.values())
        if not chunks:
            raise NothingToIndex(
                f"no usable text in {sources}: the current index is unchanged", result.reports
            )
        kept, kept_facts = _keep_unreadable(
            db_dir, previous, result.reports, hashes, chunks, BUDGET_ERRORS
        )
        chunks += kept
        facts = result.facts + kept_facts
        profile = profile_of(sources)
        day = recheck.day_of(profile, today)
        checked = stored_facts.checked_for(None, [], day)  # a failed comparison: not redone
        try:
            contradictions = find_contradictions(profile, facts, today=day)
            notes = outdated_notes(contradictions, chunks)
            checked = stored_facts.checked_for(profile, facts, day)
        except Exception:  # a comparison bug must not cost the index
            logger.warning("kb: comparing the documents with salon.toml failed", exc_info=True)
            contradictions, notes = [], {}
        if contradictions:
            say(f"{len(contradictions)} value(s) in the documents contradict salon.toml")

        stored: dict[str, np.ndarray] = {}
        if previous is not None and previous.model == model and not full:
            try:
                stored = _reuse_vectors(db_dir, previous)
            except Exception as exc:  # an unreadable old version only costs re-embedding
                logger.warning("kb: previous vectors unreadable, embedding all: %s", exc)
        keys = {c.id: _text_key(c.indexed_text()) for c in chunks}
        known = {cid: stored[key] for cid, key in keys.items() if key in stored}
        sizes = Counter(c.source for c in chunks)
        todo = _embedding_order([c for c in chunks if c.id not in known], sizes)
        say(f"{len(chunks)} chunk(s): {len(todo)} to embed, {len(known)} reused")
        fresh: dict[str, np.ndarray] = {}
        if todo:
            model_impl = embedder or get_embedder()
            for start in range(0, len(todo), _BATCH):
                if time.monotonic() > deadline:
                    break
                part = todo[start : start + _BATCH]
                matrix = model_impl.embed_passages([c.indexed_text() for c in part])
                fresh.update({c.id: matrix[i] for i, c in enumerate(part)})
                say(f"embedded {min(start + _BATCH, len(todo))}/{len(todo)}")
        left = [c for c in todo if c.id not in fresh]
        if left:
            say(f"time budget ({budget:g} s) ran out: {len(left)} chunk(s) left for next time")
            _cut_by_budget(left, sizes, result.reports, hashes, budget)
            chunks = [c for c in chunks if c.id in known or c.id in fresh]
            if not chunks:
                raise NothingToIndex(
                    f"the reindex time budget ({budget:g} s, KB_REINDEX_BUDGET_S) ran out "
                    "before any passage was embedded: the current index is unchanged",
                    result.reports,
                )
        vectors = np.vstack([known[c.id] if c.id in known else fresh[c.id] for c in chunks])

        manifest, removed = publish(
            db_dir,
            chunks,
            vectors,
            notes,
            facts=facts,
            checked=checked,
            manifest=store.Manifest(
                version="",
                model=model,
                dim=0,
                built_at="",
                store={},
                files=hashes,
                reports=[asdict(r) for r in result.reports],
                pipeline=fingerprint,
                sources=str(sources.resolve()),
                embedded=len(fresh),
                reused=len(known),
                contradictions=[c.to_dict() for c in contradictions],
            ),
            say=say,
            started=started,
        )
        return ReindexResult(
            manifest=manifest,
            reports=result.reports,
            rebuilt=True,
            embedded=len(fresh),
            reused=len(known),
            removed_versions=removed,
            removed_documents=sorted(set(previous.files) - set(hashes)) if previous else [],
            contradictions=contradictions,
            seconds=time.perf_counter() - started,
        )
