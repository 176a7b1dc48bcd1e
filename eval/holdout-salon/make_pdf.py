"""Writes sources/carte-des-tarifs-2027.pdf of the held-out salon (run once; output committed).

Usage: .venv/bin/python eval/holdout-salon/make_pdf.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # eval/, for price_pdf
from price_pdf import write_price_pdf  # noqa: E402

OUT = Path(__file__).parent / "sources" / "carte-des-tarifs-2027.pdf"

PAGE_1 = {
    "Femme": [
        ("Coupe femme, shampoing et brushing", "50 min", "42 €"),
        ("Coupe courte femme", "35 min", "34 €"),
        ("Brushing", "30 min", "24 €"),
    ],
    "Homme": [
        ("Coupe homme", "25 min", "23 €"),
        ("Coupe homme et barbe", "40 min", "33 €"),
        ("Rasage à l'ancienne", "25 min", "20 €"),
    ],
    "Enfants": [("Coupe enfant, moins de 12 ans", "20 min", "13 €")],
}
PAGE_2 = {
    "Couleur": [
        ("Coloration", "1h15", "49 €"),
        ("Balayage", "2h", "à partir de 85 €"),
        ("Mèches au papier", "1h45", "72 €"),
        ("Décoloration", "2h30", "à partir de 95 €"),
    ],
    "Soins et techniques": [
        ("Soin Olaplex (reconstruction de la fibre)", "20 min", "22 €"),
        ("Lissage au tanin", "3h", "à partir de 160 €"),
        ("Permanente", "1h45", "69 €"),
    ],
    "Coiffage": [
        ("Chignon", "50 min", "48 €"),
        ("Nattes et tresses", "40 min", "à partir de 30 €"),
        ("Forfait mariée : essai et coiffure du jour J", "2h30", "150 €"),
    ],
}


def main() -> None:
    write_price_pdf(
        OUT,
        title="Atelier Ondine — Carte des tarifs 2027",
        pdf_title="Atelier Ondine — Tarifs 2027",
        address="7 place Sainte-Anne, Rennes · 02 99 31 44 08",
        pages=(PAGE_1, PAGE_2),
        header=("Prestation", "Temps", "Tarif"),
        ruled=False,
        note_title="Suppléments",
        note="Cheveux épais ou très longs : + 8 € sur les coupes et couleurs. "
        "Patine après balayage : + 15 €.",
    )


if __name__ == "__main__":
    main()
