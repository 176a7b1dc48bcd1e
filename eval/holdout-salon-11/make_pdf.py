"""Writes sources/tarifs-atelier-pastorelli-2027.pdf of the eleventh held-out salon: a
two-page price list with ruled tables (durations as "40 min", "1h15", "2h30"; « à partir
de » prices; a supplement line in the closing note). Run once; output committed.

Usage: .venv/bin/python eval/holdout-salon-11/make_pdf.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from price_pdf import write_price_pdf  # noqa: E402

OUT = Path(__file__).parent / "sources" / "tarifs-atelier-pastorelli-2027.pdf"

PAGE_1 = {
    "Coupes et coiffage femmes": [
        ("Coupe femme cheveux courts", "40 min", "39 €"),
        ("Coupe femme cheveux mi-longs et longs", "1h", "49 €"),
        ("Brushing", "30 min", "27 €"),
        ("Chignon et coiffure d'événement", "45 min", "à partir de 45 €"),
    ],
    "Hommes et barbier (avec Matteo)": [
        ("Coupe homme classique", "30 min", "25 €"),
        ("Dégradé à blanc", "45 min", "29 €"),
        ("Coupe tondeuse un sabot", "15 min", "15 €"),
        ("Taille de barbe sculptée", "20 min", "16 €"),
        ("Rasage à la serviette chaude", "30 min", "23 €"),
        ("Formule coupe + barbe", "50 min", "37 €"),
        ("Camouflage gris cheveux et barbe", "20 min", "19 €"),
    ],
    "Enfants": [
        ("Coupe enfant, moins de 10 ans", "20 min", "14 €"),
        ("Coupe junior, de 10 à 16 ans", "30 min", "19 €"),
    ],
    "Couleur (avec Mireille)": [
        ("Coloration racines", "1h", "44 €"),
        ("Coloration complète", "1h30", "56 €"),
        ("Balayage", "2h30", "à partir de 92 €"),
        ("Blond polaire", "3h30", "à partir de 135 €"),
        ("Gloss ou patine", "30 min", "28 €"),
    ],
}
PAGE_2 = {
    "Boucles et textures (avec Aïssatou)": [
        ("Consultation boucles", "15 min", "offerte"),
        ("Coupe boucle par boucle", "1h15", "62 €"),
        ("Soin définition des boucles", "45 min", "38 €"),
        ("Vanilles et twists", "2h", "à partir de 70 €"),
        ("Lissage au tanin", "3h", "à partir de 170 €"),
    ],
    "Extensions et solutions capillaires (avec Élodie)": [
        ("Consultation extensions et perte de cheveux", "30 min", "offerte"),
        ("Extensions à la kératine", "3h", "à partir de 290 €"),
        ("Extensions à bandes adhésives", "1h30", "à partir de 190 €"),
        ("Repositionnement des bandes adhésives", "1h15", "85 €"),
        ("Complément capillaire, pose et coupe", "2h", "à partir de 350 €"),
        ("Entretien du complément capillaire", "1h", "65 €"),
        ("Soin cuir chevelu anti-chute", "45 min", "42 €"),
    ],
    "Soins": [
        ("Rituel réparateur", "30 min", "24 €"),
    ],
}

NOTE = (
    "Prix TTC, shampoing et coiffage compris. Supplément cheveux très longs ou très épais : "
    "+ 12 € sur toutes les prestations couleur. Les extensions et les compléments capillaires "
    "sont précédés d'une consultation offerte ; les cheveux, 100 % naturels, sont commandés "
    "sur mesure et un acompte de 30 % est versé à la commande. Tarifs valables du 1er "
    "septembre 2027 au 31 août 2028."
)


def main() -> None:
    write_price_pdf(
        OUT,
        title="L'Atelier Pastorelli — Tarifs 2027-2028",
        address="11 rue Pastorelli, 06000 Nice · 04 93 62 18 45 · coiffure mixte et barbier",
        pages=(PAGE_1, PAGE_2),
        header=("Prestation", "Temps", "Tarif"),
        note_title="Bon à savoir",
        note=NOTE,
    )


if __name__ == "__main__":
    main()
