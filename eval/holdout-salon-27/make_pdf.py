"""Writes sources/carte-des-tarifs-2026-2027.pdf of held-out salon 27 (run once; output committed).

Usage: .venv/bin/python eval/holdout-salon-27/make_pdf.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # eval/, for price_pdf
from price_pdf import write_price_pdf  # noqa: E402

OUT = Path(__file__).parent / "sources" / "carte-des-tarifs-2026-2027.pdf"

PAGE_1 = {
    "Consultations (avant toute pose)": [
        ("Consultation extensions : diagnostic, choix de teinte, devis", "30 min", "20 €"),
        ("Consultation lissage et test de mèche", "20 min", "offerte"),
    ],
    "Extensions à chaud (kératine)": [
        ("Pose kératine, 100 mèches", "3h", "à partir de 290 €"),
        ("Pose kératine, 150 mèches", "4h", "à partir de 420 €"),
        ("Mèche kératine en plus (au-delà du forfait)", "—", "2,90 € la mèche"),
        ("Repose kératine de vos mèches, 100 mèches", "2h30", "190 €"),
        ("Dépose kératine", "1h", "60 €"),
        ("Mèches de couleur fantaisie, 10 mèches", "45 min", "50 €"),
    ],
    "Extensions à froid (micro-anneaux)": [
        ("Pose micro-anneaux, 100 mèches", "3h", "à partir de 310 €"),
        ("Mèche à anneau en plus", "—", "3,10 € la mèche"),
        ("Resserrage micro-anneaux", "1h30", "à partir de 85 €"),
        ("Dépose micro-anneaux", "45 min", "45 €"),
    ],
    "Bandes adhésives (tape-in)": [
        ("Pose de 20 bandes adhésives", "1h30", "à partir de 240 €"),
        ("Pose de 40 bandes adhésives", "2h", "à partir de 420 €"),
        ("Bande adhésive en plus", "—", "9 € la bande"),
        ("Repositionnement des bandes adhésives (adhésif neuf compris)", "2h", "à partir de 110 €"),
        ("Dépose des bandes adhésives", "45 min", "40 €"),
    ],
}
PAGE_2 = {
    "Lissages et soins profonds": [
        ("Lissage brésilien, cheveux courts", "2h30", "à partir de 160 €"),
        ("Lissage brésilien, cheveux mi-longs", "3h", "à partir de 200 €"),
        ("Lissage brésilien, cheveux longs", "4h", "à partir de 250 €"),
        ("Lissage au tanin, sans formol", "3h30", "à partir de 190 €"),
        ("Retouche tanin sur repousses", "2h30", "à partir de 140 €"),
        ("Botox capillaire", "1h30", "à partir de 75 €"),
        ("Soin profond à la kératine (sans lissage)", "45 min", "45 €"),
    ],
    "Entretien, coupe et coiffage": [
        ("Shampoing et brushing spécial extensions", "45 min", "35 €"),
        ("Coupe d'intégration (fondu entre vos cheveux et les extensions)", "30 min", "30 €"),
        ("Coupe des pointes", "30 min", "25 €"),
        ("Soin hydratant pour extensions", "30 min", "25 €"),
        ("Couleur raccord (harmonisation avec les extensions)", "1h", "à partir de 55 €"),
        ("Ondulations au fer", "30 min", "30 €"),
        ("Coiffure de soirée sur extensions", "45 min", "45 €"),
    ],
}


def main() -> None:
    write_price_pdf(
        OUT,
        title="Studio Longueurs — Carte des tarifs 2026-2027",
        address="9 rue du Faubourg Boutonnet, 34090 Montpellier · 04 67 63 41 28 · @studiolongueurs",
        pages=(PAGE_1, PAGE_2),
        header=("Prestation", "Temps", "Tarif"),
        note_title="Bon à savoir",
        note="Les forfaits de pose comprennent les cheveux (100 % naturels Remy, longueur 50 cm). "
        "Longueur 60 cm : + 15 % sur le forfait ; longueur 40 cm : − 10 %. "
        "Lissages sur chevelure très épaisse ou sous les omoplates : + 30 €. "
        "Les 20 € de la consultation extensions sont déduits du forfait si la pose a lieu dans les deux mois. "
        "Tarifs TTC en vigueur au 1er septembre 2026.",
    )


if __name__ == "__main__":
    main()
