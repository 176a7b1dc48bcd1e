"""Unit tier: CSV and XLSX price lists become one sentence per row, with column names."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from ingest.pipeline import ingest_file
from tests.fixtures.isolation import FIXTURE_SALON


def test_each_csv_row_names_its_columns_and_the_category_is_the_section(tmp_path: Path) -> None:
    csv_file = tmp_path / "tarifs.csv"
    csv_file.write_text(
        "Catégorie;Prestation;Durée (min);Prix (€)\n"
        "Mèches et balayage;Balayage, cheveux longs;150;115\n"
        "Homme;Coupe homme;30;28,5\n",
        encoding="utf-8",
    )
    chunks = ingest_file(csv_file, root=tmp_path).chunks
    lines = {c.section: c.text for c in chunks}
    assert lines["Mèches et balayage"] == (
        "Prestation : Balayage, cheveux longs — Durée : 150 min — Prix : 115 €"
    )
    assert "Prix : 28,5" in lines["Homme"]
    assert all(c.kind == "price" for c in chunks)


def test_a_comma_separated_windows_csv_is_read_with_a_warning(tmp_path: Path) -> None:
    csv_file = tmp_path / "produits.csv"
    csv_file.write_bytes("Marque,Produit,Prix\nDavines,Crème légère,27\n".encode("cp1252"))
    result = ingest_file(csv_file, root=tmp_path)
    assert result.reports[0].status == "warning"
    assert result.chunks[0].text == "Marque : Davines — Produit : Crème légère — Prix : 27 €"


def test_a_header_only_csv_is_reported(tmp_path: Path) -> None:
    csv_file = tmp_path / "vide.csv"
    csv_file.write_text("Prestation;Prix\n", encoding="utf-8")
    report = ingest_file(csv_file, root=tmp_path).reports[0]
    assert report.status == "error"
    assert "no data rows" in (report.error or "")


def test_xlsx_sheets_give_sections_numbers_get_units_and_empty_sheets_are_noted(
    tmp_path: Path,
) -> None:
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = "Produits"
    sheet.append(["Boutique du salon"])
    sheet.append(["Marque", "Produit", "Prix (€)"])
    sheet.append(["Olaplex", "N°3 Hair Perfector", 30])
    sheet.append(["Davines", "Huile OI", 36.5])
    wb.create_sheet("Brouillon")
    path = tmp_path / "boutique.xlsx"
    wb.save(path)
    result = ingest_file(path, root=tmp_path)
    report = result.reports[0]
    assert report.status == "warning" and any("Brouillon" in w for w in report.warnings)
    text = result.chunks[0].text.splitlines()
    assert result.chunks[0].section == "Boutique du salon"
    assert "Marque : Davines — Produit : Huile OI — Prix : 36,50 €" in text


def test_a_corrupt_xlsx_is_reported_not_crashed(tmp_path: Path) -> None:
    path = tmp_path / "casse.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    report = ingest_file(path, root=tmp_path).reports[0]
    assert report.status == "error"
    assert "corrupt" in (report.error or "")


def test_the_sample_products_workbook_lists_every_product_with_brand_and_price() -> None:
    from tests.fixtures.sample_docs import PRODUCTS

    sources = FIXTURE_SALON
    chunks = ingest_file(sources / "produits-et-tarifs.xlsx", root=sources).chunks
    text = "\n".join(c.text for c in chunks)
    for brand, product, *_ in PRODUCTS:
        assert f"Marque : {brand} — Produit : {product} — " in text
