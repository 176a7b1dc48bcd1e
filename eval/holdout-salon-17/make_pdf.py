"""Writes sources/carte-prestations-2026-2027.pdf of the seventeenth held-out salon (run once;
output committed).

Usage: .venv/bin/python eval/holdout-salon-17/make_pdf.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # eval/, for price_pdf
from price_pdf import write_price_pdf  # noqa: E402

OUT = Path(__file__).parent / "sources" / "carte-prestations-2026-2027.pdf"

PAGE_1 = {
    "Coupes et coiffage": [
        ("Coupe femme, cheveux courts (shampooing, coupe, brushing)", "45 min", "52 €"),
        ("Coupe femme, cheveux mi-longs à longs (shampooing, coupe, brushing)", "1h", "64 €"),
        ("Brushing", "35 min", "32 €"),
        ("Mise en forme au fer (ondulations, boucles glamour)", "45 min", "42 €"),
        ("Coupe homme", "30 min", "34 €"),
        ("Coupe enfant (moins de 12 ans)", "25 min", "22 €"),
        ("Retouche de frange", "10 min", "10 €"),
    ],
    "Couleur et lumière": [
        ("Couleur racines", "1h15", "58 €"),
        ("Couleur globale", "1h30", "72 €"),
        ("Balayage à main levée", "2h30", "à partir de 135 €"),
        ("Mèches en papillotes", "2h", "à partir de 110 €"),
        ("Patine (gloss)", "30 min", "28 €"),
        ("Décoloration totale (blond polaire)", "3h30", "à partir de 190 €"),
    ],
    "Soins et lissages": [
        ("Rituel soin profond Kérastase", "30 min", "26 €"),
        ("Soin détox du cuir chevelu", "40 min", "35 €"),
        ("Lissage brésilien", "2h30", "à partir de 210 €"),
    ],
}
PAGE_2 = {
    "Coiffure de mariage et d'événement": [
        ("Essai coiffure mariée", "1h30", "95 €"),
        ("Coiffure de la mariée, jour J", "1h30", "180 €"),
        ("Chignon ou attache d'invitée", "50 min", "65 €"),
        ("Coiffure enfant d'honneur (jusqu'à 12 ans)", "25 min", "30 €"),
        ("Pose de voile, couronne ou fleurs fraîches", "15 min", "15 €"),
    ],
    "Maquillage": [
        ("Essai maquillage mariée", "1h15", "85 €"),
        ("Maquillage de la mariée, jour J", "1h", "150 €"),
        ("Maquillage invitée ou soirée", "45 min", "55 €"),
        ("Maquillage express (retouche, mise en beauté rapide)", "20 min", "25 €"),
        ("Pose de faux cils en bande", "15 min", "12 €"),
        ("Cours d'auto-maquillage individuel", "1h30", "90 €"),
        ("Mise en beauté du marié (teint, anti-brillance)", "20 min", "35 €"),
    ],
    "Formules mariage": [
        (
            "Formule Sérénité mariée (2 essais + coiffure et maquillage jour J)",
            "2h30",
            "à partir de 460 €",
        ),
        ("Formule cortège : coiffure et maquillage, dès 4 personnes", "1h15", "105 € / pers."),
    ],
}


def main() -> None:
    write_price_pdf(
        OUT,
        title="Maison Aubanel — Carte des prestations 2026-2027",
        address="Studio coiffure et maquillage · 14 rue Edmond-Rostand, 13006 Marseille · "
        "04 91 37 52 86",
        pages=(PAGE_1, PAGE_2),
        header=("Prestation", "Temps", "Tarif"),
        note_title="Suppléments et précisions",
        note="Chevelure longue ou très épaisse : + 12 € sur les couleurs, balayages et mèches. "
        "Jour J : prise en charge avant 8 h, + 40 €. Formule Sérénité : durée indiquée pour "
        "le jour J, les deux essais se font sur un autre rendez-vous. Frais de déplacement "
        "en sus (voir conditions mariage). Tarifs TTC, valables du 1er septembre 2026 au "
        "31 août 2027.",
    )


if __name__ == "__main__":
    main()
