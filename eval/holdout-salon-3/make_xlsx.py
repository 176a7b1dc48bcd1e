"""Writes sources/tarifs-2027.xlsx of the third held-out salon (run once; output committed).

Usage: .venv/bin/python eval/holdout-salon-3/make_xlsx.py
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

OUT = Path(__file__).parent / "sources" / "tarifs-2027.xlsx"

ROWS = [
    ("Femmes", "Coupe, shampoing et brushing", 50, 44),
    ("Femmes", "Brushing seul", 30, 26),
    ("Femmes", "Coupe sur cheveux secs", 30, 32),
    ("Femmes", "Mise en plis", 40, 30),
    ("Hommes", "Coupe homme", 30, 25),
    ("Hommes", "Dégradé à blanc", 40, 28),
    ("Hommes", "Rasage à l'ancienne, serviette chaude", 30, 22),
    ("Enfants", "Coupe enfant jusqu'à 12 ans", 20, 15),
    ("Couleur", "Coloration racines", 75, 48),
    ("Couleur", "Balayage à l'argile", 150, "à partir de 95"),
    ("Couleur", "Gloss (patine brillance)", 20, 16),
    ("Couleur", "Décoloration complète", 180, "à partir de 120"),
    ("Soins et coiffures", "Soin profond à la kératine", 45, 38),
    ("Soins et coiffures", "Tresses et nattes (par tresse)", 15, 10),
    ("Soins et coiffures", "Chignon de cérémonie", 60, 55),
    ("Soins et coiffures", "Essai chignon de mariée", 60, 45),
]


def main() -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Tarifs"
    sheet.append(["Boucles & Compagnie — tarifs au 1er mai 2027"])
    sheet.append([])
    sheet.append(["Catégorie", "Prestation", "Durée (min)", "Prix (€)"])
    for row in ROWS:
        sheet.append(list(row))
    sheet.append([])
    sheet.append(["", "Supplément cheveux très longs (sous les omoplates) : + 8 €"])
    book.properties.created = datetime(2027, 5, 1)
    book.properties.modified = datetime(2027, 5, 1)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    book.save(OUT)


if __name__ == "__main__":
    main()
