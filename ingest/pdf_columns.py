"""Two-column PDF pages (a menu-card price list) read column by column.

pdfplumber reads a text line straight across the page, so on a price list laid out in two
columns « Coupe femme (45 min) ...... 38 € » and « Coloration ...... 65 € » become one
line, and the passages mix two categories: a men's cut gets a colour's duration. A page
is read as two columns when a vertical band near its middle is crossed by no word in a
run of at least `MIN_LINES` lines (a title above or a footer below may cross it), and
both sides of the band hold services with their prices: a table drawn without borders
also has empty vertical bands, but between labels and prices, so one side would hold
prices without labels.

`reading_order(page, lines)` returns the lines in reading order (the lines above the
columns, the left column, the right column, the lines below) with their `top` and
`bottom` moved so that sorting by `top` keeps that order; None when the page is not in
two columns.
"""

from __future__ import annotations

import re
from typing import Any

MIN_LINES = 6  # lines in the two-column run
MIN_PRICES = 2  # price lines on each side
GAP_EM = 1.5  # a gap between two words wider than this (in font sizes) is a gutter
_PRICE = re.compile(r"\d\s?€|€\s?\d|\beuros?\b|\boffert\b|\bgratuit\b", re.I)
# What a price cell says besides the label: a side holding only these is a table's
# price column, not a column of the card.
_PRICE_WORDS = re.compile(
    r"\b(?:[àa] partir de|d[èe]s|euros?|offerte?|gratuite?|ttc|min|mn)\b|\d+\s?h\b", re.I
)
_LABEL = re.compile(r"[^\W\d_]{3,}")


def _priced_label(text: str) -> bool:
    """A service and its price on one side: « Balayage ...... à partir de 95 € »."""
    return bool(_PRICE.search(text)) and bool(_LABEL.search(_PRICE_WORDS.sub(" ", text)))


def _segments(line: dict[str, Any]) -> list[tuple[float, float]]:
    """The spans of `line` where its words run on (gaps under `GAP_EM` font sizes)."""
    spans: list[tuple[float, float]] = []
    for char in sorted(line.get("chars", []), key=lambda c: float(c["x0"])):
        if not str(char.get("text", "")).strip():
            continue
        x0, x1 = float(char["x0"]), float(char["x1"])
        size = float(char.get("size") or 10)
        if spans and x0 - spans[-1][1] < GAP_EM * size:
            spans[-1] = (spans[-1][0], max(spans[-1][1], x1))
        else:
            spans.append((x0, x1))
    return spans


def _run(segments: list[list[tuple[float, float]]], x: float) -> tuple[int, int]:
    """The longest run [start, end) of consecutive lines whose words do not cross `x`."""
    best = (0, 0)
    start = 0
    for i, spans in enumerate([*segments, None]):
        if spans is None or any(x0 < x < x1 for x0, x1 in spans):
            if i - start > best[1] - best[0]:
                best = (start, i)
            start = i + 1
    return best


def _side_text(lines: list[dict[str, Any]], x: float, left: bool) -> list[str]:
    texts = []
    for line in lines:
        chars = [c for c in line.get("chars", []) if (float(c["x1"]) <= x) == left]
        text = _spaced(sorted(chars, key=lambda c: float(c["x0"])))
        if text:
            texts.append(text)
    return texts


def _spaced(chars: list[dict[str, Any]]) -> str:
    """Characters joined, with a space where the gap between two is a space wide (PDFs
    often draw no space character)."""
    out: list[str] = []
    last_x1: float | None = None
    for char in chars:
        if last_x1 is not None and float(char["x0"]) - last_x1 > 0.2 * float(
            char.get("size") or 10
        ):
            out.append(" ")
        out.append(str(char["text"]))
        last_x1 = float(char["x1"])
    return " ".join("".join(out).split())


def _split_at(lines: list[dict[str, Any]], width: float) -> tuple[float, int, int] | None:
    """The gutter's x and the run of lines it splits, or None."""
    candidates = []
    segments = [_segments(line) for line in lines]
    for step in range(int(width * 0.3), int(width * 0.7), 2):
        x = float(step)
        start, end = _run(segments, x)
        if end - start < MIN_LINES:
            continue
        run = lines[start:end]
        sides = [_side_text(run, x, left=True), _side_text(run, x, left=False)]
        if all(len(side) >= 3 for side in sides) and all(
            sum(1 for text in side if _priced_label(text)) >= MIN_PRICES for side in sides
        ):
            candidates.append((end - start, -abs(x - width / 2), x, start, end))
    if not candidates:
        return None
    _, _, x, start, end = max(candidates)
    return x, start, end


def reading_order(page: Any, lines: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """The page's lines in reading order when it is in two columns, else None."""
    if len(lines) < MIN_LINES:
        return None
    split = _split_at(lines, float(page.width))
    if split is None:
        return None
    x, start, end = split
    top = float(lines[start]["top"]) - 0.5
    bottom = float(lines[end - 1]["bottom"]) + 0.5
    height = float(page.height)
    columns = [
        page.crop((0, top, x, bottom)).extract_text_lines(),
        page.crop((x, top, float(page.width), bottom)).extract_text_lines(),
    ]
    ordered = list(lines[:start])
    for shift, column in ((0.0, columns[0]), (height, columns[1])):
        ordered += [_shifted(line, shift) for line in column]
    ordered += [_shifted(line, 2 * height) for line in lines[end:]]
    return ordered


def _shifted(line: dict[str, Any], by: float) -> dict[str, Any]:
    if not by:
        return line
    return {**line, "top": float(line["top"]) + by, "bottom": float(line["bottom"]) + by}
