"""Writes sources/tarifs-2026-2027.pdf of the twenty-fourth held-out salon (run once; output
committed).

Usage: .venv/bin/python eval/holdout-salon-24/make_pdf.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # eval/, for price_pdf
from price_pdf import write_price_pdf  # noqa: E402

OUT = Path(__file__).parent / "sources" / "tarifs-2026-2027.pdf"

PAGE_1 = {
    "Coupes et coiffage": [
        ("Coupe femme, cheveux courts (shampoing, coupe, séchage)", "45 min", "39 €"),
        ("Coupe femme, cheveux mi-longs à longs (shampoing, coupe, séchage)", "1 h", "49 €"),
        ("Coupe à sec boucle par boucle (cheveux bouclés, frisés, crépus)", "1 h 15", "64 €"),
        ("Shampoing et mise en forme au séchoir", "30 min", "27 €"),
        ("Retouche de frange", "10 min", "8 €"),
        ("Coupe homme (shampoing et coupe)", "30 min", "28 €"),
        ("Coupe enfant (jusqu'à 11 ans)", "25 min", "18 €"),
        ("Tresses enfant (deux nattes ou couronne)", "20 min", "13 €"),
        ("Chignon bohème ou tresses fleuries", "45 min", "à partir de 45 €"),
        ("Coiffure de mariée, essai compris", "2 h", "à partir de 160 €"),
    ],
    "Barbier (jeudi et vendredi)": [
        ("Taille de barbe ciseaux et tondeuse, huile de finition", "20 min", "18 €"),
        ("Rasage à l'ancienne, serviette chaude", "30 min", "29 €"),
        ("Coupe homme et taille de barbe", "50 min", "42 €"),
        ("Coloration végétale de la barbe", "30 min", "24 €"),
    ],
}
PAGE_2 = {
    "Couleurs végétales (henné, indigo, cassia, katam)": [
        ("Couleur végétale racines (jusqu'à 3 cm)", "2 h", "59 €"),
        ("Couleur végétale complète, cheveux courts", "2 h 30", "74 €"),
        ("Couleur végétale complète, cheveux mi-longs à longs", "3 h 30", "à partir de 96 €"),
        (
            "Couvrance des cheveux blancs en deux temps (henné puis indigo)",
            "4 h",
            "à partir de 115 €",
        ),
        ("Patine végétale à la cassia (reflets et brillance)", "1 h 15", "46 €"),
        ("Éclaircissement au pinceau, argile et rhubarbe", "2 h 30", "à partir de 88 €"),
        ("Séance de transition du chimique au végétal, diagnostic compris", "1 h 30", "62 €"),
    ],
    "Soins et rituels": [
        ("Soin purifiant au rhassoul", "30 min", "26 €"),
        ("Bain d'huiles tièdes et massage du crâne", "45 min", "36 €"),
        ("Rituel ayurvédique : lavage aux poudres, massage, séchage", "1 h", "54 €"),
        ("Masque nourrissant karité et aloe vera", "20 min", "19 €"),
        ("Chasse aux pointes fourchues, mèche par mèche", "45 min", "35 €"),
    ],
}


def main() -> None:
    write_price_pdf(
        OUT,
        title="L'Indigotier — coiffure végétale et bio — Carte des prestations 2026-2027",
        address="12 rue d'Austerlitz, 69004 Lyon (Croix-Rousse) · 04 78 29 54 16",
        pages=(PAGE_1, PAGE_2),
        header=("Prestation", "Temps", "Tarif"),
        note_title="Bon à savoir",
        note="Chevelure très longue (sous les omoplates) ou très épaisse : supplément de 15 € "
        "sur toutes les couleurs végétales. Ajout d'indigo sur une couleur racines : + 9 €. "
        "Touche d'essai offerte avant une première couleur. Tarifs TTC en vigueur depuis "
        "le 1er septembre 2026.",
        pdf_title="L'Indigotier - tarifs 2026-2027",
    )


if __name__ == "__main__":
    main()
