"""Unit tier: Word documents (headings by style, tables and tabbed price lines as rows)."""

from __future__ import annotations

from pathlib import Path

from ingest.pipeline import ingest_file
from tests.fixtures import bad_inputs


def _p(text: str, style: str | None = None, *, bold: bool = False) -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    runs = "<w:tab/>".join(f'<w:t xml:space="preserve">{t}</w:t>' for t in text.split("\t"))
    return f"<w:p>{ppr}<w:r>{rpr}{runs}</w:r></w:p>"


def _table(rows: list[list[str]]) -> str:
    cells = "".join(
        "<w:tr>" + "".join(f"<w:tc>{_p(c)}</w:tc>" for c in row) + "</w:tr>" for row in rows
    )
    return f"<w:tbl>{cells}</w:tbl>"


def test_word_headings_tables_and_tabbed_lines_become_sections_and_rows(tmp_path: Path) -> None:
    body = (
        _p("Carte du salon", "Titre")
        + _p("Coupes", "Titre1")
        + _table([["Prestation", "Durée", "Prix"], ["Coupe homme", "30 min", "28 €"]])
        + _p("Soins", "Heading1")
        + _p("Soin kératine\t25 €")
        + _p("Massage crânien\t\t28 €")
        + _p("Conditions", bold=True)
        + _p("Annulation gratuite jusqu'à 24 heures avant le rendez-vous.")
    )
    path = bad_inputs.docx(tmp_path / "carte.docx", body)
    result = ingest_file(path, root=tmp_path)
    assert result.reports[0].status == "ok"
    chunks = [(c.title, c.section, c.text) for c in result.chunks]
    assert chunks == [
        ("Carte du salon", "Coupes", "Coupe homme — 30 min — 28 €"),
        ("Carte du salon", "Soins", "Soin kératine — 25 €\nMassage crânien — 28 €"),
        (
            "Carte du salon",
            "Soins > Conditions",
            "Annulation gratuite jusqu'à 24 heures avant le rendez-vous.",
        ),
    ]


def test_the_metadata_title_wins_and_a_broken_docx_is_reported(tmp_path: Path) -> None:
    path = bad_inputs.docx(tmp_path / "a.docx", _p("Texte du document."), title="Tarifs 2026")
    assert ingest_file(path, root=tmp_path).chunks[0].title == "Tarifs 2026"
    broken = tmp_path / "b.docx"
    broken.write_bytes(b"PK\x03\x04 broken zip")
    report = ingest_file(broken, root=tmp_path).reports[0]
    assert report.status == "error" and "corrupt" in (report.error or "")
    empty = bad_inputs.docx(tmp_path / "c.docx", "")
    assert ingest_file(empty, root=tmp_path).reports[0].error == "no text in this Word document"
