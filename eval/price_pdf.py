"""Writes a held-out salon's price list as a PDF (the `make_pdf.py` of each salon calls
it; the output is committed, so this runs only when a salon's prices are edited).

`invariant` makes reportlab's output byte-stable, so re-running changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

Rows = list[tuple[str, str, str]]


def write_price_pdf(
    out: Path,
    *,
    title: str,
    address: str,
    pages: tuple[dict[str, Rows], ...],
    header: tuple[str, str, str],
    note_title: str,
    note: str,
    ruled: bool = True,
    pdf_title: str | None = None,
) -> None:
    """One table per category (`header` on top, cell borders when `ruled`), a page per
    `pages` item, then a note; the PDF's metadata title is `pdf_title` (else `title`)."""
    rl_config.invariant = 1
    st = getSampleStyleSheet()
    grid = TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey)]) if ruled else None
    story: list = [
        Paragraph(title, st["Title"]),
        Paragraph(address, st["BodyText"]),
        Spacer(1, 0.3 * cm),
    ]
    for number, page in enumerate(pages):
        if number:
            story.append(PageBreak())
        for category, rows in page.items():
            story.append(Paragraph(category, st["Heading2"]))
            story.append(Table([list(header), *rows], style=grid))
    story.append(Paragraph(note_title, st["Heading2"]))
    story.append(Paragraph(note, st["BodyText"]))
    out.parent.mkdir(parents=True, exist_ok=True)
    SimpleDocTemplate(str(out), pagesize=A4, title=pdf_title or title).build(story)
