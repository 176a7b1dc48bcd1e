"""Writes sources/tarifs-printemps-2027.pdf of the fifth held-out salon (run once; output committed).

Usage: .venv/bin/python eval/holdout-salon-5/make_pdf.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # eval/, for price_pdf
from price_pdf import write_price_pdf  # noqa: E402

OUT = Path(__file__).parent / "sources" / "tarifs-printemps-2027.pdf"

PAGE_1 = {
    "Coupes femmes": [
        ("Coupe et brushing, cheveux courts", "45 min", "39 €"),
        ("Coupe et brushing, cheveux mi-longs", "1h", "47 €"),
        ("Coupe et brushing, cheveux longs", "1h15", "55 €"),
        ("Brushing seul", "30 min", "27 €"),
        ("Coupe de frange", "10 min", "9 €"),
    ],
    "Coupes hommes": [
        ("Coupe homme classique", "30 min", "26 €"),
        ("Coupe homme dégradé à blanc", "40 min", "30 €"),
        ("Taille de barbe, rasoir et serviette chaude", "20 min", "16 €"),
        ("Coupe et taille de barbe", "50 min", "39 €"),
    ],
    "Enfants": [
        ("Coupe enfant (moins de 10 ans)", "20 min", "15 €"),
        ("Coupe ado (de 10 à 16 ans)", "30 min", "21 €"),
    ],
    "Coiffage et événements": [
        ("Chignon ou coiffure de soirée", "1h", "52 €"),
        ("Tresses et nattes", "30 min", "à partir de 22 €"),
        ("Forfait mariage (essai + coiffure le jour J)", "2h30", "195 €"),
    ],
}
PAGE_2 = {
    "Couleur": [
        ("Couleur racines", "1h", "44 €"),
        ("Couleur complète", "1h30", "62 €"),
        ("Mèches (highlights) au papier aluminium", "1h45", "à partir de 72 €"),
        ("Balayage, cheveux courts à mi-longs", "2h", "92 €"),
        ("Balayage, cheveux longs", "2h30", "112 €"),
        ("Ombré hair", "2h30", "à partir de 118 €"),
        ("Patine ou gloss", "25 min", "24 €"),
        ("Décoloration complète", "3h", "à partir de 125 €"),
        ("Supplément cheveux très longs (sous les omoplates)", "—", "+ 12 €"),
    ],
    "Soins": [
        ("Soin kératine", "30 min", "29 €"),
        ("Botox capillaire", "1h", "65 €"),
        ("Soin profond hydratant au masque", "20 min", "18 €"),
    ],
    "Permanente et lissage": [
        ("Permanente", "2h", "à partir de 74 €"),
        ("Lissage brésilien", "3h", "à partir de 170 €"),
    ],
}


def main() -> None:
    write_price_pdf(
        OUT,
        title="Salon Garance — Tarifs printemps 2027",
        address="27 rue de la Clef, 59800 Lille · 03 20 57 41 86",
        pages=(PAGE_1, PAGE_2),
        header=("Prestation", "Durée", "Prix"),
        note_title="Bon à savoir",
        note="Le supplément cheveux très longs s'applique aux couleurs, mèches, balayages et "
        "décolorations. Étudiants : 10 % de réduction sur les coupes du mardi au jeudi, sur "
        "présentation de la carte. Prix TTC.",
    )


if __name__ == "__main__":
    main()
