"""Writes sources/tarifs-2026.pdf of the twenty-sixth held-out salon (run once; output committed).

Usage: .venv/bin/python eval/holdout-salon-26/make_pdf.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # eval/, for price_pdf
from price_pdf import write_price_pdf  # noqa: E402

OUT = Path(__file__).parent / "sources" / "tarifs-2026.pdf"

PAGE_1 = {
    "Coiffage dames": [
        ("Shampooing + mise en plis, cheveux courts", "30 min", "19 €"),
        ("Shampooing + mise en plis, cheveux mi-longs et longs", "40 min", "23 €"),
        ("Shampooing + brushing, cheveux courts", "30 min", "21 €"),
        ("Shampooing + brushing, cheveux mi-longs et longs", "45 min", "27 €"),
        ("Coupe + brushing, cheveux courts", "45 min", "33 €"),
        ("Coupe + brushing, cheveux mi-longs et longs", "1h", "41 €"),
        ("Coupe + mise en plis", "50 min", "36 €"),
        ("Coupe seule, sur cheveux mouillés", "20 min", "17 €"),
    ],
    "Permanentes": [
        ("Permanente complète, cheveux courts (mise en plis comprise)", "2h", "55 €"),
        ("Permanente complète, cheveux longs", "2h30", "à partir de 68 €"),
        ("Permanente partielle (dessus de la tête)", "1h30", "42 €"),
    ],
    "Messieurs et enfants": [
        ("Coupe homme, shampooing compris", "30 min", "20 €"),
        ("Coupe tondeuse (un seul sabot)", "15 min", "13 €"),
        ("Taille de barbe", "15 min", "10 €"),
        ("Coupe + barbe", "45 min", "28 €"),
        ("Coupe enfant (moins de 10 ans)", "20 min", "12 €"),
        ("Coupe junior (10 à 16 ans)", "30 min", "16 €"),
    ],
}
PAGE_2 = {
    "Couleurs": [
        ("Rinçage (reflet ton sur ton), en plus d'un coiffage", "15 min", "9 €"),
        ("Couleur racines", "1h15", "39 €"),
        ("Couleur complète", "1h30", "à partir de 49 €"),
        ("Patine (gloss)", "20 min", "15 €"),
        ("Mèches au bonnet", "1h30", "45 €"),
        ("Balayage", "2h", "à partir de 62 €"),
        ("Décoloration", "2h30", "à partir de 75 €"),
    ],
    "Soins": [
        ("Masque nourrissant au bac", "10 min", "6 €"),
    ],
    "Cérémonies": [
        ("Essai coiffure de mariée", "45 min", "30 €"),
        ("Coiffure de mariée, le jour J au salon", "1h", "à partir de 45 €"),
        ("Chignon invitée ou communion", "45 min", "35 €"),
    ],
    "Hors du salon (le lundi matin, par Josiane)": [
        ("Shampooing + mise en plis en résidence (EHPAD du Clos des Sources)", "30 min", "20 €"),
        ("Coupe + mise en plis en résidence (EHPAD du Clos des Sources)", "50 min", "34 €"),
    ],
}


def main() -> None:
    write_price_pdf(
        OUT,
        title="Le Sarment Coiffure — Tarifs 2026",
        address="7 place de l'Église, 21200 Bligny-lès-Beaune · 03 80 21 46 58",
        pages=(PAGE_1, PAGE_2),
        header=("Prestation", "Temps", "Tarif"),
        note_title="Bon à savoir",
        note="Cheveux épais ou tombant sous les épaules : + 6 € sur les couleurs, les mèches, "
        "le balayage et les permanentes. Coiffure à domicile le lundi en fin de matinée, dans "
        "les villages à moins de 10 km de Bligny, pour les personnes qui ne peuvent plus se "
        "déplacer : tarif du salon + 8 € de déplacement. Prix TTC. Règlement en espèces, par "
        "chèque, ou par CB à partir de 10 €.",
        pdf_title="Tarifs Le Sarment 2026",
    )


if __name__ == "__main__":
    main()
