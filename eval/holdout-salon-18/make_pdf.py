"""Writes sources/carte-prestations-2026-2027.pdf of the eighteenth held-out salon (run
once; output committed).

Usage: .venv/bin/python eval/holdout-salon-18/make_pdf.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # eval/, for price_pdf
from price_pdf import write_price_pdf  # noqa: E402

OUT = Path(__file__).parent / "sources" / "carte-prestations-2026-2027.pdf"

PAGE_1 = {
    "Coupes et coiffage femmes": [
        ("Coupe femme, cheveux courts (shampoing, coupe, séchage)", "40 min", "34 €"),
        ("Coupe femme, cheveux mi-longs (shampoing, coupe, séchage)", "50 min", "39 €"),
        ("Coupe femme, cheveux longs (shampoing, coupe, séchage)", "1h", "45 €"),
        ("Brushing, cheveux courts", "30 min", "22 €"),
        ("Brushing, cheveux mi-longs à longs", "45 min", "29 €"),
        ("Brushing réalisé par l'apprentie (toutes longueurs)", "45 min", "16 €"),
        ("Recoupe de frange", "10 min", "8 €"),
        ("Mise en plis", "45 min", "27 €"),
    ],
    "Hommes et enfants": [
        ("Coupe homme", "30 min", "23 €"),
        ("Coupe homme et taille de barbe", "45 min", "32 €"),
        ("Taille de barbe", "20 min", "14 €"),
        ("Coupe enfant (moins de 10 ans)", "20 min", "14 €"),
        ("Coupe ado (10 à 16 ans)", "30 min", "19 €"),
    ],
    "Soins": [
        ("Soin hydratant aux algues", "20 min", "15 €"),
        ("Soin purifiant au rhassoul", "30 min", "20 €"),
        ("Massage du cuir chevelu", "15 min", "12 €"),
    ],
}
PAGE_2 = {
    "Couleurs végétales (henné, indigo, cassia)": [
        ("Coloration végétale, racines", "2h", "52 €"),
        ("Coloration végétale complète, cheveux courts", "2h30", "62 €"),
        ("Coloration végétale complète, cheveux longs", "3h", "à partir de 78 €"),
        ("Patine végétale", "1h", "35 €"),
        ("Gloss végétal", "30 min", "18 €"),
        ("Formule Escale (coupe et patine végétale)", "1h45", "65 €"),
    ],
    "Éclaircissement et techniques": [
        ("Balayage éclaircissant sans ammoniaque", "2h30", "à partir de 89 €"),
        ("Permanente douce", "2h", "à partir de 65 €"),
    ],
    "Chignons et mariage": [
        ("Chignon ou coiffure de soirée", "1h", "à partir de 45 €"),
        ("Tresses de plage", "30 min", "20 €"),
        ("Forfait mariée (essai et jour J)", "3h", "à partir de 160 €"),
    ],
}


def main() -> None:
    write_price_pdf(
        OUT,
        title="L'Écume Coiffure — Carte 2026-2027",
        address="14 rue du Port, 22430 Erquy · 02 96 72 41 58 · www.ecume-coiffure.fr",
        pages=(PAGE_1, PAGE_2),
        header=("Prestation", "Temps", "Tarif"),
        note_title="Suppléments et précisions",
        note="Chevelure très épaisse ou descendant sous les omoplates : supplément de 10 € "
        "sur les colorations végétales et le balayage. Forfait mariée : l'essai (1h30) et la "
        "coiffure du jour J (1h30) ; déplacement offert jusqu'à 30 km du salon, puis 0,50 € "
        "par kilomètre. Tarifs TTC, en vigueur au 1er septembre 2026.",
        pdf_title="L'Écume Coiffure — tarifs",
    )


if __name__ == "__main__":
    main()
