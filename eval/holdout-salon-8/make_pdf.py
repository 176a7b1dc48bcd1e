"""Rebuilds the eighth held-out salon's price list (Atelier Nacre, Marseille) as a PDF
with ruled tables; run `python eval/holdout-salon-8/make_pdf.py` after editing a price.

Durations are written in mixed styles on purpose ("45 min", "1h15", "1 h 30", "3 heures").
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from price_pdf import write_price_pdf  # noqa: E402

PAGE_1 = {
    "Coupes femme": [
        ("Coupe et brushing, cheveux courts", "45 min", "42 €"),
        ("Coupe et brushing, cheveux mi-longs", "1h", "50 €"),
        ("Coupe et brushing, cheveux longs", "1h15", "58 €"),
        ("Coupe sur cheveux secs, sans brushing", "30 min", "34 €"),
        ("Brushing seul", "40 min", "à partir de 27 €"),
    ],
    "Hommes et enfants": [
        ("Coupe homme, shampoing et coiffage", "30 min", "26 €"),
        ("Coupe homme cheveux longs", "45 min", "33 €"),
        ("Coupe enfant (moins de 12 ans)", "20 min", "15 €"),
        ("Coupe ado (12 à 17 ans)", "30 min", "21 €"),
    ],
    "Couleur et éclaircissement": [
        ("Couleur racines", "1h", "45 €"),
        ("Couleur complète", "1 h 30", "à partir de 62 €"),
        ("Couleur végétale (henné, indigo)", "2h", "à partir de 70 €"),
        ("Mèches", "2h", "à partir de 78 €"),
        ("Balayage", "2h30", "à partir de 95 €"),
        ("Patine ou gloss", "30 min", "28 €"),
        ("Décoloration complète", "3 heures", "à partir de 115 €"),
    ],
    "Soins": [
        ("Soin hydratant profond", "20 min", "18 €"),
        ("Soin du cuir chevelu et massage", "30 min", "25 €"),
        ("Bain d'huile chaude pour cheveux crépus", "45 min", "32 €"),
    ],
}

PAGE_2 = {
    "Espace boucles et afro": [
        ("Coupe boucles sur cheveux secs", "1h15", "65 €"),
        ("Définition des boucles (wash and go)", "1h", "45 €"),
        ("Tresses africaines (box braids), mèches comprises", "5 h", "à partir de 130 €"),
        ("Vanilles (twists)", "3h", "à partir de 85 €"),
        ("Nattes collées", "90 min", "à partir de 40 €"),
        ("Entretien des locks (resserrage)", "2h", "à partir de 60 €"),
        ("Défrisage", "2h", "à partir de 75 €"),
        ("Lissage brésilien", "3h", "à partir de 160 €"),
        ("Permanente", "2h", "à partir de 70 €"),
    ],
    "Coiffage et événements": [
        ("Chignon ou coiffure de soirée", "1h", "55 €"),
        ("Coiffure de mariée, essai compris", "2h", "à partir de 190 €"),
        ("Boucles au fer (wavy)", "45 min", "35 €"),
    ],
    "Supplément": [
        ("Supplément cheveux très longs ou très épais", "—", "+ 12 €"),
    ],
}

NOTE = (
    "Prix TTC en euros, valables à partir du 1er mars 2027. Les prix « à partir de » "
    "dépendent de la longueur et de l'épaisseur des cheveux : un devis vous est donné "
    "avant de commencer. Les prestations du Comptoir du Barbier ont leur propre carte. "
    "Réservation au 04 91 33 57 62 ou sur atelier-nacre.fr."
)


def main() -> None:
    write_price_pdf(
        HERE / "sources" / "tarifs-atelier-nacre-2027.pdf",
        title="Atelier Nacre Coiffure — Tarifs 2027",
        address="37 rue Paradis, 13001 Marseille — 04 91 33 57 62",
        pages=(PAGE_1, PAGE_2),
        header=("Prestation", "Durée", "Prix"),
        note_title="Informations",
        note=NOTE,
        pdf_title="Tarifs Atelier Nacre Coiffure 2027",
    )


if __name__ == "__main__":
    main()
