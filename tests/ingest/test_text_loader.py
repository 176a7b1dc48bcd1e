"""Unit tier: Markdown and plain text are split by headings; bad encodings are reported."""

from __future__ import annotations

from pathlib import Path

from ingest.pipeline import ingest_file
from tests.fixtures.isolation import FIXTURE_SALON


def test_the_sample_faq_gives_one_focused_chunk_per_question() -> None:
    sources = FIXTURE_SALON
    chunks = ingest_file(sources / "faq-et-conditions.md", root=sources).chunks
    assert {c.title for c in chunks} == {"FAQ et conditions du salon"}
    allergy = next(c for c in chunks if "test d'allergie" in c.section)
    assert allergy.section.startswith("Couleur et allergies > ")
    assert "48 heures" in allergy.text
    assert all(len(c.text) <= 800 for c in chunks)
    assert sum(1 for c in chunks if "?" in c.section or "?" in c.text) >= 15


def test_markdown_syntax_is_removed_and_tables_become_rows(tmp_path: Path) -> None:
    md = tmp_path / "infos.md"
    md.write_text(
        "# Infos\n\n## Tarifs\n\n| Prestation | Prix |\n|---|---:|\n| **Coupe** homme | 25 € |\n\n"
        "Voir [notre site](https://example.fr) pour le `détail`.\n\n"
        "## Paiement\n\n- carte bancaire\n- espèces\n",
        encoding="utf-8",
    )
    chunks = ingest_file(md, root=tmp_path).chunks
    text = "\n".join(c.text for c in chunks)
    assert "Coupe homme — 25 €" in text
    assert "Prestation — Prix" not in text
    assert "Voir notre site pour le détail." in text
    assert "**" not in text and "](" not in text
    payment = next(c for c in chunks if c.section == "Paiement")
    assert "carte bancaire" in payment.text and "espèces" in payment.text


def test_a_cp1252_file_is_decoded_with_a_warning_and_still_ingested(tmp_path: Path) -> None:
    txt = tmp_path / "infos.txt"
    txt.write_bytes("HORAIRES\n\nOuvert le mardi de 9h30 à 19h. Coupe : 28 €.\n".encode("cp1252"))
    result = ingest_file(txt, root=tmp_path)
    report = result.reports[0]
    assert report.status == "warning"
    assert any("cp1252" in w for w in report.warnings)
    assert "Ouvert le mardi de 9h30 à 19h. Coupe : 28 €." in result.chunks[0].text
    assert result.chunks[0].section == "HORAIRES"


def test_an_empty_text_file_is_reported_as_empty(tmp_path: Path) -> None:
    for name in ("vide.md", "blanc.txt"):
        (tmp_path / name).write_text("" if name == "vide.md" else "\n \n", encoding="utf-8")
        report = ingest_file(tmp_path / name, root=tmp_path).reports[0]
        assert report.status == "skipped"
        assert report.error == "empty file"


def test_a_binary_file_named_txt_is_an_error_not_garbage(tmp_path: Path) -> None:
    txt = tmp_path / "photo.txt"
    txt.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    result = ingest_file(txt, root=tmp_path)
    assert result.chunks == []
    assert result.reports[0].status == "error"


def test_setext_headings_and_utf8_bom_are_understood(tmp_path: Path) -> None:
    md = tmp_path / "bom.md"
    md.write_bytes(b"\xef\xbb\xbf" + "Accès\n=====\n\nMétro A, station Ampère.\n".encode())
    result = ingest_file(md, root=tmp_path)
    assert result.reports[0].status == "ok"
    assert result.chunks[0].title == "Accès"
    assert result.chunks[0].text == "Métro A, station Ampère."


def test_bold_questions_in_markdown_and_question_lines_in_text_open_sections(
    tmp_path: Path,
) -> None:
    answer = "Une réponse complète du salon, assez longue pour tenir seule dans son passage. " * 3
    md = tmp_path / "faq.md"
    md.write_text(
        f"# FAQ\n\n## Paiement\n\n**Acceptez-vous les chèques ?**\n\nNon. {answer}\n\n"
        f"**Et les cartes ?**\nOui. {answer}\n\nPlus d'infos : voir {answer}\n",
        encoding="utf-8",
    )
    chunks = ingest_file(md, root=tmp_path).chunks
    assert [(c.section, c.text[:4]) for c in chunks] == [
        ("Paiement > Acceptez-vous les chèques ?", "Non."),
        ("Paiement > Et les cartes ?", "Oui."),
    ]
    assert "\nPlus d'infos : voir" in chunks[1].text
    txt = tmp_path / "infos.txt"
    txt.write_text(f"PAIEMENT\n\nAcceptez-vous les chèques ?\nNon. {answer}\n", encoding="utf-8")
    chunk = ingest_file(txt, root=tmp_path).chunks[0]
    assert chunk.section == "PAIEMENT > Acceptez-vous les chèques ?"


def test_a_price_list_typed_as_lines_keeps_one_price_per_line(tmp_path: Path) -> None:
    txt = tmp_path / "tarifs.txt"
    txt.write_text(
        "COUPES\n\nCoupe homme ........ 28 €\nCoupe femme\t\t45 €\n"
        "Prix TTC, shampoing compris\nBrushing   25 euros\n\n"
        "Le salon est ouvert du mardi au samedi, sans interruption\nà midi.\n",
        encoding="utf-8",
    )
    chunk = ingest_file(txt, root=tmp_path).chunks[0]
    assert chunk.section == "COUPES"
    assert chunk.text.splitlines() == [
        "Coupe homme — 28 €",
        "Coupe femme — 45 €",
        "Prix TTC, shampoing compris",
        "Brushing — 25 euros",
        "Le salon est ouvert du mardi au samedi, sans interruption à midi.",
    ]
    md = tmp_path / "tarifs.md"
    md.write_text("## Soins\n\nSoin kératine : 25 €\nMassage crânien : 28 €\n", encoding="utf-8")
    assert ingest_file(md, root=tmp_path).chunks[0].text == (
        "Soin kératine : 25 €\nMassage crânien : 28 €"
    )
