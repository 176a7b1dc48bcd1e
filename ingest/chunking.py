"""Structure-aware chunking: a `Document` becomes short, focused, self-describing chunks.

Rules, in order:

1. Headings build a section path ("Couleur > Notes"); the document title is not repeated
   in the path (`Chunk.indexed_text` already prefixes it).
2. Tiny prose sections under the same parent (a short FAQ answer, a one-line tip) are
   merged into one chunk, each keeping its heading inline, so no chunk is a lone fragment.
   Sections holding table rows are never merged: a price row keeps its own heading.
3. A section's paragraphs and table rows are packed greedily up to `max_chars`; long
   paragraphs are split at sentence boundaries. A table row is never split, so a price row
   always stays "service — duration — price" with its section heading.
4. Each chunk gets a kind (price/hours/policy/faq/other) from simple rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.document import Block, Document
from ingest.model import Chunk, Kind


@dataclass(frozen=True)
class ChunkingOptions:
    max_chars: int = 800  # a chunk body never exceeds this (except one over-long table row)
    min_chars: int = 160  # sections shorter than this are merged with tiny siblings
    min_answer_chars: int = 60  # the same, for an answer under a question heading


@dataclass
class _Unit:
    text: str
    is_row: bool
    page: int | None


@dataclass
class _Section:
    path: tuple[str, ...]
    kind: Kind | None
    units: list[_Unit] = field(default_factory=list)

    @property
    def size(self) -> int:
        return sum(len(u.text) + 1 for u in self.units)


def _sections(doc: Document) -> list[_Section]:
    stack: list[tuple[int, str, Kind | None]] = []
    sections: list[_Section] = [_Section(path=(), kind=None)]
    title = doc.title.strip().casefold()
    for block in doc.blocks:
        if block.type == "heading":
            if not stack and block.level <= 1 and block.text.casefold() == title:
                continue  # the title heading itself: already carried by Chunk.title
            while stack and stack[-1][0] >= block.level:
                stack.pop()
            inherited = next((k for _, _, k in reversed(stack) if k), None)
            stack.append((block.level, block.text, block.kind or inherited))
            sections.append(_Section(path=tuple(t for _, t, _ in stack), kind=stack[-1][2]))
        else:
            sections[-1].units.append(_Unit(block.text, block.type == "row", block.page))
    return [s for s in sections if s.units]


def _mergeable(section: _Section, opts: ChunkingOptions) -> bool:
    """Short prose only: a table keeps its own heading, however small it is, and an
    answer under its own question (« Puis-je venir avec mon chien ? ») is a passage of
    its own unless it is a mere « Oui. » (`min_answer_chars`): merged with its
    neighbours it would answer several questions at once."""
    if any(u.is_row for u in section.units):
        return False
    if section.path and section.path[-1].rstrip().endswith("?"):
        return section.size < opts.min_answer_chars
    return section.size < opts.min_chars


def _merge_tiny(sections: list[_Section], opts: ChunkingOptions) -> list[_Section]:
    """Merge runs of tiny sibling sections (same parent) into one section at the parent."""
    out: list[_Section] = []
    i = 0
    while i < len(sections):
        sec = sections[i]
        run = [sec]
        parent = sec.path[:-1]
        if _mergeable(sec, opts):
            parent = sec.path[:-1]
            total = sec.size + len(sec.path[-1] if sec.path else "")
            j = i + 1
            while j < len(sections):
                nxt = sections[j]
                if not nxt.path or nxt.path[:-1] != parent or not _mergeable(nxt, opts):
                    break
                total += nxt.size + len(nxt.path[-1]) + 3
                if total > opts.max_chars:
                    break
                run.append(nxt)
                j += 1
        if len(run) == 1:
            out.append(sec)
            i += 1
            continue
        merged = _Section(path=parent, kind=sec.kind)
        for part in run:
            label = part.path[-1] if part.path else ""
            first, *rest = part.units
            sep = " " if label.endswith(("?", ":", ".")) else " : "
            text = f"{label}{sep}{first.text}" if label else first.text
            merged.units.append(_Unit(text, first.is_row, first.page))
            merged.units.extend(rest)
        out.append(merged)
        i += len(run)
    return out


_SENTENCE_END = re.compile(r"(?<=[.!?…;])\s+(?=[«\"(\w])")


def _split_long(text: str, limit: int) -> list[str]:
    """Split a paragraph at sentence boundaries (then at spaces) into pieces ≤ `limit`."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(text):
        while len(sentence) > limit:
            cut = sentence.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            head, sentence = sentence[:cut].rstrip(), sentence[cut:].lstrip()
            if current:
                pieces.append(current)
                current = ""
            pieces.append(head)
        if current and len(current) + 1 + len(sentence) > limit:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        pieces.append(current)
    return pieces


