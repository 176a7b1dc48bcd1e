"""Writes sources/carte-des-prestations-2027.pdf of held-out salon 22 (run once; output committed).

Usage: .venv/bin/python eval/holdout-salon-22/make_pdf.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # eval/, for price_pdf
from price_pdf import write_price_pdf  # noqa: E402

OUT = Path(__file__).parent / "sources" / "carte-des-prestations-2027.pdf"

PAGE_1 = {
    "Coupes et coiffages femme": [
        ("Shampoing, coupe et brushing, cheveux courts", "45 min", "38 €"),
        ("Shampoing, coupe et brushing, cheveux mi-longs", "1h", "44 €"),
        ("Shampoing, coupe et brushing, cheveux longs", "1h15", "52 €"),
        ("Coupe séchage naturel (sans brushing)", "35 min", "30 €"),
        ("Brushing", "30 min", "à partir de 24 €"),
        ("Mise en plis", "45 min", "27 €"),
        ("Coupe de frange", "10 min", "8 €"),
    ],
    "Messieurs": [
        ("Coupe homme (shampoing compris)", "30 min", "23 €"),
        ("Coupe homme et taille de barbe", "45 min", "32 €"),
        ("Taille de barbe tondeuse et rasoir", "20 min", "13 €"),
        ("Camouflage cheveux blancs homme", "20 min", "19 €"),
    ],
    "Les Loupiots : enfants et ados": [
        ("Coupe bambin (moins de 6 ans)", "15 min", "12 €"),
        ("Coupe enfant (6 à 12 ans)", "25 min", "17 €"),
        ("Coupe ado (13 à 17 ans)", "30 min", "21 €"),
        ("Tresses ou petite coiffure enfant", "20 min", "à partir de 15 €"),
    ],
}
PAGE_2 = {
    "Couleurs sans ammoniaque": [
        ("Couleur racines", "1h15", "45 €"),
        ("Couleur complète", "1h30", "à partir de 56 €"),
        ("Balayage à main levée", "2h30", "à partir de 89 €"),
        ("Mèches en papillotes", "2h", "à partir de 72 €"),
        ("Patine ou gloss", "30 min", "22 €"),
        ("Décoloration", "3h", "à partir de 110 €"),
    ],
    "Soins et techniques": [
        ("Soin profond au beurre de karité", "20 min", "15 €"),
        ("Permanente (boucles souples)", "2h", "68 €"),
        ("Lissage brésilien", "3h", "à partir de 170 €"),
    ],
    "Mariages, communions et grandes occasions": [
        ("Essai coiffure mariée", "1h15", "55 €"),
        ("Coiffure de la mariée (jour J)", "1h30", "à partir de 95 €"),
        ("Forfait mariée (essai et jour J)", "2h45", "140 €"),
        ("Chignon ou attache de soirée", "45 min", "à partir de 42 €"),
        ("Coiffure de communion", "40 min", "32 €"),
        ("Coiffure cortège enfant (demoiselle d'honneur)", "30 min", "25 €"),
    ],
}


def main() -> None:
    write_price_pdf(
        OUT,
        title="Les Frangines Coiffure — Carte des prestations 2027-2028",
        address="7 place du Beau-Verger, 44120 Vertou · 02 40 34 18 27",
        pages=(PAGE_1, PAGE_2),
        header=("Prestation", "Temps", "Tarif"),
        note_title="Bon à savoir",
        note="Cheveux très longs ou très épais : supplément de 9 € sur les couleurs, les mèches "
        "et les balayages. Déplacement le jour du mariage (Vertou et 15 km autour) : 45 €. "
        "Étudiants : 10 % de remise sur les coupes le mardi et le jeudi, sur présentation de la "
        "carte d'étudiant. Tarifs TTC au 1er septembre 2027.",
    )


if __name__ == "__main__":
    main()
