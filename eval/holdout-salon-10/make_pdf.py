"""Rebuilds the price list PDF of held-out salon 10 (Atelier Pervenche, Rouen).

Run from anywhere: `python eval/holdout-salon-10/make_pdf.py`. The prices and durations
here must stay equal to `sources/salon.toml`.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from price_pdf import write_price_pdf  # noqa: E402

PAGE_ONE = {
    "Femmes": [
        ("Coupe et brushing femme, cheveux courts", "45 min", "44 €"),
        ("Coupe et brushing femme, cheveux mi-longs ou longs", "1h", "54 €"),
        ("Brushing, toutes longueurs", "30 min", "28 €"),
        ("Coupe sur cheveux mouillés, sans séchage", "25 min", "33 €"),
        ("Coupe cheveux bouclés et frisés, à sec", "1h15", "59 €"),
        ("Chignon ou attache de soirée", "45 min", "à partir de 46 €"),
        ("Coiffure de mariée, essai compris", "2 h", "à partir de 155 €"),
    ],
    "Hommes": [
        ("Coupe homme", "30 min", "23 €"),
        ("Coupe homme dégradé", "40 min", "27 €"),
        ("Taille de barbe", "20 min", "16 €"),
        ("Coupe homme et barbe", "50 min", "37 €"),
        ("Couleur homme, camouflage des cheveux blancs", "30 min", "26 €"),
    ],
    "Enfants": [
        ("Coupe enfant, moins de 12 ans", "20 min", "13 €"),
        ("Coupe ado, de 12 à 17 ans", "30 min", "19 €"),
    ],
}

PAGE_TWO = {
    "Couleurs végétales et éclaircissements": [
        ("Couleur végétale racines", "1h30", "49 €"),
        ("Couleur végétale complète", "2 h", "à partir de 63 €"),
        ("Coloration aux plantes, henné et indigo", "2h30", "à partir de 72 €"),
        ("Gloss végétal sans ammoniaque", "30 min", "24 €"),
        ("Balayage naturel à l'argile", "2h30", "à partir de 96 €"),
        ("Mèches éclaircissantes", "2 h", "à partir de 78 €"),
        ("Supplément cheveux très longs ou très épais (au-delà des omoplates)", "", "+ 12 €"),
    ],
    "Soins et conseil": [
        ("Soin nourrissant aux huiles végétales", "20 min", "14 €"),
        ("Soin du cuir chevelu et massage crânien", "30 min", "21 €"),
        ("Permanente douce", "1 h 45", "à partir de 69 €"),
        ("Lissage naturel au tanin", "3 h", "à partir de 165 €"),
        ("Diagnostic couleur végétale", "15 min", "offert"),
        ("Test de tolérance, 48 h avant une couleur", "10 min", "gratuit"),
    ],
}

NOTE = (
    "Les prix « à partir de » dépendent de la longueur et de l'épaisseur des cheveux : "
    "le prix exact est donné pendant le diagnostic, avant de commencer. "
    "Nos couleurs sont 100 % végétales, sans ammoniaque ni PPD. "
    "Brushings et coupes enfants réalisés par Maëlys, notre apprentie : 20 % de remise. "
    "Prix TTC, service compris."
)

if __name__ == "__main__":
    write_price_pdf(
        HERE / "sources" / "tarifs-atelier-pervenche-2027.pdf",
        title="Atelier Pervenche — Tarifs 2027",
        address="27 rue Eau-de-Robec, 76000 Rouen — 02 35 71 48 26",
        pages=(PAGE_ONE, PAGE_TWO),
        header=("Prestation", "Durée", "Prix"),
        note_title="Bon à savoir",
        note=NOTE,
        pdf_title="Tarifs Atelier Pervenche 2027",
    )
