"""Writes sources/tarifs-2027.pdf of the second held-out salon (run once; output committed).

Usage: .venv/bin/python eval/holdout-salon-2/make_pdf.py
"""

from __future__ import annotations

from pathlib import Path

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

OUT = Path(__file__).parent / "sources" / "tarifs-2027.pdf"

PAGE_1 = {
    "Femmes": [
        ("Coupe et brushing, cheveux courts", "45 min", "39 €"),
        ("Coupe et brushing, cheveux longs", "1h", "49 €"),
        ("Shampoing et brushing", "30 min", "27 €"),
        ("Coupe de frange", "10 min", "8 €"),
    ],
    "Hommes": [
        ("Coupe aux ciseaux", "30 min", "26 €"),
        ("Coupe à la tondeuse", "20 min", "19 €"),
        ("Taille de barbe", "20 min", "15 €"),
        ("Coupe et barbe", "45 min", "36 €"),
    ],
    "Jeunes": [
        ("Coupe enfant (moins de 10 ans)", "20 min", "14 €"),
        ("Coupe étudiant (sur présentation de la carte)", "30 min", "22 €"),
    ],
}
PAGE_2 = {
    "Couleur": [
        ("Couleur végétale (henné, indigo)", "2h", "68 €"),
        ("Coloration des racines", "1h", "45 €"),
        ("Balayage", "2h30", "à partir de 90 €"),
        ("Ombré", "2h30", "à partir de 95 €"),
        ("Patine", "20 min", "18 €"),
    ],
    "Soins": [
        ("Soin hydratant cheveux frisés et crépus", "30 min", "25 €"),
        ("Lissage brésilien", "3h", "à partir de 180 €"),
    ],
    "Coiffures": [
        ("Coiffure de soirée", "45 min", "45 €"),
        ("Chignon de mariée, essai compris", "2h", "130 €"),
    ],
}


def main() -> None:
    rl_config.invariant = 1
    st = getSampleStyleSheet()
    grid = TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey)])
    story: list = [
        Paragraph("Les Ciseaux d'Alice — Tarifs 2027", st["Title"]),
        Paragraph("18 rue Notre-Dame, Bordeaux · 05 56 44 12 87", st["BodyText"]),
        Spacer(1, 0.3 * cm),
    ]
    for number, page in enumerate((PAGE_1, PAGE_2)):
        if number:
            story.append(PageBreak())
        for category, rows in page.items():
            story.append(Paragraph(category, st["Heading2"]))
            story.append(Table([["Prestation", "Durée", "Prix"], *rows], style=grid))
    story.append(Paragraph("Bon à savoir", st["Heading2"]))
    story.append(
        Paragraph(
            "Cheveux très épais : + 6 € sur les coupes femmes. Tous nos prix sont TTC.",
            st["BodyText"],
        )
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    SimpleDocTemplate(str(OUT), pagesize=A4, title="Les Ciseaux d'Alice — Tarifs 2027").build(story)


if __name__ == "__main__":
    main()
