"""Markdown and plain-text loader: split by headings, decode non-UTF-8 with a warning.

Markdown: ATX (`#`) and setext (`===`/`---`) headings, pipe tables as rows, list items
and paragraphs as text; emphasis, inline code and link syntax are removed. Plain text:
paragraphs separated by blank lines, with an all-caps line or a line ending in ":"
followed by a blank line treated as a heading.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from ingest.document import Document, LoadError, title_from_filename
from ingest.seasons import label_cells, period_header


def decode_bytes(raw: bytes, *, declared: str | None = None) -> tuple[str, str | None]:
    """Decode text: UTF-8 (BOM allowed), else the declared charset, else Windows-1252.

    Returns the text and a warning when it was not valid UTF-8.
    """
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    for encoding in (declared, "cp1252"):
        if not encoding or encoding.replace("-", "") == "utf8":
            continue
        try:
            return raw.decode(encoding), f"not valid UTF-8: decoded as {encoding}"
        except (UnicodeDecodeError, LookupError):
            continue
    return raw.decode("latin-1"), "not valid UTF-8: decoded as latin-1"


_ATX = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^(=+|-+)\s*$")
_TABLE_SEP = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_LIST = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")


# A bold line ending in "?" or ":" (or a plain question line followed by its answer).
_QUESTION = re.compile(r"^(?:\*\*|__)?(.{3,150}?[?:])(?:\*\*|__)?$")


def _inline(text: str) -> str:
    text = _LINK.sub(r"\1", text)
    for _ in range(2):
        text = _EMPHASIS.sub(r"\2", text)
    return text.replace("\\", "")


def _parse_markdown(doc: Document, text: str) -> None:
    lines = text.splitlines()
    paragraph: list[str] = []
    in_code = False

    base = [0]  # level of the latest real heading: bold questions nest under it
    header: list[str] | None = None  # the current pipe table's header row

    def flush() -> None:
        if not paragraph:
            return
        first = paragraph[0]
        question = _QUESTION.match(first)
        if question and (len(paragraph) > 1 or first.startswith(("**", "__"))):
            doc.heading(_inline(question.group(1)), base[0] + 1)
            del paragraph[0]
        if paragraph:
            doc.paragraph([_inline(line) for line in paragraph])
        paragraph.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if not stripped.startswith("|"):
            header = None
        if stripped.startswith(("```", "~~~")):
            flush()
            in_code = not in_code
        elif in_code:
            paragraph.append(stripped)
        elif match := _ATX.match(stripped):
            flush()
            doc.heading(_inline(match.group(2)), len(match.group(1)))
            base[0] = len(match.group(1))
        elif (
            stripped
            and i + 1 < len(lines)
            and _SETEXT.match(lines[i + 1].strip())
            and not paragraph
            and not stripped.startswith("|")
        ):
            flush()
            doc.heading(_inline(stripped), 1 if lines[i + 1].strip().startswith("=") else 2)
            i += 1
        elif stripped.startswith("|") and stripped.endswith("|"):
            flush()
            if not _TABLE_SEP.match(stripped):
                cells = [_inline(c.strip()) for c in stripped.strip("|").split("|")]
                is_header = i + 1 < len(lines) and _TABLE_SEP.match(lines[i + 1].strip())
                if is_header:
                    header = cells
                elif header is not None and period_header(header):
                    doc.row(label_cells(cells, header))  # "Samedi — Été : 8h – 13h"
                else:
                    doc.row(cells)
        elif not stripped or stripped in ("---", "***", "___"):
            flush()
        elif _LIST.match(line):
            flush()
            paragraph.append(_LIST.sub("", line).strip())
        elif stripped.startswith(">"):
            paragraph.append(stripped.lstrip("> "))
        else:
            paragraph.append(stripped)
        i += 1
    flush()


def _parse_plain(doc: Document, text: str) -> None:
    for block in re.split(r"\n\s*\n", text):
        lines = [ln.strip() for ln in block.strip().splitlines() if ln.strip()]
        if not lines:
            continue
        first = lines[0]
        is_heading = len(first) <= 80 and (
            (first.isupper() and any(c.isalpha() for c in first)) or first.endswith(":")
        )
        is_question = len(first) <= 150 and first.endswith("?")
        if is_heading:
            doc.heading(first.rstrip(":"), 1)
            lines = lines[1:]
        elif is_question and len(lines) > 1:
            doc.heading(first, 2)  # "Acceptez-vous les chèques ?" then its answer
            lines = lines[1:]
        if lines:
            doc.paragraph(lines)


def load_text(path: Path) -> Document:
    """Read a Markdown or plain-text file; raises `LoadError` when it is empty."""
    raw = path.read_bytes()
    if not raw.strip():
        raise LoadError("empty file", status="skipped")
    if b"\x00" in raw[:8192]:
        raise LoadError("binary content in a text file")
    text, warning = decode_bytes(raw)
    doc = Document(title=title_from_filename(path.name))
    if warning:
        doc.warnings.append(warning)
    if path.suffix.lower() in (".md", ".markdown"):
        _parse_markdown(doc, text)
        first = next((b for b in doc.blocks if b.type == "heading" and b.level == 1), None)
        if first is not None:
            doc.title = first.text
    else:
        _parse_plain(doc, text)
    if not any(b.type != "heading" for b in doc.blocks):
        raise LoadError("no text content (headings only)", status="skipped")
    return doc
