"""Writes sources/tarifs-2027-2028.pdf of the fourteenth held-out salon (run once; output committed).

Usage: .venv/bin/python eval/holdout-salon-14/make_pdf.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # eval/, for price_pdf
from price_pdf import write_price_pdf  # noqa: E402

OUT = Path(__file__).parent / "sources" / "tarifs-2027-2028.pdf"

PAGE_1 = {
    "Dames — coupe et coiffage": [
        ("Shampooing, coupe, brushing — cheveux courts", "45 min", "34 €"),
        ("Shampooing, coupe, brushing — cheveux mi-longs", "1 h", "40 €"),
        ("Shampooing, coupe, brushing — cheveux longs", "1 h 15", "47 €"),
        ("Brushing seul", "30 min", "24 €"),
        ("Mise en plis (rouleaux, casque)", "45 min", "26 €"),
        ("Chignon, coiffure de cérémonie", "1 h", "à partir de 55 €"),
        ("Permanente, coupe comprise", "2 h", "72 €"),
    ],
    "Le coin barbier de Lucien": [
        ("Coupe homme classique (ciseaux et tondeuse)", "30 min", "23 €"),
        ("Dégradé à blanc (fondu)", "45 min", "28 €"),
        ("Taille de barbe et contours", "20 min", "15 €"),
        ("Rasage à l'ancienne au coupe-chou, serviette chaude", "40 min", "32 €"),
        ("Formule coupe + barbe", "50 min", "36 €"),
    ],
}
PAGE_2 = {
    "Enfants et ados": [
        ("Coupe enfant (moins de 6 ans)", "20 min", "13 €"),
        ("Coupe garçon ou fille (6 à 12 ans)", "30 min", "17 €"),
        ("Coupe ado (13 à 17 ans)", "35 min", "21 €"),
    ],
    "Couleur et éclaircissement": [
        ("Couleur racines", "1 h 15", "45 €"),
        ("Couleur complète", "1 h 30", "à partir de 56 €"),
        ("Balayage au pinceau", "2 h", "à partir de 78 €"),
        ("Patine (gloss de brillance)", "20 min", "18 €"),
        ("Décoloration", "2 h 30", "à partir de 95 €"),
    ],
    "Matinée des aînés — mardi de 8h30 à 12h (65 ans et plus)": [
        ("Shampooing et mise en plis, tarif senior", "45 min", "21 €"),
        ("Shampooing, coupe et brushing, tarif senior", "1 h", "30 €"),
        ("Permanente avec coupe, tarif senior", "2 h", "60 €"),
    ],
}


def main() -> None:
    write_price_pdf(
        OUT,
        title="Les Remparts — Carte des prix 2027-2028",
        address="14 rue du Général-de-Gaulle, 67560 Rosheim · 03 88 50 41 27",
        pages=(PAGE_1, PAGE_2),
        header=("Prestation", "Temps", "Tarif"),
        note_title="Bon à savoir",
        note="Cheveux très épais ou au-delà des omoplates : supplément de 6 € à 12 € sur les "
        "couleurs, le balayage et la décoloration, annoncé avant de commencer. Tarif senior "
        "sur présentation d'une pièce d'identité à la première visite, non cumulable avec la "
        "carte de fidélité. Les prestations de l'espace boucles et textures ont leur propre "
        "carte. Prix TTC, service compris.",
    )


if __name__ == "__main__":
    main()
