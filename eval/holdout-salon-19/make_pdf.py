"""Writes sources/tarifs-tempo-marcq-hiver-2026.pdf of the nineteenth held-out salon (run
once; output committed).

Usage: .venv/bin/python eval/holdout-salon-19/make_pdf.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # eval/, for price_pdf
from price_pdf import write_price_pdf  # noqa: E402

OUT = Path(__file__).parent / "sources" / "tarifs-tempo-marcq-hiver-2026.pdf"

PAGE_1 = {
    "Femmes": [
        ("Shampoing, coupe et brushing, cheveux courts", "35 min", "32 €"),
        ("Shampoing, coupe et brushing, cheveux mi-longs", "45 min", "38 €"),
        ("Shampoing, coupe et brushing, cheveux longs", "55 min", "44 €"),
        ("Coupe express sans shampoing ni brushing*", "20 min", "22 €"),
        ("Brushing, cheveux courts*", "25 min", "22 €"),
        ("Brushing, cheveux mi-longs et longs*", "35 min", "28 €"),
        ("Retouche de frange*", "10 min", "7 €"),
        ("Coiffage au fer, ondulations ou lisse", "30 min", "25 €"),
        ("Chignon ou attache de soirée", "45 min", "à partir de 45 €"),
        ("Tresses plaquées, deux nattes", "30 min", "20 €"),
    ],
    "Enfants": [
        ("Coupe enfant, moins de 10 ans*", "20 min", "14 €"),
        ("Coupe junior, de 10 à 16 ans*", "25 min", "18 €"),
    ],
}
PAGE_2 = {
    "Couleur": [
        ("Couleur racines", "1h15", "42 €"),
        ("Couleur complète", "1h30", "54 €"),
        ("Coloration ton sur ton sans ammoniaque", "1h", "39 €"),
        ("Balayage", "2h30", "à partir de 79 €"),
        ("Mèches au bonnet ou en papillotes", "2h", "à partir de 65 €"),
        ("Décoloration totale", "3h", "à partir de 95 €"),
        ("Patine ou gloss", "20 min", "18 €"),
    ],
    "Techniques et soins": [
        ("Lissage brésilien", "3h", "à partir de 150 €"),
        ("Permanente", "2h", "62 €"),
        ("Soin profond à la kératine", "20 min", "15 €"),
        ("Massage crânien relaxant", "15 min", "10 €"),
    ],
}


def main() -> None:
    write_price_pdf(
        OUT,
        title="Tempo Coiffure Quai des Flandres — Carte des prestations, hiver 2026-2027",
        address="Centre commercial Quai des Flandres, rez-de-chaussée, allée des "
        "Tisserands, Marcq-en-Barœul · 03 20 18 47 52",
        pages=(PAGE_1, PAGE_2),
        header=("Prestation", "Temps", "Tarif"),
        note_title="Bon à savoir",
        note="* Prestations réalisées aussi sans rendez-vous, selon l'attente. "
        "Cheveux au-delà des épaules : supplément de 10 € sur les couleurs, les mèches, "
        "le balayage et la décoloration. Shampoing traitant antipelliculaire ou "
        "anti-chute : + 4 €. Étudiants de moins de 26 ans : -20 % sur les coupes du lundi "
        "au jeudi, sur présentation de la carte d'étudiant de l'année en cours (hors "
        "couleurs et techniques, non cumulable avec une autre offre). Prix TTC.",
    )


if __name__ == "__main__":
    main()
