"""Writes sources/tarifs-automne-2027.pdf of the fourth held-out salon (run once; output committed).

Usage: .venv/bin/python eval/holdout-salon-4/make_pdf.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # eval/, for price_pdf
from price_pdf import write_price_pdf  # noqa: E402

OUT = Path(__file__).parent / "sources" / "tarifs-automne-2027.pdf"

PAGE_1 = {
    "Coupes femmes": [
        ("Coupe, shampoing et coiffage, cheveux courts", "40 min", "36 €"),
        ("Coupe, shampoing et coiffage, cheveux mi-longs", "50 min", "42 €"),
        ("Coupe, shampoing et coiffage, cheveux longs", "1h", "48 €"),
        ("Brushing seul", "30 min", "25 €"),
        ("Mise en plis", "45 min", "30 €"),
    ],
    "Coupes hommes et enfants": [
        ("Coupe homme ciseaux et tondeuse", "30 min", "24 €"),
        ("Contour de barbe au rasoir", "15 min", "12 €"),
        ("Coupe garçon (jusqu'à 12 ans)", "20 min", "16 €"),
        ("Coupe fille (jusqu'à 12 ans)", "30 min", "20 €"),
    ],
}
PAGE_2 = {
    "Couleur et éclaircissement": [
        ("Couleur racines", "1h15", "46 €"),
        ("Couleur complète", "1h30", "58 €"),
        ("Décoloration complète", "3h", "à partir de 110 €"),
        ("Mèches au papillote", "2h", "à partir de 75 €"),
        ("Gloss (bain de brillance)", "20 min", "19 €"),
    ],
    "Techniques": [
        ("Permanente souple", "2h", "70 €"),
        ("Lissage au tanin", "2h30", "à partir de 160 €"),
        ("Soin reconstructeur à l'huile de camélia", "30 min", "24 €"),
    ],
}


def main() -> None:
    write_price_pdf(
        OUT,
        title="Atelier Sauge — Tarifs automne 2027",
        address="3 place du Marché-aux-Fleurs, Montpellier · 04 67 58 20 13",
        pages=(PAGE_1, PAGE_2),
        header=("Prestation", "Durée", "Prix"),
        note_title="À noter",
        note="Cheveux très longs (sous les omoplates) : + 8 € sur les couleurs et les mèches. "
        "Prix TTC, affichés en salon.",
    )


if __name__ == "__main__":
    main()
