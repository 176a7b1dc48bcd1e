"""Writes sources/carte-hiver-2026-2027.pdf of the thirtieth held-out salon (run once; output committed).

Usage: .venv/bin/python eval/holdout-salon-30/make_pdf.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # eval/, for price_pdf
from price_pdf import write_price_pdf  # noqa: E402

OUT = Path(__file__).parent / "sources" / "carte-hiver-2026-2027.pdf"

PAGE_1 = {
    "Rituels Head Spa": [
        ("Head Spa Express Éclat", "30 min", "55 €"),
        ("Rituel Head Spa Signature Sakura", "1h", "95 €"),
        ("Rituel Head Spa Prestige Kintsugi", "1h30", "135 €"),
        ("Rituel Mistral pour lui", "45 min", "70 €"),
        ("Rituel Duo côte à côte (pour deux personnes)", "1h", "180 €"),
    ],
    "Cuir chevelu": [
        ("Diagnostic du cuir chevelu à la micro-caméra", "20 min", "25 €"),
        ("Soin détox à l'argile rose", "45 min", "65 €"),
        ("Soin apaisant peaux réactives", "45 min", "65 €"),
        ("Soin purifiant antipelliculaire", "40 min", "58 €"),
        ("Cure fortifiante, 6 séances", "40 min par séance", "330 €"),
    ],
    "Lissages et textures": [
        ("Lissage japonais (cheveux naturels)", "4h30", "à partir de 290 €"),
        ("Retouche lissage japonais, repousses", "3h30", "à partir de 210 €"),
        ("Soin lissant à la kératine", "3h", "à partir de 180 €"),
        ("Soin comblant au collagène", "1h30", "à partir de 120 €"),
        ("Ondulation souple", "2h", "à partir de 110 €"),
    ],
}
PAGE_2 = {
    "Coupes et coiffage": [
        ("Coupe femme, shampoing et brushing, cheveux courts", "1h", "68 €"),
        ("Coupe femme, shampoing et brushing, cheveux longs", "1h15", "82 €"),
        ("Shampoing et brushing", "45 min", "45 €"),
        ("Coupe homme", "40 min", "48 €"),
        ("Coupe homme et taille de barbe", "1h", "65 €"),
        ("Coupe enfant (moins de 12 ans)", "30 min", "35 €"),
        ("Chignon ou coiffure d'événement", "1h", "à partir de 90 €"),
        ("Forfait mariée, essai et jour J", "3h", "à partir de 380 €"),
    ],
    "Couleur et lumière": [
        ("Couleur racines", "1h30", "75 €"),
        ("Couleur complète", "2h", "95 €"),
        ("Balayage soleil", "3h", "à partir de 160 €"),
        ("Blond polaire, décoloration totale", "4h", "à partir de 220 €"),
        ("Gloss patine", "30 min", "40 €"),
    ],
    "Soins capillaires": [
        ("Soin réparateur à l'eau de riz fermentée", "20 min", "35 €"),
    ],
}


def main() -> None:
    write_price_pdf(
        OUT,
        title="Maison Sélène — Carte des soins, hiver 2026-2027",
        address="9 rue Paradis, 06000 Nice · 04 93 87 41 20 · Carte valable du 1er décembre 2026 au 31 mars 2027",
        pages=(PAGE_1, PAGE_2),
        header=("Soin", "Temps", "Tarif"),
        note_title="Bon à savoir",
        note="Chevelures au-delà des omoplates ou très denses : supplément de 20 € sur les couleurs, "
        "les balayages et les lissages. Prolongation du massage de 15 minutes sur tout rituel Head Spa : "
        "+ 25 €. Le diagnostic à la micro-caméra est offert lorsqu'il est suivi d'un soin du cuir chevelu "
        "le jour même. Tarifs TTC, service compris.",
    )


if __name__ == "__main__":
    main()
