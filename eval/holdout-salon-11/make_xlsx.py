"""Writes sources/barbier-matteo.xlsx of the eleventh held-out salon: the barber's own list
(a title row, a blank row, a header, one row per service with what it includes, its
duration as text and its price as a number, then a walk-in note). Run once; output committed.

Usage: .venv/bin/python eval/holdout-salon-11/make_xlsx.py
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

OUT = Path(__file__).parent / "sources" / "barbier-matteo.xlsx"

ROWS = [
    ("Coupe homme classique", "ciseaux et tondeuse, shampoing et coiffant", "30 min", 25),
    ("Dégradé à blanc", "fondu net jusqu'à la peau, contours au rasoir", "45 min", 29),
    ("Coupe tondeuse un sabot", "même hauteur partout, sans shampoing", "15 min", 15),
    ("Taille de barbe sculptée", "traçage des joues et du cou, huile offerte", "20 min", 16),
    ("Rasage à la serviette chaude", "coupe-chou, mousse chaude, baume après-rasage", "30 min", 23),
    ("Formule coupe + barbe", "coupe classique ou dégradé et barbe sculptée", "50 min", 37),
    ("Camouflage gris cheveux et barbe", "teinte discrète, repousse invisible", "20 min", 19),
]


def main() -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Barbier"
    ws.append(["L'Atelier Pastorelli — le coin barbier de Matteo"])
    ws.append([])
    ws.append(["Service", "Ce qui est compris", "Durée", "Prix (€)"])
    for row in ROWS:
        ws.append(list(row))
    ws.append([])
    ws.append(["Messieurs sans rendez-vous : le lundi de 14h à 19h et le samedi de 9h à 12h."])
    for column, width in zip("ABCD", (36, 48, 10, 10), strict=True):
        ws.column_dimensions[column].width = width
    wb.properties.created = datetime(2027, 9, 1)
    buffer = io.BytesIO()
    wb.save(buffer)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    _write_stable(buffer.getvalue(), OUT)


def _write_stable(data: bytes, out: Path) -> None:
    """Rewrite the archive with fixed member dates and a fixed `modified` property, which
    openpyxl sets to the current time, so that re-running changes nothing."""
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2027-09-01T00:00:00Z", body
                )
            stable = zipfile.ZipInfo(info.filename, date_time=(2027, 9, 1, 0, 0, 0))
            stable.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(stable, body)


if __name__ == "__main__":
    main()
