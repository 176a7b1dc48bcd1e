"""Writes sources/tarifs-frisottis-2026-2027.pdf of the twenty-fifth held-out salon (run once;
output committed).

Usage: .venv/bin/python eval/holdout-salon-25/make_pdf.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # eval/, for price_pdf
from price_pdf import write_price_pdf  # noqa: E402

OUT = Path(__file__).parent / "sources" / "tarifs-frisottis-2026-2027.pdf"

PAGE_1 = {
    "Diagnostic et coaching": [
        ("Diagnostic boucles", "30 min", "25 €"),
        ("Coaching routine individuel", "1h", "55 €"),
        ("Coaching routine duo parent-enfant", "1h15", "75 €"),
        ("Séance de suivi routine", "20 min", "15 €"),
    ],
    "Coupes boucles": [
        ("Coupe à sec, cheveux courts", "45 min", "52 €"),
        ("Coupe à sec, cheveux mi-longs", "1h", "62 €"),
        ("Coupe à sec, cheveux longs", "1h15", "72 €"),
        ("Formule complète : coupe à sec, soin et séchage diffuseur", "2h", "à partir de 89 €"),
        ("Coupe homme bouclé ou frisé", "40 min", "35 €"),
        ("Rafraîchissement pointes ou frange", "20 min", "18 €"),
        ("Accompagnement transition capillaire", "1h", "à partir de 60 €"),
    ],
    "Enfants (jusqu'à 12 ans)": [
        ("Coupe enfant bouclé", "30 min", "26 €"),
        ("Coupe enfant et mini-atelier routine", "50 min", "38 €"),
    ],
}
PAGE_2 = {
    "Soins et coiffages": [
        ("Lavage méthode boucles, définition et séchage diffuseur", "1h", "45 €"),
        ("Soin hydratation profonde sous vapeur", "45 min", "38 €"),
        ("Soin protéiné reconstructeur", "45 min", "40 €"),
        ("Détox du cuir chevelu à l'argile", "30 min", "30 €"),
        ("Vanilles sur cheveux naturels", "2h30", "à partir de 85 €"),
        ("Coiffure d'événement, chignon bouclé", "45 min", "48 €"),
    ],
    "Couleur": [
        ("Henné et coloration végétale", "2h", "à partir de 65 €"),
        ("Couleur racines sans ammoniaque", "1h15", "50 €"),
        ("Pintura, mèches peintes boucle par boucle", "2h30", "à partir de 130 €"),
        ("Éclaircissement contour du visage", "1h30", "à partir de 85 €"),
        ("Gloss ou patine", "30 min", "28 €"),
    ],
    "Ongles — avec Clémence, le samedi": [
        ("Manucure express", "30 min", "25 €"),
        ("Pose de vernis semi-permanent", "1h", "38 €"),
        ("Dépose de semi-permanent", "20 min", "15 €"),
    ],
}


def main() -> None:
    write_price_pdf(
        OUT,
        title="Maison Frisottis — Carte des prestations 2026-2027",
        address="14 rue Notre-Dame, Bordeaux (Chartrons) · 05 56 48 27 19 · frisottis.fr",
        pages=(PAGE_1, PAGE_2),
        header=("Prestation", "Temps", "Tarif"),
        note_title="Bon à savoir",
        note="Chevelure très dense ou au-delà des omoplates : supplément de 10 € sur les coupes "
        "à sec et les soins. Décor d'ongle (nail art) : + 3 € par ongle. "
        "Toute réservation sur le site est confirmée par un acompte de 30 %, déduit le jour J. "
        "Tarifs TTC en vigueur au 1er septembre 2026.",
    )


if __name__ == "__main__":
    main()
