"""Writes sources/tarifs-maison-albane-2026.pdf of held-out salon 23 (run once; output committed).

Usage: .venv/bin/python eval/holdout-salon-23/make_pdf.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # eval/, for price_pdf
from price_pdf import write_price_pdf  # noqa: E402

OUT = Path(__file__).parent / "sources" / "tarifs-maison-albane-2026.pdf"

PAGE_1 = {
    "Coupes": [
        ("Coupe femme, shampoing et brushing, cheveux courts", "45 min", "39 €"),
        ("Coupe femme, shampoing et brushing, cheveux mi-longs à longs", "1h", "49 €"),
        ("Brushing", "30 min", "27 €"),
        ("Coupe homme", "30 min", "26 €"),
        ("Coupe tondeuse ou entretien du crâne rasé", "20 min", "18 €"),
        ("Coupe enfant, moins de 12 ans", "25 min", "17 €"),
        ("Coupe de repousse après traitement", "30 min", "25 €"),
    ],
    "Couleurs": [
        ("Couleur racines", "1h15", "45 €"),
        ("Couleur complète sans ammoniaque", "1h30", "58 €"),
        ("Coloration végétale", "2h30", "à partir de 72 €"),
        ("Balayage", "2h30", "à partir de 95 €"),
        ("Patine", "20 min", "20 €"),
    ],
}
PAGE_2 = {
    "Trichologie et cuir chevelu": [
        ("Diagnostic capillaire à la microcaméra", "45 min", "55 €"),
        ("Consultation de trichologie, première visite", "1h", "90 €"),
        ("Consultation de suivi en trichologie", "30 min", "50 €"),
        ("Soin apaisant du cuir chevelu", "45 min", "48 €"),
        ("Soin purifiant anti-pelliculaire", "40 min", "42 €"),
        ("Séance de luminothérapie LED", "30 min", "35 €"),
    ],
    "Prothèses, compléments et perruques": [
        ("Rendez-vous conseil et essayage en salon privé", "1h", "offert"),
        ("Complément capillaire sur mesure, pose comprise", "2h", "à partir de 690 €"),
        ("Prothèse capillaire totale sur mesure, empreinte et pose", "2h30", "à partir de 1450 €"),
        ("Adaptation et coupe d'une perruque", "45 min", "45 €"),
        ("Entretien de prothèse : nettoyage, soin, recollage", "1h15", "65 €"),
        ("Refixation du complément", "1h", "55 €"),
        ("Lavage et remise en forme d'une perruque synthétique", "30 min", "30 €"),
        ("Coloration d'une perruque en cheveux naturels", "1h30", "à partir de 80 €"),
        ("Rasage du crâne avant chimiothérapie, en salon privé", "30 min", "offert"),
        ("Atelier nouage de foulards et turbans", "45 min", "25 €"),
    ],
}


def main() -> None:
    write_price_pdf(
        OUT,
        title="Maison Albane — Carte des prestations 2026-2027",
        address="9 rue du Dôme, Strasbourg · 03 88 21 54 07 · coiffure et solutions capillaires",
        pages=(PAGE_1, PAGE_2),
        header=("Prestation", "Temps", "Tarif"),
        note_title="Bon à savoir",
        note="Chevelure au-delà des épaules : supplément de 10 € sur les couleurs, la coloration "
        "végétale et le balayage. La refixation d'un complément se prévoit toutes les 4 à 6 "
        "semaines. Une perruque synthétique confiée pour lavage est rendue sous 48 heures. "
        "Les perruques et les accessoires figurent dans notre catalogue séparé. "
        "Prix TTC en vigueur depuis le 1er octobre 2026.",
    )


if __name__ == "__main__":
    main()