def _pack(section: _Section, opts: ChunkingOptions) -> list[tuple[str, int | None]]:
    units: list[_Unit] = []
    for unit in section.units:
        if unit.is_row:
            units.append(unit)
        else:
            units.extend(_Unit(t, False, unit.page) for t in _split_long(unit.text, opts.max_chars))
    packed: list[tuple[str, int | None]] = []
    lines: list[str] = []
    page: int | None = None
    size = 0
    for unit in units:
        if lines and size + 1 + len(unit.text) > opts.max_chars:
            packed.append(("\n".join(lines), page))
            lines, size = [], 0
        if not lines:
            page = unit.page
        lines.append(unit.text)
        size += len(unit.text) + (1 if size else 0)
    if lines:
        packed.append(("\n".join(lines), page))
    return packed


_EURO = re.compile(r"\d\s?€|€\s?\d|\beuros?\b", re.IGNORECASE)
_HOURS_HEAD = re.compile(r"horaire|ouverture|fermeture|fermé|jours? fériés|congés", re.IGNORECASE)
_TIME = re.compile(r"\b\d{1,2}\s?h\s?\d{0,2}\b|\b\d{1,2}:\d{2}\b")
_WEEKDAY = re.compile(r"\b(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)s?\b", re.I)
_POLICY = re.compile(
    r"annul|retard|acompte|conditions|allergi|tolérance|hygiène|règle|rembours|politique|"
    r"cgv|garantie|confidentialit|interdit|obligatoire",
    re.IGNORECASE,
)
_PRICE_ROW = re.compile(r"\d\s?€|€\s?\d|\bgratuit\b|\boffert\b", re.IGNORECASE)
_PRICE_HEAD = re.compile(r"tarif|prix|supplément|forfait", re.IGNORECASE)


def classify(*, text: str, section: str, title: str, source: str) -> Kind:
    """Kind of a chunk by simple, explainable rules (headings first, then the body)."""
    head = f"{title} {section}"
    euros = len(_EURO.findall(text))
    price_rows = sum(1 for line in text.splitlines() if " — " in line and _PRICE_ROW.search(line))
    if _HOURS_HEAD.search(section) or (
        len(_TIME.findall(text)) >= 2 and len(_WEEKDAY.findall(text)) >= 2 and euros == 0
    ):
        return "hours"
    if price_rows or euros >= 2:
        return "price"
    if _POLICY.search(section):
        return "policy"
    if euros and _PRICE_HEAD.search(section) and not section.rstrip().endswith("?"):
        return "price"
    if "faq" in source.lower() or "faq" in head.lower() or section.rstrip().endswith("?"):
        return "faq"
    if len(_POLICY.findall(text)) >= 2:
        return "policy"
    return "other"


def chunk_document(
    doc: Document, *, source: str, options: ChunkingOptions | None = None
) -> list[Chunk]:
    """Turn a loaded document into chunks (ordinal = position in the file)."""
    opts = options or ChunkingOptions()
    chunks: list[Chunk] = []
    for section in _merge_tiny(_sections(doc), opts):
        label = " > ".join(section.path)
        for text, page in _pack(section, opts):
            kind = section.kind or classify(
                text=text, section=label, title=doc.title, source=source
            )
            chunks.append(
                Chunk(
                    text=text,
                    title=doc.title,
                    section=label,
                    source=source,
                    kind=kind,
                    page=page,
                    ordinal=len(chunks),
                )
            )
    return chunks


def blocks_size(blocks: list[Block]) -> int:
    """Characters of body text in a list of blocks (headings excluded)."""
    return sum(len(b.text) for b in blocks if b.type != "heading")
