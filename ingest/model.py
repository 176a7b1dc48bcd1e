"""What ingestion produces: chunks with metadata, and a report per file.

This is the contract between `ingest` and `kb`: `kb` never parses files, it indexes
`Chunk`s and prints `FileReport`s.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["price", "hours", "policy", "faq", "other"]
Status = Literal["ok", "warning", "error", "skipped"]


@dataclass(frozen=True)
class Chunk:
    """A passage ready to index.

    `text` is the passage body as a caller-facing answer would quote it (a price row stays
    "service — duration — price" on one line); `title` and `section` are the document
    title and the heading path it sits under; `source` is the file path relative to the
    sources folder; `page` is 1-based for paged documents.
    """

    text: str
    title: str
    section: str
    source: str
    kind: Kind = "other"
    page: int | None = None
    ordinal: int = 0  # position of the chunk within its file

    def indexed_text(self) -> str:
        """Text that is embedded and searched: title and section, then the body."""
        head = " — ".join(part for part in (self.title, self.section) if part)
        return f"{head}\n{self.text}" if head else self.text

    @property
    def id(self) -> str:
        digest = hashlib.sha1(
            f"{self.source}\x00{self.ordinal}\x00{self.indexed_text()}".encode()
        ).hexdigest()
        return digest[:20]


@dataclass
class FileReport:
    """What happened to one input file; warnings and errors name the reason."""

    path: str
    status: Status = "ok"
    chunks: int = 0
    pages: int | None = None
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass
class IngestResult:
    chunks: list[Chunk] = field(default_factory=list)
    reports: list[FileReport] = field(default_factory=list)
