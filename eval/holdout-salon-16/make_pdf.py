"""Writes sources/tarifs-septembre-2026.pdf of the sixteenth held-out salon (run once; output
committed).

Usage: .venv/bin/python eval/holdout-salon-16/make_pdf.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # eval/, for price_pdf
from price_pdf import write_price_pdf  # noqa: E402

OUT = Path(__file__).parent / "sources" / "tarifs-septembre-2026.pdf"

PAGE_1 = {
    "Diagnostic et soins": [
        ("Diagnostic texture et cuir chevelu", "30 min", "20 €"),
        ("Wash & go (lavage, soin, définition des boucles)", "1h15", "55 €"),
        ("Soin hydratation profonde sous vapeur", "45 min", "38 €"),
        ("Détox du cuir chevelu (gommage et massage)", "40 min", "32 €"),
        ("Bain d'huiles chaudes", "30 min", "26 €"),
    ],
    "Coupes": [
        ("Coupe boucle par boucle sur cheveux secs", "1h30", "à partir de 75 €"),
        ("Rafraîchissement des pointes", "45 min", "40 €"),
        ("Big chop (coupe de transition)", "1h", "50 €"),
        ("Coupe homme dégradé (taper, fade)", "40 min", "28 €"),
        ("Coupe enfant (jusqu'à 12 ans)", "30 min", "22 €"),
    ],
    "Lissage et mises en forme": [
        ("Silk press", "2h30", "à partir de 90 €"),
        ("Brushing sur cheveux naturels", "1h", "45 €"),
        ("Twist-out ou braid-out", "1h30", "60 €"),
        ("Bantu knots", "1h15", "55 €"),
        ("Pose de perruque lace (perruque fournie par la cliente)", "1h30", "80 €"),
    ],
}
PAGE_2 = {
    "Tresses et nattes": [
        ("Nattes collées sans rajouts", "1h30", "à partir de 45 €"),
        ("Nattes collées avec rajouts (feed-in)", "3h", "à partir de 85 €"),
        ("Box braids mi-longues", "5h", "à partir de 150 €"),
        ("Knotless braids (tresses sans nœuds)", "6h", "à partir de 180 €"),
        ("Vanilles avec rajouts (twists)", "4h", "à partir de 130 €"),
        ("Crochet braids", "2h30", "à partir de 95 €"),
        ("Démontage de tresses ou vanilles", "1h", "40 €"),
        ("Tresses enfant (jusqu'à 10 ans)", "1h30", "à partir de 40 €"),
    ],
    "Locks": [
        ("Création de locks au crochet", "4h", "à partir de 220 €"),
        ("Création de microlocks", "8h", "à partir de 450 €"),
        ("Entretien des locks (retwist)", "2h", "à partir de 70 €"),
        ("Réparation de locks", "1h", "45 €"),
    ],
    "Couleur": [
        ("Coloration au henné (végétale)", "2h", "à partir de 70 €"),
        ("Couleur ton sur ton racines", "1h30", "60 €"),
        ("Éclaircissement et mèches sur boucles", "3h", "à partir de 140 €"),
    ],
}


def main() -> None:
    write_price_pdf(
        OUT,
        title="Maison Nubia — Carte des prestations",
        address="Tarifs en vigueur depuis le 1er septembre 2026 · 27 rue du Faubourg-Saint-Denis, "
        "Paris 10e · 01 42 46 87 31",
        pages=(PAGE_1, PAGE_2),
        header=("Prestation", "Temps estimé", "Tarif"),
        note_title="Bon à savoir",
        note="Les mèches synthétiques pré-étirées sont comprises dans le prix des tresses, "
        "vanilles et crochet braids (coloris naturels : noir, brun, châtain). Coloris fantaisie "
        "(rouge, blond, ombré) : supplément de 10 €. Longueur bas du dos ou plus : supplément "
        "de 25 € sur les tresses et vanilles. Le temps estimé est une moyenne : une chevelure "
        "très dense peut demander une à deux heures de plus. Prix TTC.",
        pdf_title="Maison Nubia - tarifs septembre 2026",
    )


if __name__ == "__main__":
    main()
