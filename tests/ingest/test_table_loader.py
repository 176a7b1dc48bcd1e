"""Unit tier: CSV and XLSX price lists become one sentence per row, with column names."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from ingest.pipeline import ingest_file
from kb.report_fr import reason_fr
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


def test_an_unclosed_quote_is_reported_and_the_rows_after_it_are_still_read(
    tmp_path: Path,
) -> None:
    """A stray opening quote made the CSV reader swallow every following line into one
    cell (« Prix : 24 € Brushing;27 € … »), with no remark: the rows after it are read one
    by one again, and the report names the line."""
    csv_file = tmp_path / "tarifs.csv"
    csv_file.write_text(
        "Prestation;Prix\n"
        'Coupe "maison";19 €\n'  # quotes inside a cell: not a problem
        'Coupe;"24 €\n'
        "Brushing;27 €\n"
        'Couleur;"49 €"\n'
        "Balayage;115 €\n",
        encoding="utf-8",
    )
    result = ingest_file(csv_file, root=tmp_path)
    report = result.reports[0]
    rows = result.chunks[0].text.splitlines()
    assert rows == [
        'Prestation : Coupe "maison" — Prix : 19 €',
        "Prestation : Coupe — Prix : 24 €",
        "Prestation : Brushing — Prix : 27 €",
        "Prestation : Couleur — Prix : 49 €",
        "Prestation : Balayage — Prix : 115 €",
    ]
    assert report.status == "warning"
    assert report.warnings == [
        "unclosed quote on line 3: the lines after it were read as one cell; they are "
        "read one by one instead"
    ]
    assert reason_fr(report.warnings[0]) == (
        "guillemet non fermé à la ligne 3 : il a été ignoré (sinon les lignes suivantes "
        "auraient été lues comme une seule) ; vérifiez cette ligne du fichier."
    )


def test_an_unclosed_quote_to_the_end_of_a_long_file_loses_no_row(tmp_path: Path) -> None:
    """Past the CSV reader's cell size limit (128 Ko) the swallowed lines used to make the
    whole file « CSV illisible »."""
    csv_file = tmp_path / "tarifs.csv"
    lines = ["Prestation;Prix", 'Coupe;"24 €'] + [f"Soin n°{n};{n} €" for n in range(8000)]
    csv_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = ingest_file(csv_file, root=tmp_path)
    report = result.reports[0]
    assert report.status == "warning" and report.warnings[0].startswith("unclosed quote on line 2:")
    text = "\n".join(c.text for c in result.chunks)
    assert "Prestation : Soin n°7999 — Prix : 7999 €" in text


def test_a_quoted_cell_on_several_lines_is_still_one_cell(tmp_path: Path) -> None:
    csv_file = tmp_path / "soins.csv"
    csv_file.write_text(
        'Prestation;Détail;Prix\nSoin;"Massage\ncrânien, 30 min";28 €\n', encoding="utf-8"
    )
    result = ingest_file(csv_file, root=tmp_path)
    assert result.reports[0].status == "ok"
    assert result.chunks[0].text == (
        "Prestation : Soin — Détail : Massage crânien, 30 min — Prix : 28 €"
    )
