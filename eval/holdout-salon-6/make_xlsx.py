"""Writes sources/carte-barbier.xlsx of the sixth held-out salon: the men's and barber
services only, as the barber keeps them (a title row, a blank row, then one row per
service with its duration as text and its price as a number). Run once; output committed.

Usage: .venv/bin/python eval/holdout-salon-6/make_xlsx.py
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

OUT = Path(__file__).parent / "sources" / "carte-barbier.xlsx"

ROWS = [
    ("Coupe homme", "ciseaux et tondeuse, shampoing compris", "30 min", 26),
    ("Dégradé américain", "fondu à la tondeuse, finitions au rasoir", "40 min", 30),
    ("Taille de barbe", "tracé des contours et huile à barbe", "20 min", 17),
    ("Rasage à l'ancienne", "serviette chaude, coupe-chou, baume apaisant", "30 min", 24),
    ("Coupe homme + taille de barbe", "", "50 min", 38),
    ("Coupe homme + rasage à l'ancienne", "", "1 h", 45),
    ("Contours de barbe", "entre deux tailles", "10 min", 10),
    ("Camouflage cheveux blancs", "résultat naturel, 20 minutes de pose", "20 min", 20),
]


def main() -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Barbier"
    ws.append(["L'Atelier des Carmes — carte barbier (avec Hugo)"])
    ws.append([])
    ws.append(["Prestation", "Détail", "Durée", "Prix (€)"])
    for row in ROWS:
        ws.append(list(row))
    for column, width in zip("ABCD", (36, 46, 10, 10), strict=True):
        ws.column_dimensions[column].width = width
    wb.properties.created = datetime(2027, 5, 1)
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
                    rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2027-05-01T00:00:00Z", body
                )
            stable = zipfile.ZipInfo(info.filename, date_time=(2027, 5, 1, 0, 0, 0))
            stable.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(stable, body)


if __name__ == "__main__":
    main()
