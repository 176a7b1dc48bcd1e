"""Rebuilds the price list PDF of held-out salon 9 (Les Tilleuls Coiffure, Bordeaux-Caudéran).

Run from anywhere: `python eval/holdout-salon-9/make_pdf.py`. The prices and durations
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
        ("Coupe et brushing femme, cheveux courts", "45 min", "42 €"),
        ("Coupe et brushing femme, cheveux mi-longs à longs", "1h15", "55 €"),
        ("Brushing seul", "30 min", "26 €"),
        ("Coupe femme sans brushing, séchage naturel", "30 min", "34 €"),
        ("Mise en plis", "45 min", "30 €"),
    ],
    "Hommes": [
        ("Coupe homme aux ciseaux", "30 min", "24 €"),
        ("Coupe homme et taille de barbe", "45 min", "35 €"),
        ("Taille de barbe", "20 min", "15 €"),
        ("Rasage traditionnel au coupe-chou", "30 min", "22 €"),
        ("Coupe tondeuse, une seule hauteur", "15 min", "14 €"),
    ],
    "Enfants": [
        ("Coupe enfant, moins de 6 ans", "20 min", "13 €"),
        ("Coupe enfant, 6 à 12 ans", "25 min", "17 €"),
        ("Coupe ado, 13 à 17 ans", "30 min", "21 €"),
        ("Tresses et nattes enfant", "30 min", "à partir de 15 €"),
    ],
}

PAGE_TWO = {
    "Couleur et mèches": [
        ("Coloration racines", "1 h", "45 €"),
        ("Coloration complète", "1 h 30", "à partir de 60 €"),
        ("Coloration végétale", "2 h", "à partir de 70 €"),
        ("Balayage", "2 h 30", "à partir de 95 €"),
        ("Mèches en papillotes", "120 min", "à partir de 80 €"),
        ("Gloss ou patine", "30 min", "28 €"),
        ("Décoloration complète", "3 h", "à partir de 120 €"),
        ("Supplément cheveux très longs ou très épais", "—", "+ 12 €"),
    ],
    "Soins et techniques": [
        ("Soin profond hydratant", "20 min", "18 €"),
        ("Massage du cuir chevelu", "15 min", "12 €"),
        ("Lissage à la kératine", "2 h 30", "à partir de 160 €"),
        ("Permanente", "1h45", "à partir de 65 €"),
    ],
    "Mariage et événements": [
        ("Essai coiffure de mariée", "1 h", "50 €"),
        ("Coiffure de mariée le jour J, au salon", "90 min", "140 €"),
        ("Forfait mariée, essai et jour J", "2 h 30", "175 €"),
        ("Chignon ou coiffure de soirée", "1 h", "48 €"),
        ("Coiffure d'invitée ou de demoiselle d'honneur", "45 min", "38 €"),
    ],
}

NOTE = (
    "Prix en euros TTC, valables à partir du 1er janvier 2027. Les prix « à partir de » "
    "dépendent de la longueur et de l'épaisseur des cheveux : le devis est établi lors "
    "d'un diagnostic gratuit avant la prestation. Le supplément cheveux très longs ou très "
    "épais s'applique aux colorations, balayages, mèches et décolorations. Tarif étudiant : "
    "10 % de remise sur les coupes du mardi au jeudi, sur présentation de la carte "
    "d'étudiant. Rendez-vous au 05 56 42 18 73."
)


def main() -> None:
    write_price_pdf(
        HERE / "sources" / "tarifs-les-tilleuls-2027.pdf",
        title="Les Tilleuls Coiffure — Tarifs 2027",
        address="42 avenue Louis Barthou, 33200 Bordeaux (Caudéran) — 05 56 42 18 73",
        pages=(PAGE_ONE, PAGE_TWO),
        header=("Prestation", "Durée", "Prix"),
        note_title="Bon à savoir",
        note=NOTE,
        pdf_title="Tarifs Les Tilleuls Coiffure 2027",
    )


if __name__ == "__main__":
    main()
