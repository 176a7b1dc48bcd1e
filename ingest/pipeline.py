"""Ingest a folder of salon documents: discover files, load each, chunk, report.

Public API (used by `kb` and the CLIs):

- `discover(sources) -> Discovery`: the files that will be read (sorted) and the ones
  skipped up front with a reason (unsupported type, older website snapshot);
- `ingest_file(path, *, root, options=None) -> IngestResult`: one file → its chunks and
  exactly one `FileReport` (never raises on bad input);
- `ingest_directory(sources, *, options=None, on_file=None, deadline=None) -> IngestResult`:
  everything.

Each file is read in a child process with a time and a memory budget (`ingest.sandbox`):
a hostile file (a zip bomb, a PDF that inflates to hundreds of megabytes, a page nested
100 000 levels deep) is reported and the rest is read. A symbolic link that leads out of
the sources folder is refused (reported), never followed.

Hidden files and folders (".x") are ignored. A chunk whose text repeats another's exactly
(boilerplate on every page, a table published twice) is kept once. Under a folder holding dated snapshots
(`site/2026-11-25/`), only the newest snapshot is read. `salon.toml` at the top of the
folder is indexed as structured facts; the folder does not need one. What the other
documents state about prices, durations, hours, closures, phone and address is returned
as `IngestResult.facts` (see `ingest.facts`), for `kb` to compare with `salon.toml`.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ingest import sandbox
from ingest.chunking import ChunkingOptions, chunk_document
from ingest.document import Document, LoadError, out_of_memory
from ingest.facts import extract_facts
from ingest.model import Chunk, Fact, FileReport, IngestResult
from salon import settings

log = logging.getLogger("ingest")

PDF = {".pdf"}
HTML = {".html", ".htm", ".xhtml"}
TEXT = {".md", ".markdown", ".txt", ".text"}
CSV = {".csv", ".tsv"}
XLSX = {".xlsx", ".xlsm"}
DOCX = {".docx"}
SUPPORTED = PDF | HTML | TEXT | CSV | XLSX | DOCX
PROFILE_NAME = "salon.toml"
MANIFEST_NAME = "manifest.json"
_DATED = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HINTS = {
    ".doc": "old Word format (.doc) is not read: save it as .docx or PDF",
    ".odt": "OpenDocument text is not read: export it as PDF",
    ".xls": "old Excel format (.xls) is not read: save it as .xlsx",
    ".ods": "OpenDocument spreadsheets are not read: save it as .xlsx or CSV",
    ".jpg": "images are not read (no OCR)",
    ".jpeg": "images are not read (no OCR)",
    ".png": "images are not read (no OCR)",
}


@dataclass(frozen=True)
class IngestOptions:
    max_pdf_pages: int = 300  # pages read per PDF; the rest is reported
    max_file_bytes: int = 50 * 1024 * 1024  # larger files are reported and not read
    chunking: ChunkingOptions = field(default_factory=ChunkingOptions)
    file_seconds: float = 120.0  # wall-clock time to read one file (in a child process)
    file_memory_mb: int = 1024  # address space of that child process

    @classmethod
    def from_settings(cls) -> IngestOptions:
        """`INGEST_MAX_PDF_PAGES`, `INGEST_MAX_FILE_MB`, `INGEST_CHUNK_CHARS`,
        `INGEST_FILE_SECONDS`, `INGEST_FILE_MEMORY_MB` when set."""
        return cls(
            max_pdf_pages=max(1, settings.get_int("INGEST_MAX_PDF_PAGES", 300)),
            max_file_bytes=max(1, settings.get_int("INGEST_MAX_FILE_MB", 50)) * 1024 * 1024,
            file_seconds=max(1.0, settings.get_float("INGEST_FILE_SECONDS", 120.0)),
            file_memory_mb=max(256, settings.get_int("INGEST_FILE_MEMORY_MB", 1024)),
            chunking=ChunkingOptions(
                max_chars=max(200, settings.get_int("INGEST_CHUNK_CHARS", 800))
            ),
        )


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)  # absolute paths, sorted, to be read
    skipped: list[FileReport] = field(default_factory=list)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


def _hidden(rel: Path) -> bool:
    return any(part.startswith(".") or part == "__pycache__" for part in rel.parts)


def _refused_link(path: Path, root: Path) -> FileReport:
    kind = "folder" if path.is_dir() else "file"
    return FileReport(
        path=path.relative_to(root).as_posix() + ("/" if kind == "folder" else ""),
        status="error",
        error=f"symbolic link to a {kind} outside the sources folder: refused (copy the "
        f"{kind} itself into the sources folder to index it)",
    )


def discover(sources: Path) -> Discovery:
    """List the files `ingest_directory` will read, and those skipped with a reason."""
    root = sources.resolve()
    if not root.is_dir():
        raise NotADirectoryError(f"{sources}: not a folder of documents")
    found = Discovery()
    all_paths = sorted(p for p in root.rglob("*") if not _hidden(p.relative_to(root)))
    dated: dict[Path, list[Path]] = {}
    for path in all_paths:
        if path.is_dir() and _DATED.match(path.name):
            dated.setdefault(path.parent, []).append(path)
    old: dict[Path, Path] = {}
    for snapshots in dated.values():
        newest = max(snapshots, key=lambda p: p.name)
        for snap in snapshots:
            if snap != newest:
                old[snap] = newest
    for snap, newest in sorted(old.items()):
        found.skipped.append(
            FileReport(
                path=_relative(snap, root) + "/",
                status="skipped",
                error=f"older website snapshot (only the newest, {newest.name}, is indexed)",
            )
        )
    for path in all_paths:
        if path.is_symlink() and not path.resolve().is_relative_to(root):
            found.skipped.append(_refused_link(path, root))
            continue
        if not path.is_file() or any(parent in old for parent in path.parents):
            continue
        rel = path.relative_to(root)
        suffix = path.suffix.lower()
        if path.name == MANIFEST_NAME and _DATED.match(path.parent.name):
            continue  # the crawler's record of a snapshot, not content
        if rel.as_posix() == PROFILE_NAME or suffix in SUPPORTED:
            found.files.append(path)
            continue
        reason = _HINTS.get(suffix, f"unsupported file type ({suffix or 'no extension'})")
        found.skipped.append(FileReport(path=rel.as_posix(), status="skipped", error=reason))
    return found


def _load(path: Path, rel: str, options: IngestOptions) -> Document:
    suffix = path.suffix.lower()
    if rel == PROFILE_NAME:
        from ingest.profile_loader import load_profile_doc

        return load_profile_doc(path)
    if suffix in PDF:
        from ingest.pdf_loader import load_pdf

        return load_pdf(path, max_pages=options.max_pdf_pages)
    if suffix in HTML:
        from ingest.html_loader import load_html

        return load_html(path)
    if suffix in TEXT:
        from ingest.text_loader import load_text

        return load_text(path)
    if suffix in CSV:
        from ingest.table_loader import load_csv

        return load_csv(path)
    if suffix in XLSX:
        from ingest.table_loader import load_xlsx

        return load_xlsx(path)
    if suffix in DOCX:
        from ingest.docx_loader import load_docx

        return load_docx(path)
    raise LoadError(f"unsupported file type ({suffix or 'no extension'})", status="skipped")


def _load_file(path: Path, root: Path, opts: IngestOptions) -> tuple[Document | None, FileReport]:
    """Load one file into a `Document`, or give a report saying why it cannot be read."""
    rel = _relative(path.resolve(), root.resolve())
    report = FileReport(path=rel)
    try:
        size = path.stat().st_size
        if size > opts.max_file_bytes:
            raise LoadError(
                f"file too large ({size / 1_048_576:.1f} MB, limit "
                f"{opts.max_file_bytes / 1_048_576:.0f} MB)"
            )
        if size == 0:
            raise LoadError("empty file", status="skipped")
        doc = _load(path, rel, opts)
    except LoadError as exc:
        if out_of_memory(exc):
            raise MemoryError from exc  # over the memory budget, not a damaged file
        report.status = exc.status
        report.error = exc.reason
        return None, report
    except OSError as exc:
        report.status = "error"
        report.error = f"cannot read the file ({exc.strerror or type(exc).__name__})"
        return None, report
    except Exception as exc:  # a loader bug must not stop the other files
        if out_of_memory(exc):
            raise MemoryError from exc
        log.warning("unexpected loader failure", extra={"file": rel}, exc_info=True)
        report.status = "error"
        report.error = f"unexpected error while reading ({type(exc).__name__}: {exc})"
        return None, report
    report.pages = doc.pages
    report.warnings = list(doc.warnings)
    if doc.warnings:
        report.status = "warning"
    return doc, report


def _chunk(doc: Document, report: FileReport, opts: IngestOptions) -> list[Chunk]:
    chunks = chunk_document(doc, source=report.path, options=opts.chunking)
    report.chunks = len(chunks)
    if not chunks and report.status != "error":
        report.status = "error"
        report.error = "no text could be extracted"
    return chunks


def _read_one(
    path: Path, root: Path, opts: IngestOptions
) -> tuple[Document | None, FileReport, list[Fact]]:
    """In the child process: load one file, count its chunks, take the facts it states."""
    doc, report = _load_file(path, root, opts)
    if doc is None:
        return None, report, []
    _chunk(doc, report, opts)
    return doc, report, _facts(doc, report)


BUDGET_GONE = "not read: the reindex time budget ran out before this file could be read"
BUDGET_CUT = "not read: the reindex time budget ran out while reading it"
BUDGET_ERRORS = (BUDGET_GONE, BUDGET_CUT)  # the next reindex reads these files again


def _read_bounded(
    path: Path, root: Path, opts: IngestOptions, deadline: float | None = None
) -> tuple[Document | None, FileReport, list[Fact]]:
    """`_read_one` in a child process within the file's time and memory budget (and what
    is left of `deadline`, a `time.monotonic()` value); over budget gives a report."""
    seconds = opts.file_seconds
    whole_run = deadline is not None and deadline - time.monotonic() < seconds
    if deadline is not None:
        seconds = min(seconds, deadline - time.monotonic())
    failed = FileReport(path=_relative(path.resolve(), root.resolve()), status="error")
    if seconds <= 0:
        failed.error = BUDGET_GONE
        return None, failed, []
    budget = sandbox.Budget(seconds=seconds, memory_mb=opts.file_memory_mb)
    try:
        return sandbox.run(_read_one, path, root, opts, budget=budget)
    except sandbox.OverBudget as exc:
        if exc.kind == "timeout" and whole_run:
            failed.error = BUDGET_CUT
        else:
            failed.error = f"not read: it {exc.reason}" if exc.kind != "crash" else exc.reason
        return None, failed, []


def ingest_file(path: Path, *, root: Path, options: IngestOptions | None = None) -> IngestResult:
    """Load and chunk one file, in a child process within the file's time and memory
    budget. Bad input gives a report with the reason, never an exception.

    Without `options`, limits come from the settings (`IngestOptions.from_settings`).
    """
    opts = options or IngestOptions.from_settings()
    doc, report, _ = _read_bounded(path.resolve(), root.resolve(), opts)
    chunks = chunk_document(doc, source=report.path, options=opts.chunking) if doc else []
    return IngestResult(chunks=chunks, reports=[report])


def _facts(doc: Document, report: FileReport) -> list[Fact]:
    """Prices, hours, closures, phone and address the document states (not salon.toml,
    which is the reference they are compared with). A reading bug costs the comparison
    for that file only."""
    if report.path == PROFILE_NAME:
        return []
    try:
        return extract_facts(doc, source=report.path)
    except Exception:
        log.warning("fact extraction failed", extra={"file": report.path}, exc_info=True)
        return []


MIN_SHARED_BLOCK_CHARS = 40  # shorter blocks ("Oui.", "Fermé") may repeat legitimately


def _drop_shared_blocks(doc: Document, report: FileReport, seen: set[str]) -> None:
    """Remove from `doc` the paragraphs a file read before it already holds (`seen`, which
    this adds the document's own to): a call-to-action or a contact box on every page of a
    site. Table rows are left alone: a table must stay whole; identical chunks are dropped
    by `_new_chunks`."""
    keys = [
        " ".join(b.text.casefold().split())
        if b.type == "text" and len(b.text) >= MIN_SHARED_BLOCK_CHARS
        else None
        for b in doc.blocks
    ]
    kept = [b for b, key in zip(doc.blocks, keys, strict=True) if key is None or key not in seen]
    seen.update(key for key in keys if key is not None)
    if len(kept) != len(doc.blocks):
        doc.blocks = kept
        if not any(b.type != "heading" for b in kept):
            report.warnings.append("all its text repeats other files: nothing new to index")
            report.status = "warning"


def ingest_directory(
    sources: Path,
    *,
    options: IngestOptions | None = None,
    on_file: Callable[[int, int, FileReport], None] | None = None,
    deadline: float | None = None,
) -> IngestResult:
    """Ingest every supported file under `sources`.

    Each file is read in a child process within its time and memory budget
    (`IngestOptions.file_seconds`, `file_memory_mb`); past `deadline` (a
    `time.monotonic()` value: the whole reindex's budget) the files left are reported,
    not read. `on_file(done, total, report)` is called after each file read, for
    progress display.
    Reports come in path order: files read, then files skipped up front. Text repeated
    across files is indexed once, in the first file holding it (`_drop_shared_blocks`,
    `_new_chunks`): a report's `chunks` counts what its file adds, and `repeated` what it
    held that an earlier file already had; both are final when `on_file` sees them.
    """
    opts = options or IngestOptions.from_settings()
    root = sources.resolve()
    sandbox.prestart()  # its imports overlap the discovery
    found = discover(root)
    result = IngestResult()
    started = time.perf_counter()
    seen_blocks: set[str] = set()
    seen_chunks: set[str] = set()
    for i, path in enumerate(found.files, start=1):
        doc, report, facts = _read_bounded(path, root, opts, deadline)
        if doc is not None:
            result.facts.extend(facts)
            read = report.chunks  # the file on its own, as the child process chunked it
            _drop_shared_blocks(doc, report, seen_blocks)
            chunks = _new_chunks(
                chunk_document(doc, source=report.path, options=opts.chunking), seen_chunks
            )
            report.chunks = len(chunks)
            report.repeated = max(0, read - len(chunks))
            result.chunks.extend(chunks)
        result.reports.append(report)
        if on_file is not None:
            on_file(i, len(found.files), report)
    result.reports.extend(found.skipped)
    log.info(
        "ingested folder",
        extra={
            "files": len(found.files),
            "chunks": len(result.chunks),
            "seconds": round(time.perf_counter() - started, 3),
        },
    )
    return result


def _new_chunks(chunks: list[Chunk], seen: set[str]) -> list[Chunk]:
    """The chunks whose body text no chunk read before holds (`seen`, which this adds
    theirs to): a block repeated on every page of a site, a price table published twice
    only crowd out other passages. Ordinals are kept, so chunk ids stay stable."""
    kept: list[Chunk] = []
    for chunk in chunks:
        key = " ".join(chunk.text.casefold().split())
        if key not in seen:
            seen.add(key)
            kept.append(chunk)
    return kept


def chunks_by_source(chunks: list[Chunk]) -> dict[str, list[Chunk]]:
    """Group chunks by their source file (insertion order kept)."""
    grouped: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        grouped.setdefault(chunk.source, []).append(chunk)
    return grouped
