"""The intermediate form every loader produces: a titled list of blocks.

A loader turns a file into a `Document` (headings, paragraphs, table rows, in reading
order); `ingest.chunking` turns a `Document` into `Chunk`s. Loaders raise `LoadError`
with a reason a person can act on when a file cannot be read at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from ingest.model import Kind
from ingest.seasons import label_cells, leading_period_header, period_header

BlockType = Literal["heading", "text", "row"]


class LoadError(Exception):
    """A file that cannot be ingested; the message is the reason shown in the summary."""

    def __init__(self, reason: str, *, status: Literal["error", "skipped"] = "error") -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


def out_of_memory(exc: BaseException) -> bool:
    """True when `exc` is, or was raised while handling, a `MemoryError` (libraries wrap
    it: pdfplumber raises `PdfminerException` from it): the file's memory budget ran out,
    the file is not damaged."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, MemoryError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


@dataclass
class Block:
    """One unit of a document.

    `heading` blocks open a section at `level` (1 = top); `text` is a paragraph; `row` is
    one table row already joined as "cell — cell — cell" and is never split. `kind` on a
    heading forces the kind of everything under it (used by structured loaders).
    """

    type: BlockType
    text: str
    level: int = 0
    page: int | None = None
    kind: Kind | None = None


@dataclass
class Document:
    title: str
    blocks: list[Block] = field(default_factory=list)
    pages: int | None = None
    warnings: list[str] = field(default_factory=list)

    def heading(
        self, text: str, level: int, *, page: int | None = None, kind: Kind | None = None
    ) -> None:
        text = clean_text(text)
        if text:
            self.blocks.append(Block("heading", text, level=level, page=page, kind=kind))

    def text(self, text: str, *, page: int | None = None) -> None:
        text = clean_text(text)
        if text:
            self.blocks.append(Block("text", text, page=page))

    def level(self) -> int:
        """Level of the latest heading (0 before any heading)."""
        return next((b.level for b in reversed(self.blocks) if b.type == "heading"), 0)

    def table(
        self, rows: list[list[str]], *, page: int | None = None, header: list[str] | None = None
    ) -> None:
        """Table rows; a one-cell row in a multi-column table (e.g. a colspan category
        line) opens a sub-heading one level below the heading above the table. Under a
        header (given, or the first row) whose columns name seasons or months, each value
        is written after its column's name: "Samedi — Été (mai-septembre) : 8h – 13h"."""
        rows = [[clean_text(c) for c in r] for r in rows]
        rows = [r for r in rows if any(r)]
        if header is None and leading_period_header(rows):
            header, rows = rows[0], rows[1:]
        header = [clean_text(c) for c in header] if header else None
        if header is not None and period_header(header):
            rows = [label_cells(r, header) for r in rows]
        wide = any(sum(1 for c in r if c) >= 2 for r in rows)
        base = self.level()
        for row in rows:
            filled = [c for c in row if c]
            if wide and len(filled) == 1 and len(filled[0]) <= 80:
                self.heading(filled[0], base + 1, page=page)
            else:
                self.row(filled, page=page)

    def paragraph(self, lines: list[str], *, page: int | None = None) -> None:
        """Lines of one text block: a paragraph, unless they are a price list written as
        lines ("Coupe homme ..... 28 €", "Brushing\t25 €"), then one row per line."""
        priced = sum(1 for ln in lines if ENDS_WITH_PRICE.search(ln.strip()))
        if len(lines) >= 2 and priced >= 2 and priced >= len(lines) // 2:
            for line in lines:
                cells = [c for c in COLUMN_BREAK.split(line.strip()) if c.strip()]
                if len(cells) == 1 and not ENDS_WITH_PRICE.search(line.strip()):
                    self.text(line)  # a note between the price lines
                else:
                    self.row(cells, page=page)
        else:
            self.text(" ".join(lines), page=page)

    def row(self, cells: list[str], *, page: int | None = None) -> None:
        parts = [clean_text(c) for c in cells]
        parts = [p for p in parts if p]
        if parts:
            self.blocks.append(Block("row", " — ".join(parts), page=page))


ENDS_WITH_PRICE = re.compile(
    r"(?:\d+(?:[.,]\d{1,2})?\s?€|€\s?\d+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?\s?euros?|"
    r"\bgratuit|\boffert)\s*$",
    re.IGNORECASE,
)
# Dot leaders, tabs, or 3+ spaces: what separates columns in a price list typed as text.
COLUMN_BREAK = re.compile(r"\s*(?:\.\s?){3,}\s*|\s*…{2,}\s*|\s*_{3,}\s*|\t+|\s{3,}")

_SPACES = re.compile(r"[ \t\r\v\f\u00a0\u202f\u2009]+")
_NEWLINES = re.compile(r"\s*\n\s*")
# Control characters (terminal escape sequences) and bidirectional overrides: never
# meaningful in a salon's text, and never to be replayed to a terminal or a prompt.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_text(text: str) -> str:
    """Collapse runs of spaces (including no-break spaces) and line breaks to one space;
    drop control characters."""
    text = text.replace("\u00ad", "").replace("\ufeff", "").replace("\ue000", " ")
    text = _CONTROLS.sub("", text)
    return _SPACES.sub(" ", _NEWLINES.sub(" ", text)).strip()


def title_from_filename(name: str) -> str:
    """`faq-et-conditions.md` → `Faq et conditions`."""
    stem = name.rsplit(".", 1)[0]
    words = re.sub(r"[_\-]+", " ", stem).strip()
    return words[:1].upper() + words[1:] if words else name
