"""Writes sources/carte-des-prestations-2026.pdf of the fifteenth held-out salon (run once;
output committed).

Usage: .venv/bin/python eval/holdout-salon-15/make_pdf.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # eval/, for price_pdf
from price_pdf import write_price_pdf  # noqa: E402

OUT = Path(__file__).parent / "sources" / "carte-des-prestations-2026.pdf"

PAGE_1 = {
    "Coiffure femme": [
        ("Shampoing, coupe et brushing, cheveux courts", "45 min", "38 €"),
        ("Shampoing, coupe et brushing, cheveux mi-longs", "55 min", "44 €"),
        ("Shampoing, coupe et brushing, cheveux longs", "1h05", "50 €"),
        ("Shampoing et brushing", "30 min", "24 €"),
        ("Mise en plis", "40 min", "26 €"),
        ("Recoupe de frange", "10 min", "8 €"),
    ],
    "Barbier et coiffure homme": [
        ("Coupe homme aux ciseaux", "30 min", "23 €"),
        ("Dégradé à blanc (fade)", "40 min", "27 €"),
        ("Coupe tondeuse, une seule hauteur", "15 min", "14 €"),
        ("Taille de barbe et contours", "20 min", "15 €"),
        ("Rasage à l'ancienne au coupe-chou, serviette chaude", "30 min", "25 €"),
        ("Formule coupe et barbe", "50 min", "36 €"),
        ("Camouflage des cheveux blancs, homme", "20 min", "16 €"),
    ],
    "Enfants": [
        ("Coupe enfant, moins de 10 ans", "20 min", "14 €"),
        ("Coupe junior, 10 à 16 ans", "30 min", "19 €"),
    ],
}
PAGE_2 = {
    "Couleur": [
        ("Couleur racines", "1h15", "45 €"),
        ("Couleur complète", "1h30", "à partir de 55 €"),
        ("Balayage", "2h30", "à partir de 89 €"),
        ("Mèches au papier aluminium", "2h", "à partir de 72 €"),
        ("Patine (neutralise les reflets jaunes ou cuivrés)", "20 min", "18 €"),
        ("Décoloration intégrale", "3h", "à partir de 115 €"),
    ],
    "Techniques et soins": [
        ("Permanente", "1h45", "62 €"),
        ("Lissage brésilien", "3h", "à partir de 180 €"),
        ("Soin profond au beurre de karité", "20 min", "14 €"),
        ("Massage du cuir chevelu", "15 min", "12 €"),
    ],
    "Cérémonies": [
        ("Chignon ou coiffure de soirée", "45 min", "45 €"),
        ("Forfait mariée, essai et jour J", "2h", "à partir de 150 €"),
    ],
    "À domicile (lundi et mercredi matin)": [
        ("Coupe à domicile", "45 min", "32 €"),
        ("Shampoing et mise en plis à domicile", "50 min", "34 €"),
        ("Permanente à domicile", "2h", "70 €"),
    ],
}


def main() -> None:
    write_price_pdf(
        OUT,
        title="Maison Verdier — Carte des prestations 2026",
        address="23 rue Limogeanne, 24000 Périgueux · 05 53 08 42 17 · maison-verdier.fr",
        pages=(PAGE_1, PAGE_2),
        header=("Prestation", "Temps", "Tarif"),
        note_title="Bon à savoir",
        note="Chevelure sous les épaules : supplément de 8 € sur les couleurs, balayages, "
        "mèches et brushings. Déplacement à domicile offert dans Périgueux et les communes "
        "limitrophes, 6 € au-delà (jusqu'à 15 km). Tarifs TTC en vigueur au 1er septembre 2026.",
    )


if __name__ == "__main__":
    main()
