"""CSV and XLSX price lists: each row becomes a sentence that names its columns.

"Prestation : Balayage, cheveux longs — Durée : 150 min — Prix : 115 €". The header is
the first row with at least two filled cells; a single-cell row above it is taken as the
sheet's title. A category-like column ("Catégorie", "Rubrique", "Catégorie"…) becomes the
section instead of being repeated in every row. Numbers under a price column get "€",
under a minutes column "min".
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import warnings
from pathlib import Path
from typing import Any

from ingest.archive import check_zip
from ingest.document import Block, Document, LoadError, clean_text, title_from_filename
from ingest.text_loader import decode_bytes

_SECTION_COLUMN = re.compile(r"^(cat[ée]gorie|category|rubrique|famille|section|type)$", re.I)
_PRICE_COLUMN = re.compile(r"prix|tarif|price|€|montant", re.I)
_MINUTES_COLUMN = re.compile(r"\(\s*min(utes)?\s*\)|minutes", re.I)
_UNIT_SUFFIX = re.compile(r"\s*\((€|eur|euros?|min|minutes)\)\s*$", re.I)

MAX_ROWS = 20_000
HEADER_ROWS = 50  # rows read above the data rows, where a title and the header may sit
MAX_COLUMNS = 64  # a sheet claiming 16 384 columns is read on its first 64


def _format_number(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".replace(".", ",")


def _cell(value: object, header: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int | float):
        number = _format_number(float(value))
        if _PRICE_COLUMN.search(header):
            return f"{number} €"
        if _MINUTES_COLUMN.search(header):
            return f"{number} min"
        return number
    text = clean_text(str(value))
    if re.fullmatch(r"\d+(?:[.,]\d+)?", text):
        if _PRICE_COLUMN.search(header):
            return f"{text.replace('.', ',')} €"
        if _MINUTES_COLUMN.search(header):
            return f"{text} min"
    return text


def _table_to_doc(
    doc: Document, rows: list[list[object]], *, sheet: str | None, cut: bool = False
) -> int:
    """Append one table's rows to `doc`; returns the number of data rows written. `cut`
    says the reader stopped before the end of the sheet (row cap)."""
    rows = [r for r in rows if any(str(c).strip() for c in r if c is not None)]
    header_at = next(
        (i for i, r in enumerate(rows) if sum(1 for c in r if c not in (None, "")) >= 2), None
    )
    if header_at is None:
        return 0
    caption = " ".join(
        clean_text(str(c)) for r in rows[:header_at] for c in r if c not in (None, "")
    )
    if sheet or caption:
        doc.heading(caption or sheet or "", 1)
    header = [clean_text(str(c)) if c is not None else "" for c in rows[header_at]]
    section_col = next((i for i, h in enumerate(header) if _SECTION_COLUMN.match(h)), None)
    current: str | None = None
    written = 0
    for row in rows[header_at + 1 : header_at + 1 + MAX_ROWS]:
        if section_col is not None and section_col < len(row):
            category = clean_text(str(row[section_col] or ""))
            if category and category != current:
                doc.heading(category, 2)
                current = category
        parts = []
        for i, value in enumerate(row):
            if i == section_col or i >= len(header):
                continue
            text = _cell(value, header[i])
            if text:
                label = _UNIT_SUFFIX.sub("", header[i]) or f"Colonne {i + 1}"
                parts.append(f"{label} : {text}")
        if parts:
            doc.blocks.append(Block("row", " — ".join(parts)))
            written += 1
    if cut or len(rows) - header_at - 1 > MAX_ROWS:
        doc.warnings.append(f"more than {MAX_ROWS} rows: the rest was not read")
    return written


def _swallowed(row: list[str], lines: list[str], delimiter: str, quote: str) -> bool:
    """Whether `row`, read from `lines`, is a stray opening quote's doing: a cell that runs
    over lines holding the delimiter (rows of their own), or up to the end of the file
    with its quote never closed. A quoted cell written on several lines is neither."""
    if len(lines) < 2:
        return False
    for cell in row:
        _first, newline, rest = cell.partition("\n")
        if newline and delimiter in rest:
            return True
    return sum(line.count(quote) for line in lines) % 2 == 1


def _csv_rows(
    text: str, dialect: type[csv.Dialect] | csv.Dialect
) -> tuple[list[list[object]], list[int]]:
    """The rows of a CSV, and the lines (from 1) whose quote was left open.

    An opening quote that is never closed (`Coupe;"24 €`) makes the reader take every
    following line as part of that cell, up to the next quote or the end of the file: the
    rows after it are lost in one cell (« Prix : 24 € Brushing;27 € … ») and, past the
    reader's cell size limit, the whole file is refused. Such a line is read alone
    instead (its quote runs to the end of the line) and the reading goes on at the next."""
    lines = io.StringIO(text).readlines()
    delimiter, quote = str(dialect.delimiter), str(dialect.quotechar or '"')
    rows: list[list[object]] = []
    unclosed: list[int] = []
    start = 0
    while start < len(lines):
        reader = csv.reader((lines[i] for i in range(start, len(lines))), dialect)
        first = 0  # the current row's first line, counted from `start`
        resume = None
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:  # the swallowed lines outgrew a cell's size limit
                if "field larger than field limit" not in str(exc):
                    raise
                resume = start + first
                break
            span = lines[start + first : start + reader.line_num]
            if _swallowed(row, span, delimiter, quote):
                resume = start + first
                break
            rows.append(list(row))
            first = reader.line_num
        if resume is None:
            break
        unclosed.append(resume + 1)
        alone = next(csv.reader([lines[resume]], dialect), [])
        rows.append([cell.rstrip("\r\n") for cell in alone])
        start = resume + 1
    return rows, unclosed


def _unclosed_warning(lines: list[int]) -> str:
    shown = ", ".join(str(n) for n in lines[:10]) + (", …" if len(lines) > 10 else "")
    where = f"quote on line {shown}" if len(lines) == 1 else f"quotes on lines {shown}"
    return (
        f"unclosed {where}: the lines after it were read as one cell; they are "
        "read one by one instead"
    )


def load_csv(path: Path) -> Document:
    raw = path.read_bytes()
    if not raw.strip():
        raise LoadError("empty file", status="skipped")
    text, warning = decode_bytes(raw)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:4096], delimiters=";,\t|"
        )
    except csv.Error:
        dialect = csv.excel
    doc = Document(title=title_from_filename(path.name))
    if warning:
        doc.warnings.append(warning)
    try:
        rows, unclosed = _csv_rows(text, dialect)
    except csv.Error as exc:
        raise LoadError(f"unreadable CSV: {exc}") from exc
    if unclosed:
        doc.warnings.append(_unclosed_warning(unclosed))
    if _table_to_doc(doc, rows, sheet=None) == 0:
        raise LoadError("no data rows (a header row and at least one row are needed)")
    return doc


def _sheet_rows(sheet: Any) -> tuple[list[list[object]], bool]:
    """The first rows of a sheet, streamed: at most `MAX_ROWS` + `HEADER_ROWS` rows (empty
    ones count) and `MAX_COLUMNS` columns, whatever size the sheet claims. Returns the rows
    and whether the sheet goes on."""
    limit = MAX_ROWS + HEADER_ROWS
    width = min(sheet.max_column or MAX_COLUMNS, MAX_COLUMNS)
    stream = sheet.iter_rows(values_only=True, max_col=width)
    rows = [list(r) for r in itertools.islice(stream, limit)]
    return rows, len(rows) == limit and next(stream, None) is not None


def load_xlsx(path: Path) -> Document:
    from openpyxl import load_workbook

    check_zip(path, kind="spreadsheet", streamed=("xl/worksheets/",))
    try:
        with warnings.catch_warnings():  # "no default style" and similar: not the user's concern
            warnings.simplefilter("ignore")
            workbook = load_workbook(str(path), read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl errors on damaged workbooks
        raise LoadError(f"corrupt or unreadable spreadsheet ({type(exc).__name__})") from exc
    doc = Document(title=title_from_filename(path.name))
    total = 0
    try:
        for sheet in workbook.worksheets:
            rows, cut = _sheet_rows(sheet)
            written = _table_to_doc(doc, rows, sheet=sheet.title, cut=cut)
            if written == 0:
                doc.warnings.append(f"sheet '{sheet.title}' has no table (header + rows)")
            total += written
    finally:
        workbook.close()
    if total == 0:
        raise LoadError("no data rows in any sheet")
    return doc
