"""Writes sources/espace-boucles-textures.xlsx of the fourteenth held-out salon (run once;
output committed). Fixed workbook and zip-entry timestamps keep the file byte-stable.

Usage: .venv/bin/python eval/holdout-salon-14/make_xlsx.py
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

OUT = Path(__file__).parent / "sources" / "espace-boucles-textures.xlsx"

TITLE = "Espace boucles & textures — carte d'Aminata (2027-2028)"
HEADER = ("Prestation", "Ce qui est compris", "Durée", "Prix", "Remarque")
ROWS = [
    (
        "Silk press",
        "shampooing, soin profond, séchage au diffuseur puis passage au fer",
        "2 à 3 h",
        "à partir de 65 €",
        "sur cheveux naturels, non défrisés",
    ),
    (
        "Vanilles sur cheveux naturels (twists à deux brins)",
        "démêlage et crème de coiffage",
        "2 à 4 h",
        "à partir de 60 €",
        "",
    ),
    (
        "Vanilles avec rajouts (passion twists, Senegalese twists)",
        "pose des rajouts",
        "4 à 6 h",
        "à partir de 110 €",
        "rajouts non compris",
    ),
    (
        "Nattes collées simples (de 4 à 8 nattes)",
        "tressage à plat, sans rajouts",
        "1 h à 1 h 30",
        "35 €",
        "",
    ),
    (
        "Nattes collées avec motifs (tracés, zigzags)",
        "tressage à plat avec dessins",
        "2 à 3 h",
        "à partir de 55 €",
        "",
    ),
    (
        "Box braids mi-dos",
        "tresses individuelles avec rajouts",
        "5 à 7 h",
        "à partir de 150 €",
        "rajouts non compris",
    ),
    (
        "Knotless braids",
        "tresses sans nœud à la racine, plus légères",
        "6 à 8 h",
        "à partir de 180 €",
        "rajouts non compris",
    ),
    (
        "Départ de locks au crochet",
        "création des locks sur cheveux d'au moins 10 cm",
        "4 à 6 h",
        "à partir de 200 €",
        "consultation gratuite de 15 minutes obligatoire avant",
    ),
    (
        "Resserrage des locks (entretien des racines)",
        "reprise des repousses au crochet ou à l'interlocking",
        "2 à 3 h",
        "à partir de 70 €",
        "toutes les 6 à 8 semaines conseillé",
    ),
    (
        "Wash day hydratation",
        "bain d'huile, shampooing doux, masque sous vapeur, coiffage wash and go",
        "1 h 30",
        "48 €",
        "",
    ),
    (
        "Coupe boucles à sec (méthode boucle par boucle)",
        "coupe sur cheveux secs, définition",
        "1 h",
        "45 €",
        "",
    ),
]
FOOTNOTE = (
    "Démontage d'anciennes tresses ou vanilles : 20 € la demi-heure. "
    "Moins de 12 ans : -20 % sur les nattes collées et les vanilles sans rajouts."
)


def main() -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Espace boucles"
    ws.append([TITLE])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    ws.append(list(HEADER))
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for row in ROWS:
        ws.append(list(row))
    ws.append([])
    ws.append([FOOTNOTE])
    for col, width in zip("ABCDE", (48, 60, 14, 18, 44), strict=True):
        ws.column_dimensions[col].width = width
    stamp = datetime(2027, 9, 20, 9, 0, 0)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "Les Remparts"
    buffer = io.BytesIO()
    wb.save(buffer)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    _write_stable_zip(buffer.getvalue(), OUT, stamp)


def _write_stable_zip(data: bytes, out: Path, stamp: datetime) -> None:
    """Copies the workbook's zip entries with one fixed date (openpyxl stamps `modified`
    with the time of saving), so a rerun changes nothing."""
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + iso.encode() + rb"\g<2>",
                    body,
                )
            entry = zipfile.ZipInfo(item.filename, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, body)


if __name__ == "__main__":
    main()
