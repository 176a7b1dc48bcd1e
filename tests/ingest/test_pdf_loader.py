"""Unit tier: the PDF loader on the sample price list and on bad PDFs made on the fly."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.document import LoadError
from ingest.pdf_loader import load_pdf
from ingest.pipeline import IngestOptions, ingest_file
from salon.profile import load_profile
from tests.fixtures import bad_inputs
from tests.fixtures.isolation import FIXTURE_SALON
from tests.fixtures.sample_docs import build_price_pdf, duration_label, price_label


@pytest.fixture(scope="module")
def price_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    profile = load_profile(FIXTURE_SALON / "salon.toml")
    return build_price_pdf(profile, tmp_path_factory.mktemp("pdf") / "tarifs.pdf")


def test_every_price_row_stays_on_one_line_with_its_service_duration_and_price(
    price_pdf: Path,
) -> None:
    profile = load_profile(FIXTURE_SALON / "salon.toml")
    result = ingest_file(price_pdf, root=price_pdf.parent)
    lines = {line for chunk in result.chunks for line in chunk.text.splitlines()}
    for service in profile.services:
        row = f"{service.name} — {duration_label(service.duration)} — {price_label(service)}"
        assert row in lines, row


def test_price_rows_sit_in_a_chunk_headed_by_their_category(price_pdf: Path) -> None:
    profile = load_profile(FIXTURE_SALON / "salon.toml")
    chunks = ingest_file(price_pdf, root=price_pdf.parent).chunks
    for service in profile.services:
        holder = next(c for c in chunks if f"{service.name} — " in c.text)
        assert holder.section.split(" > ")[-1] == service.category
        assert holder.kind == "price"


def test_title_headings_pages_and_notes_are_read(price_pdf: Path) -> None:
    doc = load_pdf(price_pdf)
    assert doc.title == "Maison Margaux Coiffure — Tarifs 2026"
    assert doc.pages and doc.pages >= 4
    chunks = ingest_file(price_pdf, root=price_pdf.parent).chunks
    supplements = next(c for c in chunks if c.section == "Suppléments")
    assert "Cheveux très épais (coupes et brushings) — +10 €" in supplements.text
    assert supplements.page == doc.pages
    student = next(c for c in chunks if c.section.endswith("Réduction étudiante"))
    assert "26 ans" in student.text


def test_table_header_row_is_not_indexed_as_a_fact(price_pdf: Path) -> None:
    chunks = ingest_file(price_pdf, root=price_pdf.parent).chunks
    assert not any("Prestation — Durée — Prix" in c.text for c in chunks)


def test_scanned_pages_are_reported_as_needing_ocr_and_text_pages_still_ingested(
    tmp_path: Path,
) -> None:
    path = bad_inputs.scanned_pdf(tmp_path / "mixte.pdf", pages=3, text_pages=[2])
    result = ingest_file(path, root=tmp_path)
    report = result.reports[0]
    assert report.status == "warning"
    assert any("OCR" in w and "1, 3" in w for w in report.warnings)
    assert any("Coupe homme 28 euros" in c.text for c in result.chunks)
    assert all(c.page == 2 for c in result.chunks)


def test_a_fully_scanned_pdf_is_an_error_that_names_ocr(tmp_path: Path) -> None:
    path = bad_inputs.scanned_pdf(tmp_path / "scan.pdf", pages=2)
    report = ingest_file(path, root=tmp_path).reports[0]
    assert report.status == "error"
    assert report.error and "OCR" in report.error and "1-2" in report.error


def test_an_encrypted_pdf_is_reported_not_crashed(tmp_path: Path) -> None:
    path = bad_inputs.encrypted_pdf(tmp_path / "prive.pdf")
    result = ingest_file(path, root=tmp_path)
    assert result.chunks == []
    assert result.reports[0].status == "error"
    assert "password" in (result.reports[0].error or "")


def test_an_owner_locked_pdf_that_opens_without_password_is_read(tmp_path: Path) -> None:
    path = bad_inputs.owner_locked_pdf(tmp_path / "verrou.pdf")
    result = ingest_file(path, root=tmp_path)
    assert result.reports[0].status == "ok"
    assert "99 euros" in result.chunks[0].text


def test_a_corrupt_pdf_is_reported_with_the_reason(tmp_path: Path) -> None:
    path = bad_inputs.corrupt_pdf(tmp_path / "abime.pdf")
    report = ingest_file(path, root=tmp_path).reports[0]
    assert report.status == "error"
    assert report.path == "abime.pdf"
    assert report.error and ("corrupt" in report.error or "no readable text" in report.error)


def test_random_bytes_named_pdf_are_reported_as_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "faux.pdf"
    path.write_bytes(b"this is not a pdf at all\n" * 10)
    report = ingest_file(path, root=tmp_path).reports[0]
    assert report.status == "error"
    assert "corrupt" in (report.error or "")


def test_a_huge_pdf_is_read_up_to_the_page_cap_with_a_warning(tmp_path: Path) -> None:
    path = bad_inputs.many_pages_pdf(tmp_path / "catalogue.pdf", pages=12)
    result = ingest_file(path, root=tmp_path, options=IngestOptions(max_pdf_pages=5))
    report = result.reports[0]
    assert report.status == "warning"
    assert report.pages == 12
    assert any("first 5" in w for w in report.warnings)
    text = "\n".join(c.text for c in result.chunks)
    assert "produit 5." in text and "produit 6." not in text


def test_a_file_over_the_size_cap_is_reported_and_not_read(tmp_path: Path) -> None:
    path = bad_inputs.many_pages_pdf(tmp_path / "lourd.pdf", pages=3)
    result = ingest_file(path, root=tmp_path, options=IngestOptions(max_file_bytes=100))
    assert result.chunks == []
    assert "too large" in (result.reports[0].error or "")


def test_load_pdf_raises_load_error_for_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "vide.pdf"
    path.write_bytes(b"")
    with pytest.raises(LoadError):
        load_pdf(path)


def test_a_borderless_price_list_keeps_each_row_on_one_line(tmp_path: Path) -> None:
    path = bad_inputs.borderless_price_pdf(tmp_path / "carte.pdf")
    chunks = ingest_file(path, root=tmp_path).chunks
    assert [c.section for c in chunks] == ["Coupes homme", "Coupes femme"]
    assert chunks[1].text == "Coupe femme — 45 min — 48 €"
    assert chunks[0].title == "Carte"  # two top headings: sections, the file names the title
    assert chunks[0].text.splitlines() == [
        "Coupe homme — 30 min — 28 €",
        "Coupe et barbe — 50 min — 42,50 €",
        "Brushing — 25 €",
        "Le shampoing est inclus dans toutes les coupes, et le coiffage aussi, "
        "pour un prix total de 28 € au minimum.",
    ]


def test_a_two_column_price_list_is_read_column_by_column(tmp_path: Path) -> None:
    path = bad_inputs.two_column_price_pdf(tmp_path / "carte.pdf")
    chunks = ingest_file(path, root=tmp_path).chunks
    by_section = {c.section.split(" > ")[-1]: c.text for c in chunks}
    assert "Coupe homme (30 min) — 26 €" in by_section["COUPES"].splitlines()
    assert "Balayage — à partir de 95 €" in by_section["COULEUR"].splitlines()
    assert "Coloration" not in by_section["COUPES"] and "Coupe" not in by_section["COULEUR"]
    text = "\n".join(c.text for c in chunks)
    assert "Prix TTC, shampoing et coiffage compris" in text  # the line under both columns


def test_a_borderless_table_is_not_taken_for_two_columns(tmp_path: Path) -> None:
    import pdfplumber

    from ingest.pdf_columns import reading_order

    path = bad_inputs.borderless_price_pdf(tmp_path / "carte.pdf")
    with pdfplumber.open(str(path)) as pdf:
        page = pdf.pages[0]
        assert reading_order(page, page.extract_text_lines()) is None


def test_running_headers_and_footers_are_dropped_and_bold_lines_are_headings(
    tmp_path: Path,
) -> None:
    path = bad_inputs.word_processor_pdf(tmp_path / "soins.pdf")
    chunks = ingest_file(path, root=tmp_path).chunks
    assert [(c.section, c.page) for c in chunks] == [
        ("Rubrique 1", 1),
        ("Rubrique 2", 2),
        ("Rubrique 3", 3),
    ]
    text = "\n".join(c.text for c in chunks)
    assert "Carte des soins" not in text and "Page 2 / 3" not in text
    assert "Texte de la rubrique 2, avec ses conseils et ses détails pour bien" in text
    assert chunks[0].title == "Soins"  # "untitled" in the metadata: the file name is used


def test_the_committed_sample_pdf_keeps_every_service_row_whole() -> None:
    sources = FIXTURE_SALON
    profile = load_profile(sources / "salon.toml")
    result = ingest_file(sources / "tarifs-maison-margaux-2026.pdf", root=sources)
    assert result.reports[0].status == "ok" and result.reports[0].pages == 5
    lines = {line for chunk in result.chunks for line in chunk.text.splitlines()}
    missing = [
        s.name
        for s in profile.services
        if f"{s.name} — {duration_label(s.duration)} — {price_label(s)}" not in lines
    ]
    assert missing == []
