"""PDF loader: text lines and tables with pdfplumber, encryption checks with pypdf.

Headings are recognised by font size (larger than the page's body text). Tables found by
pdfplumber become `row` blocks ("service — durée — prix") in reading order, and the text
inside a table's box is not read twice. Pages without a text layer are reported as
needing OCR. Encrypted, corrupt and empty PDFs raise `LoadError` with the reason.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ingest.document import (
    ENDS_WITH_PRICE,
    Document,
    LoadError,
    clean_text,
    out_of_memory,
    title_from_filename,
)
from ingest.pdf_columns import reading_order

log = logging.getLogger("ingest")

DEFAULT_MAX_PAGES = 300


@contextmanager
def _quiet(*names: str) -> Iterator[None]:
    """Silence the PDF libraries' own warnings ("EOF marker not found"): the file report
    already says what is wrong, once, with the file name."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR + 10)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def _check_encryption(path: Path) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path), strict=False)
        encrypted = reader.is_encrypted
        if encrypted and not reader.decrypt(""):
            raise LoadError("encrypted PDF: a password is needed to read it")
    except LoadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, IndexError) as exc:
        raise LoadError(f"corrupt or unreadable PDF ({type(exc).__name__})") from exc
    except Exception as exc:  # pypdf raises assorted errors on damaged files
        raise LoadError(f"corrupt or unreadable PDF ({type(exc).__name__})") from exc


def _line_size(line: dict[str, Any]) -> float:
    sizes = [round(float(c.get("size", 0)), 1) for c in line.get("chars", []) if c["text"].strip()]
    return max(sizes) if sizes else 0.0


def _inside(line: dict[str, Any], bbox: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = bbox
    mid_y = (line["top"] + line["bottom"]) / 2
    mid_x = (line["x0"] + line["x1"]) / 2
    return top - 1 <= mid_y <= bottom + 1 and x0 - 1 <= mid_x <= x1 + 1


def _heading_levels(sizes: list[float], body: float) -> dict[float, int]:
    bigger = sorted({s for s in sizes if s >= body + 1.5}, reverse=True)
    return {size: i + 1 for i, size in enumerate(bigger)}


def _is_header_row(row: list[str], next_row: list[str] | None) -> bool:
    """A table's header: short label cells with no digit, above a row that has digits."""
    if next_row is None or any(any(ch.isdigit() for ch in cell) for cell in row):
        return False
    return all(len(cell) <= 30 for cell in row) and any(
        any(ch.isdigit() for ch in cell) for cell in next_row
    )


def load_pdf(path: Path, *, max_pages: int = DEFAULT_MAX_PAGES) -> Document:
    """Read a PDF into a `Document`; raises `LoadError` when nothing can be read."""
    with _quiet("pypdf", "pdfminer", "pdfplumber"):
        return _load_pdf(path, max_pages=max_pages)


def _load_pdf(path: Path, *, max_pages: int) -> Document:
    import pdfplumber

    _check_encryption(path)
    try:
        pdf = pdfplumber.open(str(path))
    except Exception as exc:  # pdfminer raises many exception types on damaged files
        raise LoadError(f"corrupt or unreadable PDF ({type(exc).__name__})") from exc
    with pdf:
        try:
            total = len(pdf.pages)
        except Exception as exc:
            raise LoadError(f"corrupt or unreadable PDF ({type(exc).__name__})") from exc
        if total == 0:
            raise LoadError("empty PDF: no pages")
        meta_title = _useful_title(str((pdf.metadata or {}).get("Title") or ""))
        doc = Document(title=meta_title or title_from_filename(path.name), pages=total)
        if total > max_pages:
            doc.warnings.append(f"{total} pages: only the first {max_pages} were read (page limit)")
        pages_data = []
        no_text: list[int] = []
        failed: list[int] = []
        all_sizes: Counter[float] = Counter()
        for number, page in enumerate(pdf.pages[:max_pages], start=1):
            try:
                tables = [(t.bbox, t.extract()) for t in page.find_tables()]
                lines = page.extract_text_lines()
                if not tables:  # a menu card in two columns is read column by column
                    lines = reading_order(page, lines) or lines
            except Exception as exc:
                if out_of_memory(exc):
                    raise MemoryError from exc  # the file's memory budget, not a damaged page
                failed.append(number)
                continue
            if not lines:
                no_text.append(number)
                continue
            pages_data.append((number, lines, tables))
        if no_text:
            doc.warnings.append(
                f"no text layer on page(s) {_ranges(no_text)}: scanned images need OCR"
            )
        if failed:
            doc.warnings.append(f"page(s) {_ranges(failed)} could not be read (damaged)")
        if not pages_data:
            if no_text:
                raise LoadError(
                    f"no text layer on any page ({_ranges(no_text)}): scanned PDF, OCR needed"
                )
            raise LoadError("no readable text in this PDF")
        running = _running_lines([lines for _, lines, _ in pages_data])
        pages_data = [
            (number, [ln for ln in lines if _pattern(ln["text"]) not in running], tables)
            for number, lines, tables in pages_data
        ]
        for _, lines, _ in pages_data:
            for line in lines:
                all_sizes[_line_size(line)] += len(line["text"])
        if not all_sizes:
            raise LoadError("no readable text in this PDF")
        body = all_sizes.most_common(1)[0][0]
        levels = _heading_levels(list(all_sizes), body)
        top = [ln for _, lines, _ in pages_data for ln in lines if levels.get(_line_size(ln)) == 1]
        unique_top = len(top) == 1  # one biggest line: the title; several: section headings
        for number, lines, tables in pages_data:
            _emit_page(doc, number, lines, tables, levels, retitle=unique_top and not meta_title)
            meta_title = meta_title or doc.title
        return doc


_GENERIC_TITLES = re.compile(r"^(untitled|sans titre|document\s*\d*|titre|title|\W*)$", re.I)


def _useful_title(raw: str) -> str:
    """The PDF's metadata title, unless it is a producer default ("untitled", "Document1",
    "Microsoft Word - tarifs.docx" keeps "tarifs")."""
    title = clean_text(raw)
    title = re.sub(r"^microsoft (word|powerpoint|excel) - ", "", title, flags=re.I)
    title = re.sub(r"\.(docx?|odt|pages|pptx?|xlsx?)$", "", title, flags=re.I)
    return "" if _GENERIC_TITLES.match(title) else title


def _pattern(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.split())).casefold()


