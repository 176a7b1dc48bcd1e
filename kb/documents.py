"""The owner's documents as the knowledge base sees them, for the console (`webhook`,
which may not import `ingest` itself): what the serving index read of each file, and
the check an Office file passes before it may join the sources.

- `indexed_state(db_dir)`: the serving version's per-file reports, file hashes and
  contradictions with salon.toml, or None when nothing is indexed yet;
- `check_office_file(path, kind=...)`: a .docx or .xlsx is a zip; every member's declared
  size and compression ratio is checked from the central directory before anything is
  inflated (`ingest.archive`, the reindex's own check), so a zip bomb is refused at upload.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ingest.archive import check_zip
from ingest.document import LoadError
from ingest.model import FileReport
from kb import store

OFFICE_KINDS = {"docx": ("Word document", ()), "xlsx": ("spreadsheet", ("xl/worksheets/",))}


class UnsafeDocument(ValueError):
    """An uploaded file the reindex would refuse to open; `reason` says why (English, as
    the reindex report words it)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class IndexedState:
    version: str
    built_at: str  # ISO 8601, UTC
    files: dict[str, str]  # path relative to the sources -> SHA-256 when indexed
    reports: dict[str, FileReport]
    contradictions: list[dict[str, Any]]


def indexed_state(db_dir: Path) -> IndexedState | None:
    """What the serving index holds, or None when there is no usable index yet."""
    try:
        manifest = store.current_manifest(db_dir)
    except store.IndexMissing:
        return None
    reports = {}
    for raw in manifest.reports:
        report = FileReport(**raw)
        reports[report.path] = report
    return IndexedState(
        version=manifest.version,
        built_at=manifest.built_at,
        files=dict(manifest.files),
        reports=reports,
        contradictions=list(manifest.contradictions),
    )


def check_office_file(path: Path, *, kind: Literal["docx", "xlsx"]) -> None:
    """Raise `UnsafeDocument` when `path` is not a readable zip or a member would inflate
    past the reindex's limits (a zip bomb); reads only the central directory."""
    label, streamed = OFFICE_KINDS[kind]
    try:
        check_zip(path, kind=label, streamed=streamed)
    except LoadError as exc:
        raise UnsafeDocument(exc.reason) from exc
