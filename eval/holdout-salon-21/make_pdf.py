"""Writes sources/tarifs-hiver-2026-2027.pdf of the twenty-first held-out salon (run once;
output committed).

Usage: .venv/bin/python eval/holdout-salon-21/make_pdf.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # eval/, for price_pdf
from price_pdf import write_price_pdf  # noqa: E402

OUT = Path(__file__).parent / "sources" / "tarifs-hiver-2026-2027.pdf"

PAGE_1 = {
    "Coupes et coiffages femmes": [
        ("Shampoing, coupe et coiffage, cheveux courts", "45 min", "42 €"),
        ("Shampoing, coupe et coiffage, cheveux mi-longs", "55 min", "49 €"),
        ("Shampoing, coupe et coiffage, cheveux longs", "1h05", "56 €"),
        ("Brushing", "35 min", "29 €"),
        ("Ondulations au fer « après-ski »", "30 min", "32 €"),
        ("Chignon ou coiffure de soirée", "50 min", "à partir de 55 €"),
        ("Coiffure de mariée, essai compris", "2h", "à partir de 180 €"),
    ],
    "Hommes et enfants": [
        ("Coupe homme", "30 min", "28 €"),
        ("Coupe homme et taille de barbe", "45 min", "39 €"),
        ("Taille de barbe, tondeuse et rasoir", "20 min", "16 €"),
        ("Camouflage des cheveux blancs (homme)", "30 min", "27 €"),
        ("Coupe enfant, moins de 10 ans", "20 min", "18 €"),
        ("Coupe junior, de 10 à 16 ans", "30 min", "23 €"),
    ],
    "Tresses": [
        ("Tresses « casque », deux nattes plaquées", "25 min", "20 €"),
        ("Tresse enfant", "15 min", "12 €"),
        ("Tresses bohèmes ou couronne", "40 min", "35 €"),
    ],
}
PAGE_2 = {
    "Couleur et éclaircissement": [
        ("Couleur racines", "1h15", "52 €"),
        ("Couleur complète", "1h30", "64 €"),
        ("Balayage « effet soleil »", "2h30", "à partir de 98 €"),
        ("Mèches en papillotes", "2h", "à partir de 85 €"),
        ("Patine (gloss)", "25 min", "24 €"),
        ("Décoloration intégrale", "3h", "à partir de 125 €"),
    ],
    "Soins montagne": [
        ("Soin réparateur soleil et altitude", "30 min", "27 €"),
        ("Rituel « Grand Froid » au karité et à l'edelweiss", "45 min", "38 €"),
        ("Soin apaisant du cuir chevelu", "30 min", "25 €"),
        ("Lissage à la kératine", "2h30", "à partir de 170 €"),
        ("Permanente douce", "2h", "78 €"),
    ],
    "Au spa Arnica (Hôtel La Clé des Cimes)": [
        ("Forfait « Sommet » : soin réparateur et brushing", "1h", "52 €"),
    ],
}


def main() -> None:
    write_price_pdf(
        OUT,
        title="Névé Coiffure — Tarifs saison d'hiver 2026-2027",
        address="9 chemin des Granges, 74110 Morzine · 04 50 79 36 12",
        pages=(PAGE_1, PAGE_2),
        header=("Prestation", "Temps", "Tarif"),
        note_title="Suppléments",
        note="Chevelure très longue ou très épaisse : + 10 € sur les couleurs, les mèches, "
        "les balayages et la décoloration. Déplacement en chalet ou à l'hôtel dans Morzine "
        "(hors Avoriaz) : + 25 €. Prix TTC, service compris.",
    )


if __name__ == "__main__":
    main()