def _running_lines(pages: list[list[dict[str, Any]]]) -> set[str]:
    """Page headers and footers: the first or last line of a page (digits ignored, so
    "page 2/5" counts) repeated on at least half the pages, when there are two or more.
    A page's only line is content, never a running header."""
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        if len(lines) >= 2:
            counts.update({_pattern(lines[0]["text"]), _pattern(lines[-1]["text"])})
    threshold = max(2, (len(pages) + 1) // 2)
    return {text for text, n in counts.items() if n >= threshold}


def _is_bold(line: dict[str, Any]) -> bool:
    fonts = [str(c.get("fontname", "")) for c in line.get("chars", []) if c["text"].strip()]
    return bool(fonts) and all(re.search(r"bold|black|heavy|semibold", f, re.I) for f in fonts)


def _emit_page(
    doc: Document,
    number: int,
    lines: list[dict[str, Any]],
    tables: list[tuple[Any, list[list[str | None]]]],
    levels: dict[float, int],
    *,
    retitle: bool,
) -> None:
    """Append one page's headings, paragraphs and table rows to `doc`, in reading order."""
    items: list[tuple[float, str, Any]] = [(bbox[1], "table", rows) for bbox, rows in tables]
    for line in lines:
        if not any(_inside(line, bbox) for bbox, _ in tables):
            items.append((line["top"], "line", line))
    items.sort(key=lambda item: item[0])
    paragraph: list[str] = []
    last_bottom = 0.0

    def flush() -> None:
        if paragraph:
            doc.text(" ".join(paragraph), page=number)
            paragraph.clear()

    for _, what, item in items:
        if what == "table":
            flush()
            rows = [[clean_text(c or "") for c in r] for r in item if r]
            rows = [r for r in rows if any(r)]
            header = None
            if len(rows) > 1 and _is_header_row(rows[0], rows[1]):
                header, rows = rows[0], rows[1:]
            doc.table(rows, page=number, header=header)
            continue
        size = _line_size(item)
        if size in levels:
            flush()
            text = clean_text(item["text"])
            if retitle and levels[size] == 1 and not any(b.type == "heading" for b in doc.blocks):
                doc.title = text  # no metadata title: the first top-level heading names it
            doc.heading(text, levels[size], page=number)
            continue
        cells = _cells(item)
        line_text = " ".join(cells)
        if len(cells) >= 2 or (ENDS_WITH_PRICE.search(line_text) and len(line_text) <= 120):
            flush()  # a row of a table drawn without borders, or "Service ..... 28 €"
            doc.row(cells, page=number)
            last_bottom = float(item["bottom"])
            continue
        if _is_bold(item) and len(line_text) <= 60 and not line_text.endswith((".", ",", ";")):
            flush()  # a bold line at body size: the heading style of word processors
            doc.heading(line_text, len(levels) + 1, page=number)
            last_bottom = float(item["bottom"])
            continue
        height = float(item["bottom"]) - float(item["top"])
        if paragraph and float(item["top"]) - last_bottom > 0.6 * height:
            flush()  # a vertical gap wider than line spacing: a new paragraph
        paragraph.append(item["text"])
        last_bottom = float(item["bottom"])
    flush()


_LEADERS = re.compile(r"\s*(?:\.\s?){3,}\s*|\s*…{2,}\s*|\s*_{3,}\s*")
COLUMN_GAP_EM = 1.5  # a horizontal gap wider than this (in font sizes) separates two cells


def _cells(line: dict[str, Any]) -> list[str]:
    """Split a text line into cells at wide horizontal gaps and at dot leaders."""
    cells: list[str] = []
    current: list[str] = []
    last_x1: float | None = None
    for char in sorted(line.get("chars", []), key=lambda c: float(c["x0"])):
        text = char["text"]
        if not text.strip():
            current.append(" ")
            continue
        size = float(char.get("size") or 10)
        x0 = float(char["x0"])
        if last_x1 is not None:
            gap = x0 - last_x1
            if gap > COLUMN_GAP_EM * size:
                cells.append("".join(current))
                current = []
            elif gap > 0.2 * size and current and current[-1] != " ":
                current.append(" ")
        current.append(text)
        last_x1 = float(char["x1"])
    cells.append("".join(current))
    parts = [piece for cell in cells for piece in _LEADERS.split(cell)]
    cleaned = [clean_text(p) for p in parts]
    return [c for c in cleaned if c] or [clean_text(str(line.get("text", "")))]


def _ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7] → "1-3, 7"."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)
