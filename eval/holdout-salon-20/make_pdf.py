"""Writes sources/carte-prestations-hiver-2026.pdf of the twentieth held-out salon (run once;
output committed).

Usage: .venv/bin/python eval/holdout-salon-20/make_pdf.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # eval/, for price_pdf
from price_pdf import write_price_pdf  # noqa: E402

OUT = Path(__file__).parent / "sources" / "carte-prestations-hiver-2026.pdf"

PAGE_1 = {
    "Coupes": [
        ("Coupe classique aux ciseaux", "35 min", "27 €"),
        ("Coupe à la tondeuse, une seule hauteur", "20 min", "18 €"),
        ("Dégradé à blanc (skin fade)", "45 min", "30 €"),
        ("Coupe cheveux longs", "1h", "42 €"),
        ("Coupe et taille de barbe", "1h", "45 €"),
        ("Coupe junior (moins de 12 ans)", "25 min", "17 €"),
        ("Coupe étudiant (du mardi au jeudi, sur justificatif)", "35 min", "22 €"),
        ("Shampoing et coiffage", "20 min", "14 €"),
        ("Tresses plaquées", "1h30", "à partir de 55 €"),
    ],
    "Barbe et rasage": [
        ("Rasage à l'ancienne", "45 min", "35 €"),
        ("Grand Rituel", "1h15", "55 €"),
        ("Taille de barbe", "25 min", "20 €"),
        ("Barbe sculptée au rasoir", "40 min", "28 €"),
        ("Entretien moustache", "10 min", "8 €"),
        ("Crâne lisse au rasoir", "30 min", "25 €"),
        ("Contour de nuque", "10 min", "7 €"),
    ],
}
PAGE_2 = {
    "Couleur homme": [
        ("Camouflage cheveux blancs", "30 min", "29 €"),
        ("Camouflage barbe", "20 min", "22 €"),
        ("Coloration complète", "1h", "à partir de 45 €"),
        ("Éclaircissement par mèches", "1h30", "à partir de 60 €"),
        ("Décoloration platine", "2h30", "à partir de 95 €"),
    ],
    "Soins": [
        ("Soin visage purifiant (gommage, masque à l'argile)", "30 min", "30 €"),
        ("Soin barbe à l'huile chaude", "20 min", "15 €"),
        ("Épilation nez et oreilles à la cire", "10 min", "10 €"),
        ("Restructuration des sourcils", "10 min", "9 €"),
        ("Massage crânien", "15 min", "12 €"),
        ("Soin profond cheveux longs", "25 min", "18 €"),
    ],
    "Formules": [
        ("Formule Marié (coupe, Grand Rituel, soin visage)", "2h30", "110 €"),
        ("Formule Père et fils (coupe classique et coupe junior)", "1h", "40 €"),
    ],
}


def main() -> None:
    write_price_pdf(
        OUT,
        title="Barberie Castaing — La carte, hiver 2026-2027",
        address="27 rue de la République, 31300 Toulouse · 05 61 42 73 18",
        pages=(PAGE_1, PAGE_2),
        header=("Prestation", "Temps", "Tarif"),
        note_title="Bon à savoir",
        note="Cheveux au-delà des épaules : + 10 € sur la coloration complète, "
        "l'éclaircissement et la décoloration. Le Grand Rituel comprend deux passages "
        "de lame, serviettes chaudes, masque et massage du visage. "
        "Règlement par carte uniquement. Prix TTC.",
    )


if __name__ == "__main__":
    main()
