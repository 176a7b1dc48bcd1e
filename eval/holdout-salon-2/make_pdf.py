"""Writes sources/tarifs-2027.pdf of the second held-out salon (run once; output committed).

Usage: .venv/bin/python eval/holdout-salon-2/make_pdf.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # eval/, for price_pdf
from price_pdf import write_price_pdf  # noqa: E402

OUT = Path(__file__).parent / "sources" / "tarifs-2027.pdf"

PAGE_1 = {
    "Femmes": [
        ("Coupe et brushing, cheveux courts", "45 min", "39 €"),
        ("Coupe et brushing, cheveux longs", "1h", "49 €"),
        ("Shampoing et brushing", "30 min", "27 €"),
        ("Coupe de frange", "10 min", "8 €"),
    ],
    "Hommes": [
        ("Coupe aux ciseaux", "30 min", "26 €"),
        ("Coupe à la tondeuse", "20 min", "19 €"),
        ("Taille de barbe", "20 min", "15 €"),
        ("Coupe et barbe", "45 min", "36 €"),
    ],
    "Jeunes": [
        ("Coupe enfant (moins de 10 ans)", "20 min", "14 €"),
        ("Coupe étudiant (sur présentation de la carte)", "30 min", "22 €"),
    ],
}
PAGE_2 = {
    "Couleur": [
        ("Couleur végétale (henné, indigo)", "2h", "68 €"),
        ("Coloration des racines", "1h", "45 €"),
        ("Balayage", "2h30", "à partir de 90 €"),
        ("Ombré", "2h30", "à partir de 95 €"),
        ("Patine", "20 min", "18 €"),
    ],
    "Soins": [
        ("Soin hydratant cheveux frisés et crépus", "30 min", "25 €"),
        ("Lissage brésilien", "3h", "à partir de 180 €"),
    ],
    "Coiffures": [
        ("Coiffure de soirée", "45 min", "45 €"),
        ("Chignon de mariée, essai compris", "2h", "130 €"),
    ],
}


def main() -> None:
    write_price_pdf(
        OUT,
        title="Les Ciseaux d'Alice — Tarifs 2027",
        address="18 rue Notre-Dame, Bordeaux · 05 56 44 12 87",
        pages=(PAGE_1, PAGE_2),
        header=("Prestation", "Durée", "Prix"),
        note_title="Bon à savoir",
        note="Cheveux très épais : + 6 € sur les coupes femmes. Tous nos prix sont TTC.",
    )


if __name__ == "__main__":
    main()
