"""Word (.docx) loader: headings from paragraph styles, tables as rows, tab-separated
price lines as rows. Reads the Office Open XML inside the zip directly (no extra package).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree

from ingest.archive import check_zip
from ingest.document import (
    COLUMN_BREAK,
    ENDS_WITH_PRICE,
    Document,
    LoadError,
    clean_text,
    title_from_filename,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"
_HEADING_STYLE = re.compile(r"^(?:heading|titre|berschrift|titolo)\s*(\d)$", re.IGNORECASE)
_TITLE_STYLE = re.compile(r"^(?:title|titre|titel)$", re.IGNORECASE)
_SAFE = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _text(node: etree._Element) -> str:
    """Text of a paragraph: runs in order, tabs kept as tabs, breaks as spaces."""
    parts: list[str] = []
    for el in node.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr"):
        if el.tag == f"{W}t":
            parts.append(el.text or "")
        elif el.tag == f"{W}tab":
            parts.append("\t")
        else:
            parts.append(" ")
    return "".join(parts)


def _style(p: etree._Element) -> str:
    style = p.find(f"{W}pPr/{W}pStyle")
    return str(style.get(f"{W}val", "")) if style is not None else ""


def _outline_level(p: etree._Element) -> int | None:
    level = p.find(f"{W}pPr/{W}outlineLvl")
    if level is None:
        return None
    try:
        return int(level.get(f"{W}val", "9")) + 1
    except ValueError:
        return None


def _all_bold(p: etree._Element) -> bool:
    runs = [r for r in p.iter(f"{W}r") if _text(r).strip()]
    return bool(runs) and all(r.find(f"{W}rPr/{W}b") is not None for r in runs)


def _paragraph(doc: Document, p: etree._Element, *, file_title: str) -> None:
    raw = _text(p)
    text = clean_text(raw.replace("\t", " "))
    if not text:
        return
    style = _style(p)
    if _TITLE_STYLE.match(style):
        if doc.title == file_title:
            doc.title = text  # a "Title" paragraph names the document unless metadata did
        return
    match = _HEADING_STYLE.match(style)
    level = int(match.group(1)) if match else _outline_level(p)
    if level is not None and level <= 6:
        doc.heading(text, level)
    elif _all_bold(p) and len(text) <= 60 and not text.endswith((".", ",", ";")):
        doc.heading(text, doc.level() + 1 if doc.level() < 3 else doc.level())
    elif "\t" in raw.strip() or ENDS_WITH_PRICE.search(text):
        doc.row([c for c in COLUMN_BREAK.split(raw.strip()) if c.strip()])
    else:
        doc.text(text)


def _table(doc: Document, tbl: etree._Element) -> None:
    rows: list[list[str]] = []
    for tr in tbl.iter(f"{W}tr"):
        cells = [
            clean_text(" ".join(_text(p) for p in tc.iter(f"{W}p"))) for tc in tr.iter(f"{W}tc")
        ]
        rows.append(cells)

    def has_digit(row: list[str]) -> bool:
        return any(ch.isdigit() for cell in row for ch in cell)

    header = None
    if len(rows) > 1 and not has_digit(rows[0]) and has_digit(rows[1]):
        header, rows = rows[0], rows[1:]  # a header row of labels
    doc.table(rows, header=header)


def load_docx(path: Path) -> Document:
    """Read a .docx into a `Document`; raises `LoadError` for damaged or empty files."""
    check_zip(path, kind="Word document")  # every part's size, before inflating any
    try:
        with zipfile.ZipFile(path) as archive:
            body_xml = archive.read("word/document.xml")
            core = (
                archive.read("docProps/core.xml")
                if "docProps/core.xml" in archive.namelist()
                else b""
            )
        root = etree.fromstring(body_xml, parser=_SAFE)
    except LoadError:
        raise
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, OSError) as exc:
        raise LoadError(f"corrupt or unreadable Word document ({type(exc).__name__})") from exc
    file_title = title_from_filename(path.name)
    doc = Document(title=file_title)
    if core:
        try:
            title = etree.fromstring(core, parser=_SAFE).findtext(DC_TITLE)
        except etree.XMLSyntaxError:
            title = None
        if title and clean_text(title):
            doc.title = clean_text(title)
    body = root.find(f"{W}body")
    for el in body if body is not None else []:
        if el.tag == f"{W}p":
            _paragraph(doc, el, file_title=file_title)
        elif el.tag == f"{W}tbl":
            _table(doc, el)
    if not any(b.type != "heading" for b in doc.blocks):
        raise LoadError("no text in this Word document")
    return doc
